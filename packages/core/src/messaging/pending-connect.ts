import { beforeDeadline, sleep, TIMED_OUT } from './deadline.js';
import { DeadlineExceededError, SendFailedError } from './messaging-errors.js';
import { backoffDelay } from './retry-policy.js';
import type { StaleVerdict } from './stale-removal.js';

/**
 * How long after its record was written a connection answering 410 is taken for one whose
 * `$connect` has not been accepted yet (default of `connectGraceMs`): API Gateway's 29 s
 * integration timeout for `$connect`, plus the acceptance after it returns and the clock
 * differences between the Lambdas that write and read `connectedAt`.
 */
export const DEFAULT_CONNECT_GRACE_MS = 35_000;

/** Backoff of the calls to a connection not accepted yet: full jitter, from 100 ms up to 1 s. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 1000;

/** Why a connection whose record is young was not reached. */
export const PENDING_CONNECT =
  'API Gateway answered 410 while its record was younger than the connect grace (or the store could not tell its age): its $connect was not accepted yet';

/**
 * Why a connection answering 410 was not reached when asked not to wait and the store could not
 * tell its record's age: it may be a `$connect` not accepted yet, so it is not reported gone.
 */
export const UNKNOWN_AGE =
  'API Gateway answered 410 and the store failed to tell whether its record is younger than the connect grace (its $connect may not be accepted yet); its record is kept';

/**
 * Calls again a connection that answered 410 while its record was younger than the grace (its
 * `$connect` may still run, or have just returned: API Gateway answers 410 until it accepts the
 * connection). After each 410 the store is asked again (`recheck`: gone-cleanup's conditional
 * removal), so a connection that closed meanwhile — its `$disconnect` removed the record — stops
 * at once, and one whose record has aged past the grace is removed then. A recheck the store fails
 * (`undefined`) tells nothing: the record may still be young, so the calls go on (a connection in
 * `$connect` is never reported gone for a store fault). Answers `'ok'` once a call is accepted, else
 * the last verdict (`removed`, `absent`, `undefined` when the store failed until the grace passed
 * here, or `kept` when the store still finds the record young after the grace has passed here: its
 * clock disagrees). Throws `DeadlineExceededError` when the deadline comes first, `SendFailedError`
 * when the broadcast is stopped, and whatever `attempt` throws.
 */
export async function untilAccepted(
  connectionId: string,
  graceLeftMs: number,
  attempt: () => Promise<'ok' | 'gone'>,
  recheck: () => Promise<StaleVerdict | undefined>,
  deadline: number,
  stop?: AbortSignal,
): Promise<'ok' | StaleVerdict | undefined> {
  const until = Date.now() + graceLeftMs;
  for (let n = 1; ; n++) {
    const wait = backoffDelay(FIRST_RETRY_MS, MAX_RETRY_MS, n);
    if (Date.now() + wait >= deadline) throw new DeadlineExceededError(connectionId, PENDING_CONNECT);
    await sleep(wait, stop);
    if (stop?.aborted) throw new SendFailedError(connectionId, n, 410, 'broadcast stopped');
    const outcome = await beforeDeadline(attempt(), deadline);
    if (outcome === TIMED_OUT) throw new DeadlineExceededError(connectionId, PENDING_CONNECT);
    if (outcome === 'ok') return 'ok';
    const verdict = await recheck();
    if ((verdict !== undefined && verdict.kind !== 'kept') || Date.now() >= until) return verdict;
  }
}
