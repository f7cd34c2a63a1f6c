/**
 * A busy channel broadcasting while clients connect (issue 26, item 6), on any store, through the
 * emulator with real sockets. The app records each connection at the start of its `$connect` and
 * then announces it to the channel before returning — so for the length of that announcement the
 * record exists while API Gateway (and the emulator) still answers 410 for the connection. Every
 * `$connect`'s announcement and a broadcaster looping on the channel meanwhile meet other
 * connections in that window. No record of an accepted connection may be lost.
 */
import {
  type BroadcastReport,
  ConnectionPendingError,
  type ConnectionStore,
  Messenger,
  WebSocketApp,
} from '@wsapp/core';
import { expect } from 'vitest';
import { type Client, connect, silentLogger, start } from './helpers.js';

/** What one run measured. */
export interface ConnectWindowFigures {
  clients: number;
  broadcasts: number;
  /** 410s the emulator answered (connections not accepted yet). */
  answered410: number;
  /** Announcements that met a connection still in `$connect` (reported pending, record kept). */
  pending: number;
  /** Accepted connections whose record or membership was missing afterwards. */
  lost: number;
  durationMs: number;
}

export async function busyChannelWhileConnecting(options: {
  /** Printed with the figures. */
  label: string;
  store: ConnectionStore;
  clients: number;
  batch: number;
}): Promise<ConnectWindowFigures> {
  const { store } = options;
  const started = Date.now();
  const announcements: BroadcastReport[] = [];
  let endpoint = '';
  const app = new WebSocketApp({ store, autoTrack: false, logger: silentLogger() })
    .onConnect(async (ctx) => {
      await store.register(ctx.connectionId, { channels: ['busy'], endpoint });
      // The window: recorded, not accepted yet, while this broadcast runs.
      announcements.push(
        await ctx.broadcast({ channels: ['busy'], except: ctx.connectionId }, { joined: ctx.connectionId }),
      );
    })
    .onDisconnect(async (ctx) => {
      await store.unregister(ctx.connectionId);
    })
    .route('whoami', { twoWay: true }, (ctx) => ctx.connectionId);
  const server = await start(app);
  endpoint = server.endpoint;

  const messenger = new Messenger({ store, endpoint, concurrency: 20, logger: silentLogger() });
  const reports: BroadcastReport[] = [];
  let connecting = true;
  const broadcaster = (async () => {
    for (let n = 0; connecting && n < 20_000; n++) {
      reports.push(await messenger.broadcast({ channels: ['busy'] }, { tick: n }));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();

  const opened: Array<{ client: Client; id: string }> = [];
  try {
    for (let i = 0; i < options.clients; i += options.batch) {
      const wave = await Promise.all(
        Array.from({ length: Math.min(options.batch, options.clients - i) }, async () => {
          const client = await connect(server.url);
          const id = new Promise<string>((resolve) => {
            client.ws.on('message', (data) => {
              const text = String(data);
              if (!text.startsWith('{')) resolve(text);
            });
          });
          client.send({ action: 'whoami' });
          return { client, id: await id };
        }),
      );
      opened.push(...wave);
    }
  } finally {
    connecting = false;
    await broadcaster;
  }

  // Every accepted connection keeps its record and its membership.
  const ids = opened.map((o) => o.id);
  const missing: string[] = [];
  for (const id of ids) if ((await store.get(id)) === undefined) missing.push(id);
  const members = new Set<string>();
  for await (const id of store.allMembers('busy')) members.add(id);
  const notMember = ids.filter((id) => !members.has(id));
  const lost = new Set([...missing, ...notMember]).size;

  const pendingFailures = announcements.flatMap((r) => r.failed);
  const figures: ConnectWindowFigures = {
    clients: ids.length,
    broadcasts: reports.length + announcements.length,
    answered410: server.stats.count({ method: 'POST', status: 410 }),
    pending: pendingFailures.length,
    lost,
    durationMs: Date.now() - started,
  };
  console.log(`connect window, ${options.label}:`, figures);

  // Exact accounting everywhere; nobody left, so nothing is gone; the broadcaster (which waits for
  // connections being accepted) failed nobody; announcements report the ones still in $connect.
  for (const report of [...reports, ...announcements]) {
    expect(report.attempted).toBe(report.delivered + report.gone + report.failed.length);
    expect(report.gone).toBe(0);
    expect(report.notRemoved).toEqual([]);
  }
  expect({ missing, notMember }).toEqual({ missing: [], notMember: [] });
  for (const report of reports) expect(report.failed).toEqual([]);
  for (const failure of pendingFailures) expect(failure.error).toBeInstanceOf(ConnectionPendingError);

  // And a broadcast now reaches every one of them, once.
  const finals = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const { client, id } of opened) {
    client.ws.on('message', (data) => {
      if (String(data) === 'final') finals.set(id, (finals.get(id) ?? 0) + 1);
    });
  }
  const final = await messenger.broadcast({ channels: ['busy'] }, 'final');
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(final).toMatchObject({ attempted: ids.length, delivered: ids.length, gone: 0, failed: [] });
  expect([...finals.values()].every((n) => n === 1)).toBe(true);
  return figures;
}
