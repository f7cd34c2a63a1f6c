import { RedisConnectionStore } from '@wsapp/store-redis';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clusterClient, uniquePrefix } from './clients.js';

let client: Cluster;
beforeAll(async () => {
  client = await clusterClient();
});
afterAll(async () => {
  await client?.quit();
});

/** A Cluster store whose next record read waits for `hold` (the window between read and writes). */
class PausingStore extends RedisConnectionStore {
  hold: Promise<unknown> | undefined;
  protected override async _get(connectionId: string, now: number) {
    const record = await super._get(connectionId, now);
    const hold = this.hold;
    this.hold = undefined;
    if (hold) await hold;
    return record;
  }
}

it('Cluster: a leave landing between setChannels’ read and its writes is ordered, not merged', async () => {
  const store = new PausingStore({ client, keyPrefix: uniquePrefix() });
  await store.register('c1=', { channels: ['z2'] });
  // setChannels(['z1','z2']) reads {z2} and would add z1; leave(['z1','z2']) runs in that window.
  let leave: Promise<void> | undefined;
  store.hold = new Promise<void>((resolve) => {
    leave = store.leave('c1=', ['z1', 'z2']);
    // Either the leave finished inside the window (no serialisation) or it waits for the lock.
    void leave.then(resolve);
    setTimeout(resolve, 300);
  });
  await store.setChannels('c1=', ['z1', 'z2']);
  await leave;
  const channels = [...((await store.get('c1='))?.channels ?? [])].sort();
  // setChannels then leave → []; leave then setChannels → ['z1','z2']. ['z1'] is no order of the two.
  expect([[], ['z1', 'z2']]).toContainEqual(channels);
  const members = await Promise.all(['z1', 'z2'].map(async (ch) => (await store.members(ch)).connectionIds));
  expect(members.map((ids) => ids.includes('c1='))).toEqual(
    channels.length === 0 ? [false, false] : [true, true],
  );
});
