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
 * Returns a plain JSON copy of `data` and checks its size. Only what reads back the same from
 * every backend is accepted: plain objects (prototype `Object.prototype` or `null`), arrays,
 * strings, finite numbers, booleans and `null`, nested at any depth. `Date`, objects with a
 * `toJSON` method, boxed primitives, class instances, functions, symbols, BigInts, non-finite
 * numbers, `undefined` array items and cycles are refused with `InvalidDataError`: JSON would
 * turn them into something else, differently per backend. Object properties whose value is
 * `undefined` are dropped (as `JSON.stringify` does).
 */
export function normalizeData(data: unknown, limits: StoreLimits): Record<string, unknown> {
  let json: string;
  try {
    if (!isPlainObject(data)) throw new InvalidDataError('must be a plain JSON object');
    assertPlainJson(data, limits);
    json = JSON.stringify(data);
  } catch (error) {
    if (error instanceof InvalidDataError) throw error;
    // Throwing getters, revoked proxies, stack exhaustion: the caller's value, not a store fault.
    throw new InvalidDataError(`not readable as JSON (${(error as Error).name})`);
  }
  assertDataBytes(Buffer.byteLength(json, 'utf8'), limits);
  return JSON.parse(json) as Record<string, unknown>;
}

/**
 * Refuses connection data of `bytes` (its JSON in UTF-8) over `limits.maxDataBytes`; `merged`
 * says the size is that of the data after `update()` merged a patch into the stored data.
 */
export function assertDataBytes(bytes: number, limits: StoreLimits, merged = false): void {
  if (bytes > limits.maxDataBytes) {
    const what = merged ? 'merged with the stored data, ' : '';
    throw new InvalidDataError(`${what}${bytes} bytes of JSON exceeds the ${limits.maxDataBytes}-byte limit`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Walks `root` with an explicit stack (so depth cannot exhaust the call stack), refusing values
 * that are not plain JSON. Error messages name the kind of value, never the caller's keys.
 */
function assertPlainJson(root: Record<string, unknown>, limits: StoreLimits): void {
  const onPath = new Set<object>();
  // Each frame is entered once (children pushed) and left once (removed from the cycle path).
  const stack: Array<{ value: object; entered: boolean }> = [{ value: root, entered: false }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.entered) {
      onPath.delete(frame.value);
      stack.pop();
      continue;
    }
    frame.entered = true;
    if (onPath.has(frame.value)) throw new InvalidDataError('contains a cycle');
    onPath.add(frame.value);
    const isArray = Array.isArray(frame.value);
    let values: unknown[];
    if (isArray) {
      const array = frame.value as unknown[];
      // Each item takes at least 2 bytes of JSON: a huge (sparse) length is refused before it is walked.
      if (array.length * 2 > limits.maxDataBytes) {
        throw new InvalidDataError(
          `an array of ${array.length} items exceeds the ${limits.maxDataBytes}-byte limit`,
        );
      }
      values = Array.from(array);
    } else {
      values = Object.values(frame.value);
    }
    for (const value of values) {
      const kind = jsonKind(value, isArray);
      if (kind === 'container') stack.push({ value: value as object, entered: false });
      else if (kind !== 'leaf') throw new InvalidDataError(`contains ${kind}, which is not plain JSON`);
    }
  }
}

/** 'leaf' and 'container' are accepted; anything else describes what was found. */
function jsonKind(value: unknown, inArray: boolean): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return 'leaf';
    case 'number':
      return Number.isFinite(value) ? 'leaf' : 'a non-finite number';
    case 'undefined':
      // JSON drops an undefined property (accepted, dropped) but writes null for an array item.
      return inArray ? 'an undefined array item' : 'leaf';
    case 'object': {
      if (value === null) return 'leaf';
      if (Array.isArray(value)) {
        return Object.getPrototypeOf(value) === Array.prototype ? 'container' : 'an Array subclass';
      }
      if (!isPlainObject(value)) return `an instance of ${constructorName(value)}`;
      return typeof value.toJSON === 'function' ? 'an object with toJSON' : 'container';
    }
    default:
      return `a ${typeof value}`;
  }
}

function constructorName(value: object): string {
  const ctor: unknown = (Object.getPrototypeOf(value) as { constructor?: unknown } | null)?.constructor;
  return typeof ctor === 'function' && ctor.name !== '' ? ctor.name : 'a class';
}

/** Validates a TTL in seconds: a positive integer. */
export function assertTtl(ttlSeconds: unknown): asserts ttlSeconds is number {
  if (typeof ttlSeconds !== 'number' || !Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a positive integer, got ${String(ttlSeconds)}`);
  }
}
