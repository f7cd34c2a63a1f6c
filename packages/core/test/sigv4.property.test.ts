/**
 * The signing transport's SigV4 against references it did not write: AWS's published SigV4 test
 * suite (fixtures/sigv4-test-suite.json), `@smithy/signature-v4` (the AWS SDK's signer) over
 * property-generated requests, and the AWS SDK management client's own wire requests (path
 * encoding of hostile connection ids, and its signatures re-derived by our signer).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncodedPayload } from '../src/messaging/transport/encoded-payload.js';
import { LeanTransport } from '../src/messaging/transport/lean-transport.js';
import { SigV4Signer } from '../src/messaging/transport/sigv4.js';
import { NodeSha256 } from './node-sha256.js';

const sha256Hex = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

interface Suite {
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  service: string;
  vectors: Array<{ name: string; signedRequest: string }>;
}
const suite = JSON.parse(
  readFileSync(new URL('./fixtures/sigv4-test-suite.json', import.meta.url), 'utf8'),
) as Suite;

/** Parses a test-suite request (`METHOD path HTTP/1.1`, `Name:value` lines, blank line, body). */
function parseSuiteRequest(text: string) {
  const [head = '', body = ''] = text.split('\n\n');
  const [requestLine = '', ...lines] = head.split('\n');
  const [method = '', path = ''] = requestLine.split(' HTTP/')[0]?.split(/ (.*)/s) ?? [];
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1);
  }
  return { method, path, headers, body };
}

describe('SigV4 signer: AWS signature test suite', () => {
  it.each(suite.vectors)('$name', ({ signedRequest }) => {
    const { method, path, headers, body } = parseSuiteRequest(signedRequest);
    const { authorization: expected, ...toSign } = headers;
    const payloadHash = sha256Hex(body);
    if (toSign['x-amz-content-sha256'] !== undefined)
      expect(toSign['x-amz-content-sha256']).toBe(payloadHash);
    const { sessionToken: _none, ...credentials } = {
      ...suite.credentials,
      sessionToken: toSign['x-amz-security-token'],
    };
    const got = new SigV4Signer(suite.service).authorization(
      { method, path, headers: toSign, payloadHash },
      credentials,
      suite.region,
    );
    expect(got).toBe(expected);
  });
});

// ---------------------------------------------------------------------------------------------
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_';
/** Real API Gateway ids look like `L0SM9cOFvHcCIhw=`; hostile ones probe the path encoding. */
const connectionId = fc.oneof(
  fc.string({ unit: fc.constantFrom(...ID_ALPHABET), minLength: 1, maxLength: 24 }),
  fc.constantFrom(
    '.',
    '..',
    '%',
    '%2F',
    '%252F',
    '/',
    '//',
    '?x=1',
    '#frag',
    ' ',
    '~',
    "!'()*",
    'a/../b',
    '@connections',
  ),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 12 }),
);
const big = new Uint8Array(128 * 1024).map((_, i) => (i * 31 + 7) & 0xff);
const payload = fc.oneof(
  fc.constant(new Uint8Array(0)),
  fc.uint8Array({ minLength: 1, maxLength: 300 }),
  fc.string().map((s) => new TextEncoder().encode(s)),
  fc.constant(big),
);
const endpoint = fc.constantFrom(
  'https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod',
  'https://abc123defg.execute-api.cn-north-1.amazonaws.com.cn/v1',
  'https://ws.example.com/v1/chat',
  'https://ws.example.com',
  'https://ws.example.com:8443/stage%20x',
  'http://127.0.0.1:4001/local',
);
const credentials = fc.record(
  {
    accessKeyId: fc.stringMatching(/^A[SK]IA[A-Z0-9]{16}$/),
    secretAccessKey: fc.base64String({ minLength: 40, maxLength: 40 }),
    sessionToken: fc.base64String({ minLength: 16, maxLength: 600 }),
  },
  { requiredKeys: ['accessKeyId', 'secretAccessKey'] },
);
const instant = fc.date({
  min: new Date('2015-01-01T00:00:00Z'),
  max: new Date('2099-12-31T23:59:59Z'),
  noInvalidDate: true,
});
const method = fc.constantFrom('POST' as const, 'GET' as const, 'DELETE' as const);

