import type { StandardSchemaV1 } from '@standard-schema/spec';
import { WebSocketApp } from '@wsapp/core';
import { connectEvent, messageEvent } from '@wsapp/testing';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from './helpers.js';

// Issue 26 item 13: a 131,069-byte body failing on every element was answered with every issue
// (11.9 MB with zod, 5.3 MB with valibot): past Lambda's 6 MB response limit and 91 times API
// Gateway's 128 KB message. The documented bound (packages/core/README.md, Errors): at most 10
// issues, messages cut to 200 characters, paths to 8 segments of 64 characters, the issues list
// to 8,192 bytes of JSON, the rest counted in `omittedIssues`.
const MAX_ISSUES = 10;
const MAX_ISSUES_JSON = 8192;
const MESSAGE_LIMIT = 128 * 1024;

/** A message body of exactly `bytes` bytes: `{"action":"x","ids":[1,1,…]}` padded with spaces. */
function numbersBody(bytes: number): { raw: string; elements: number } {
  const head = '{"action":"x","ids":[';
  const tail = ']}';
  const elements = Math.floor((bytes - head.length - tail.length + 1) / 2);
  const raw = `${head}${Array(elements).fill('1').join(',')}${tail}`;
  return { raw: raw + ' '.repeat(bytes - raw.length), elements };
}

async function answer(schema: StandardSchemaV1, raw: string) {
  const app = new WebSocketApp({ logger: silentLogger() }).route('x', { body: schema }, () => 'ok');
  const event = messageEvent({}, { routeKey: 'x' });
  event.body = raw;
  return app.resolve(event);
}

type Answer = {
  message: string;
  issues: { message: string; path?: (string | number)[] }[];
  omittedIssues?: number;
};

describe('a validation failure answers a bounded list of issues', () => {
  it.each([
    ['zod', z.object({ ids: z.array(z.string()) })],
    ['valibot', v.object({ ids: v.array(v.string()) })],
  ] as const)('%s: 131,069 bytes failing on every element', async (_name, schema) => {
    const { raw, elements } = numbersBody(131_069);
    expect(Buffer.byteLength(raw)).toBe(131_069);
    const res = await answer(schema, raw);
    expect(res.statusCode).toBe(400);
    const bytes = Buffer.byteLength(res.body ?? '');
    console.info(`[validation] ${_name}: ${elements} failing elements answered in ${bytes} bytes`);
    expect(bytes).toBeLessThan(MAX_ISSUES_JSON + 512);
    expect(bytes).toBeLessThan(MESSAGE_LIMIT);
    const body = JSON.parse(res.body ?? '') as Answer;
    expect(body.message).toBe('Invalid message body');
    expect(body.issues).toHaveLength(MAX_ISSUES);
    expect(body.issues.map((i) => i.path)).toEqual(Array.from({ length: MAX_ISSUES }, (_, i) => ['ids', i]));
    // Every element is one issue: the rest are counted, not listed.
    expect(body.omittedIssues).toBe(elements - MAX_ISSUES);
  });

  it('never echoes large input: messages and path segments are cut', async () => {
    const huge = 'q'.repeat(60_000); // twice in the body: under the 128 KB limit
    // valibot quotes the received value in its message; the record key is client input.
    const schema = v.object({
      email: v.pipe(v.string(), v.email()),
      tags: v.record(v.string(), v.number()),
    });
    const res = await answer(schema, JSON.stringify({ email: huge, tags: { [huge]: 'not a number' } }));
    expect(res.statusCode).toBe(400);
    expect(Buffer.byteLength(res.body ?? '')).toBeLessThan(2048);
    expect(res.body).not.toContain('q'.repeat(201));
    const body = JSON.parse(res.body ?? '') as Answer;
    expect(body.issues).toHaveLength(2);
    for (const issue of body.issues) expect(issue.message.length).toBeLessThanOrEqual(200);
    const keyPath = body.issues.find((i) => i.path?.[0] === 'tags')?.path;
    expect(keyPath?.[1]).toBe(`${'q'.repeat(63)}…`);
  });

  it('cuts a deep path to 8 segments, marked with …', async () => {
    type Deep = { a?: Deep; n?: number };
    const deep: z.ZodType<Deep> = z.lazy(() => z.object({ a: deep.optional(), n: z.number().optional() }));
    let value: Deep = { n: 'x' as unknown as number };
    for (let i = 0; i < 20; i++) value = { a: value };
    const res = await answer(deep, JSON.stringify(value));
    const body = JSON.parse(res.body ?? '') as Answer;
    expect(body.issues[0]?.path).toEqual(['a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', '…']);
  });

  it('stops before 8,192 bytes of issues when each one is long', async () => {
    // 10 issues whose messages are long and full of characters JSON escapes six-fold.
    const noisy = '\u0001'.repeat(500);
    const schema: StandardSchemaV1 = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: () => ({
          issues: Array.from({ length: 50 }, (_, i) => ({ message: noisy, path: [noisy, i] })),
        }),
      },
    };
    const res = await answer(schema, '{}');
    const body = JSON.parse(res.body ?? '') as Answer;
    expect(Buffer.byteLength(JSON.stringify(body.issues))).toBeLessThanOrEqual(MAX_ISSUES_JSON);
    expect(body.issues.length).toBeGreaterThan(0);
    expect(body.issues.length + (body.omittedIssues ?? 0)).toBe(50);
  });

  it('bounds a $connect query schema’s answer the same way', async () => {
    const app = new WebSocketApp({ logger: silentLogger() }).onConnect(
      { query: z.object({ a: z.string().length(1) }).catchall(z.number()) },
      () => undefined,
    );
    const query = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, 'x'.repeat(300)]));
    const res = await app.resolve(connectEvent({ query: { ...query, a: 'toolong' } }));
    expect(res.statusCode).toBe(400);
    const body = JSON.parse(res.body ?? '') as Answer;
    expect(body.message).toBe('Invalid query string');
    expect(body.issues).toHaveLength(MAX_ISSUES);
    expect(body.omittedIssues).toBe(501 - MAX_ISSUES);
    expect(Buffer.byteLength(res.body ?? '')).toBeLessThan(MAX_ISSUES_JSON + 512);
  });
});
