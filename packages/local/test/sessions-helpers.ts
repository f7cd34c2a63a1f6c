import { type ConnectionStore, SESSION_QUERY, WebSocketApp, type WebSocketAppOptions } from '@wsapp/core';
import type { LocalServer } from '@wsapp/local';
import { channelIdOf, encodeHave, type SeqRanges, unionRanges } from '../../core/src/sessions/replay-wire.js';
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
  // `{ action: 'join' | 'leave', rooms: [...] }`: joins or leaves rooms after connecting.
  for (const action of ['join', 'leave'] as const) {
    app.route(action, { twoWay: true }, async (ctx) => {
      const { rooms } = ctx.body as { rooms: string[] };
      await (action === 'join' ? ctx.join(rooms) : ctx.leave(rooms));
      return { [action]: rooms.length };
    });
  }
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
  channelCount?: number;
  key: string;
  replay: boolean;
}

/** A gap a replay page reports. */
export interface Gap {
  channel: string;
  since: number;
  oldestSeq?: number;
  reason?: string;
}

let rid = 0;

/** Sends resume and answers the frames that came before the reply (none is expected), and the reply. */
export async function resume(
  client: Client,
): Promise<{ before: Array<Record<string, unknown>>; reply: Reply }> {
  const id = `r${++rid}`;
  client.send({ action: 'resume', $rid: id });
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

/** What a client holds: channel → inclusive seq ranges. */
export type Held = Record<string, SeqRanges>;

/**
 * Asks for replay pages, naming `held` by channel id under `key`, until one is `done` (at most
 * 200 pages), applying each page to `held` like a client. Answers the replayed frames in order (a
 * frame pushed before a reply — an oversized one — comes at its place), the gaps and the pages.
 */
export async function replay(
  client: Client,
  key: string,
  held: Held = {},
): Promise<{
  frames: Array<Record<string, unknown>>;
  gaps: Gap[];
  pages: number;
  held: Held;
  pushed: number;
}> {
  const frames: Array<Record<string, unknown>> = [];
  const gaps: Gap[] = [];
  let pushed = 0;
  for (let page = 1; page <= 200; page++) {
    const have = encodeHave(
      new Map(Object.entries(held).map(([channel, r]) => [channelIdOf(key, channel), r])),
    );
    const id = `p${++rid}`;
    client.send({ action: 'resume', $rid: id, replay: { have } });
    let answer: Record<string, unknown>;
    for (;;) {
      const frame = (await client.json()) as Record<string, unknown>;
      if (frame.$rid === id) {
        if (frame.ok !== true) throw new Error(`replay failed: ${JSON.stringify(frame)}`);
        answer = frame.data as Record<string, unknown>;
        break;
      }
      frames.push(frame); // a message too large for a reply body, posted on its own
      pushed++;
    }
    const data = answer as {
      messages: Array<Record<string, unknown>>;
      covered: Array<[string, ...number[]]>;
      gaps: Gap[];
      reset: string[];
      done: boolean;
    };
    for (const channel of data.reset) held[channel] = [];
    frames.push(...data.messages);
    for (const frame of [...data.messages]) {
      for (const [channel, n] of Object.entries(frame.$seq as Record<string, number>)) {
        held[channel] = unionRanges(held[channel] ?? [], [n, n]);
      }
    }
    for (const [channel, ...ranges] of data.covered) held[channel] = unionRanges(held[channel] ?? [], ranges);
    gaps.push(...data.gaps);
    if (data.done) return { frames, gaps, pages: page, held, pushed };
  }
  throw new Error('replay not done after 200 pages');
}

/** Resets the client's TCP connection without a close frame, like a network drop. */
export function drop(client: Client): void {
  (client.ws as unknown as { _socket: { destroy(): void } })._socket.destroy();
}
