/**
 * Cold start, proven at run time in fresh Node processes on the built dist: routing loads no AWS
 * SDK module, and neither does sending with the Lambda environment's credentials (the default
 * signed transport). Positive controls in the same processes: the SDK transport (`clientConfig`)
 * does load the SDK, and without environment credentials the SDK's default chain is loaded lazily.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packagesDir = resolve(import.meta.dirname, '../..');
let consumer: string;

beforeAll(() => {
  consumer = mkdtempSync(join(tmpdir(), 'wsapp-cold-transport-'));
  mkdirSync(join(consumer, 'node_modules', '@wsapp'), { recursive: true });
  for (const name of readdirSync(packagesDir).filter((n) =>
    existsSync(join(packagesDir, n, 'package.json')),
  )) {
    symlinkSync(join(packagesDir, name), join(consumer, 'node_modules', '@wsapp', name), 'dir');
  }
});
afterAll(() => rmSync(consumer, { recursive: true, force: true }));

const script = `
const http = require('node:http');
const { WebSocketApp, Messenger } = require('@wsapp/core');
const sdkModules = () => Object.keys(require.cache).filter((k) => /[\\\\/]@(aws-sdk|smithy)[\\\\/]/.test(k));
const seen = [];
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { seen.push({ url: req.url, auth: req.headers.authorization, token: req.headers['x-amz-security-token'] }); res.writeHead(200, { 'content-length': 0 }).end(); });
});
server.listen(0, '127.0.0.1', async () => {
  const endpoint = 'http://127.0.0.1:' + server.address().port + '/prod';
  const out = {};
  const app = new WebSocketApp({ logger: { warn() {}, error() {} } }).onConnect(() => undefined).route('ping', () => ({ pong: 1 }));
  const rc = { routeKey: 'ping', eventType: 'MESSAGE', connectionId: 'c=', requestId: 'r', stage: 'prod', domainName: 'abc.execute-api.eu-west-1.amazonaws.com', apiId: 'abc' };
  out.routed = (await app.resolve({ requestContext: rc, body: '{"action":"ping"}' })).statusCode;
  out.afterRouting = sdkModules();
  if (process.argv[2] === 'env') {
    out.sent = await new Messenger({ endpoint }).send('L0SM9cOFvHcCIhw=', 'hi');
    out.broadcast = (await new Messenger({ endpoint }).broadcast({ connectionIds: ['a=', 'b=', 'c='] }, { x: 1 })).delivered;
    out.afterSend = sdkModules();
    out.requests = seen.splice(0);
    out.sdkSent = await new Messenger({ endpoint, clientConfig: {} }).send('L0SM9cOFvHcCIhw=', 'hi');
    out.afterSdkSend = sdkModules().length;
  } else {
    // No credentials anywhere, an endpoint that is not loopback: the SDK's default chain is needed.
    const failed = await new Messenger({ endpoint: 'http://[::ffff:127.0.0.1]:9/prod', retry: { maxAttempts: 1 } })
      .send('a=', 'x').catch((e) => e.cause?.name ?? e.name);
    out.chainFailure = failed;
    out.afterChain = sdkModules().filter((k) => k.includes('credential-provider'));
  }
  console.log(JSON.stringify(out));
  server.close();
});
`;

function run(mode: 'env' | 'none', env: NodeJS.ProcessEnv) {
  writeFileSync(join(consumer, 'cold.cjs'), script);
  const out = execFileSync(process.execPath, [join(consumer, 'cold.cjs'), mode], {
    cwd: consumer,
    encoding: 'utf8',
    env,
    timeout: 60_000,
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
}

const base = { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1' };

describe('messaging transport cold start (built dist, fresh processes)', () => {
  it('routing and sending with Lambda env credentials load no AWS SDK module; the SDK transport does', () => {
    const out = run('env', {
      ...base,
      AWS_ACCESS_KEY_ID: 'ASIACOLDSTART0000001',
      AWS_SECRET_ACCESS_KEY: 'cold-secret',
      AWS_SESSION_TOKEN: 'cold-token',
    });
    expect(out.routed).toBe(200);
    expect(out.afterRouting).toEqual([]);
    expect(out.sent).toBe('sent');
    expect(out.broadcast).toBe(3);
    expect(out.afterSend).toEqual([]);
    expect(out.requests).toHaveLength(4);
    for (const r of out.requests) {
      expect(r.auth).toMatch(
        /^AWS4-HMAC-SHA256 Credential=ASIACOLDSTART0000001\/\d{8}\/eu-west-1\/execute-api\/aws4_request, /,
      );
      expect(r.token).toBe('cold-token');
    }
    // Positive control: the recording sees the SDK when it loads.
    expect(out.sdkSent).toBe('sent');
    expect(out.afterSdkSend).toBeGreaterThan(10);
  });

  it('without env credentials, the default provider chain is imported lazily, on the first send', () => {
    const home = mkdtempSync(join(tmpdir(), 'wsapp-no-aws-'));
    try {
      const out = run('none', { ...base, HOME: home, AWS_EC2_METADATA_DISABLED: 'true' });
      expect(out.afterRouting).toEqual([]);
      expect(out.chainFailure).toBe('CredentialsProviderError');
      expect(out.afterChain.some((k: string) => k.includes('credential-provider-node'))).toBe(true);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
