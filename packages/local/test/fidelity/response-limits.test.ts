import { WebSocketApp, type WebSocketEvent } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connect, Rejected, silentLogger, start } from '../helpers.js';

// Issue 26 item 13. Lambda refuses a synchronous response over 6 MB — 6,291,556 bytes of the JSON
// the result serialises to (Lambda's Function.ResponseSizeTooLarge) — and API Gateway then answers
// as for any failed integration: 502 on $connect, {"message":"Internal server error",…} on a
// message route (AWS's Lambda quotas; API-GATEWAY.md "Responses"). A message to a client is at
// most 128 KB (131,072 bytes): a two-way reply over it is not sent (AWS does not document what it
// does instead; the emulator sends the failed-integration frame and logs, see the README).
const LAMBDA_RESPONSE_LIMIT = 6_291_556;
const MESSAGE_LIMIT = 131_072;
const FRAME = 32 * 1024;

/** A proxy response whose JSON (`{"statusCode":200,"body":"xx…"}`) is exactly `bytes` bytes. */
function responseOf(bytes: number) {
  const overhead = JSON.stringify({ statusCode: 200, body: '' }).length;
  return { statusCode: 200, body: 'x'.repeat(bytes - overhead) };
}

/** Sends `text` as API Gateway accepts it: frames of at most 32 KB. */
function sendInFrames(ws: import('ws').WebSocket, text: string): void {
  for (let at = 0; at < text.length; at += FRAME) {
    ws.send(text.slice(at, at + FRAME), { fin: at + FRAME >= text.length });
  }
}

describe('Lambda’s 6 MB response limit', () => {
  it('a message route whose result is one byte over fails like a crashed integration', async () => {
    const sizes: Record<string, number> = { at: LAMBDA_RESPONSE_LIMIT, over: LAMBDA_RESPONSE_LIMIT + 1 };
    const logger = silentLogger();
    const handler = async (event: WebSocketEvent) => {
      if (event.requestContext.eventType !== 'MESSAGE') return { statusCode: 200 };
      return responseOf(sizes[JSON.parse(event.body ?? '{}').size] ?? 0);
    };
    // One-way: an accepted answer is dropped, so the only frame is API Gateway's error frame.
    const server = await start(handler, { logger });
    const client = await connect(server.url);
    client.send({ action: 'x', size: 'at' });
    client.send({ action: 'x', size: 'over' });
    const frame = (await client.json()) as Record<string, unknown>;
    expect(frame).toEqual({
      message: 'Internal server error',
      connectionId: server.connections.ids()[0],
      requestId: expect.any(String),
    });
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(String(logger.error.mock.calls[0]?.[1]?.error)).toContain('ResponseSizeTooLarge');
  });

  it('$connect whose result is over the limit is refused with 502', async () => {
    const handler = async (event: WebSocketEvent) =>
      event.requestContext.eventType === 'CONNECT'
        ? responseOf(LAMBDA_RESPONSE_LIMIT + 1)
        : { statusCode: 200 };
    const server = await start(handler);
    const refused = await connect(server.url).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Rejected);
    expect((refused as Rejected).status).toBe(502);
    expect(server.connections.size).toBe(0);
  });
});

describe('API Gateway’s 128 KB message limit on two-way replies', () => {
  it('a reply of 131,072 bytes arrives; one byte more is not sent', async () => {
    const logger = silentLogger();
    const app = new WebSocketApp({ logger: silentLogger() })
      .onConnect(() => undefined)
      .route('echo', { twoWay: true }, (ctx) => 'r'.repeat((ctx.body as { n: number }).n));
    const server = await start(app, { logger });
    const client = await connect(server.url);
    client.send({ action: 'echo', n: MESSAGE_LIMIT });
    expect(Buffer.byteLength(await client.text())).toBe(MESSAGE_LIMIT);
    client.send({ action: 'echo', n: MESSAGE_LIMIT + 1 });
    expect(await client.json()).toMatchObject({ message: 'Internal server error' });
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining(`${MESSAGE_LIMIT + 1} bytes`),
      expect.anything(),
    );
  });
});

describe('a validation failure over a real socket', () => {
  it('131,069 bytes failing on every element answer a 400 of a few hundred bytes', async () => {
    const app = new WebSocketApp({ logger: silentLogger() })
      .onConnect(() => undefined)
      .route('x', { twoWay: true, body: z.object({ ids: z.array(z.string()) }) }, () => 'ok');
    const server = await start(app);
    const client = await connect(server.url);
    const head = '{"action":"x","ids":[';
    const elements = Math.floor((131_069 - head.length - 2 + 1) / 2);
    let text = `${head}${Array(elements).fill('1').join(',')}]}`;
    text += ' '.repeat(131_069 - text.length);
    sendInFrames(client.ws, text);
    const answer = await client.text();
    console.info(
      `[emulator] a 131,069-byte message with ${elements} failing elements: ${answer.length}-byte answer`,
    );
    expect(Buffer.byteLength(answer)).toBeLessThan(9 * 1024);
    const body = JSON.parse(answer) as { message: string; issues: unknown[]; omittedIssues: number };
    expect(body.message).toBe('Invalid message body');
    expect(body.issues).toHaveLength(10);
    expect(body.omittedIssues).toBe(elements - 10);
  });
});
