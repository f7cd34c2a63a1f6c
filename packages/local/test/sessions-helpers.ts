import { type ConnectionStore, SESSION_QUERY, WebSocketApp, type WebSocketAppOptions } from '@wsapp/core';
import type { LocalServer } from '@wsapp/local';
import { type Client, connect, silentLogger } from './helpers.js';

export const SECRET = 'a session secret of at least 32 bytes!';

/** Counts every call of the store's methods, delegating each to the real store (`hide`: methods it lacks). */
export function countingStore<T extends ConnectionStore>(
  store: T,
  hide: readonly string[] = [],
): { store: T; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const counted = new Proxy(store, {
    get(target, property, receiver) {
      // A hidden method: the store as one written against an older interface.
      if (typeof property === 'string' && hide.includes(property)) return undefined;
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || property === 'constructor')
        return value;
      return (...args: unknown[]) => {
        calls.set(property, (calls.get(property) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: counted, calls };
}

/**
 * A chat-like app: `?rooms=a,b` joins rooms on `$connect`, the principal comes from the
 * authorizer (`?user=`), `room:*` keeps history, sessions on.
 */
export function sessionApp(store: ConnectionStore, options: Partial<WebSocketAppOptions> = {}) {
  const logger = silentLogger();
  const app = new WebSocketApp({
    store,
    logger,
    history: { channels: ['room:*'] },
    sessions: { secret: SECRET },
    ...options,
  }).onConnect(async (ctx) => {
    const rooms = ctx.query.rooms;
    if (rooms) await ctx.join(rooms.split(','));
  });
  return { app, logger };
}

/** The emulator's authorizer: the principal is `?user=`, anonymous without it. */
export const userAuthorizer = (request: {
  queryStringParameters?: Record<string, string | undefined> | null;
}) => {
  const user = request.queryStringParameters?.user;
  return user === undefined ? {} : { principalId: user };
};

/** Opens a connection as `user`, joining `rooms`, presenting `token` when given. */
export function open(
  server: LocalServer,
  { user, rooms, token }: { user?: string; rooms?: string; token?: string },
): Promise<Client> {
  const query = new URLSearchParams();
  if (user !== undefined) query.set('user', user);
  if (rooms !== undefined) query.set('rooms', rooms);
  if (token !== undefined) query.set(SESSION_QUERY, token);
  return connect(`${server.url}?${query}`);
}

/** The resume reply's data. */
export interface Reply {
  token: string;
  resumed: boolean;
  reason?: string;
  channels: string[];
  heads: Record<string, number>;
  gaps: Array<{ channel: string; since: number; oldestSeq?: number }>;
}

let rid = 0;

/** Sends resume and answers the frames that came before the reply, and the reply. */
export async function resume(
  client: Client,
  since: Record<string, number> = {},
  token?: string,
): Promise<{ before: Array<Record<string, unknown>>; reply: Reply }> {
  const id = `r${++rid}`;
  client.send({ action: 'resume', $rid: id, since, ...(token === undefined ? {} : { token }) });
  const before: Array<Record<string, unknown>> = [];
  for (;;) {
    const frame = (await client.json()) as Record<string, unknown>;
    if (frame.$rid === id) {
      if (frame.ok !== true) throw new Error(`resume failed: ${JSON.stringify(frame)}`);
      return { before, reply: frame.data as Reply };
    }
    before.push(frame);
  }
}

/** Resets the client's TCP connection without a close frame, like a network drop. */
export function drop(client: Client): void {
  (client.ws as unknown as { _socket: { destroy(): void } })._socket.destroy();
}
