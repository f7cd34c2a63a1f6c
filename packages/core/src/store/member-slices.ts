/**
 * The slice cursor every store understands: "the whole channel from its start". Stores that cannot
 * split a channel answer it as their only slice; `members()` maps it to a listing from the start.
 */
export const WHOLE_CHANNEL_SLICE = 'w1.all';

/** Largest slice count a `memberSlices()` call accepts. */
export const MAX_SLICES = 1000;

/** Throws a RangeError unless `count` is an integer from 1 to {@link MAX_SLICES}. */
export function assertSliceCount(count: unknown): asserts count is number {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_SLICES) {
    throw new RangeError(`slice count must be an integer from 1 to ${MAX_SLICES}, got ${String(count)}`);
  }
}

/**
 * Splits `[0, total)` into at most `count` contiguous, non-empty ranges of near-equal size:
 * the start index of each. Used by stores that slice by rank or by shard.
 */
export function evenStarts(total: number, count: number): number[] {
  const n = Math.max(1, Math.min(count, total));
  const starts: number[] = [];
  for (let i = 0; i < n; i++) starts.push(Math.floor((i * total) / n));
  return starts;
}
