/** Connection-data key holding the connection's session id. */
export const SESSION_KEY = 'wsappSession';
/** Connection-data key holding what `$connect` decided about the session (read by the resume route). */
export const RESUME_KEY = 'wsappResume';

/** Why a connection did not resume its session. */
export type ResumeRefusal = 'forged' | 'foreign' | 'expired' | 'superseded' | 'none';

/** What `$connect` recorded under {@link RESUME_KEY}. */
export interface ResumeOutcome {
  /** The principal hash the session is bound to. */
  p: string;
  /**
   * Whether `$connect` rejoined an earlier connection's session. The session is taken over (claimed)
   * only by the connection's first resume request, which proves the client has the connection.
   */
  resumed: boolean;
  /** Why not, when not resumed. */
  reason?: ResumeRefusal;
  /** The connection whose token was presented (it holds the session until the resume request claims it). */
  from?: string;
  /** Whether that connection was still recorded at `$connect` (make-before-break): its channels are taken over and its record retired at the claim. */
  live?: boolean;
  /** The app's resume window, seconds: what a snapshot written by gone-cleanup (any messenger) lasts. */
  w?: number;
  /** The client instance that opened the connection (`wsapp_client`), when it said. */
  i?: string;
}

/** The {@link ResumeOutcome} in a connection's data, `undefined` without one. */
export function readOutcome(data: Record<string, unknown>): ResumeOutcome | undefined {
  const value = data[RESUME_KEY] as Partial<ResumeOutcome> | undefined;
  if (typeof value !== 'object' || value === null || typeof value.p !== 'string') return undefined;
  return value as ResumeOutcome;
}

/** The session id in a connection's data, `undefined` without one. */
export function sessionIdOf(data: Record<string, unknown> | undefined): string | undefined {
  const id = data?.[SESSION_KEY];
  return typeof id === 'string' ? id : undefined;
}
