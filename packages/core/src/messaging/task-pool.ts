/**
 * Runs async tasks with at most `size` in flight. `run()` resolves once the task has STARTED, so a
 * producer awaiting it is paced by the consumers and memory stays bounded.
 */
export class TaskPool {
  readonly #size: number;
  #active = 0;
  readonly #waiting: Array<() => void> = [];
  readonly #idle: Array<() => void> = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`concurrency must be a positive integer, got ${size}`);
    this.#size = size;
  }

  /** Starts `task` when a slot is free. Tasks must handle their own errors; a rejection only frees the slot. */
  async run(task: () => Promise<void>): Promise<void> {
    // A finishing task hands its slot straight to a waiter, so `active` never overshoots.
    if (this.#active >= this.#size) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active++;
    const release = () => this.#release();
    task().then(release, release);
  }

  /** Resolves when every started task has finished. */
  async drain(): Promise<void> {
    if (this.#active === 0) return;
    await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) {
      next();
      return;
    }
    this.#active--;
    if (this.#active === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }
}
