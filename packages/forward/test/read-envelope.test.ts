import { type ForwardedMessage, NotATaskError, readEnvelope, replyTo } from '@wsapp/forward';
import { describe, expect, it } from 'vitest';

const message: ForwardedMessage = {
  envelope: { connectionId: 'c=', requestId: 'r', routeKey: 'submit', sentAt: 1, taskId: 't-1' },
  data: { n: 1 },
};

describe('readEnvelope', () => {
  it('accepts the message itself, its JSON text, and wrappings', () => {
    const text = JSON.stringify(message);
    for (const source of [
      message,
      text,
      { body: text },
      { Sns: { Message: text } },
      { detail: message },
      { body: JSON.stringify({ Type: 'Notification', Message: text }) },
      { body: JSON.stringify({ 'detail-type': 'x', detail: message }) },
    ]) {
      expect(readEnvelope(source)).toEqual(message);
    }
  });

  it('throws NotATaskError for records without an envelope', () => {
    expect(() => readEnvelope({ body: 'not json' })).toThrow(NotATaskError);
    expect(() => readEnvelope({ body: '{"data":1}' })).toThrow(NotATaskError);
    expect(() => readEnvelope({ detail: { envelope: { taskId: 't' } } })).toThrow(/no envelope/);
  });
});

describe('replyTo without a reachable endpoint', () => {
  it('exposes the envelope, the data and the ids', () => {
    const task = replyTo<{ n: number }>(message, { unsigned: true });
    expect(task.taskId).toBe('t-1');
    expect(task.connectionId).toBe('c=');
    expect(task.data.n).toBe(1);
    expect(task.envelope.routeKey).toBe('submit');
  });
});
