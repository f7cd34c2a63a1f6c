/** Most ids in one block before it splits; blocks keep inserts and deletes O(√n)-cheap in practice. */
const BLOCK = 512;

/**
 * A set of strings kept in code-unit order, as a list of sorted blocks: `add`/`delete` are a
 * binary search plus a splice inside one block, and iteration resumes after any string. A
 * channel's members are paged in this order, so a member's position never depends on when it
 * joined: re-registering or re-joining never moves it past a cursor (the order the Redis store
 * pages in, for the same reason).
 */
export class SortedIds {
  #blocks: string[][] = [];
  #size = 0;

  /** How many ids the set holds. */
  get size(): number {
    return this.#size;
  }

  /** Adds `id`; `false` when it was already there. */
  add(id: string): boolean {
    if (this.#blocks.length === 0) {
      this.#blocks.push([id]);
      this.#size = 1;
      return true;
    }
    const b = Math.min(this.#blockFor(id), this.#blocks.length - 1);
    const block = this.#blocks[b]!;
    const i = lowerBound(block, id);
    if (block[i] === id) return false;
    block.splice(i, 0, id);
    this.#size++;
    if (block.length > 2 * BLOCK) this.#blocks.splice(b, 1, block.slice(0, BLOCK), block.slice(BLOCK));
    return true;
  }

  /** Removes `id`; `false` when it was not there. */
  delete(id: string): boolean {
    const b = this.#blockFor(id);
    const block = this.#blocks[b];
    if (block === undefined) return false;
    const i = lowerBound(block, id);
    if (block[i] !== id) return false;
    block.splice(i, 1);
    this.#size--;
    if (block.length === 0) this.#blocks.splice(b, 1);
    return true;
  }

  /** The ids strictly after `after` (all of them when `undefined`), in order. */
  *after(after: string | undefined): Generator<string> {
    let b = after === undefined ? 0 : this.#blockAfter(after);
    let i = after === undefined ? 0 : upperBound(this.#blocks[b] ?? [], after);
    for (; b < this.#blocks.length; b++, i = 0) {
      const block = this.#blocks[b]!;
      for (; i < block.length; i++) yield block[i]!;
    }
  }

  /** Index of the first block whose last id is `>= id` (`blocks.length` when none). */
  #blockFor(id: string): number {
    let lo = 0;
    let hi = this.#blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const block = this.#blocks[mid]!;
      if (block[block.length - 1]! < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first block whose last id is `> id`. */
  #blockAfter(id: string): number {
    let lo = 0;
    let hi = this.#blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const block = this.#blocks[mid]!;
      if (block[block.length - 1]! <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** First index whose value is `>= id`. */
function lowerBound(block: readonly string[], id: string): number {
  let lo = 0;
  let hi = block.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (block[mid]! < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is `> id`. */
function upperBound(block: readonly string[], id: string): number {
  let lo = 0;
  let hi = block.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (block[mid]! <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
