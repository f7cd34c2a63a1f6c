/**
 * Reliability: adversarial management endpoints, each a real server on 127.0.0.1 (node:http or
 * raw node:net): 429 forever, never answering, garbage bytes instead of HTTP, sockets reset
 * mid-answer, 5xx HTML pages from a proxy, answers slower than the deadline, and all of them mixed.
 * Written against the Messenger's public API only (endpoint + options), so it holds for any
 * transport under it. Each broadcast must return by its deadline (+ TOLERANCE_MS), account for
 * every connection exactly (`attempted = delivered + gone + failed.length`) with a typed error per
 * failure, and make no call after it returned.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { type BroadcastReport, DeadlineExceededError, Messenger, SendFailedError } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { settledStore, silentLogger } from '../helpers.js';
import { awsError, httpEndpoint, rawEndpoint, type TestEndpoint } from './management-servers.js';

const N = 12;
const DEADLINE_MS = 1_500;
/** Allowed lateness after the deadline; generous because the machine is shared. Overshoot is printed. */
const TOLERANCE_MS = 750;

const endpoints: TestEndpoint[] = [];
afterEach(async () => {
  await Promise.all(endpoints.splice(0).map((e) => e.close()));
});

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ids = Array.from({ length: N }, (_, i) => `adv${i}=`);

type HttpAnswer = (req: IncomingMessage, res: ServerResponse, id: string) => void;
type RawAnswer = (socket: Socket, id: string) => void;

const html =
  (status: number, title: string): HttpAnswer =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'text/html' });
    res.end(`<html><head><title>${status} ${title}</title></head><body><h1>${title}</h1></body></html>`);
  };

const http: Record<string, HttpAnswer> = {
  '429 forever': (_req, res) => awsError(res, 429, 'LimitExceededException'),
  'never answering': () => {},
  '502 HTML page (proxy)': html(502, 'Bad Gateway'),
  '503 HTML page, no content-type': (_req, res) => {
    res.writeHead(503);
    res.end('<!DOCTYPE html><html><body>Service Unavailable</body></html>');
  },
  'answers 5 s late': (_req, res) => {
    const timer = setTimeout(() => res.writeHead(200).end(), 5_000);
    res.on('close', () => clearTimeout(timer));
  },
};

const raw: Record<string, RawAnswer> = {
  'garbage bytes instead of HTTP': (socket) => {
    socket.end(Buffer.from('\x00\xff\x13garbage\r\nnot http at all\r\n\r\n', 'latin1'));
  },
  'reset mid-headers': (socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Type: applic');
    setTimeout(() => socket.resetAndDestroy(), 5);
  },
  'reset mid-body of a 500': (socket) => {
    socket.write(
      'HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"mess',
    );
    setTimeout(() => socket.resetAndDestroy(), 5);
  },
  'half an answer, then silence': (socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n');
  },
  // Never idle, never done: a timeout on socket inactivity alone would wait forever.
  '200 whose body trickles a byte every 100 ms': (socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n');
    const timer = setInterval(() => socket.write(' '), 100);
    socket.on('close', () => clearInterval(timer));
  },
};

/** A seeded mix of every behaviour above plus healthy 200s and 410s, one server. */
function mixed(): HttpAnswer {
  const behaviours: HttpAnswer[] = [
    (_req, res) => res.writeHead(200).end(),
    (_req, res) => awsError(res, 410, 'GoneException'),
    ...Object.values(http),
    (req) => req.socket.resetAndDestroy(),
    (req) => req.socket.end('garbage\r\n\r\n'),
  ];
  return (req, res, id) => {
    const n = Number(/\d+/.exec(id)?.[0] ?? 0);
    (behaviours[n % behaviours.length] as HttpAnswer)(req, res, id);
  };
}

async function run(endpoint: TestEndpoint) {
  endpoints.push(endpoint);
  const store = settledStore();
  for (const id of ids) await store.register(id, { channels: ['room'] });
  const messenger = new Messenger({
    store,
    endpoint: endpoint.endpoint,
    logger: silentLogger(),
    retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 200 },
  });
  const deadline = Date.now() + DEADLINE_MS;
  const report = await messenger.broadcast({ channels: ['room'] }, { adversarial: true }, { deadline });
  const settledAt = Date.now();
  await wait(400);
  return { report, overshoot: settledAt - deadline, late: endpoint.after(settledAt), store };
}

