import type { ManagementMethod } from './management-method.js';

/** Counts of `@connections` calls answered so far. */
export interface ManagementStatsSnapshot {
  total: number;
  /** e.g. `{ POST: 12, DELETE: 1 }`. */
  byMethod: Record<string, number>;
  /** e.g. `{ '200': 11, '410': 2 }`. */
  byStatus: Record<string, number>;
  /** e.g. `{ 'POST 200': 11, 'POST 410': 1, 'DELETE 204': 1 }`. */
  byMethodAndStatus: Record<string, number>;
}

/** Call counts of the management API, so messaging tests can assert what reached it. */
export interface ManagementStats {
  /** Every call answered. */
  readonly total: number;
  /** Calls matching a method and/or status, e.g. `count({ method: 'POST', status: 410 })`. */
  count(filter?: { method?: ManagementMethod | string; status?: number }): number;
  /** All counts at once. */
  snapshot(): ManagementStatsSnapshot;
  /** Sets every count back to zero. */
  reset(): void;
}

/** Counts management calls by method and status; constant work per call. */
export class StatsRecorder implements ManagementStats {
  #counts = new Map<string, { method: string; status: number; n: number }>();
  #total = 0;

  record(method: string, status: number): void {
    const key = `${method} ${status}`;
    const entry = this.#counts.get(key);
    if (entry === undefined) this.#counts.set(key, { method, status, n: 1 });
    else entry.n += 1;
    this.#total += 1;
  }

  get total(): number {
    return this.#total;
  }

  count(filter: { method?: string; status?: number } = {}): number {
    let n = 0;
    for (const entry of this.#counts.values()) {
      if (filter.method !== undefined && entry.method !== filter.method) continue;
      if (filter.status !== undefined && entry.status !== filter.status) continue;
      n += entry.n;
    }
    return n;
  }

  snapshot(): ManagementStatsSnapshot {
    const snapshot: ManagementStatsSnapshot = {
      total: this.#total,
      byMethod: {},
      byStatus: {},
      byMethodAndStatus: {},
    };
    for (const [key, { method, status, n }] of this.#counts) {
      snapshot.byMethod[method] = (snapshot.byMethod[method] ?? 0) + n;
      snapshot.byStatus[status] = (snapshot.byStatus[status] ?? 0) + n;
      snapshot.byMethodAndStatus[key] = n;
    }
    return snapshot;
  }

  reset(): void {
    this.#counts = new Map();
    this.#total = 0;
  }
}
