/**
 * Breaking the clock-skew promise (core README, "Messaging transport", Clock skew; issue 26 item 7):
 *
 * > AWS refuses a request dated more than 5 minutes from its own clock (403
 * > `InvalidSignatureException`, …) and dates the answer (`Date`). Like the AWS SDK, the transport
 * > then learns the offset (`Date` minus the local clock …), keeps it for every later call, and
 * > sends the refused call once more, dated by the corrected clock. … a clock that keeps running
 * > away ends the call with that error after two requests.
 *
 * and the issue's own bar: "Clock skew locks the signed transport out for good" must not happen.
 *
 * A real HTTP server on loopback checks each request like AWS (the SigV4 signature recomputed with
 * the AWS SDK's signer; a request dated more than 5 minutes away from the server's clock is
 * refused 403 `InvalidSignatureException` "Signature expired" / "Signature not yet current", the
 * answer dated with the server's `Date`). Expected values come from that AWS behaviour: once the
 * server answers with a sane `Date`, a call must be able to succeed again.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Messenger, type MessengerOptions } from '../src/index.js';
import { amzDate } from '../src/messaging/transport/sigv4.js';
import { verifySigV4 } from './sigv4-verify.js';

const MINUTE = 60_000;
const SIGNATURE_WINDOW_MS = 5 * MINUTE;
const credentials = { accessKeyId: 'AKIABREAKSKEW0000001', secretAccessKey: 'break-skew-secret' };
const secrets = new Map([[credentials.accessKeyId, credentials.secretAccessKey]]);

/** The server's clock: this machine's plus `skewMs`. */
let skewMs = 0;
/** The `Date` header of the next refusals (one per entry, consumed in order); then the real one. */
const dateOverrides: Array<string | undefined> = [];
const seen: Array<{ status: number; offByMs: number }> = [];

function answer(res: ServerResponse, status: number, type?: string, message?: string): void {
  const body = message === undefined ? '' : JSON.stringify({ message });
  const override = status === 403 && dateOverrides.length > 0;
  const date = override ? dateOverrides.shift() : new Date(Date.now() + skewMs).toUTCString();
  const headers: Record<string, string | number> = {
    'content-length': Buffer.byteLength(body),
    ...(type === undefined ? {} : { 'content-type': 'application/json', 'x-amzn-ErrorType': type }),
  };
  if (date !== undefined) headers.date = date;
  res.sendDate = false;
  res.writeHead(status, headers);
  res.end(body);
}

async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const now = Date.now() + skewMs;
  const { verified, signedAt } = await verifySigV4(req, body, secrets);
  const offByMs = signedAt - now;
  if (!verified) {
    seen.push({ status: 403, offByMs });
    return answer(
      res,
      403,
      'InvalidSignatureException',
      'The request signature we calculated does not match',
    );
  }
  const signed = amzDate(signedAt);
  if (offByMs < -SIGNATURE_WINDOW_MS) {
    seen.push({ status: 403, offByMs });
    return answer(
      res,
      403,
      'InvalidSignatureException',
      `Signature expired: ${signed} is now earlier than ${amzDate(now - SIGNATURE_WINDOW_MS)} (${amzDate(now)} - 5 min.)`,
    );
  }
  if (offByMs > SIGNATURE_WINDOW_MS) {
    seen.push({ status: 403, offByMs });
    return answer(
      res,
      403,
      'InvalidSignatureException',
      `Signature not yet current: ${signed} is still later than ${amzDate(now + SIGNATURE_WINDOW_MS)} (${amzDate(now)} + 5 min.)`,
    );
  }
  seen.push({ status: 200, offByMs });
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
  dateOverrides.length = 0;
});

const transports: Record<'signed' | 'sdk', (extra?: Partial<MessengerOptions>) => Messenger> = {
  signed: (extra) => new Messenger({ endpoint, credentials, retry: { maxAttempts: 1 }, ...extra }),
  sdk: (extra) =>
    new Messenger({
      endpoint,
      clientConfig: { region: 'us-east-1', credentials },
      retry: { maxAttempts: 1 },
      ...extra,
    }),
};

/** Outcome of one send: 'sent', 'gone', or the error's name. */
async function outcome(messenger: Messenger, id: string): Promise<string> {
  try {
    return await messenger.send(id, { id });
  } catch (error) {
    return (error as Error).name;
  }
}

describe.each(Object.keys(transports) as Array<keyof typeof transports>)('%s transport', (kind) => {
  it('one refusal whose Date is garbage that still parses (the last instant a JS Date holds) does not lock the transport out', async () => {
    // The server is 20 minutes ahead: the first call is refused. Its answer carries a Date header
    // that Date.parse accepts but that no request can ever be dated from (8.64e15 ms, +275760).
    // Every later answer carries the server's real Date: from then on a call must succeed again
    // (at worst after its own refusal, which teaches the real offset).
    skewMs = 20 * MINUTE;
    dateOverrides.push('Sat, 13 Sep 275760 00:00:00 GMT');
    const messenger = transports[kind]();
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) outcomes.push(await outcome(messenger, `g${i}=`));
    console.log(
      `${kind}: after one answer dated +275760: ${outcomes.join(', ')}; server saw ${seen.length} requests`,
    );
    // The first call may fail (its answer lied); the later ones face a server with a sane Date.
    expect(outcomes.slice(1)).toEqual(['sent', 'sent', 'sent']);
  });

  it('the local clock corrected mid-run (offset learned, then the server agrees with the local clock): later calls succeed', async () => {
    // +20 min taught first; then this machine's clock is fixed (NTP): the server and the local
    // clock agree and the learned offset is now 20 minutes wrong. "keeps it for every later call"
    // must not mean "keeps a wrong one forever": the refusal dates the answer again.
    skewMs = 20 * MINUTE;
    const messenger = transports[kind]();
    const before: string[] = [];
    for (let i = 0; i < 3; i++) before.push(await outcome(messenger, `a${i}=`));
    skewMs = 0;
    const after: string[] = [];
    for (let i = 0; i < 3; i++) after.push(await outcome(messenger, `b${i}=`));
    console.log(`${kind}: +20 min then 0: before ${before.join(', ')}; after ${after.join(', ')}`);
    expect(before).toEqual(['sent', 'sent', 'sent']);
    expect(after).toEqual(['sent', 'sent', 'sent']);
  });

  it('a broadcast after the local clock was corrected (offset +20 min learned, server now agrees): every connection delivered, no ManagementApiForbiddenError', async () => {
    skewMs = 20 * MINUTE;
    const messenger = transports[kind]({ concurrency: 5 });
    const first = await messenger.broadcast(
      { connectionIds: Array.from({ length: 10 }, (_, i) => `p${i}=`) },
      'one',
    );
    skewMs = 0;
    let second: unknown;
    try {
      second = await messenger.broadcast(
        { connectionIds: Array.from({ length: 10 }, (_, i) => `q${i}=`) },
        'two',
      );
    } catch (error) {
      second = (error as Error).name;
    }
    console.log(
      `${kind}: broadcast at +20 min then at 0: ${first.delivered}/10, then ${JSON.stringify(second)}`,
    );
    expect(first).toMatchObject({ attempted: 10, delivered: 10, failed: [] });
    expect(second).toMatchObject({ attempted: 10, delivered: 10, failed: [] });
  });
});
