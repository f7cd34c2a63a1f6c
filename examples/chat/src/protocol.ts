import { z } from 'zod';

/** Room names: short, printable, no separators of our own. */
const Room = z.string().regex(/^[\w-]{1,40}$/, 'room must be 1-40 letters, digits, _ or -');

export const JoinMessage = z.object({ action: z.literal('join'), room: Room });
export const LeaveMessage = z.object({ action: z.literal('leave'), room: Room });
export const SayMessage = z.object({
  action: z.literal('say'),
  room: Room,
  text: z.string().min(1).max(2000),
});
export const MembersMessage = z.object({ action: z.literal('members'), room: Room });

/** What the server pushes to room members. */
export type ChatEvent =
  | { type: 'joined'; room: string; user: string }
  | { type: 'left'; room: string; user: string }
  | { type: 'message'; room: string; from: string; text: string; at: string };

/** The channel of a room. */
export const roomChannel = (room: string) => `room#${room}`;
/** The direct channel of a user (notifications to every tab of that user). */
export const userChannel = (user: string) => `user#${user}`;
