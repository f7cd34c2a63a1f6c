import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { WebSocketApp, type WebSocketEvent } from '@wsapp/core';
import { type AppOrHandler, type LocalServer, type ServeOptions, serve } from '@wsapp/local';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { afterEach, vi } from 'vitest';
import { type ClientOptions, WebSocket } from 'ws';

/**
 * A memory store that dates what it writes a minute back: its records are older than the
 * Messenger's connect grace (35 s), like those of connections that lived a while before going
 * away, so a 410 removes them at once. (A record written a moment ago is protected: its
 * `$connect` may not be accepted yet — see `connect-window.test.ts`.)
 */
export function settledStore(): MemoryConnectionStore {
  let back = 0;
  class Settled extends MemoryConnectionStore {
    // `register` reads the clock synchronously, before its first await: only its date moves back.
    override register(...args: Parameters<MemoryConnectionStore['register']>) {
      back = 60_000;
      try {
        return super.register(...args);
      } finally {
        back = 0;
      }
    }
  }
  return new Settled({ clock: () => Date.now() - back });
}

/** A logger that records instead of printing. */
export function silentLogger() {
  return { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };
}

const servers: LocalServer[] = [];
/** Every client socket opened by {@link connect}, terminated after each test. */
export const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Starts an emulator that is closed after the test. */
export async function start(target: AppOrHandler, options: ServeOptions = {}): Promise<LocalServer> {
  const server = await serve(target, { logger: silentLogger(), ...options });
  servers.push(server);
  return server;
}

/** Opens a client and waits for the handshake; rejects with the HTTP status when the upgrade is refused. */
export function connect(
  url: string,
  protocols?: string | string[],
  options?: ClientOptions,
): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, options);
    sockets.push(ws);
    const client = new Client(ws);
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => reject(new Rejected(res.statusCode ?? 0, body)));
    });
    ws.once('error', reject);
  });
}

/** An upgrade the server refused. */
export class Rejected extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`upgrade rejected with ${status}`);
  }
}

/** A WebSocket client that queues what it receives, so tests await messages instead of sleeping. */
export class Client {
  readonly #messages: { data: Buffer; binary: boolean }[] = [];
  readonly #waiters: ((m: { data: Buffer; binary: boolean }) => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data, binary) => {
      const message = { data: data as Buffer, binary };
      const waiter = this.#waiters.shift();
      if (waiter) waiter(message);
      else this.#messages.push(message);
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /** The next frame received. */
  next(): Promise<{ data: Buffer; binary: boolean }> {
    const queued = this.#messages.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** The next frame as text. */
  async text(): Promise<string> {
    return (await this.next()).data.toString('utf8');
  }

  /** The next frame parsed as JSON. */
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  send(data: unknown): void {
    this.ws.send(typeof data === 'string' || Buffer.isBuffer(data) ? data : JSON.stringify(data));
  }
}

/** Records the events an integration received and lets tests wait for one. */
export class EventLog {
  readonly events: WebSocketEvent[] = [];
  #waiters: { match: (e: WebSocketEvent) => boolean; resolve: (e: WebSocketEvent) => void }[] = [];

  record(event: WebSocketEvent): void {
    this.events.push(event);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.match(event)) return true;
      w.resolve(event);
      return false;
    });
  }

  /** The first event (already seen or still to come) with this route key. */
  waitFor(routeKey: string, connectionId?: string): Promise<WebSocketEvent> {
    const match = (e: WebSocketEvent) =>
      e.requestContext.routeKey === routeKey &&
      (connectionId === undefined || e.requestContext.connectionId === connectionId);
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  routeKeys(): string[] {
    return this.events.map((e) => e.requestContext.routeKey);
  }
}

/**
 * An app that records every event it routes into `log`; with `lifecycle`, it also has no-op
 * `$connect` and `$disconnect` handlers (so those events reach it).
 */
export function recordingApp(log: EventLog, { lifecycle = false }: { lifecycle?: boolean } = {}) {
  const app = new WebSocketApp({ logger: silentLogger() });
  if (lifecycle) app.onConnect(() => undefined).onDisconnect(() => undefined);
  app.use((ctx, next) => {
    log.record(ctx.event);
    return next();
  });
  return app;
}

/** Opens `n` clients of `url`, `batch` at a time, and answers them with their connection ids (the app answers `whoami`). */
export async function openClients(url: string, n: number, batch = 100) {
  const clients: Array<{ client: Client; id: string }> = [];
  for (let i = 0; i < n; i += batch) {
    const opened = await Promise.all(
      Array.from({ length: Math.min(batch, n - i) }, async () => {
        const client = await connect(url);
        client.send({ action: 'whoami' });
        return { client, id: await client.text() };
      }),
    );
    clients.push(...opened);
  }
  return clients;
}

/** Counts the frames each client receives, by connection id (tests then check "exactly once"). */
export function countFrames(clients: Array<{ client: Client; id: string }>) {
  const counts = new Map<string, number>(clients.map(({ id }) => [id, 0]));
  for (const { client, id } of clients) {
    client.ws.on('message', () => counts.set(id, (counts.get(id) ?? 0) + 1));
  }
  return counts;
}

/** The real AWS SDK management client pointed at the emulator. */
export function managementClient(endpoint: string): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
}
