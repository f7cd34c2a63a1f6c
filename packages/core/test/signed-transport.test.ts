/**
 * The signing transport's credentials, errors and aborts, against a real HTTP server on loopback
 * that checks every signature with `@smithy/signature-v4` (the AWS SDK's signer) from the request
 * it received, and answers like API Gateway's `@connections` API (restJson1 errors).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManagementApiError, Messenger, SendFailedError } from '../src/index.js';
import { classifyError } from '../src/messaging/classify-error.js';
import { EncodedPayload } from '../src/messaging/transport/encoded-payload.js';
import { LeanTransport } from '../src/messaging/transport/lean-transport.js';
import { verifySigV4 } from './sigv4-verify.js';

/** Secrets the server knows, by access key id (what IAM would look up). */
const secrets = new Map<string, string>();
/** What the server answers next, and what it saw. */
let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) =>
  res.writeHead(200, { 'content-length': 0 }).end();
const seen: Array<{ accessKeyId: string; token: string | undefined; verified: boolean }> = [];

async function verify(
  req: IncomingMessage,
  body: Buffer,
): Promise<{ accessKeyId: string; verified: boolean }> {
  const { accessKeyId, verified } = await verifySigV4(req, body, secrets);
  return { accessKeyId, verified };
}

let server: Server;
let endpoint: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const token = req.headers['x-amz-security-token'];
      seen.push({
        ...(await verify(req, Buffer.concat(chunks))),
        token: typeof token === 'string' ? token : undefined,
      });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prod`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const saved = { ...process.env };
afterEach(() => {
  for (const key of [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_CREDENTIAL_EXPIRATION',
  ]) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  seen.length = 0;
  answer = (_req, res) => res.writeHead(200, { 'content-length': 0 }).end();
});

const awsError =
  (status: number, type: string, message: string) => (_req: IncomingMessage, res: ServerResponse) => {
    const body = JSON.stringify({ message });
    res
      .writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'x-amzn-ErrorType': type,
      })
      .end(body);
  };

describe('signed transport: credentials', () => {
  it("signs with the Lambda environment's credentials, session token included", async () => {
    secrets.set('ASIAENVEXAMPLE000001', 'env-secret');
    process.env.AWS_ACCESS_KEY_ID = 'ASIAENVEXAMPLE000001';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
    process.env.AWS_SESSION_TOKEN = 'env-token';
    expect(await new Messenger({ endpoint }).send('abc=', 'hi')).toBe('sent');
    expect(seen).toEqual([{ accessKeyId: 'ASIAENVEXAMPLE000001', token: 'env-token', verified: true }]);
  });

  it('signs with static credentials given as the option (over the environment)', async () => {
    secrets.set('AKIASTATIC0000000001', 'static-secret');
    process.env.AWS_ACCESS_KEY_ID = 'ASIAENVEXAMPLE000001';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
    const messenger = new Messenger({
      endpoint,
      credentials: { accessKeyId: 'AKIASTATIC0000000001', secretAccessKey: 'static-secret' },
    });
    await messenger.send('abc=', new Uint8Array([1, 2, 3]));
    await messenger.broadcast({ connectionIds: ['a=', 'b=', 'c='] }, { x: 1 });
    expect(seen).toHaveLength(4);
    for (const s of seen)
      expect(s).toEqual({ accessKeyId: 'AKIASTATIC0000000001', token: undefined, verified: true });
  });

  it('calls a provider once while its credentials are fresh, and again before they expire', async () => {
    for (const n of [1, 2, 3]) secrets.set(`ASIAPROVIDER0000000${n}`, `p${n}`);
    let calls = 0;
    let expiresInMs = 60 * 60_000;
    const provider = async () => {
      calls++;
      return {
        accessKeyId: `ASIAPROVIDER0000000${calls}`,
        secretAccessKey: `p${calls}`,
        sessionToken: `t${calls}`,
        expiration: new Date(Date.now() + expiresInMs),
      };
    };
    const messenger = new Messenger({ endpoint, credentials: provider });
    const report = await messenger.broadcast({ connectionIds: ['a=', 'b=', 'c=', 'd=', 'e='] }, 'x');
    expect(report.delivered).toBe(5);
    expect(calls).toBe(1); // concurrent calls share one fetch; fresh credentials are reused
    // Credentials inside the 5-minute refresh window are fetched again on the next call.
    const soon = new Messenger({ endpoint, credentials: provider });
    calls = 1;
    expiresInMs = 4 * 60_000;
    seen.length = 0;
    await soon.send('a=', 'x'); // fetches #2 (expiring within the window)
    await soon.send('b=', 'x'); // #2 is inside the window: fetched again
    expect(calls).toBe(3);
    expect(seen.map((s) => s.verified)).toEqual([true, true]);
  });

  it('a rejecting provider makes the call fail without hanging, and is asked again next time', async () => {
    let calls = 0;
    const messenger = new Messenger({
      endpoint,
      retry: { maxAttempts: 1 },
      credentials: async () => {
        calls++;
        throw Object.assign(new Error('no role'), { name: 'CredentialsProviderError' });
      },
    });
    await expect(messenger.send('a=', 'x')).rejects.toBeInstanceOf(SendFailedError);
    await expect(messenger.send('a=', 'x')).rejects.toBeInstanceOf(SendFailedError);
    expect(calls).toBe(2);
    expect(seen).toHaveLength(0);
  });
});

describe('signed transport: answers and aborts', () => {
  const creds = { accessKeyId: 'AKIASTATIC0000000001', secretAccessKey: 'static-secret' };

  it.each([
    [410, 'GoneException', 'gone'],
    [429, 'LimitExceededException', 'retry'],
    [500, 'InternalServerErrorException', 'retry'],
    [503, 'ServiceUnavailableException', 'retry'],
    [403, 'ForbiddenException', 'forbidden'],
    [413, 'PayloadTooLargeException', 'fatal'],
    [400, 'BadRequestException', 'fatal'],
  ])('HTTP %i %s → ManagementApiError classified %s', async (status, type, kind) => {
    answer = awsError(status, type, 'boom');
    const lean = new LeanTransport({ maxSockets: 1, credentials: creds });
    const error = await lean
      .post(endpoint, 'a=', new EncodedPayload(new Uint8Array([1])))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagementApiError);
    expect(error).toMatchObject({ name: type, statusCode: status, $metadata: { httpStatusCode: status } });
    expect(classifyError(error).kind).toBe(kind);
  });

  it('an error without x-amzn-ErrorType is named from its status; Messenger reports its status', async () => {
    answer = (_req, res) => res.writeHead(400, { 'content-length': 3 }).end('bad');
    const error = await new Messenger({ endpoint, credentials: creds, retry: { maxAttempts: 3 } })
      .send('a=', 'x')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendFailedError);
    expect(error).toMatchObject({ statusCode: 400, attempts: 1 }); // 400 is not retried
    expect((error as Error).cause).toMatchObject({ name: 'BadRequestException' });
  });

  it('an abort signal ends a call the server never answers, as an AbortError', async () => {
    answer = () => undefined; // never answers
    const lean = new LeanTransport({ maxSockets: 1, credentials: creds });
    const started = Date.now();
    const error = await lean
      .post(endpoint, 'a=', new EncodedPayload(new Uint8Array([1])), AbortSignal.timeout(200))
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((error as Error).name).toBe('AbortError');
    expect(classifyError(error).kind).toBe('retry');
  });
});

describe('signed transport: request timeout after an event-loop stall', () => {
  it('an answer that arrived during a stall longer than the timeout is taken, not timed out and sent again', async () => {
    // The server runs in another process, so it answers while this one is blocked.
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      [
        '-e',
        "const s = require('node:http').createServer((q, r) => { q.resume(); q.on('end', () => r.writeHead(200, { 'content-length': 0 }).end()); });" +
          "s.listen(0, '127.0.0.1', () => console.log(s.address().port));",
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const childPort = await new Promise<number>((resolve) =>
        child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))),
      );
      const url = `http://127.0.0.1:${childPort}/prod`;
      const lean = new LeanTransport({
        maxSockets: 1,
        credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
        requestTimeoutMs: 300,
      });
      const payload = new EncodedPayload(new Uint8Array([1]));
      await lean.post(url, 'warm=', payload); // a pooled keep-alive socket: the next request goes out at once
      const call = lean.post(url, 'a=', payload);
      // Once the request is written, block this process for twice the timeout (a GC pause, a busy
      // handler, a starved CPU): when it resumes, the socket timer is due and the answer is waiting.
      setImmediate(() => {
        const until = Date.now() + 600;
        while (Date.now() < until) {
          // busy: the event loop is stalled
        }
      });
      await expect(call).resolves.toBeUndefined();
    } finally {
      child.kill();
    }
  }, 20_000);
});
