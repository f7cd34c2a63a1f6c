import { WebSocketApp } from '@wsapp/core';
import {
  type ForwardedMessage,
  type ForwardTarget,
  forward,
  readEnvelope,
  replyTo,
  TaskSignatureError,
} from '@wsapp/forward';
import { messageEvent } from '@wsapp/testing';
import { describe, expect, it } from 'vitest';

// Issue 26 item 16: replyTo answered any record carrying an envelope, so a producer sharing the
// queue chose the reply's connection and endpoint. Envelopes are now signed (HMAC-SHA256 over the
// envelope and the data) with the route's secret and verified by replyTo.
const KEY_1 = 'first-forwarding-key-of-at-least-32-bytes';
const KEY_2 = 'second-forwarding-key-of-at-least-32-bytes';

/** What `forward` puts on its target for one submit, with these signing keys. */
async function forwarded(secret: string | string[], body: Record<string, unknown> = { report: 'q3' }) {
  const put: ForwardedMessage[] = [];
  const target: ForwardTarget = {
    name: 'capture',
    put: async (m) => {
      put.push(m);
    },
  };
  const app = new WebSocketApp({ logger: { error() {}, warn() {} } }).route(
    'submit',
    forward(target, { secret }),
  );
  const res = await app.resolve(messageEvent({ action: 'submit', ...body }, { routeKey: 'submit' }));
  expect(res.statusCode).toBe(200);
  // As a queue delivers it: the JSON text.
  return JSON.stringify(put[0]);
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof TaskSignatureError) return error.reason;
    throw error;
  }
  return 'accepted';
}

describe('forward() and replyTo() need a decision about trust', () => {
  const target: ForwardTarget = { name: 't', put: async () => undefined };

  it('without a secret or unsigned: true, both throw TypeError', () => {
    expect(() => forward(target)).toThrow(TypeError);
    expect(() => forward(target, {})).toThrow(/secret/);
    expect(() => replyTo('{}', {} as never)).toThrow(TypeError);
    expect(() => forward(target, { secret: KEY_1, unsigned: true })).toThrow(TypeError);
  });

  it('a secret shorter than 32 bytes throws RangeError', () => {
    expect(() => forward(target, { secret: 'short' })).toThrow(RangeError);
    expect(() => forward(target, { secret: [KEY_1, 'short'] })).toThrow(RangeError);
  });
});

describe('signed envelopes', () => {
  it('a record the route signed is answered, also re-serialised (key order, spacing, escapes)', async () => {
    const text = await forwarded(KEY_1, {
      report: 'é\u2028',
      n: 1.5,
      nested: { b: [1, { z: 0, a: null }], a: true },
    });
    expect(JSON.parse(text).envelope.sig).toMatch(/^f1\.[A-Za-z0-9_-]{43}$/);
    expect(refusal(() => replyTo(text, { secret: KEY_1 }))).toBe('accepted');
    const message = JSON.parse(text) as { envelope: Record<string, unknown>; data: Record<string, unknown> };
    const reversed = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).reverse());
    const reordered = JSON.stringify(
      { data: reversed(message.data), envelope: reversed(message.envelope) },
      null,
      2,
    );
    const escaped = reordered.replace(/é/g, '\\u00e9');
    expect(refusal(() => replyTo(escaped, { secret: KEY_1 }))).toBe('accepted');
  });

  it('a message handed over in memory verifies as it does after a queue (undefined values, a Date)', async () => {
    const put: ForwardedMessage[] = [];
    const target: ForwardTarget = {
      name: 'memory',
      put: async (m) => {
        put.push(m);
      },
    };
    const route = forward(target, {
      secret: KEY_1,
      transform: () => ({ at: new Date(0), gone: undefined, list: [1] }),
    });
    const app = new WebSocketApp({ logger: { error() {}, warn() {} } }).route('submit', route);
    await app.resolve(messageEvent({ action: 'submit' }, { routeKey: 'submit' }));
    expect(refusal(() => replyTo(put[0] as ForwardedMessage, { secret: KEY_1 }))).toBe('accepted');
    expect(refusal(() => replyTo(JSON.stringify(put[0]), { secret: KEY_1 }))).toBe('accepted');
  });

  it('a record another producer wrote without a signature is refused as missing', async () => {
    const forged = JSON.stringify({
      envelope: { connectionId: 'victim=', requestId: 'r', routeKey: 'submit', sentAt: 1, taskId: 't' },
      data: {},
    });
    expect(refusal(() => replyTo(forged, { secret: KEY_1 }))).toBe('missing');
    expect(refusal(() => readEnvelope(forged, { secret: KEY_1 }))).toBe('missing');
  });

  type Message = { envelope: Record<string, unknown>; data: Record<string, unknown> };
  it.each<[string, (m: Message) => void]>([
    ['the connection', (m) => Object.assign(m.envelope, { connectionId: 'victim=' })],
    ['the endpoint', (m) => Object.assign(m.envelope, { endpoint: 'https://evil.example/x' })],
    ['the task id', (m) => Object.assign(m.envelope, { taskId: 'other' })],
    ['the data', (m) => Object.assign(m.data, { report: 'q4' })],
    ['a key added to the data', (m) => Object.assign(m.data, { extra: 1 })],
    ['the signature', (m) => Object.assign(m.envelope, { sig: 'f1.x' })],
  ])('an edit of %s is refused as invalid', async (_what, edit) => {
    const message = JSON.parse(await forwarded(KEY_1)) as Message;
    edit(message);
    expect(refusal(() => replyTo(JSON.stringify(message), { secret: KEY_1 }))).toBe('invalid');
  });

  it('a signature made with another key is refused as invalid', async () => {
    const text = await forwarded(KEY_2);
    expect(refusal(() => replyTo(text, { secret: KEY_1 }))).toBe('invalid');
  });

  it('rotates keys like sessions: the first signs, every one verifies', async () => {
    const old = await forwarded(KEY_1);
    const fresh = await forwarded([KEY_2, KEY_1]);
    expect(refusal(() => replyTo(old, { secret: [KEY_2, KEY_1] }))).toBe('accepted');
    expect(refusal(() => replyTo(fresh, { secret: [KEY_2, KEY_1] }))).toBe('accepted');
    expect(refusal(() => replyTo(fresh, { secret: KEY_2 }))).toBe('accepted');
    // Once the old key is dropped, what it signed is refused.
    expect(refusal(() => replyTo(old, { secret: KEY_2 }))).toBe('invalid');
  });

  it('a forged record too deep to canonicalise is refused, not a crash', () => {
    let data: unknown = 1;
    for (let i = 0; i < 200_000; i++) data = [data];
    const message = {
      envelope: {
        connectionId: 'victim=',
        requestId: 'r',
        routeKey: 's',
        sentAt: 1,
        taskId: 't',
        sig: `f1.${'A'.repeat(43)}`,
      },
      data,
    };
    expect(refusal(() => replyTo(message as never, { secret: KEY_1 }))).toBe('invalid');
  });

  it('unsigned: true trusts every record, explicitly', () => {
    const forged = {
      envelope: { connectionId: 'c=', requestId: 'r', routeKey: 's', sentAt: 1, taskId: 't' },
      data: 1,
    };
    expect(replyTo(forged, { unsigned: true }).connectionId).toBe('c=');
  });
});
