import type { ApiShape, ClientEvents, ClientOptions, WebSocketClient } from '@wsapp/client';
import { createClient } from '@wsapp/client';
import { type AppOrHandler, type LocalServer, type ServeOptions, serve } from '@wsapp/local';
import { afterEach, vi } from 'vitest';

const servers = new Set<LocalServer>();
const clients: WebSocketClient<ApiShape>[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all([...servers].map((server) => server.close()));
  servers.clear();
});

/** Starts an emulator, closed after the test (unless the test stops it first with {@link stop}). */
export async function start(target: AppOrHandler, options: ServeOptions = {}): Promise<LocalServer> {
  const server = await serve(target, {
    logger: { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() },
    ...options,
  });
  servers.add(server);
  return server;
}

/** Stops an emulator mid-test (clients see 1001 Going away). */
export async function stop(server: LocalServer): Promise<void> {
  servers.delete(server);
  await server.close();
}

/** Every event a client emitted, in order, with the time since the client was created. */
export interface Recorded<A extends ApiShape> {
  readonly client: WebSocketClient<A>;
  readonly events: { name: keyof ClientEvents<unknown>; at: number; event: unknown }[];
  of<K extends keyof ClientEvents<unknown>>(name: K): ClientEvents<unknown>[K][];
}

/** Creates a client (closed after the test) and records its events. */
export function recordedClient<A extends ApiShape>(url: string, options?: ClientOptions): Recorded<A> {
  const client = createClient<A>(url, options);
  clients.push(client as unknown as WebSocketClient<ApiShape>);
  const started = Date.now();
  const events: Recorded<A>['events'] = [];
  for (const name of ['open', 'close', 'reconnecting', 'message', 'resumed', 'gap', 'error'] as const) {
    client.on(name, (event: unknown) => events.push({ name, at: Date.now() - started, event }));
  }
  return {
    client,
    events,
    of: <K extends keyof ClientEvents<unknown>>(name: K) =>
      events.filter((e) => e.name === name).map((e) => e.event as ClientEvents<unknown>[K]),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
