import { WebSocketApp } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { connectEvent } from '@wsapp/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from './helpers.js';

describe('$connect query and headers schemas', () => {
  const calls: unknown[] = [];
  const store = new MemoryConnectionStore();
  const app = new WebSocketApp({ store, logger: silentLogger() }).onConnect(
    {
      query: z.object({ room: z.string().min(1), v: z.coerce.number().int().default(1) }),
      headers: z.object({ 'x-api-key': z.string().length(8) }),
    },
    (ctx) => {
      calls.push([ctx.query.room, ctx.query.v, ctx.headers['x-api-key']]);
    },
  );

  it('hands the schemas’ output to the handler', async () => {
    calls.length = 0;
    const res = await app.resolve(
      connectEvent({
        connectionId: 'ok=',
        query: { room: 'r1', v: '2' },
        headers: { 'X-Api-Key': 'abcdefgh' },
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(calls).toEqual([['r1', 2, 'abcdefgh']]);
    expect(await store.get('ok=')).toBeDefined();
  });

  it('answers 401 for headers that do not match, without telling why, before the handler', async () => {
    calls.length = 0;
    const res = await app.resolve(connectEvent({ connectionId: 'h=', query: { room: 'r1' } }));
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body ?? '')).toEqual({ message: 'Unauthorized', requestId: expect.any(String) });
    expect(calls).toEqual([]);
    expect(await store.get('h=')).toBeUndefined();
  });

  it('answers 400 with the issues for a query that does not match, before the handler', async () => {
    calls.length = 0;
    const res = await app.resolve(
      connectEvent({ connectionId: 'q=', query: { v: 'x' }, headers: { 'x-api-key': 'abcdefgh' } }),
    );
    expect(res.statusCode).toBe(400);
    const issues = JSON.parse(res.body ?? '').issues as Array<{ path: string[] }>;
    expect(issues.map((i) => i.path)).toEqual([['room'], ['v']]);
    expect(calls).toEqual([]);
    expect(await store.get('q=')).toBeUndefined();
  });
});
