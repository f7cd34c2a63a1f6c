import type { ConnectionInfo, LocalConnection } from './connection.js';

/** A read-only view of the open connections (established ones: not those still in `$connect`). */
export interface ConnectionsView extends Iterable<string> {
  /** How many connections are open. */
  readonly size: number;
  /** Whether `connectionId` is open. */
  has(connectionId: string): boolean;
  /** A snapshot of one open connection. */
  get(connectionId: string): ConnectionInfo | undefined;
  /** The ids of the open connections. */
  ids(): string[];
}

/** The open connections by id, plus the work still running for closed ones. */
export class ConnectionRegistry {
  readonly #open = new Map<string, LocalConnection>();
  readonly #inFlight = new Set<Promise<void>>();

  add(connection: LocalConnection): void {
    this.#open.set(connection.connectionId, connection);
  }

  get(connectionId: string): LocalConnection | undefined {
    return this.#open.get(connectionId);
  }

  delete(connectionId: string): void {
    this.#open.delete(connectionId);
  }

  all(): LocalConnection[] {
    return [...this.#open.values()];
  }

  /** Tracks work (a `$disconnect` invocation) that `close()` must wait for. */
  track(work: Promise<void>): void {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }

  /** Resolves when every tracked piece of work has finished, including work added meanwhile. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** The public read-only view. */
  view(): ConnectionsView {
    const open = this.#open;
    return {
      get size() {
        return open.size;
      },
      has: (id) => open.has(id),
      get: (id) => open.get(id)?.info(),
      ids: () => [...open.keys()],
      [Symbol.iterator]: () => open.keys(),
    };
  }
}
