/** Most ranges kept per channel; beyond, the lowest are forgotten (their messages could come twice). */
const RANGE_LIMIT = 256;

/**
 * The sequence numbers held of one channel: ascending, disjoint inclusive ranges, merged as they
 * touch. Bounded: {@link RANGE_LIMIT} ranges (the client asks for a replay long before, see
 * `SYNC_RANGES`, which fills the holes between them).
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

  /** Adds `[lo, hi]`. */
  add(lo: number, hi: number): void {
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
    this.#r = out.length > RANGE_LIMIT * 2 ? out.slice(out.length - RANGE_LIMIT * 2) : out;
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
}
