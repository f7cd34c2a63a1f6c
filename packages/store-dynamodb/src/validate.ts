import { InvalidChannelError, InvalidConnectionIdError, type StoreLimits } from '@wsapp/core';

// The same rules as core's store-validation.ts, which @wsapp/core does not export; needed only
// because setChannels is overridden. Keep in step with core (the conformance suite checks both).
const CONNECTION_ID = /^[\x21-\x7e]{1,128}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Validates a connection id and channel list the way `BaseConnectionStore` does; answers the channels without duplicates. */
export function validateChannelArgs(connectionId: unknown, channels: unknown, limits: StoreLimits): string[] {
  if (typeof connectionId !== 'string') throw new InvalidConnectionIdError(connectionId, 'must be a string');
  if (!CONNECTION_ID.test(connectionId)) {
    throw new InvalidConnectionIdError(
      connectionId,
      'must be 1-128 printable ASCII characters without spaces',
    );
  }
  if (!Array.isArray(channels))
    throw new InvalidChannelError(channels, 'channels must be an array of strings');
  for (const channel of channels as unknown[]) {
    if (typeof channel !== 'string') throw new InvalidChannelError(channel, 'must be a string');
    if (channel.length === 0) throw new InvalidChannelError(channel, 'must not be empty');
    if (Buffer.byteLength(channel, 'utf8') > limits.maxChannelBytes) {
      throw new InvalidChannelError(channel, `must be at most ${limits.maxChannelBytes} bytes in UTF-8`);
    }
    if (CONTROL.test(channel)) throw new InvalidChannelError(channel, 'must not contain control characters');
    if (!channel.isWellFormed()) throw new InvalidChannelError(channel, 'must be well-formed Unicode');
  }
  return [...new Set(channels as string[])];
}
