import type { ConnectionStore } from '../store/connection-store.js';
import type { BeforeGoneRemoval } from './gone-snapshot.js';

/** What gone-cleanup did with a connection API Gateway answered 410 for. */
export type StaleVerdict =
  | { kind: 'removed' }
  | { kind: 'absent' }
  /** Its record is younger than the grace: kept, its `$connect` may not be accepted yet. */
  | { kind: 'kept'; ageMs: number };

/**
 * Removes a connection API Gateway reported gone, unless its record is younger than `minAgeMs`
 * (`ConnectionStore.unregisterStale`: one atomic step). A store written against the contract
 * before it had `unregisterStale` gets a read, then an `unregister`: not atomic against a
 * registration of the same id in between. With `before` (the app's session snapshot), the record is
 * read first and, when old enough, handed to it before the removal.
 */
export async function removeIfStale(
  store: ConnectionStore,
  connectionId: string,
  minAgeMs: number,
  before?: BeforeGoneRemoval,
): Promise<StaleVerdict> {
  if (before !== undefined) {
    const record = await store.get(connectionId);
    if (record !== undefined && Date.now() - record.connectedAt >= minAgeMs) await before(record);
  }
  if (store.unregisterStale !== undefined) {
    const result = await store.unregisterStale(connectionId, minAgeMs);
    return result.outcome === 'kept' ? { kind: 'kept', ageMs: result.ageMs } : { kind: result.outcome };
  }
  const record = await store.get(connectionId);
  if (record !== undefined) {
    const ageMs = Date.now() - record.connectedAt;
    if (ageMs < minAgeMs) return { kind: 'kept', ageMs };
  }
  return (await store.unregister(connectionId)) === undefined ? { kind: 'absent' } : { kind: 'removed' };
}
