import type { ConnectionRecord } from './connection-record.js';

/**
 * What {@link ConnectionStore.unregisterStale} did:
 * - `removed`: the live record was at least the asked age and is gone, with every membership, as
 *   `unregister` removes it;
 * - `kept`: a live record younger than the asked age is there, untouched; `ageMs` is its age by
 *   the store's clock (`now - connectedAt`);
 * - `absent`: no live record (an expired one is deleted all the same).
 */
export type UnregisterStaleResult =
  | {
      /** Removed with its memberships. */
      outcome: 'removed';
      /** The record removed. */
      record: ConnectionRecord;
    }
  | {
      /** A younger record is there, left as it was. */
      outcome: 'kept';
      /** Its age by the store's clock, ms. */
      ageMs: number;
    }
  | {
      /** No live record. */
      outcome: 'absent';
    };

/** Checks `minAgeMs` of `unregisterStale`: a finite number of milliseconds, at least 0. */
export function assertMinAge(minAgeMs: unknown): asserts minAgeMs is number {
  if (typeof minAgeMs !== 'number' || !Number.isFinite(minAgeMs) || minAgeMs < 0) {
    throw new RangeError(`minAgeMs must be a finite number of milliseconds >= 0, got ${String(minAgeMs)}`);
  }
}
