/** Connection expiries remembered, so `join` can write membership expiries in one request. */
const EXPIRY_CACHE_SIZE = 10_000;

/**
 * connectionId → expiresAt last seen by this store instance, oldest forgotten first. Only a hint:
 * every write that relies on it checks it with a condition.
 */
export class ExpiryCache {
  readonly #expiry = new Map<string, number>();

  remember(connectionId: string, expiresAt: number): void {
    this.#expiry.delete(connectionId);
    this.#expiry.set(connectionId, expiresAt);
    if (this.#expiry.size > EXPIRY_CACHE_SIZE) {
      const oldest = this.#expiry.keys().next().value;
      if (oldest !== undefined) this.#expiry.delete(oldest);
    }
  }

  /** The remembered expiry if still in the future. */
  recall(connectionId: string, now: number): number | undefined {
    const expiresAt = this.#expiry.get(connectionId);
    return expiresAt !== undefined && expiresAt > now ? expiresAt : undefined;
  }

  forget(connectionId: string): void {
    this.#expiry.delete(connectionId);
  }
}
