import type { Logger } from '../logging/logger.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { beforeDeadline } from './deadline.js';
import type { BeforeGoneRemoval } from './gone-snapshot.js';
import { removeIfStale } from './stale-removal.js';

/** Removals in flight at once, so a burst of 410s does not flood the store. */
const CONCURRENCY = 25;
/** Removals start once this many are queued, or this long after the first one was. */
const BATCH = 25;
const BATCH_WINDOW_MS = 50;

/**
 * Unregisters connections API Gateway reported gone (410) in small batches soon after they are
 * found, a few at a time, while the broadcast keeps sending. Never throws and never waits past the deadline: what
 * was not confirmed removed by then (the store failed, or is slow or frozen) is answered by
 * `flush`, and the record expires with its TTL anyway. A record younger than `minAgeMs` is kept
 * (`unregisterStale`): its `$connect` may not be accepted yet, and `onKept` hears of it with its
 * age — and so it does, with no age, when the store failed to tell (with a grace, a 410 alone does
 * not make a connection gone). Without `onKept` (or without a grace) a failed removal is reported.
 */
export class GoneCleaner {
  readonly #store: ConnectionStore | undefined;
  readonly #logger: Logger;
  readonly #minAgeMs: number;
  readonly #before: BeforeGoneRemoval | undefined;
  readonly #queue: string[] = [];
  readonly #onKept = new Map<string, (ageMs: number | undefined) => void>();
  /** Removals started and not confirmed yet. */
  readonly #pending = new Set<string>();
  readonly #failed: string[] = [];
  #idle: (() => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    store: ConnectionStore | undefined,
    logger: Logger,
    minAgeMs: number,
    before?: BeforeGoneRemoval,
  ) {
    this.#store = store;
    this.#logger = logger;
    this.#minAgeMs = minAgeMs;
    this.#before = before;
  }

  add(connectionId: string, onKept?: (ageMs: number | undefined) => void): void {
    if (this.#store === undefined) return;
    if (onKept !== undefined) this.#onKept.set(connectionId, onKept);
    this.#queue.push(connectionId);
    // Grouped rather than one by one between deliveries (measured: one-by-one removals during a
    // 1,000-call broadcast on a loaded machine made some calls miss the SDK's 10 s timeout).
    if (this.#queue.length >= BATCH) this.#pump();
    else this.#timer ??= setTimeout(() => this.#pump(), BATCH_WINDOW_MS);
  }

  /** Waits for every queued removal until the deadline; answers the ids not confirmed removed. */
  async flush(deadline: number): Promise<string[]> {
    this.#pump();
    if (this.#pending.size > 0 || this.#queue.length > 0) {
      await beforeDeadline(new Promise<void>((resolve) => (this.#idle = resolve)), deadline);
    }
    return [...this.#failed, ...this.#pending, ...this.#queue];
  }

  #pump(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const store = this.#store as ConnectionStore;
    while (this.#pending.size < CONCURRENCY && this.#queue.length > 0) {
      const id = this.#queue.shift() as string;
      this.#pending.add(id);
      removeIfStale(store, id, this.#minAgeMs, this.#before)
        .then((verdict) => {
          if (verdict.kind === 'kept') this.#onKept.get(id)?.(verdict.ageMs);
        })
        .catch((error: unknown) => {
          this.#logger.warn('wsapp: could not unregister a gone connection', { connectionId: id, error });
          const onKept = this.#minAgeMs > 0 ? this.#onKept.get(id) : undefined;
          if (onKept === undefined) this.#failed.push(id);
          else onKept(undefined);
        })
        .finally(() => {
          this.#onKept.delete(id);
          this.#pending.delete(id);
          this.#pump();
          if (this.#pending.size === 0 && this.#queue.length === 0) this.#idle?.();
        });
    }
  }
}
