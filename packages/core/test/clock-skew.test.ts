/**
 * A management API whose clock is 20 minutes away from this machine's, on a real HTTP server on
 * loopback that checks requests like AWS (API-GATEWAY.md, Signing): the SigV4 signature is
 * recomputed with the AWS SDK's signer, and a correctly signed request dated more than 5 minutes
 * from the server's clock is refused with 403 `InvalidSignatureException` "Signature expired: …
 * (… - 5 min.)" (or "Signature not yet current" when dated ahead), with the server's `Date` header.
 * Both transports run against the same server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManagementApiForbiddenError, Messenger, type MessengerOptions } from '../src/index.js';
import { amzDate } from '../src/messaging/transport/sigv4.js';
import { verifySigV4 } from './sigv4-verify.js';

const MINUTE = 60_000;
/** AWS refuses a request dated more than this from its clock. */
const SIGNATURE_WINDOW_MS = 5 * MINUTE;
const credentials = { accessKeyId: 'AKIASKEWTEST00000001', secretAccessKey: 'skew-secret' };
const secrets = new Map([[credentials.accessKeyId, credentials.secretAccessKey]]);

/** The server's clock: this machine's plus `skewMs` (changed per test). */
let skewMs = 0;
/** Extra skew added after each answer, to model a clock no correction can catch up with. */
let driftPerAnswerMs = 0;
/** Answer every verified request with this instead of 200 (a real permission refusal). */
let forbidAll = false;
const serverNow = () => Date.now() + skewMs;

interface Seen {
  status: number;
  verified: boolean;
  /** The request's date minus the server's clock when it arrived, ms. */
  offByMs: number;
}
const seen: Seen[] = [];

function answer(res: ServerResponse, status: number, type?: string, message?: string): void {
  const body = message === undefined ? '' : JSON.stringify({ message });
  res.writeHead(status, {
    // Node would date the answer with this machine's clock: the server's own is the point.
    date: new Date(serverNow()).toUTCString(),
    'content-length': Buffer.byteLength(body),
    'x-amzn-RequestId': `req-${seen.length}`,
    ...(type === undefined ? {} : { 'content-type': 'application/json', 'x-amzn-ErrorType': type }),
  });
  res.end(body);
  skewMs += driftPerAnswerMs;
}

async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const now = serverNow();
  const { verified, signedAt } = await verifySigV4(req, body, secrets);
  const offByMs = signedAt - now;
  const record = (status: number) => seen.push({ status, verified, offByMs });
  if (!verified) {
    record(403);
    return answer(
      res,
      403,
      'InvalidSignatureException',
      'The request signature we calculated does not match',
    );
  }
  const signed = amzDate(signedAt);
  if (offByMs < -SIGNATURE_WINDOW_MS) {
    record(403);
    const earliest = amzDate(now - SIGNATURE_WINDOW_MS);
    return answer(
      res,
      403,
      'InvalidSignatureException',
      `Signature expired: ${signed} is now earlier than ${earliest} (${amzDate(now)} - 5 min.)`,
    );
  }
  if (offByMs > SIGNATURE_WINDOW_MS) {
    record(403);
    const latest = amzDate(now + SIGNATURE_WINDOW_MS);
    return answer(
      res,
      403,
      'InvalidSignatureException',
      `Signature not yet current: ${signed} is still later than ${latest} (${amzDate(now)} + 5 min.)`,
    );
  }
  if (forbidAll) {
    record(403);
    return answer(res, 403, 'ForbiddenException', 'Forbidden');
  }
  record(200);
  answer(res, 200);
}

let server: Server;
let endpoint: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => void handle(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prod`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
  skewMs = 0;
  driftPerAnswerMs = 0;
  forbidAll = false;
});

const transports: Record<'signed' | 'sdk', (extra?: Partial<MessengerOptions>) => Messenger> = {
  signed: (extra) => new Messenger({ endpoint, credentials, ...extra }),
  sdk: (extra) => new Messenger({ endpoint, clientConfig: { region: 'us-east-1', credentials }, ...extra }),
};

const counts = () => ({
  refused: seen.filter((s) => s.status === 403).length,
  accepted: seen.filter((s) => s.status === 200).length,
});

describe.each(Object.keys(transports) as Array<keyof typeof transports>)('%s transport', (kind) => {
  it.each([
    ['20 minutes ahead', 20 * MINUTE],
    ['20 minutes behind', -20 * MINUTE],
  ])(
    'server clock %s: the first call is corrected and sent again, every later call is dated right',
    async (_, skew) => {
      skewMs = skew;
      const messenger = transports[kind]();
      const outcomes: string[] = [];
      for (let i = 0; i < 4; i++) outcomes.push(await messenger.send(`c${i}=`, { i }));
      expect(outcomes).toEqual(['sent', 'sent', 'sent', 'sent']);
      // One refusal (the first request, dated by this machine's clock), then 4 accepted requests,
      // each signed correctly and dated within a few seconds of the server's clock.
      expect(seen.map((s) => s.status)).toEqual([403, 200, 200, 200, 200]);
      expect(seen.every((s) => s.verified)).toBe(true);
      expect(Math.abs((seen[0] as Seen).offByMs + skew)).toBeLessThan(5000);
      for (const s of seen.slice(1)) expect(Math.abs(s.offByMs)).toBeLessThan(5000);
    },
  );

  it('a broadcast meeting the skew delivers to every connection, no ManagementApiForbiddenError', async () => {
    skewMs = 20 * MINUTE;
    const messenger = transports[kind]({ concurrency: 10 });
    const ids = Array.from({ length: 40 }, (_, i) => `b${i}=`);
    const report = await messenger.broadcast({ connectionIds: ids }, 'tick');
    expect(report).toMatchObject({ attempted: 40, delivered: 40, gone: 0, failed: [] });
    const { refused, accepted } = counts();
    // Only calls already in flight when the first refusal came back were refused (each once).
    expect(accepted).toBe(40);
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(refused).toBeLessThanOrEqual(10);
    console.log(
      `${kind}: broadcast of 40 (concurrency 10), server +20 min: ${refused} refused, 40 delivered`,
    );
  });

  it('a real 403 (permissions) with a right clock is not retried', async () => {
    forbidAll = true;
    const messenger = transports[kind]();
    await expect(messenger.send('f=', 'x')).rejects.toBeInstanceOf(ManagementApiForbiddenError);
    expect(seen).toHaveLength(1);
  });

  it('a clock that runs away after every answer: one correction per call, then the 403 stands', async () => {
    skewMs = 20 * MINUTE;
    driftPerAnswerMs = 20 * MINUTE;
    const messenger = transports[kind]();
    await expect(messenger.send('d=', 'x')).rejects.toBeInstanceOf(ManagementApiForbiddenError);
    expect(seen.map((s) => s.status)).toEqual([403, 403]);
  });
});