function checkAccounting(name: string, report: BroadcastReport, overshoot: number, late: number) {
  const errors = report.failed.map((f) => f.error.name);
  console.log(
    `${name}: overshoot ${overshoot} ms, ${report.delivered}/${report.gone}/${report.failed.length} ` +
      `delivered/gone/failed, errors ${JSON.stringify(countBy(errors))}, calls after settle ${late}`,
  );
  expect(overshoot).toBeLessThan(TOLERANCE_MS);
  expect(report.attempted).toBe(N);
  expect(report.attempted).toBe(report.delivered + report.gone + report.failed.length);
  expect(new Set(report.failed.map((f) => f.connectionId)).size).toBe(report.failed.length);
  for (const f of report.failed) {
    expect(f.error instanceof SendFailedError || f.error instanceof DeadlineExceededError, f.error.name).toBe(
      true,
    );
  }
  expect(late).toBe(0);
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

describe('adversarial management endpoints', { timeout: 20_000 }, () => {
  for (const [name, answer] of Object.entries(http)) {
    it(`${name}: returns by the deadline, exact accounting, typed errors, nothing after`, async () => {
      const { report, overshoot, late } = await run(await httpEndpoint(answer));
      checkAccounting(name, report, overshoot, late);
      expect(report.delivered + report.gone).toBe(0);
      if (name.startsWith('429')) {
        for (const f of report.failed)
          if (f.error instanceof SendFailedError) expect(f.error.statusCode).toBe(429);
      }
      if (name.includes('HTML')) {
        // A 5xx page is retried like any 5xx, and its status is kept.
        for (const f of report.failed)
          if (f.error instanceof SendFailedError) expect(f.error.statusCode).toBeGreaterThanOrEqual(500);
      }
      if (name === 'never answering' || name.endsWith('late')) {
        for (const f of report.failed) expect(f.error).toBeInstanceOf(DeadlineExceededError);
      }
    });
  }

  for (const [name, answer] of Object.entries(raw)) {
    it(`${name}: returns by the deadline, exact accounting, typed errors, nothing after`, async () => {
      const { report, overshoot, late } = await run(await rawEndpoint(answer));
      checkAccounting(name, report, overshoot, late);
      expect(report.delivered + report.gone).toBe(0);
    });
  }

  it('every behaviour mixed on one server, with 200s and 410s', async () => {
    const { report, overshoot, late, store } = await run(await httpEndpoint(mixed()));
    checkAccounting('mixed', report, overshoot, late);
    // ids 0 and 9 answer 200, 1 and 10 answer 410 (behaviour = index mod 9).
    expect(report.delivered).toBe(2);
    expect(report.gone).toBe(2);
    expect(report.notRemoved).toEqual([]);
    expect(await store.get('adv1=')).toBeUndefined();
    expect(await store.get('adv10=')).toBeUndefined();
  });

  it('never answering, 150 connections over 10 sockets, deadline from lambdaContext: the queue fails fast', async () => {
    const server = await httpEndpoint(() => {});
    endpoints.push(server);
    const store = new MemoryConnectionStore();
    const many = Array.from({ length: 150 }, (_, i) => `q${i}=`);
    for (const id of many) await store.register(id, { channels: ['room'] });
    const messenger = new Messenger({
      store,
      endpoint: server.endpoint,
      concurrency: 10,
      logger: silentLogger(),
    });
    const started = Date.now();
    // 2,500 ms left in the Lambda minus the default 1,000 ms margin: a 1,500 ms deadline.
    const report = await messenger.broadcast({ channels: ['room'] }, 'q', {
      lambdaContext: { awsRequestId: 'r', getRemainingTimeInMillis: () => 2_500 },
    });
    const settledAt = Date.now();
    await wait(400);
    const overshoot = settledAt - (started + 1_500);
    console.log(
      `never answering, 150 over 10 sockets: overshoot ${overshoot} ms, ${server.arrivals.length} calls made`,
    );
    expect(overshoot).toBeLessThan(TOLERANCE_MS);
    expect(report).toMatchObject({ attempted: 150, delivered: 0, gone: 0 });
    expect(report.failed).toHaveLength(150);
    for (const f of report.failed) expect(f.error).toBeInstanceOf(DeadlineExceededError);
    expect(server.arrivals.length).toBeLessThanOrEqual(10); // the first wave only: nothing retried or queued out
    expect(server.after(settledAt)).toBe(0);
  });
});
