import { WebSocketApp, WebSocketError } from '@wsapp/core';
import { z } from 'zod';

const Say = z.object({
  action: z.literal('say'),
  room: z.string().min(1).max(64),
  text: z.string().min(1).max(2000),
});

/** The chat app: who may connect, and what each action answers. */
export function createChatApp() {
  return new WebSocketApp<{ user: string }>({ logger: console })
    .onConnect((ctx) => {
      const name = ctx.query.name;
      if (!name || !/^[\w-]{1,32}$/.test(name))
        throw new WebSocketError(401, 'a ?name= of 1-32 word characters is required');
      if (ctx.headers['sec-websocket-protocol']?.includes('chat.v1')) ctx.acceptSubprotocol('chat.v1');
    })
    .use(async (ctx, next) => {
      ctx.state.user = String(ctx.authorizer?.name ?? ctx.connectionId);
      return next();
    })
    .route('say', { body: Say }, (ctx) => ({
      room: ctx.body.room,
      from: ctx.state.user,
      text: ctx.body.text,
    }))
    .onDefault(() => ({ error: 'unknown action', actions: ['say'] }));
}
