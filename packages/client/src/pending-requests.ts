import { ClientError } from './errors.js';

interface Pending<C> {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: ClientError) => void;
  readonly timer: ReturnType<typeof setTimeout>;
  /** The connection the request was written to (`undefined`: still queued). */
  conn: C | undefined;
}

/** The requests waiting for their reply, by request id; `C` is the client's connection type. */
export class PendingRequests<C> {
  readonly #map = new Map<string, Pending<C>>();

  /**
   * Registers request `rid`; the promise settles with its reply, or rejects on timeout or failure.
   * `onTimeout` runs when it times out (the client drops it from its send queue then).
   */
  open(rid: string, action: string, timeoutMs: number, onTimeout?: () => void): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#map.delete(rid);
        onTimeout?.();
        reject(new ClientError('Timeout', `no reply to ${action} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#map.set(rid, { resolve, reject, timer, conn: undefined });
    });
  }

  /** Whether `rid` still waits for its reply. */
  has(rid: string): boolean {
    return this.#map.has(rid);
  }

  /** Records that `rid` was written to `conn` (its loss rejects the request). */
  bind(rid: string, conn: C): void {
    const pending = this.#map.get(rid);
    if (pending !== undefined) pending.conn = conn;
  }

  /** Whether a request written to `conn` still waits. */
  busy(conn: C): boolean {
    return [...this.#map.values()].some((p) => p.conn === conn);
  }

  /** Settles `rid` with a reply envelope `{ ok, data }` or `{ ok: false, status, error }`; ignores late ones. */
  answer(rid: string, reply: { ok?: unknown; data?: unknown; status?: number; error?: unknown }): void {
    const pending = this.#take(rid);
    if (pending === undefined) return; // late or duplicate reply
    if (reply.ok === true) {
      pending.resolve(reply.data);
      return;
    }
    const text = (reply.error as { message?: unknown } | undefined)?.message;
    pending.reject(
      new ClientError(
        'Rejected',
        typeof text === 'string' ? text : `request failed (${reply.status})`,
        reply.status,
        reply.error,
      ),
    );
  }

  /** Rejects `rid` (it could not be sent). */
  fail(rid: string, error: ClientError): void {
    this.#take(rid)?.reject(error);
  }

  /** Rejects every request written to `conn`, or every request at all when `conn` is `undefined`. */
  failOn(conn: C | undefined, error: ClientError): void {
    for (const [rid, p] of this.#map) if (conn === undefined || p.conn === conn) this.fail(rid, error);
  }

  #take(rid: string): Pending<C> | undefined {
    const pending = this.#map.get(rid);
    if (pending === undefined) return undefined;
    this.#map.delete(rid);
    clearTimeout(pending.timer);
    return pending;
  }
}
