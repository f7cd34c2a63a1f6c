import type { ManagementApiError } from './management-api-error.js';

/**
 * AWS error codes that mean "the request's date is too far from the service's clock", as the AWS
 * SDK's retry logic lists them (`CLOCK_SKEW_ERROR_CODES` of `@smithy/core`'s retry classification).
 * API Gateway answers `InvalidSignatureException` ("Signature expired: … (… - 5 min.)").
 */
const CLOCK_SKEW_CODES = new Set([
  'AccessDeniedException',
  'AuthFailure',
  'InvalidSignatureException',
  'RequestExpired',
  'RequestInTheFuture',
  'RequestTimeTooSkewed',
  'SignatureDoesNotMatch',
]);

/** The messages of the same refusals when a proxy dropped the error type. */
const CLOCK_SKEW_MESSAGE = /signature expired|signature not yet current|too skewed|request.*expired/i;

/**
 * Skew from which a refusal is blamed on the clock: AWS refuses a request dated more than 5 minutes
 * from its own clock, and the AWS SDK corrects from 4 minutes (`240_000` in its signer).
 */
export const CLOCK_SKEW_THRESHOLD_MS = 240_000;

/** An answer older than this tells nothing about the service's clock now (the SDK's bound too). */
const MAX_ROUND_TRIP_MS = 900_000;

/** The last instant an `x-amz-date` can name: its year has four digits (`YYYYMMDD'T'HHMMSS'Z'`). */
const LAST_SIGNABLE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Whether a request can be dated `epochMs` (an `x-amz-date` from 1970 to 9999). A `Date` header
 * outside that range is garbage, whatever `Date.parse` makes of it: an offset learned from it
 * could date no request, so no refusal could ever teach a better one (the transport locked out).
 */
export function signableDate(epochMs: number): boolean {
  return epochMs >= 0 && epochMs <= LAST_SIGNABLE_MS;
}

/** Whether an AWS error is a refusal of the request's date (by its type, else by its message). */
export function isClockSkewRefusal(error: { name?: string; message?: string }): boolean {
  return CLOCK_SKEW_CODES.has(error.name ?? '') || CLOCK_SKEW_MESSAGE.test(error.message ?? '');
}

/**
 * The service's clock as seen from here: the local clock plus an offset learned from refusals,
 * the way the AWS SDK keeps `systemClockOffset`. Kept for the transport's life, so only the calls
 * in flight when the skew is first met are refused (and each is sent again once).
 */
export class ServiceClock {
  #offsetMs = 0;

  /** The learned offset, ms (service clock minus local clock). */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /**
   * Now on the service's clock, epoch ms: what requests are dated with. An offset that has run
   * out of the datable range is forgotten (the local clock again), so a request can always be sent
   * and its refusal teach the offset anew.
   */
  now(): number {
    const now = Date.now();
    if (!signableDate(now + this.#offsetMs)) this.#offsetMs = 0;
    return now + this.#offsetMs;
  }

  /**
   * Learns from a refused call: when the refusal is a clock-skew error and its `Date` header puts
   * the service at least {@link CLOCK_SKEW_THRESHOLD_MS} away from the date the request was signed
   * with, the offset becomes `Date - now` (as the SDK's `getUpdatedSystemClockOffset` computes it:
   * not from a cached answer, one with an `Age` header, nor from a round trip over 15 minutes;
   * unlike the SDK, never from a `Date` that could date no request, {@link signableDate}).
   * Answers whether the offset was corrected, i.e. whether sending the call again can succeed.
   */
  correct(
    error: ManagementApiError,
    headers: Readonly<Record<string, string | string[] | undefined>>,
    signedAt: number,
    sentAt: number,
  ): boolean {
    if (!isClockSkewRefusal({ name: error.errorType, message: error.message })) return false;
    const date = headers.date;
    if (typeof date !== 'string' || headers.age !== undefined) return false;
    const serviceTime = Date.parse(date);
    const received = Date.now();
    if (!signableDate(serviceTime) || received - sentAt > MAX_ROUND_TRIP_MS) return false;
    // Signed within the threshold of the service's clock: the refusal is not the clock's doing.
    if (Math.abs(serviceTime - signedAt) < CLOCK_SKEW_THRESHOLD_MS) return false;
    this.#offsetMs = serviceTime - received;
    return true;
  }
}
