/** A minimal typed event emitter (no `EventTarget`: it is not the same in every runtime). */
export class Emitter<TEvents> {
  readonly #listeners = new Map<keyof TEvents, Set<(event: never) => void>>();

  /** Adds a listener; answers a function that removes it. */
  on<K extends keyof TEvents>(name: K, listener: (event: TEvents[K]) => void): () => void {
    let set = this.#listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener as (event: never) => void);
    return () => set.delete(listener as (event: never) => void);
  }

  /** Calls the listeners of `name`; a throwing listener does not stop the others or the client. */
  protected emit<K extends keyof TEvents>(name: K, event: TEvents[K]): void {
    for (const listener of this.#listeners.get(name) ?? []) {
      try {
        (listener as (event: TEvents[K]) => void)(event);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
