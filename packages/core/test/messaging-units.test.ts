import { endpointFromEvent, MAX_PAYLOAD_BYTES, PayloadTooLargeError, WebSocketApp } from '@wsapp/core';
import { connectEvent, messageEvent } from '@wsapp/testing';
import { describe, expect, it } from 'vitest';
import { decodeBroadcastCursor, encodeBroadcastCursor } from '../src/messaging/broadcast-cursor.js';
import { classifyError } from '../src/messaging/classify-error.js';
import { beforeDeadline, TIMED_OUT } from '../src/messaging/deadline.js';
import { withMessageId } from '../src/messaging/message-id.js';
import { encodePayload } from '../src/messaging/payload.js';
import { retryPolicy } from '../src/messaging/retry-policy.js';
import { TaskPool } from '../src/messaging/task-pool.js';
import { silentLogger } from './helpers.js';

describe('encodePayload', () => {
  it('sends strings as UTF-8 text, bytes as is, anything else as JSON', () => {
    expect(Buffer.from(encodePayload('héllo')).toString('utf8')).toBe('héllo');
    const bytes = new Uint8Array([0, 255, 1]);
    expect(encodePayload(bytes)).toBe(bytes);
    expect([...encodePayload(new Uint8Array([9, 8]).buffer)]).toEqual([9, 8]);
    expect(Buffer.from(encodePayload({ price: 187.3 })).toString()).toBe('{"price":187.3}');
    expect(Buffer.from(encodePayload(null)).toString()).toBe('null');
  });

  it('refuses more than 128 KB before any call, counting UTF-8 bytes', () => {
    expect(encodePayload('x'.repeat(MAX_PAYLOAD_BYTES)).byteLength).toBe(MAX_PAYLOAD_BYTES);
    expect(() => encodePayload('x'.repeat(MAX_PAYLOAD_BYTES + 1))).toThrow(PayloadTooLargeError);
    expect(() => encodePayload('€'.repeat(MAX_PAYLOAD_BYTES / 3 + 1))).toThrow(
      /exceeds API Gateway's 131072-byte limit/,
    );
    expect(() => encodePayload({ blob: 'y'.repeat(MAX_PAYLOAD_BYTES) })).toThrow(PayloadTooLargeError);
  });
});

describe('retryPolicy', () => {
  it('uses full jitter under an exponential cap', () => {
    const top = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 }, () => 0.999999);
    expect([1, 2, 3, 4, 5].map((n) => top.delay(n))).toEqual([199, 399, 799, 999, 999]);
    const bottom = retryPolicy({}, () => 0);
    expect(bottom.delay(3)).toBe(0);
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(RangeError);
  });
});

describe('classifyError', () => {
  const sdkError = (name: string, status?: number) =>
    Object.assign(new Error(name), {
      name,
      $metadata: status === undefined ? {} : { httpStatusCode: status },
    });

  it('sorts management API answers', () => {
    expect(classifyError(sdkError('GoneException', 410))).toEqual({ kind: 'gone' });
    expect(classifyError(sdkError('ForbiddenException', 403)).kind).toBe('forbidden');
    expect(classifyError(sdkError('LimitExceededException', 429)).kind).toBe('retry');
    expect(classifyError(sdkError('InternalServerErrorException', 500)).kind).toBe('retry');
    expect(classifyError(sdkError('ServiceUnavailable', 503)).kind).toBe('retry');
    expect(classifyError(sdkError('PayloadTooLargeException', 413)).kind).toBe('fatal');
    expect(classifyError(sdkError('BadRequestException', 400)).kind).toBe('fatal');
    expect(classifyError(Object.assign(new Error('reset'), { code: 'ECONNRESET' })).kind).toBe('retry');
    expect(classifyError(undefined).kind).toBe('fatal');
  });
});

describe('TaskPool', () => {
  it('never runs more than its size at once, and drains', async () => {
    const pool = new TaskPool(3);
    let active = 0;
    let peak = 0;
    let done = 0;
    for (let n = 0; n < 20; n++) {
      await pool.run(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, n % 3));
        active--;
        done++;
      });
    }
    await pool.drain();
    expect(peak).toBe(3);
    expect(done).toBe(20);
  });

  it('keeps going after a task rejects', async () => {
    const pool = new TaskPool(1);
    await pool.run(() => Promise.reject(new Error('x')));
    let ran = false;
    await pool.run(async () => {
      ran = true;
    });
    await pool.drain();
    expect(ran).toBe(true);
  });
});

