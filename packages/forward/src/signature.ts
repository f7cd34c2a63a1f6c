import { createHmac, timingSafeEqual } from 'node:crypto';
import { MIN_SESSION_SECRET_BYTES, WsappError } from '@wsapp/core';
import type { ForwardedMessage } from './envelope.js';

/**
 * How a forwarding route and its consumer agree on who may be answered: `secret`, HMAC-SHA256
 * key(s) of at least 32 bytes, the first signs and all verify (rotate by putting the new key
 * first, and dropping the old one once no record signed with it can still be delivered); or
 * `unsigned: true`, which trusts every record on the target (only when nothing but this app can
 * write to it).
 */
export interface EnvelopeSigning {
  /** HMAC-SHA256 key(s), each at least 32 bytes: the first signs, every one verifies. */
  secret?: string | readonly string[];
  /** Sign nothing / verify nothing: every record on the target is trusted. */
  unsigned?: true;
}

/** Why {@link TaskSignatureError} refused a record. */
export type TaskSignatureProblem = 'missing' | 'invalid';

/**
 * `replyTo` (or `readEnvelope` with a secret) refused a record: its envelope carries no signature
 * (`missing`: another producer wrote it, or the route forwards unsigned), or one that no key
 * verifies (`invalid`: forged, edited, or signed with a key no longer given).
 */
export class TaskSignatureError extends WsappError {
  /** What was wrong with the signature. */
  readonly reason: TaskSignatureProblem;
  constructor(reason: TaskSignatureProblem) {
    super(
      'TaskSignature',
      reason === 'missing'
        ? 'The task carries no signature: it was not forwarded by a route signing with this secret'
        : 'The task signature does not verify: forged, edited, or signed with another key',
    );
    this.reason = reason;
  }
}

const VERSION = 'f1';
/** Domain separation: a key shared with sessions can never make a forwarding signature, nor the reverse. */
const CONTEXT = `wsapp-forward.${VERSION}\n`;
const SIGNATURE = /^f1\.([A-Za-z0-9_-]{43})$/;

/** The keys of an {@link EnvelopeSigning}, or `undefined` for `unsigned`; throws `TypeError` when neither is chosen. */
export function signingKeys(options: EnvelopeSigning, where: string): readonly Buffer[] | undefined {
  if (options.unsigned === true) {
    if (options.secret !== undefined)
      throw new TypeError(`${where}: give either secret or unsigned, not both`);
    return undefined;
  }
  const given = typeof options.secret === 'string' ? [options.secret] : options.secret;
  if (!Array.isArray(given) || given.length === 0) {
    throw new TypeError(
      `${where} needs { secret } (an HMAC key the route signs envelopes with and replyTo verifies) ` +
        'or { unsigned: true } when nothing but this app can write to the target',
    );
  }
  return given.map((secret: unknown) => {
    if (typeof secret !== 'string' || Buffer.byteLength(secret, 'utf8') < MIN_SESSION_SECRET_BYTES) {
      throw new RangeError(
        `${where}: every secret must be a string of at least ${MIN_SESSION_SECRET_BYTES} bytes`,
      );
    }
    return Buffer.from(secret, 'utf8');
  });
}

/**
 * JSON with every object's keys sorted: the same text for the same JSON value however a queue,
 * a topic or an event bus re-serialised it (key order, spacing, escapes, number forms).
 */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    const parts = keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What the signature covers: the envelope without its `sig`, and the data, as JSON carries them. */
function signed(message: ForwardedMessage): string {
  const { sig: _sig, ...envelope } = message.envelope;
  return CONTEXT + canonical({ envelope, data: message.data });
}

function mac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

/** The message with its envelope signed by `key` (`sig: "f1.<base64url HMAC>"`); taken as its JSON round trip. */
export function signMessage(message: ForwardedMessage, key: Buffer): ForwardedMessage {
  const carried = JSON.parse(JSON.stringify(message)) as ForwardedMessage;
  const sig = `${VERSION}.${mac(key, signed(carried)).toString('base64url')}`;
  return { ...message, envelope: { ...message.envelope, sig } };
}

/** Throws {@link TaskSignatureError} unless one of `keys` verifies the message's signature. Never throws otherwise. */
export function verifyMessage(message: ForwardedMessage, keys: readonly Buffer[]): void {
  const sig = (message.envelope as { sig?: unknown }).sig;
  if (sig === undefined) throw new TaskSignatureError('missing');
  const given = typeof sig === 'string' ? SIGNATURE.exec(sig)?.[1] : undefined;
  if (given === undefined) throw new TaskSignatureError('invalid');
  const expected = Buffer.from(given, 'base64url');
  let text: string;
  try {
    // As JSON carries it, like what was signed: a message handed over in memory (undefined
    // values, a Date) verifies as it does after a queue.
    text = signed(JSON.parse(JSON.stringify(message)) as ForwardedMessage);
  } catch {
    throw new TaskSignatureError('invalid'); // too deep to read: not something a route signed
  }
  // Every key is tried (no early exit), each comparison in constant time.
  let valid = false;
  for (const key of keys) valid = timingSafeEqual(mac(key, text), expected) || valid;
  if (!valid) throw new TaskSignatureError('invalid');
}
