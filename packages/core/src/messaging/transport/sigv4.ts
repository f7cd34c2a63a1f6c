import * as crypto from 'node:crypto';
import type { AwsCredentials } from './credentials.js';

/** What {@link SigV4Signer.authorization} signs: one HTTP request as it goes on the wire. */
export interface SignableRequest {
  /** `POST`, `GET`, `DELETE`. */
  method: string;
  /** The request path exactly as sent (already percent-encoded), without a query string. */
  path: string;
  /** Every header to sign, names in lower case; must include `host` and `x-amz-date`. */
  headers: Readonly<Record<string, string>>;
  /** Lower-case hex SHA-256 of the body (of the empty string for no body). */
  payloadHash: string;
}

/** SHA-256 of the empty string: the payload hash of GET and DELETE. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const ALGORITHM = 'AWS4-HMAC-SHA256';

/** Lower-case hex SHA-256: the one-shot `crypto.hash` where Node has it (≥ 20.12), cheaper than a Hash object. */
export const sha256Hex: (data: string | Uint8Array) => string =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'hex')
    : (data) => crypto.createHash('sha256').update(data).digest('hex');

/** RFC 3986 encoding as SigV4 wants it: `encodeURIComponent` plus `!'()*`. */
export function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, hexByte);
}

function hexByte(c: string): string {
  return `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
}

/**
 * The canonical URI of a wire path, as `@smithy/signature-v4` computes it for every service but S3:
 * empty and `.` segments dropped, `..` pops one, then each byte encoded once more (double encoding).
 */
export function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment.length === 0 || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

/** A header value in canonical form: line breaks to spaces, runs of blanks to one, trimmed. */
export function canonicalHeaderValue(value: string): string {
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

/** `YYYYMMDD'T'HHMMSS'Z'` of an instant, as SigV4 dates requests. */
export function amzDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

/**
 * Signs requests with AWS Signature Version 4 (header form) using `node:crypto` only. The signing
 * key (four chained HMACs) is derived once per day, region and credentials and cached, so a call
 * costs one SHA-256 of the canonical request and one HMAC of the string to sign.
 */
export class SigV4Signer {
  readonly #service: string;
  #keys = new Map<string, { secret: string; key: crypto.KeyObject }>();
  #keysDay = '';

  constructor(service: string) {
    this.#service = service;
  }

  /** The `Authorization` header value for the request, dated by its `x-amz-date` header. */
  authorization(request: SignableRequest, credentials: AwsCredentials, region: string): string {
    const longDate = request.headers['x-amz-date'];
    if (longDate === undefined) throw new TypeError('x-amz-date header missing');
    const names = Object.keys(request.headers).sort();
    let headerBlock = '';
    for (const name of names) {
      headerBlock += `${name}:${canonicalHeaderValue(request.headers[name] as string)}\n`;
    }
    const signedHeaders = names.join(';');
    const canonicalRequest = `${request.method}\n${canonicalPath(request.path)}\n\n${headerBlock}\n${signedHeaders}\n${request.payloadHash}`;
    return this.authorizationOf(canonicalRequest, signedHeaders, longDate, credentials, region);
  }

  /**
   * The `Authorization` header value for an already built canonical request (the caller built it
   * the way {@link authorization} does, e.g. from parts it keeps across calls).
   */
  authorizationOf(
    canonicalRequest: string,
    signedHeaders: string,
    longDate: string,
    credentials: AwsCredentials,
    region: string,
  ): string {
    const shortDate = longDate.slice(0, 8);
    const scope = `${shortDate}/${region}/${this.#service}/aws4_request`;
    const stringToSign = `${ALGORITHM}\n${longDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
    const signature = crypto
      .createHmac('sha256', this.#signingKey(credentials, shortDate, region))
      .update(stringToSign)
      .digest('hex');
    return `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  }

  #signingKey(credentials: AwsCredentials, shortDate: string, region: string): crypto.KeyObject {
    if (shortDate !== this.#keysDay) {
      this.#keys = new Map();
      this.#keysDay = shortDate;
    }
    const id = `${region}\n${credentials.accessKeyId}`;
    const cached = this.#keys.get(id);
    if (cached !== undefined && cached.secret === credentials.secretAccessKey) return cached.key;
    let key = crypto.createHmac('sha256', `AWS4${credentials.secretAccessKey}`).update(shortDate).digest();
    for (const part of [region, this.#service, 'aws4_request']) {
      key = crypto.createHmac('sha256', key).update(part).digest();
    }
    // A KeyObject is imported once; HMACs keyed by it skip re-importing the key on every call.
    const keyObject = crypto.createSecretKey(key);
    this.#keys.set(id, { secret: credentials.secretAccessKey, key: keyObject });
    return keyObject;
  }
}
