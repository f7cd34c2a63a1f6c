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
  create: ({ clock, ...limits }) =>
    new RedisConnectionStore({ ...limits, client, keyPrefix: uniquePrefix(), clock: () => clock.now() }),
  inspect: redisInspector,
});
