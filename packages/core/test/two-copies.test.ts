import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connectEvent, messageEvent } from '@wsapp/testing';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue 26 item 12: an app whose bundle holds two copies of @wsapp/core (a library that brought
// its own) must answer every wsapp error the way one copy does. The built packages are installed
// twice into a scratch project — the app's copy, and lib-b's own copy in lib-b/node_modules, as
// npm nests a second version — and fixtures/two-copies/app.mjs runs each case with one copy and
// with two: loaded by Node from the two paths, and bundled by esbuild into one file.
const packagesDir = resolve(import.meta.dirname, '../..');
const fixture = resolve(import.meta.dirname, 'fixtures/two-copies');
const installed = ['core', 'forward', 'store-memory'];
let project: string;

function install(into: string): void {
  for (const name of installed) {
    const from = join(packagesDir, name);
    const to = join(into, 'node_modules', '@wsapp', name);
    mkdirSync(to, { recursive: true });
    cpSync(join(from, 'package.json'), join(to, 'package.json'));
    cpSync(join(from, 'dist'), join(to, 'dist'), { recursive: true });
  }
}

type Response = { statusCode: number; body?: string };
type Case<T = Response> = { one: T; two: T; oneLogs: string[]; twoLogs: string[] };
type Results = Record<string, Case> & { copies: { sameClass: boolean } };

const run = (file: string): Results =>
  JSON.parse(execFileSync(process.execPath, [join(project, file)], { cwd: project, encoding: 'utf8' }));

beforeAll(async () => {
  for (const name of installed) {
    expect(existsSync(join(packagesDir, name, 'dist/index.js')), `${name} is not built: run pnpm build`).toBe(
      true,
    );
  }
  project = mkdtempSync(join(tmpdir(), 'wsapp-two-copies-'));
  install(project);
  const lib = join(project, 'node_modules', 'lib-b');
  cpSync(join(fixture, 'lib-b'), lib, { recursive: true });
  install(lib);
  cpSync(join(fixture, 'app.mjs'), join(project, 'app.mjs'));
  const connectionId = 'conn-1=';
  const events = {
    connect: connectEvent({ connectionId, requestId: 'req-connect' }),
    take: messageEvent({ action: 'take' }, { connectionId, requestId: 'req-take', routeKey: 'take' }),
    joinBad: messageEvent(
      { action: 'join', room: 'bad\u0007room' },
      { connectionId, requestId: 'req-join', routeKey: 'join' },
    ),
    submit: messageEvent(
      { action: 'submit', report: 'q3' },
      { connectionId, requestId: 'req-submit', routeKey: 'submit' },
    ),
    submitBad: messageEvent({ action: 'submit' }, { connectionId, requestId: 'req-bad', routeKey: 'submit' }),
    forwarded: messageEvent(
      { action: 'submit', report: 'q4' },
      { connectionId, requestId: 'req-fwd', routeKey: 'submit' },
    ),
  };
  writeFileSync(join(project, 'events.json'), JSON.stringify(events));
  for (const [outfile, minify] of [
    ['bundle.mjs', false],
    ['bundle.min.mjs', true],
  ] as const) {
    await build({
      entryPoints: [join(project, 'app.mjs')],
      outfile: join(project, outfile),
      bundle: true,
      minify, // renames every class: nothing may depend on a class's or an error's name
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: ['@aws-sdk/*'],
      logLevel: 'silent',
    });
  }
}, 60_000);
afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

const json = (res: Response) => JSON.parse(res.body ?? 'null');

describe.each([
  ['loaded from two paths', 'app.mjs'],
  ['bundled by esbuild into one file', 'bundle.mjs'],
  ['bundled and minified by esbuild into one file', 'bundle.min.mjs'],
])('two copies of @wsapp/core, %s', (_how, file) => {
  let results: Results;
  beforeAll(() => {
    results = run(file);
  }, 60_000);

  it('really are two copies (their classes differ)', () => {
    expect(results.copies.sameClass).toBe(false);
    if (file !== 'app.mjs') {
      const bundle = readFileSync(join(project, file), 'utf8');
      // Each copy's WebSocketError constructor carries this message once.
      expect(bundle.split('WebSocketError status must be an integer').length - 1).toBe(2);
    }
  });

  it.each([
    ['WebSocketError(409) from a route', 409, { message: 'seat taken', requestId: 'req-take' }],
    ['$connect refused with 401', 401, { message: 'unauthorized', requestId: 'req-connect' }],
    ['errorHandler answering a WebSocketError', 403, { message: 'not yours', requestId: 'req-take' }],
    [
      'forward: target refused (502 with taskId)',
      502,
      { message: 'task could not be queued', taskId: 'task-1', requestId: 'req-submit' },
    ],
    [
      'forward: body refused by its schema (400)',
      400,
      {
        message: 'Invalid message body',
        issues: [{ message: 'report needed', path: ['report'] }],
        requestId: 'req-bad',
      },
    ],
  ])('%s: answers %i as one copy does', (name, status, body) => {
    const { one, two } = results[name] as Case;
    expect(one.statusCode).toBe(status);
    expect(json(one)).toEqual(body);
    expect(two.statusCode).toBe(status);
    expect(json(two)).toEqual(body);
  });

  it.each([
    ['channel name refused by the store (route)', 'Invalid channel name', 'req-join'],
    ['channels refused by the store ($connect)', 'Too many channels', 'req-connect'],
  ])('%s: 400 without the input, neither answered nor logged', (name, message, requestId) => {
    const { one, two, oneLogs, twoLogs } = results[name] as Case;
    for (const [res, logs] of [
      [one, oneLogs],
      [two, twoLogs],
    ] as const) {
      expect(res.statusCode).toBe(400);
      expect(json(res)).toEqual({ message, requestId });
      expect(logs.filter((line) => line.startsWith('error'))).toEqual([]);
      expect(logs.join('\n')).not.toMatch(/bad|room-/);
    }
  });

  // The README: errorHandler matches "by exact class, then instanceof, then code (an error from a
  // duplicated bundle still matches)"; WsappError.is recognises a wsapp error of any copy.
  it.each([
    ['errorHandler(ConnectionNotFoundError) for the other copy’s', 410, 'gone: ConnectionNotFound'],
    ['errorHandler(WebSocketError) for the other copy’s', 409, 'mapped'],
    ['errorHandler(StoreUnavailableError) for the other copy’s store', 503, undefined],
    ['errorHandler(WsappError) for the other copy’s', 422, 'wsapp: InvalidCursor'],
  ])('%s: matched by code, answers %i', (name, status, message) => {
    const { one, two } = results[name] as Case;
    for (const res of [one, two]) {
      expect(res.statusCode).toBe(status);
      if (message !== undefined) expect(json(res).message).toBe(message);
    }
  });

  it('a plain Error carrying a wsapp code is not a wsapp error: no handler matches it by code', () => {
    const { one, two } = results['a plain Error with a wsapp code is not matched by code'] as Case;
    expect(one.statusCode).toBe(500);
    expect(two.statusCode).toBe(500);
  });

  it('WsappError.is(value, code) recognises the other copy’s errors; every class has its static code', () => {
    const { one, two } = results['WsappError.is and static codes'] as Case;
    for (const res of [one, two]) {
      expect(json(res)).toEqual({
        is: [true, true, true, true, false, false],
        codes: [
          'WebSocketError',
          'ConnectionNotFound',
          'StoreUnavailable',
          'NoStore',
          'TaskSignature',
          'NotATask',
        ],
        instanceCodes: ['ConnectionNotFound', 'TaskSignature'],
      });
    }
  });

  it('replyTo().fail() shows an exposed WebSocketError of the other copy', () => {
    const { one, two } = results['replyTo.fail with an exposed WebSocketError'] as unknown as Case<unknown[]>;
    const expected = [{ type: 'error', taskId: 'task-2', error: { message: 'rows must be positive' } }];
    expect(one).toEqual(expected);
    expect(two).toEqual(expected);
  });
});
