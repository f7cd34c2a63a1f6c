/**
 * The body field a client puts its request id in: `{"action":"join","$rid":"7",…}`. API Gateway
 * selects routes on another field (`action`) and passes the whole body through, so the id survives
 * to the integration. The `$` keeps it out of the way of application fields such as `id`.
 */
export const CORRELATION_FIELD = '$rid';

/** Longest request id accepted; longer ones are left in the body and not correlated. */
const MAX_ID_LENGTH = 128;

interface Correlation {
  readonly id: string;
  /** Set once `reply()` answered the request, so the route response is not wrapped a second time. */
  replied: boolean;
}

// Keyed by the event: shared by every context built for it (in-Lambda route selection makes two).
const correlations = new WeakMap<object, Correlation>();

/**
 * Takes the request id out of a freshly parsed body (so strict schemas never see it) and records
 * it for the event. Called where the body is parsed; answers nothing.
 */
export function takeCorrelationId(event: object, parsed: unknown): void {
  if (typeof parsed !== 'object' || parsed === null || !Object.hasOwn(parsed, CORRELATION_FIELD)) return;
  const id = (parsed as Record<string, unknown>)[CORRELATION_FIELD];
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) return;
  delete (parsed as Record<string, unknown>)[CORRELATION_FIELD];
  correlations.set(event, { id, replied: false });
}

/** The correlation recorded for an event, if its body carried one. */
export function correlationOf(event: object): Correlation | undefined {
  return correlations.get(event);
}

/**
 * The request id the client sent with this message (`undefined` for fire-and-forget messages).
 * Reading it parses the body if nothing did yet.
 */
export function correlationId(ctx: { readonly event: object; readonly body: unknown }): string | undefined {
  void ctx.body; // the id is taken when the body is parsed
  return correlations.get(ctx.event)?.id;
}
