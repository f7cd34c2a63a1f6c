import { InvalidChannelError, InvalidConnectionIdError, InvalidDataError } from './store-errors.js';

/** Limits every store enforces; chosen to fit every backend's key size limits. */
export interface StoreLimits {
  /** Longest channel name, in UTF-8 bytes. Default 512. */
  maxChannelBytes: number;
  /** Largest `data` object, as JSON in UTF-8 bytes. Default 32 KB. */
  maxDataBytes: number;
  /**
   * Most channels one connection may belong to. Each store documents its own value (DynamoDB's
   * follows from its 400 KB item limit); `register`, `setChannels` and `join` beyond it fail with
   * `TooManyChannelsError` and write nothing. Default 1,000.
   */
  maxChannelsPerConnection: number;
}

/** Limits stores apply unless configured otherwise: 512-byte channels, 32 KB data, 1,000 channels per connection. */
export const DEFAULT_LIMITS: StoreLimits = {
  maxChannelBytes: 512,
  maxDataBytes: 32 * 1024,
  maxChannelsPerConnection: 1000,
};

// API Gateway ids are base64-like; anything printable ASCII up to 128 chars is accepted.
const CONNECTION_ID = /^[\x21-\x7e]{1,128}$/;
// C0, DEL and C1 control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function assertConnectionId(id: unknown): asserts id is string {
  if (typeof id !== 'string') throw new InvalidConnectionIdError(id, 'must be a string');
  if (!CONNECTION_ID.test(id)) {
    throw new InvalidConnectionIdError(id, 'must be 1-128 printable ASCII characters without spaces');
  }
}

export function assertChannel(channel: unknown, limits: StoreLimits): asserts channel is string {
  if (typeof channel !== 'string') throw new InvalidChannelError(channel, 'must be a string');
  if (channel.length === 0) throw new InvalidChannelError(channel, 'must not be empty');
  if (
    channel.length > limits.maxChannelBytes ||
    Buffer.byteLength(channel, 'utf8') > limits.maxChannelBytes
  ) {
    throw new InvalidChannelError(channel, `must be at most ${limits.maxChannelBytes} bytes in UTF-8`);
  }
  if (CONTROL.test(channel)) throw new InvalidChannelError(channel, 'must not contain control characters');
  if (!channel.isWellFormed()) throw new InvalidChannelError(channel, 'must be well-formed Unicode');
}

/** Validates channel names and removes duplicates, keeping first-seen order. */
export function normalizeChannels(channels: unknown, limits: StoreLimits): string[] {
  if (!Array.isArray(channels))
    throw new InvalidChannelError(channels, 'channels must be an array of strings');
  for (const channel of channels) assertChannel(channel, limits);
  return [...new Set(channels as string[])];
}

/**
 * Returns a plain JSON copy of `data`, so no prototype, class instance or `undefined` value
 * reaches a backend, and checks its size.
 */
export function normalizeData(data: unknown, limits: StoreLimits): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InvalidDataError('must be a JSON object');
  }
  let json: string;
  try {
    json = JSON.stringify(data);
  } catch (error) {
    throw new InvalidDataError(`not serialisable as JSON (${(error as Error).message})`);
  }
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > limits.maxDataBytes) {
    throw new InvalidDataError(`${bytes} bytes of JSON exceeds the ${limits.maxDataBytes}-byte limit`);
  }
  return JSON.parse(json) as Record<string, unknown>;
}

/** Validates a TTL in seconds: a positive integer. */
export function assertTtl(ttlSeconds: unknown): asserts ttlSeconds is number {
  if (typeof ttlSeconds !== 'number' || !Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a positive integer, got ${String(ttlSeconds)}`);
  }
}
