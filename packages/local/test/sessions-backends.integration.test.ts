/**
 * Sessions and history end to end on real backends: the emulator with real sockets, the Redis
 * store (a stream per history channel) and DynamoDB Local (a partition per history channel). The
 * same scenarios as sessions.test.ts's core ones.
 */
import { randomBytes } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type ConnectionStore, Messenger } from '@wsapp/core';
import { createTable, DynamoDBConnectionStore } from '@wsapp/store-dynamodb';
import { RedisConnectionStore } from '@wsapp/store-redis';
import { afterAll, afterEach, describe, expect, inject, it, vi } from 'vitest';
import { type Client, silentLogger, start } from './helpers.js';
import { countingStore, drop, open, resume, sessionApp, userAuthorizer } from './sessions-helpers.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

const dynamo = inject('wsappDynamoDB');
const dynamoClient = new DynamoDBClient({
  endpoint: dynamo.endpoint,
  region: dynamo.region,
  credentials: dynamo.credentials,
});
afterAll(() => dynamoClient.destroy());

/** A backend: `make()` answers a fresh, empty store; `again()` another client on the same data. */
const backends = [
  {
    name: 'Redis',
    async make() {
      const keyPrefix = `sessions-${randomBytes(4).toString('hex')}:`;
      const open = () => {
        const store = new RedisConnectionStore({ url: inject('wsappRedisUrl'), keyPrefix });
        cleanups.push(() => store.close());
        return store;
      };
      return { store: open(), again: open };
    },
  },
  {
    name: 'DynamoDB Local',
    async make() {
      const tableName = `sessions-${randomBytes(4).toString('hex')}`;
      await createTable(dynamoClient, { tableName });
      cleanups.push(() => dynamoClient.send(new DeleteTableCommand({ TableName: tableName })));
      const open = () => new DynamoDBConnectionStore({ tableName, client: dynamoClient });
      return { store: open(), again: open };
    },
  },
];

const sessionOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as { s: string }).s;

async function dropAndWait(store: ConnectionStore, client: Client, token: string) {
  drop(client);
  await vi.waitFor(async () => expect(await store.get(`wsapp-session~${sessionOf(token)}`)).toBeDefined(), {
    timeout: 10_000,
  });
}

describe.each(backends)(
  'sessions and history on $name (emulator, real sockets)',
  { timeout: 60_000 },
  (backend) => {
    it('drop, missed broadcasts, resume: exactly the missed ones in order, then new ones; one register write', async () => {
      const { store: inner } = await backend.make();
      const { store, calls } = countingStore(inner);
      const { app } = sessionApp(store);
      const server = await start(app, { authorizer: userAuthorizer });
      const say = (data: object) =>
        app.broadcast({ channels: ['room:a'] }, data, { endpoint: server.endpoint });

      const client = await open(server, { user: 'alice', rooms: 'room:a' });
      const { reply } = await resume(client);
      await say({ n: 1 });
      expect(await client.json()).toEqual({ n: 1, $mid: expect.any(String), $seq: { 'room:a': 1 } });
      await dropAndWait(inner, client, reply.token);
      for (const n of [2, 3, 4]) await say({ n });

      calls.clear();
      const back = await open(server, { user: 'alice', token: reply.token });
      expect(calls.get('register')).toBe(1);
      const { before, reply: again } = await resume(back, { 'room:a': 1 });
      expect(before.map((f) => [f.n, f.$seq, f.$replay])).toEqual([
        [2, { 'room:a': 2 }, true],
        [3, { 'room:a': 3 }, true],
        [4, { 'room:a': 4 }, true],
      ]);
      expect(again).toMatchObject({ resumed: true, channels: ['room:a'], heads: { 'room:a': 4 }, gaps: [] });
      await say({ n: 5 });
      expect(await back.json()).toEqual({ n: 5, $mid: expect.any(String), $seq: { 'room:a': 5 } });

      // The token used again, after its successor closed: superseded, nothing rejoined.
      await dropAndWait(inner, back, again.token);
      const replayed = await open(server, { user: 'alice', token: reply.token });
      expect((await resume(replayed, { 'room:a': 0 })).reply).toMatchObject({
        resumed: false,
        reason: 'superseded',
        channels: [],
      });
    });

    it('concurrent broadcasters (separate messengers and store clients) to one history channel', async () => {
      const { store: inner, again: another } = await backend.make();
      const { app } = sessionApp(inner);
      const server = await start(app, { authorizer: userAuthorizer });
      const client = await open(server, { user: 'alice', rooms: 'room:a' });
      const { reply } = await resume(client);
      await dropAndWait(inner, client, reply.token);
      // Four "Lambdas", each with its own Redis connection and messenger.
      const senders = Array.from(
        { length: 4 },
        () =>
          new Messenger({
            store: another(),
            endpoint: server.endpoint,
            history: { channels: ['room:*'] },
            logger: silentLogger(),
          }),
      );
      await Promise.all(
        senders.map(async (messenger, s) => {
          for (let i = 0; i < 10; i++) await messenger.broadcast({ channels: ['room:a'] }, { s, i });
        }),
      );
      const back = await open(server, { user: 'alice', token: reply.token });
      const { before, reply: again } = await resume(back, { 'room:a': 0 });
      expect(again.heads).toEqual({ 'room:a': 40 });
      expect(before.map((f) => (f.$seq as Record<string, number>)['room:a'])).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      for (let s = 0; s < 4; s++) {
        expect(before.filter((f) => f.s === s).map((f) => f.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      }
    });
  },
);
