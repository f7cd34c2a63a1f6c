import { InvalidDataError } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { describe, expect, it } from 'vitest';

// Shapes that break naive validators: the check walks with its own stack and bounds arrays by
// their length before walking them.
describe('connection data shapes', () => {
  it('refuses a sparse array of length 1e9 at once, without walking it', async () => {
    const store = new MemoryConnectionStore();
    const sparse: unknown[] = [];
    sparse.length = 1e9;
    const started = performance.now();
    await expect(store.register('a=', { data: { sparse } })).rejects.toBeInstanceOf(InvalidDataError);
    // Generous bound on a loaded machine: walking 1e9 holes would take minutes.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses holes in small arrays (JSON would write null) and shared non-cyclic objects are fine', async () => {
    const store = new MemoryConnectionStore();
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    await expect(store.register('a=', { data: { holes: [1, , 3] } })).rejects.toBeInstanceOf(
      InvalidDataError,
    );
    const shared = { x: 1 };
    await store.register('b=', { data: { one: shared, two: shared, list: [shared, shared] } });
    expect((await store.get('b='))?.data).toEqual({
      one: { x: 1 },
      two: { x: 1 },
      list: [{ x: 1 }, { x: 1 }],
    });
  });
});
