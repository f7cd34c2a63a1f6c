/**
 * Most ranges a live frame may leave in a channel: a frame that would open one more is not taken
 * (neither emitted nor held), and the replay that fills the holes brings it, so what is held is
 * never forgotten (forgetting a range would let its messages arrive twice).
 */
export const RANGE_LIMIT = 256;
/**
 * Most ranges a channel ever holds. Replay pages fill holes from the lowest up, so they merge
 * ranges rather than add them; only a server breaking the protocol could reach this, and an add
 * beyond it is refused.
 */
export const RANGE_HARD_LIMIT = 4096;

/**
 * The sequence numbers held of one channel: ascending, disjoint inclusive ranges, merged as they
 * touch. Bounded: an add that would leave more than its `limit` ranges changes nothing and
 * answers `false` (nothing held is ever dropped).
 */
export class HeldRanges {
  /** `[lo, hi, lo, hi, …]`. */
  #r: number[] = [];

  /** Whether `n` is held. */
  has(n: number): boolean {
    const r = this.#r;
    let lo = 0;
    let hi = r.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (n < (r[mid * 2] as number)) hi = mid - 1;
      else if (n > (r[mid * 2 + 1] as number)) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** Whether adding `[lo, hi]` would leave more than `limit` ranges (it opens a new one past it). */
  wouldExceed(lo: number, hi: number, limit: number): boolean {
    return this.#merged(lo, hi).length > limit * 2;
  }

  /** Adds `[lo, hi]`; answers `false` (and changes nothing) when that would leave more than `limit` ranges. */
  add(lo: number, hi: number, limit = RANGE_HARD_LIMIT): boolean {
    const out = this.#merged(lo, hi);
    if (out.length > limit * 2 && out.length > this.#r.length) return false;
    this.#r = out;
    return true;
  }

  /** How many ranges. */
  count(): number {
    return this.#r.length / 2;
  }

  /** The highest held (0 when none). */
  top(): number {
    return this.#r.at(-1) ?? 0;
  }

  /** A copy of the ranges. */
  list(): number[] {
    return [...this.#r];
  }

  #merged(lo: number, hi: number): number[] {
    const r = this.#r;
    const out: number[] = [];
    let i = 0;
    while (i < r.length && (r[i + 1] as number) < lo - 1) {
      out.push(r[i] as number, r[i + 1] as number);
      i += 2;
    }
    let a = lo;
    let b = hi;
    while (i < r.length && (r[i] as number) <= b + 1) {
      a = Math.min(a, r[i] as number);
      b = Math.max(b, r[i + 1] as number);
      i += 2;
    }
    out.push(a, b, ...r.slice(i));
    return out;
  }
}
