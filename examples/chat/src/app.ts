import {
  type ConnectionStore,
  heartbeat,
  WebSocketApp,
  type WebSocketAppOptions,
  WebSocketError,
} from '@wsapp/core';
import { type ChatEvent, chatApi, roomChannel, userChannel } from './protocol.js';

const ROOM_PREFIX = 'room#';

const keepsHistory = (store: ConnectionStore) =>
  typeof store.appendHistory === 'function' && typeof store.readHistory === 'function';

/** The authenticated user: the Lambda authorizer's principalId is the only identity source. */
function userOf(ctx: { authorizer: Readonly<Record<string, unknown>> | undefined }): string {
  const user = ctx.authorizer?.principalId;
  if (typeof user !== 'string' || user.length === 0) throw new WebSocketError(401, 'unauthorized');
  return user;
}

/**
 * The chat app: rooms are channels; messages go to the room's members except the sender.
 * Every message route is two-way: its answer (an ack, the member list, the unknown-action error)
 * is what the client waits for, so the deploy templates give each one a route response.
 *
 * With `sessions` (see `chatSessions`), rooms keep a history (`room#*`, unless `history` is given)
 * on a store that keeps one: a page that reconnects with its session is back in its rooms and gets
 * what it missed (on a store without history it is back in its rooms only).
 */
export function createChatApp(options: { store: ConnectionStore } & Omit<WebSocketAppOptions, 'store'>) {
  const app = new WebSocketApp({
    ...options,
    ...(options.sessions &&
      !options.history &&
      keepsHistory(options.store) && { history: { channels: [`${ROOM_PREFIX}*`] } }),
    // Clients name rooms; they may join any room and only their own user channel.
    authorizeJoin: (ctx, channel) => channel.startsWith(ROOM_PREFIX) || channel === userChannel(userOf(ctx)),
  });

  const roomsOf = async (ctx: { connection(): Promise<{ channels: string[] } | undefined> }) =>
    ((await ctx.connection())?.channels ?? []).filter((c) => c.startsWith(ROOM_PREFIX));

  app.onConnect(async (ctx) => {
    const user = userOf(ctx);
    await ctx.join(userChannel(user));
    await ctx.setData({ user });
    // Answers chat.v1 when the client offered it, nothing otherwise (plain clients stay welcome).
    ctx.acceptSubprotocol('chat.v1');
  });

  app.route('join', chatApi.routes.join, async (ctx) => {
    const user = userOf(ctx);
    await ctx.join(roomChannel(ctx.body.room));
    const event: ChatEvent = { type: 'joined', room: ctx.body.room, user };
    await ctx.broadcast({ channels: [roomChannel(ctx.body.room)], except: ctx.connectionId }, event);
    return { type: 'ack', action: 'join', room: ctx.body.room } as const;
  });

  app.route('leave', chatApi.routes.leave, async (ctx) => {
    const user = userOf(ctx);
    await ctx.leave(roomChannel(ctx.body.room));
    const event: ChatEvent = { type: 'left', room: ctx.body.room, user };
    await ctx.broadcast({ channels: [roomChannel(ctx.body.room)] }, event);
    return { type: 'ack', action: 'leave', room: ctx.body.room } as const;
  });

  app.route('say', chatApi.routes.say, async (ctx) => {
    const from = userOf(ctx);
    const channel = roomChannel(ctx.body.room);
    if (!(await roomsOf(ctx)).includes(channel)) throw new WebSocketError(403, `join ${ctx.body.room} first`);
    const event: ChatEvent = {
      type: 'message',
      room: ctx.body.room,
      from,
      text: ctx.body.text,
      at: new Date().toISOString(),
    };
    const report = await ctx.broadcast({ channels: [channel], except: ctx.connectionId }, event);
    // The message id lets the sender recognise its own message when a resume replays it.
    const { delivered, messageId } = report;
    return { type: 'ack', action: 'say', room: ctx.body.room, delivered, messageId } as const;
  });

  app.route('members', chatApi.routes.members, async (ctx) => {
    const store = options.store;
    const { connectionIds } = await store.members(roomChannel(ctx.body.room), { limit: 100 });
    const records = await Promise.all(connectionIds.map((id) => store.get(id)));
    const users = [
      ...new Set(records.map((r) => r?.data.user).filter((u): u is string => typeof u === 'string')),
    ];
    return { type: 'members', room: ctx.body.room, users: users.sort() } as const;
  });

  // Clients ping under API Gateway's 10-minute idle timeout; answered without a store read.
  heartbeat(app);

  app.onDisconnect(async (ctx) => {
    const record = await ctx.connection();
    const user = record?.data.user;
    if (typeof user !== 'string') return;
    for (const channel of await roomsOf(ctx)) {
      const event: ChatEvent = { type: 'left', room: channel.slice(ROOM_PREFIX.length), user };
      await ctx.broadcast({ channels: [channel], except: ctx.connectionId }, event);
    }
  });

  app.onDefault({ twoWay: true }, () => ({
    type: 'error',
    message: 'unknown action',
    actions: ['join', 'leave', 'say', 'members', 'heartbeat'],
  }));
  return app;
}
