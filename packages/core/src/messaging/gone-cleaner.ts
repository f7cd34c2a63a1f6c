import type { Logger } from '../logging/logger.js';
import type { ConnectionStore } from '../store/connection-store.js';

const BATCH = 25;

/**
 * Unregisters connections API Gateway reported gone (410), in batches, so a broadcast keeps
 * sending while the store is cleaned. Failures are logged, never thrown: the record expires anyway.
 */
export class GoneCleaner {
  readonly #store: ConnectionStore | undefined;
  readonly #logger: Logger;
  #batch: string[] = [];
  readonly #inflight = new Set<Promise<void>>();

  constructor(store: ConnectionStore | undefined, logger: Logger) {
    this.#store = store;
    this.#logger = logger;
  }

  add(connectionId: string): void {
    if (this.#store === undefined) return;
    this.#batch.push(connectionId);
    if (this.#batch.length >= BATCH) this.#flushBatch();
  }

  /** Waits for every queued removal. */
  async flush(): Promise<void> {
    this.#flushBatch();
    while (this.#inflight.size > 0) await Promise.all(this.#inflight);
  }

  #flushBatch(): void {
    const store = this.#store;
    if (store === undefined || this.#batch.length === 0) return;
    const ids = this.#batch;
    this.#batch = [];
    const work = Promise.all(
      ids.map((id) =>
        store.unregister(id).then(
          () => undefined,
          (error: unknown) =>
            this.#logger.warn('wsapp: could not unregister a gone connection', { connectionId: id, error }),
        ),
      ),
    ).then(() => undefined);
    this.#inflight.add(work);
    void work.finally(() => this.#inflight.delete(work));
  }
}
