import { defineApi, typed } from '@wsapp/core';
import { config, literal, maxLength, minLength, object, regex, string } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini loads no locale: English messages, as the full zod gives them, for the 400 replies.
config(en());

/** Room names: short, printable, no separators of our own. */
const Room = string().check(regex(/^[\w-]{1,40}$/, 'room must be 1-40 letters, digits, _ or -'));

export const JoinMessage = object({ action: literal('join'), room: Room });
export const LeaveMessage = object({ action: literal('leave'), room: Room });
export const SayMessage = object({
  action: literal('say'),
  room: Room,
  text: string().check(minLength(1), maxLength(2000)),
});
export const MembersMessage = object({ action: literal('members'), room: Room });

/** What the server pushes to room members. */
export type ChatEvent =
  | { type: 'joined'; room: string; user: string }
  | { type: 'left'; room: string; user: string }
  | { type: 'message'; room: string; from: string; text: string; at: string };

/** A route's acknowledgement. */
export interface Ack<TAction extends string> {
  type: 'ack';
  action: TAction;
  room: string;
}

/**
 * The chat's contract (`twoWay`: the route's return value is its reply, as API Gateway's route
 * responses need), shared by the server (`app.route('join', chatApi.routes.join, …)`) and the
 * clients (`createClient<typeof chatApi>(url)`): route names, bodies, answers and pushes.
 */
export const chatApi = defineApi({
  routes: {
    join: { body: JoinMessage, response: typed<Ack<'join'>>(), twoWay: true },
    leave: { body: LeaveMessage, response: typed<Ack<'leave'>>(), twoWay: true },
    say: {
      body: SayMessage,
      response: typed<Ack<'say'> & { delivered: number; messageId: string }>(),
      twoWay: true,
    },
    members: {
      body: MembersMessage,
      response: typed<{ type: 'members'; room: string; users: string[] }>(),
      twoWay: true,
    },
    heartbeat: {},
  },
  push: typed<ChatEvent>(),
});

/** The channel of a room. */
export const roomChannel = (room: string) => `room#${room}`;
/** The direct channel of a user (notifications to every tab of that user). */
export const userChannel = (user: string) => `user#${user}`;
