/** A clock tests move by hand, so expiry is checked without waiting. */
export class TestClock {
  #now: number;

  constructor(start = Date.now()) {
    this.#now = start;
  }

  /** Current time, epoch milliseconds. Pass `() => clock.now()` as a store's `clock`. */
  now(): number {
    return this.#now;
  }

  /** Moves time forward. */
  advance(ms: number): void {
    this.#now += ms;
  }
}
