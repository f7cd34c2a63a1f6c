import { RedisConnectionStore } from '@wsapp/store-redis';
import { connectionStoreSuite } from '@wsapp/testing/conformance';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { clusterClient, uniquePrefix } from './clients.js';
import { redisInspector } from './inspector.js';

let client: Cluster;
beforeAll(async () => {
  client = await clusterClient();
});
afterAll(async () => {
  await client?.quit();
});

connectionStoreSuite('redis cluster (3 masters)', {
  // The stores of one test share a prefix (several broadcasters on one backend); tests do not.
  create: ({ clock, namespace, ...limits }) =>
    new RedisConnectionStore({
      ...limits,
      client,
      keyPrefix: uniquePrefix(namespace),
      clock: () => clock.now(),
    }),
  inspect: redisInspector,
  sharedBackend: true,
  // members() verifies each index entry against the connection (see the README, Cluster ordering).
  membersVerifiedAgainstRecords: true,
  // A re-registration racing other calls on the same id is not ordered on a Cluster (README).
  serialRegistration: true,
});
