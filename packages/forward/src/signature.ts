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

/**
 * Why {@link TaskSignatureError} refused a record: no signature (`missing`), one that does not
 * verify (`invalid`), or, when signing, a value JSON does not carry exactly (`unsignable`).
 */
export type TaskSignatureProblem = 'missing' | 'invalid' | 'unsignable';

const PROBLEMS: Readonly<Record<TaskSignatureProblem, string>> = {
  missing: 'The task carries no signature: it was not forwarded by a route signing with this secret',
  invalid: 'The task signature does not verify: forged, edited, or signed with another key',
  unsignable:
    'The task cannot be signed: it holds a value JSON does not carry exactly (a number out of range, -0, a lone surrogate)',
};

/**
 * `replyTo` (or `readEnvelope` with a secret) refused a record: its envelope carries no signature
 * (`missing`: another producer wrote it, or the route forwards unsigned), or one that no key
 * verifies (`invalid`: forged, edited — also a non-canonical spelling of the signature or a value
 * JSON does not carry exactly —, or signed with a key no longer given). A forwarding route throws
 * it with `unsignable` for data it cannot sign (it answers the client 400).
 */
export class TaskSignatureError extends WsappError {
  /** This class's {@link WsappError.code}. */
  static override readonly code = 'TaskSignature';
  /** What was wrong with the signature. */
  readonly reason: TaskSignatureProblem;
  constructor(reason: TaskSignatureProblem) {
    super(TaskSignatureError.code, PROBLEMS[reason]);
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
 * `value` as JSON carries it (`toJSON`, `undefined` dropped), or `undefined` when it holds a value
 * that JSON text does not carry exactly: a non-finite number (`1e400` reads as Infinity, which
 * JSON writes as null), `-0` (written as 0) or a string or key with a lone surrogate (replaced by
 * U+FFFD on the way through UTF-8). Such values would let two different messages share one
 * signature, so they are neither signed nor verified. `undefined` too when too deep to write.
 */
function exactJson(value: unknown): unknown {
  let exact = true;
  let text: string | undefined;
  try {
    text = JSON.stringify(value, function (this: unknown, key: string, v: unknown) {
      if (!key.isWellFormed()) exact = false;
      if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) exact = false;
      if (typeof v === 'string' && !v.isWellFormed()) exact = false;
      return v;
    });
  } catch {
    return undefined; // too deep (or a throwing toJSON): not something a route signed
  }
  return exact && text !== undefined ? JSON.parse(text) : undefined;
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

/**
 * The message with its envelope signed by `key` (`sig: "f1.<base64url HMAC>"`); taken as its JSON
 * round trip. Throws {@link TaskSignatureError} (`unsignable`) for data JSON does not carry exactly.
 */
export function signMessage(message: ForwardedMessage, key: Buffer): ForwardedMessage {
  const carried = exactJson(message) as ForwardedMessage | undefined;
  if (carried === undefined) throw new TaskSignatureError('unsignable');
  const sig = `${VERSION}.${mac(key, signed(carried)).toString('base64url')}`;
  return { ...message, envelope: { ...message.envelope, sig } };
}

/**
 * The 32 bytes a signature's text spells, or `undefined` unless it is their one canonical
 * base64url spelling (no padding, no `+` or `/`, zero trailing bits): Node's decoder accepts
 * several spellings of the same bytes, and each would verify.
 */
function signatureBytes(sig: unknown): Buffer | undefined {
  const given = typeof sig === 'string' ? SIGNATURE.exec(sig)?.[1] : undefined;
  if (given === undefined) return undefined;
  const bytes = Buffer.from(given, 'base64url');
  return bytes.length === 32 && bytes.toString('base64url') === given ? bytes : undefined;
}

/** Throws {@link TaskSignatureError} unless one of `keys` verifies the message's signature. Never throws otherwise. */
export function verifyMessage(message: ForwardedMessage, keys: readonly Buffer[]): void {
  const sig = (message.envelope as { sig?: unknown }).sig;
  if (sig === undefined) throw new TaskSignatureError('missing');
  const expected = signatureBytes(sig);
  if (expected === undefined) throw new TaskSignatureError('invalid');
  // As JSON carries it, like what was signed: a message handed over in memory (undefined
  // values, a Date) verifies as it does after a queue.
  const carried = exactJson(message) as ForwardedMessage | undefined;
  if (carried === undefined) throw new TaskSignatureError('invalid');
  let text: string;
  try {
    text = signed(carried);
  } catch {
    throw new TaskSignatureError('invalid'); // too deep to read: not something a route signed
  }
  // Every key is tried (no early exit), each comparison in constant time.
  let valid = false;
  for (const key of keys) valid = timingSafeEqual(mac(key, text), expected) || valid;
  if (!valid) throw new TaskSignatureError('invalid');
}