describe('SigV4 signer: byte-identical to @smithy/signature-v4', () => {
  it('for every generated request: same Authorization header', async () => {
    await fc.assert(
      fc.asyncProperty(
        method,
        endpoint,
        connectionId,
        payload,
        credentials,
        instant,
        async (m, url, id, bytes, creds, date) => {
          const body = m === 'POST' ? new EncodedPayload(bytes) : undefined;
          const transport = new LeanTransport({ maxSockets: 1, credentials: creds, region: 'eu-west-1' });
          const wire = await transport.signedRequest(m, url, id, body, date.getTime());
          const {
            authorization,
            'x-amz-date': _date,
            'x-amz-security-token': _token,
            ...headers
          } = wire.headers;
          const parsed = new URL(url);
          const region = /execute-api\.([a-z0-9-]+)\./.exec(parsed.hostname)?.[1] ?? 'eu-west-1';
          const smithy = new SignatureV4({
            service: 'execute-api',
            region,
            credentials: creds,
            sha256: NodeSha256,
            applyChecksum: false,
          });
          const signed = await smithy.sign(
            {
              method: m,
              protocol: parsed.protocol,
              hostname: parsed.hostname,
              path: wire.path,
              query: {},
              headers,
              ...(body === undefined ? {} : { body: body.bytes }),
            },
            { signingDate: date },
          );
          expect(authorization).toBe(signed.headers.authorization);
          expect(wire.headers['x-amz-date']).toBe(signed.headers['x-amz-date']);
          expect(wire.headers['x-amz-security-token']).toBe(signed.headers['x-amz-security-token']);
        },
      ),
      { numRuns: 600 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}
let server: Server;
let port: number;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      if (req.method === 'GET') {
        const json =
          '{"connectedAt":"2026-01-02T03:04:05.000Z","identity":{"sourceIp":"198.51.100.7","userAgent":"ua"},"lastActiveAt":"2026-01-02T03:05:00.000Z"}';
        res
          .writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) })
          .end(json);
      } else res.writeHead(req.method === 'DELETE' ? 204 : 200, { 'content-length': 0 }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function take(): Received {
  const r = received.shift();
  if (r === undefined) throw new Error('the server received nothing');
  return r;
}

/** Re-derives a received request's signature with our signer, from the headers it says it signed. */
function resign(r: Received, creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
  const auth = String(r.headers.authorization);
  const names = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
  const headers: Record<string, string> = {};
  for (const name of names) headers[name] = String(r.headers[name]);
  return new SigV4Signer('execute-api').authorization(
    { method: r.method, path: r.url, headers, payloadHash: sha256Hex(r.body) },
    creds,
    'eu-west-1',
  );
}

const basePath = fc.constantFrom('/prod', '/v1/chat', '', '/a%20b');
const sdkCommand = (m: 'POST' | 'GET' | 'DELETE', id: string, data: Uint8Array) =>
  m === 'POST'
    ? new PostToConnectionCommand({ ConnectionId: id, Data: data })
    : m === 'GET'
      ? new GetConnectionCommand({ ConnectionId: id })
      : new DeleteConnectionCommand({ ConnectionId: id });

describe('on the wire, against the AWS SDK client and a real HTTP server', () => {
  it('sends the same path as the SDK for every id, and both signatures verify with our signer', async () => {
    await fc.assert(
      fc.asyncProperty(
        method,
        basePath,
        connectionId,
        payload,
        credentials,
        async (m, base, id, bytes, creds) => {
          const url = `http://127.0.0.1:${port}${base}`;
          const sdk = new ApiGatewayManagementApiClient({
            endpoint: url,
            region: 'eu-west-1',
            credentials: creds,
            maxAttempts: 1,
          });
          const lean = new LeanTransport({ maxSockets: 2, credentials: creds, region: 'eu-west-1' });
          const body = new EncodedPayload(bytes);
          const viaSdk = await sdk.send(sdkCommand(m, id, bytes) as PostToConnectionCommand).then(
            () => take(),
            (error: unknown) => error as Error,
          );
          const call =
            m === 'POST' ? lean.post(url, id, body) : m === 'GET' ? lean.get(url, id) : lean.delete(url, id);
          const viaLean = await call.then(
            () => take(),
            (error: unknown) => error as Error,
          );
          sdk.destroy();
          if (viaSdk instanceof Error) {
            // Only ids encodeURIComponent refuses (lone surrogates) fail, and they fail for both.
            expect(viaLean).toBeInstanceOf(Error);
            return;
          }
          expect(viaLean).not.toBeInstanceOf(Error);
          const leanReq = viaLean as Received;
          expect(leanReq.url).toBe(viaSdk.url);
          expect(leanReq.method).toBe(viaSdk.method);
          expect(leanReq.body.equals(viaSdk.body)).toBe(true);
          expect(leanReq.headers.host).toBe(viaSdk.headers.host);
          expect(resign(viaSdk, creds)).toBe(viaSdk.headers.authorization);
          expect(resign(leanReq, creds)).toBe(leanReq.headers.authorization);
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);

  it('GET answers the connection info like the SDK does', async () => {
    const lean = new LeanTransport({
      maxSockets: 1,
      credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
    });
    const info = await lean.get(`http://127.0.0.1:${port}/prod`, 'abc=');
    take();
    const sdk = new ApiGatewayManagementApiClient({
      endpoint: `http://127.0.0.1:${port}/prod`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
    });
    const out = await sdk.send(new GetConnectionCommand({ ConnectionId: 'abc=' }));
    take();
    expect(info).toEqual({
      connectedAt: out.ConnectedAt,
      lastActiveAt: out.LastActiveAt,
      identity: { sourceIp: out.Identity?.SourceIp, userAgent: out.Identity?.UserAgent },
    });
  });
});
