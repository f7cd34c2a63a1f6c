import { beforeDeadline, sleep, TIMED_OUT } from './deadline.js';
import { DeadlineExceededError, SendFailedError } from './messaging-errors.js';
import { backoffDelay } from './retry-policy.js';

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
  'API Gateway answered 410 while its record was younger than the connect grace: its $connect was not accepted yet';

/**
 * Calls again a connection that answered 410 while its record was younger than the grace (its
 * `$connect` may still run, or have just returned: API Gateway answers 410 until it accepts the
 * connection). Retries with backoff until a call is accepted (`'ok'`), or until the grace left
 * has passed with 410 still coming back (`'gone'`; the caller then removes the record, if it is
 * old enough by the store's clock). Throws `DeadlineExceededError` when the deadline comes first,
 * `SendFailedError` when the broadcast is stopped, and whatever `attempt` throws.
 */
export async function untilAccepted(
  connectionId: string,
  graceLeftMs: number,
  attempt: () => Promise<'ok' | 'gone'>,
  deadline: number,
  stop?: AbortSignal,
): Promise<'ok' | 'gone'> {
  const until = Date.now() + graceLeftMs;
  for (let n = 1; ; n++) {
    const wait = backoffDelay(FIRST_RETRY_MS, MAX_RETRY_MS, n);
    if (Date.now() + wait >= deadline) throw new DeadlineExceededError(connectionId, PENDING_CONNECT);
    await sleep(wait, stop);
    if (stop?.aborted) throw new SendFailedError(connectionId, n, 410, 'broadcast stopped');
    const outcome = await beforeDeadline(attempt(), deadline);
    if (outcome === TIMED_OUT) throw new DeadlineExceededError(connectionId, PENDING_CONNECT);
    if (outcome === 'ok') return 'ok';
    if (Date.now() >= until) return 'gone';
  }
}
