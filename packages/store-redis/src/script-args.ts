import { ConnectionNotFoundError, TooManyChannelsError } from '@wsapp/core';

/** A list prefixed with its length, as the scripts' `list()` reads it. */
export function counted(items: readonly string[]): Array<string | number> {
  return [items.length, ...items];
}

/** A script's array reply as strings (anything else: none). */
export function toStrings(reply: unknown): string[] {
  return Array.isArray(reply) ? reply.map(String) : [];
}

/** Throws for a join script's "not live" (nil) or "over the channel limit" (-1) answer. */
export function assertJoined(connectionId: string, reply: unknown, maxChannels: number): void {
  if (reply === null) throw new ConnectionNotFoundError(connectionId);
  if (reply === -1) throw new TooManyChannelsError(connectionId, maxChannels);
}
