import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * What a session token says (the token is opaque to clients): the session, a hash of its
 * principal, the connection it was issued for, and when.
 */
export interface SessionClaims {
  /** The session id: 128 random bits, base64url. */
  s: string;
  /** {@link principalHash} of the principal the session belongs to (`''` without a principal). */
  p: string;
  /** The connection the token was issued for. */
  c: string;
  /** When it was issued, epoch seconds. */
  t: number;
}

const VERSION = 's1';
const B64URL = /^[A-Za-z0-9_-]+$/;
const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;
const CONNECTION_ID = /^[\x21-\x7e]{1,128}$/;
/** Longest token looked at: a real one is about 150 characters; hostile input is not parsed. */
const MAX_TOKEN_LENGTH = 512;

/** A new session id: 128 random bits, base64url (22 characters). */
export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * What a token carries of the principal: 128 bits of its SHA-256 (tokens do not disclose it), or
 * `''` when there is none.
 */
export function principalHash(principal: string | undefined): string {
  if (principal === undefined) return '';
  return createHash('sha256')
    .update(`wsapp-principal\0${principal}`, 'utf8')
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

function mac(secret: Buffer, signed: string): Buffer {
  return createHmac('sha256', secret).update(signed, 'utf8').digest();
}

/** Signs claims into a token: `s1.<base64url(JSON claims)>.<base64url(HMAC-SHA256)>`. */
export function signSessionToken(claims: SessionClaims, secret: Buffer): string {
  const body = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  const signed = `${VERSION}.${body}`;
  return `${signed}.${mac(secret, signed).toString('base64url')}`;
}

/** Decodes canonical base64url only (Node's decoder skips bad characters; a token must not vary). */
function strictBase64url(text: string | undefined): Buffer | undefined {
  if (text === undefined || !B64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/**
 * The token's claims when its MAC verifies with one of `secrets` and its claims are well formed;
 * `undefined` otherwise (forged, tampered, truncated, signed with a retired secret, or not a token).
 * Never throws, whatever `token` is.
 */
export function verifySessionToken(token: unknown, secrets: readonly Buffer[]): SessionClaims | undefined {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return undefined;
  const body = strictBase64url(parts[1]);
  const given = strictBase64url(parts[2]);
  if (body === undefined || given === undefined || given.length !== 32) return undefined;
  const signed = `${VERSION}.${parts[1]}`;
  // Every secret is tried (no early exit), each comparison in constant time.
  let valid = false;
  for (const secret of secrets) valid = timingSafeEqual(mac(secret, signed), given) || valid;
  if (!valid) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  return wellFormed(claims) ? { s: claims.s, p: claims.p, c: claims.c, t: claims.t } : undefined;
}

function wellFormed(value: unknown): value is SessionClaims {
  if (typeof value !== 'object' || value === null) return false;
  const { s, p, c, t } = value as Record<string, unknown>;
  return (
    typeof s === 'string' &&
    SESSION_ID.test(s) &&
    typeof p === 'string' &&
    (p === '' || (p.length === 22 && B64URL.test(p))) &&
    typeof c === 'string' &&
    CONNECTION_ID.test(c) &&
    Number.isSafeInteger(t) &&
    (t as number) >= 0
  );
}