describe('broadcast cursor', () => {
  it('round-trips and rejects foreign strings', () => {
    const cursor = encodeBroadcastCursor({ channel: 2, storeCursor: 'm1.abc' });
    expect(decodeBroadcastCursor(cursor)).toEqual({ channel: 2, storeCursor: 'm1.abc' });
    expect(decodeBroadcastCursor(encodeBroadcastCursor({ channel: 0, storeCursor: undefined }))).toEqual({
      channel: 0,
      storeCursor: undefined,
    });
    for (const bad of ['', 'm1.abc', 'b1.!!!', `b1.${Buffer.from('[-1,null]').toString('base64url')}`]) {
      expect(() => decodeBroadcastCursor(bad)).toThrow(/Invalid members cursor/);
    }
  });

  it('carries the message id and target fingerprint, and still reads b1 cursors', () => {
    const position = { channel: 1, storeCursor: 'x', messageId: 'm-1', target: 'fp' };
    expect(decodeBroadcastCursor(encodeBroadcastCursor(position))).toEqual(position);
    const legacy = `b1.${Buffer.from('[3,"s"]').toString('base64url')}`;
    expect(decodeBroadcastCursor(legacy)).toEqual({ channel: 3, storeCursor: 's' });
    const tampered = `b2.${Buffer.from('[0,null,7,null]').toString('base64url')}`;
    expect(() => decodeBroadcastCursor(tampered)).toThrow(/Invalid members cursor/);
  });
});

describe('withMessageId', () => {
  it('adds the id to a JSON object only, never overwriting a field', () => {
    expect(withMessageId({ price: 1 }, 'mid', 'm')).toEqual({ price: 1, mid: 'm' });
    for (const data of ['text', 1, null, [1], new Uint8Array([1]), new ArrayBuffer(1)]) {
      expect(() => withMessageId(data, 'mid', 'm')).toThrow(TypeError);
    }
    expect(() => withMessageId({ mid: 'mine' }, 'mid', 'm')).toThrow(/already has/);
  });
});

describe('beforeDeadline', () => {
  it('answers the work, or TIMED_OUT at the deadline however long the work takes', async () => {
    expect(await beforeDeadline(Promise.resolve(7), Date.now() + 1000)).toBe(7);
    expect(await beforeDeadline(Promise.resolve(7), Number.POSITIVE_INFINITY)).toBe(7);
    const started = Date.now();
    expect(await beforeDeadline(new Promise(() => {}), started + 50)).toBe(TIMED_OUT);
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(beforeDeadline(Promise.reject(new Error('x')), Date.now() + 1000)).rejects.toThrow('x');
    // A late rejection of abandoned work is swallowed, not reported as unhandled.
    const late = new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 20));
    expect(await beforeDeadline(late, Date.now() + 1)).toBe(TIMED_OUT);
    await new Promise((r) => setTimeout(r, 40));
    // A signal cuts it too, with or without a deadline.
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 20);
    expect(await beforeDeadline(new Promise(() => {}), Number.POSITIVE_INFINITY, stop.signal)).toBe(
      TIMED_OUT,
    );
    expect(await beforeDeadline(Promise.resolve(1), Date.now() + 1000, stop.signal)).toBe(TIMED_OUT);
  });
});

describe('endpointFromEvent', () => {
  it('derives https for execute-api domains and http for loopback emulators', () => {
    expect(endpointFromEvent(connectEvent({ apiId: 'abc123', region: 'eu-west-1', stage: 'prod' }))).toBe(
      'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
    );
    expect(endpointFromEvent(connectEvent({ domainName: '127.0.0.1:4010', stage: 'local' }))).toBe(
      'http://127.0.0.1:4010/local',
    );
    expect(endpointFromEvent(connectEvent({ domainName: 'localhost:3001', stage: 'dev' }))).toBe(
      'http://localhost:3001/dev',
    );
  });

  it('refuses to guess for custom domains (the base path may differ from the stage)', () => {
    expect(endpointFromEvent(connectEvent({ domainName: 'ws.example.com', stage: 'prod' }))).toBeUndefined();
  });
});

describe('ctx.send during $connect', () => {
  it('fails with a clear error, rejecting the connection', async () => {
    const logger = silentLogger();
    const app = new WebSocketApp({ logger }).onConnect((ctx) => ctx.send('welcome'));
    const res = await app.resolve(connectEvent());
    expect(res.statusCode).toBe(500);
    const [, meta] = logger.error.mock.calls[0] ?? [];
    const { error } = meta as { error: Error & { code: string } };
    expect(error.code).toBe('SendDuringConnect');
  });

  it('is refused before loading the AWS SDK or calling anything', async () => {
    const app = new WebSocketApp({ logger: silentLogger() }).route('big', (ctx) =>
      ctx.send('z'.repeat(MAX_PAYLOAD_BYTES + 1)),
    );
    const res = await app.resolve(messageEvent({ action: 'big' }));
    expect(res.statusCode).toBe(500);
  });
});

describe('ctx.endpoint', () => {
  it("is the app's endpoint option, else the one the event implies", async () => {
    const seen: (string | undefined)[] = [];
    const routes = (app: WebSocketApp) =>
      app.route('where', (ctx) => {
        seen.push(ctx.endpoint);
      });
    const event = messageEvent({ action: 'where' }, { apiId: 'abc123', stage: 'prod', region: 'eu-west-1' });
    await routes(new WebSocketApp({ logger: silentLogger() })).resolve(event);
    await routes(new WebSocketApp({ logger: silentLogger(), endpoint: 'https://ws.example.com/v1' })).resolve(
      event,
    );
    await routes(new WebSocketApp({ logger: silentLogger() })).resolve(
      messageEvent({ action: 'where' }, { domainName: 'ws.example.com' }),
    );
    expect(seen).toEqual([
      'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
      'https://ws.example.com/v1',
      undefined,
    ]);
  });
});
