import { InvalidConnectionIdError } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { TestClock } from '@wsapp/testing';
import { describe, expect, it } from 'vitest';

describe('getMany (BaseConnectionStore default, inherited by every adapter)', () => {
  it('answers records in the order asked; unknown and expired ids are undefined', async () => {
    const clock = new TestClock();
    const store = new MemoryConnectionStore({ clock: () => clock.now() });
    const ids = Array.from({ length: 40 }, (_, i) => `g${i}=`);
    for (const [i, id] of ids.entries()) {
      await store.register(id, { channels: [`c${i % 3}`], ttlSeconds: i === 5 ? 10 : 600 });
    }
    clock.advance(11_000);
    const asked = ['nobody=', ...ids, ids[0] as string];
    const records = await store.getMany(asked);
    expect(records).toHaveLength(asked.length);
    expect(records[0]).toBeUndefined();
    expect(records[6]).toBeUndefined(); // g5= expired
    for (const [i, id] of asked.entries()) {
      if (i === 0 || id === 'g5=') continue;
      expect(records[i]?.connectionId).toBe(id);
      expect(records[i]).toEqual(await store.get(id));
    }
    expect(await store.getMany([])).toEqual([]);
    await expect(store.getMany(['ok=', 'bad id'])).rejects.toThrow(InvalidConnectionIdError);
  });
});
