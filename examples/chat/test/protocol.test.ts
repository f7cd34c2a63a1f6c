import type { StandardSchemaV1 } from '@standard-schema/spec';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JoinMessage, MembersMessage, SayMessage } from '../src/protocol.js';

// The protocol is written with zod/mini's named functions (the Lambda bundle keeps 18 KB of zod
// instead of 454 KB); clients get the same answers as from the full zod the chat used before:
// the same outputs, and the same issues (codes, paths, English messages) in 400 replies.
const Room = z.string().regex(/^[\w-]{1,40}$/, 'room must be 1-40 letters, digits, _ or -');
const full = {
  join: z.object({ action: z.literal('join'), room: Room }),
  say: z.object({ action: z.literal('say'), room: Room, text: z.string().min(1).max(2000) }),
  members: z.object({ action: z.literal('members'), room: Room }),
};

async function outcome(schema: StandardSchemaV1, input: unknown) {
  const result = await schema['~standard'].validate(input);
  return result.issues === undefined
    ? { value: result.value }
    : { issues: result.issues.map((i) => ({ message: i.message, path: i.path })) };
}

const inputs: Array<[keyof typeof full, unknown]> = [
  ['join', { action: 'join', room: 'lobby' }],
  ['join', { action: 'join', room: 'lobby', extra: 'dropped' }],
  ['join', { action: 'join', room: 'no spaces' }],
  ['join', { action: 'join' }],
  ['join', { action: 'leave', room: 'lobby' }],
  ['join', 'not an object'],
  ['say', { action: 'say', room: 'lobby', text: 'hello' }],
  ['say', { action: 'say', room: 'lobby', text: '' }],
  ['say', { action: 'say', room: 'lobby', text: 'x'.repeat(2001) }],
  ['say', { action: 'say', room: 42, text: 7 }],
  ['members', { action: 'members', room: 'x'.repeat(41) }],
];
const mini = { join: JoinMessage, say: SayMessage, members: MembersMessage };

describe('chat protocol schemas (zod/mini)', () => {
  it.each(inputs)('%s %j: the same outcome as the full zod', async (route, input) => {
    expect(await outcome(mini[route], input)).toEqual(await outcome(full[route], input));
  });
});
