import { RedisConnectionStore } from '@wsapp/store-redis';
import { connectionStoreSuite } from '@wsapp/testing/conformance';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { standaloneClient, uniquePrefix } from './clients.js';
import { redisInspector } from './inspector.js';

let client: Redis;
beforeAll(async () => {
  client = await standaloneClient();
});
afterAll(async () => {
  await client?.quit();
});

connectionStoreSuite('redis standalone', {
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
});
