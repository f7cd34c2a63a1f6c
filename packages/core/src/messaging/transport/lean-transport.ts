import type * as Http from 'node:http';
import { executeApiRegion } from '../../aws/partitions.js';
import type { ConnectionInfo } from '../management-api.js';
import { ServiceClock } from './clock-skew.js';
import { type AwsCredentials, CredentialSource, type CredentialsOption } from './credentials.js';
import type { EncodedPayload } from './encoded-payload.js';
import { type ManagementApiError, managementApiError } from './management-api-error.js';
import {
  amzDate,
  canonicalHeaderValue,
  canonicalPath,
  EMPTY_SHA256,
  escapeUri,
  SigV4Signer,
} from './sigv4.js';

/** The three `@connections` calls, whichever way they are sent. */
export interface ManagementTransport {
  post(endpoint: string, connectionId: string, payload: EncodedPayload, signal?: AbortSignal): Promise<void>;
  delete(endpoint: string, connectionId: string, signal?: AbortSignal): Promise<void>;
  get(endpoint: string, connectionId: string, signal?: AbortSignal): Promise<ConnectionInfo>;
}

/** Options of {@link LeanTransport}. */
export interface LeanTransportOptions {
  /** Keep-alive sockets per host (the messaging concurrency). */
  maxSockets: number;
  /** Fixed credentials or a provider; otherwise the environment's, else the SDK default chain. */
  credentials?: CredentialsOption;
  /** Signing region where the endpoint names none (custom domains); default `AWS_REGION`. An execute-api host's own region always applies. */
  region?: string;
  /** A call without any answer for this long fails with a retryable `TimeoutError` (default 10 s). */
  requestTimeoutMs?: number;
}

/** One endpoint, parsed once. */
interface Target {
  https: boolean;
  hostname: string;
  port: number | undefined;
  /** The `host` header: hostname, plus the port when it is not the default. */
  host: string;
  /** The wire path up to the id: the endpoint's path without a trailing slash, then `/@connections/`. */
  connectionsPath: string;
  /** Canonical form (SigV4) of `connectionsPath`. */
  canonicalConnectionsPath: string;
  region: string;
  loopback: boolean;
}

/** The fixed parts of a canonical request (see `LeanTransport#template`). */
interface Template {
  credentials: AwsCredentials;
  prefix: string;
  before: string;
  after: string;
  signed: string;
}

interface Net {
  http: typeof Http;
  httpAgent: Http.Agent;
  httpsRequest: typeof import('node:https').request;
  httpsAgent: import('node:https').Agent;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;
const MAX_ERROR_BODY = 64 * 1024;

/** A refusal blamed on this machine's clock, which {@link ServiceClock.correct} has just corrected. */
class ClockCorrected {
  readonly error: ManagementApiError;
  constructor(error: ManagementApiError) {
    this.error = error;
  }
}

/**
 * Sends `@connections` calls itself: SigV4-signed with `node:crypto` ({@link SigV4Signer}) over
 * keep-alive `http`/`https` agents, on any endpoint (execute-api, a custom domain with a base path,
 * a loopback emulator over http). Failed answers become {@link ManagementApiError}s shaped like
 * the AWS SDK's exceptions, so retry classification is the same for both transports. Requests are
 * dated by the service's clock as learned from clock-skew refusals ({@link ServiceClock}); a call
 * refused for its date is corrected and sent once more.
 */
export class LeanTransport implements ManagementTransport {
  readonly #signer = new SigV4Signer('execute-api');
  readonly #credentials: CredentialSource;
  readonly #region: string | undefined;
  readonly #maxSockets: number;
  readonly #timeoutMs: number;
  readonly #targets = new Map<string, Target>();
  readonly #templates = new Map<string, Template>();
  readonly #clock = new ServiceClock();
  #net: Net | undefined;
  #netLoading: Promise<Net> | undefined;
  #second = -1;
  #date = '';

  constructor(options: LeanTransportOptions) {
    this.#credentials = new CredentialSource(options.credentials);
    this.#region = options.region;
    this.#maxSockets = options.maxSockets;
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  async post(
    endpoint: string,
    connectionId: string,
    payload: EncodedPayload,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.#call('POST', endpoint, connectionId, payload, signal, false);
  }

  async delete(endpoint: string, connectionId: string, signal?: AbortSignal): Promise<void> {
    await this.#call('DELETE', endpoint, connectionId, undefined, signal, false);
  }

  async get(endpoint: string, connectionId: string, signal?: AbortSignal): Promise<ConnectionInfo> {
    const text = await this.#call('GET', endpoint, connectionId, undefined, signal, true);
    const out = JSON.parse(text) as {
      connectedAt?: unknown;
      lastActiveAt?: unknown;
      identity?: { sourceIp?: unknown; userAgent?: unknown };
    };
    return {
      connectedAt: toDate(out.connectedAt),
      lastActiveAt: toDate(out.lastActiveAt),
      identity: {
        sourceIp: typeof out.identity?.sourceIp === 'string' ? out.identity.sourceIp : undefined,
        userAgent: typeof out.identity?.userAgent === 'string' ? out.identity.userAgent : undefined,
      },
    };
  }

  /** The request this transport sends for a call, signed: what the wire carries (also for tests). */
  async signedRequest(
    method: 'POST' | 'GET' | 'DELETE',
    endpoint: string,
    connectionId: string,
    payload: EncodedPayload | undefined,
    epochMs = this.#clock.now(),
  ): Promise<{ path: string; headers: Record<string, string> }> {
    const target = this.#target(endpoint);
    const credentials = await this.#credentials.get(target.loopback);
    return this.#sign(method, target, connectionId, payload, credentials, amzDate(epochMs));
  }

  #sign(
    method: string,
    target: Target,
    connectionId: string,
    payload: EncodedPayload | undefined,
    credentials: AwsCredentials,
    date: string,
  ): { path: string; headers: Record<string, string> } {
    // The AWS SDK encodes the id label the same way (`encodeURIComponent` plus `!'()*`).
    const wireId = escapeUri(connectionId);
    const path = target.connectionsPath + wireId;
    const headers: Record<string, string> = { host: target.host, 'x-amz-date': date };
    if (payload !== undefined) headers['content-type'] = 'application/octet-stream';
    if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
    const payloadHash = payload === undefined ? EMPTY_SHA256 : payload.sha256;
    if (wireId.length === 0 || wireId === '.' || wireId === '..') {
      // Path normalization would touch the id segment: sign the general way.
      headers.authorization = this.#signer.authorization(
        { method, path, headers, payloadHash },
        credentials,
        target.region,
      );
      return { path, headers };
    }
    // Everything but the id and the date is the same for every call of this shape: kept.
    const t = this.#template(target, method, credentials);
    const canonical = `${t.prefix}${escapeUri(wireId)}\n\n${t.before}x-amz-date:${date}\n${t.after}${payloadHash}`;
    headers.authorization = this.#signer.authorizationOf(
      canonical,
      t.signed,
      date,
      credentials,
      target.region,
    );
    return { path, headers };
  }

  /**
   * The fixed parts of the canonical request for one endpoint, method and credentials, laid out
   * as {@link SigV4Signer.authorization} would (headers sorted: content-type, host, x-amz-date,
   * x-amz-security-token; the id is the path's last segment, never `.` or `..`).
   */
  #template(target: Target, method: string, credentials: AwsCredentials): Template {
    const key = `${method} ${target.host}${target.connectionsPath}`;
    let t = this.#templates.get(key);
    if (t === undefined || t.credentials !== credentials) {
      const token = credentials.sessionToken;
      const post = method === 'POST';
      t = {
        credentials,
        prefix: `${method}\n${target.canonicalConnectionsPath}`,
        before: `${post ? 'content-type:application/octet-stream\n' : ''}host:${canonicalHeaderValue(target.host)}\n`,
        after: `${token ? `x-amz-security-token:${canonicalHeaderValue(token)}\n` : ''}\n${post ? 'content-type;' : ''}host;x-amz-date${token ? ';x-amz-security-token' : ''}\n`,
        signed: `${post ? 'content-type;' : ''}host;x-amz-date${token ? ';x-amz-security-token' : ''}`,
      };
      this.#templates.set(key, t);
    }
    return t;
  }

  /** The service's clock offset learned so far, ms (0 until a clock-skew refusal taught one). */
  get clockOffsetMs(): number {
    return this.#clock.offsetMs;
  }

  async #call(
    method: 'POST' | 'GET' | 'DELETE',
    endpoint: string,
    connectionId: string,
    payload: EncodedPayload | undefined,
    signal: AbortSignal | undefined,
    wantBody: boolean,
  ): Promise<string> {
    signal?.throwIfAborted();
    const target = this.#target(endpoint);
    const net = this.#net ?? (await this.#loadNet());
    const found = this.#credentials.get(target.loopback);
    const credentials = 'then' in found ? await found : found;
    const send = (retried: boolean) =>
      this.#send(net, method, target, connectionId, payload, credentials, signal, wantBody, retried);
    try {
      return await send(false);
    } catch (error) {
      if (!(error instanceof ClockCorrected)) throw error;
      // Refused for its date, and the clock is corrected now: once more, like the SDK's retry of
      // clock-skew errors. A second refusal is final (the error as answered).
      signal?.throwIfAborted();
      return send(true);
    }
  }

  /** One request; rejects with {@link ClockCorrected} when a first attempt was refused for its date. */
  #send(
    net: Net,
    method: 'POST' | 'GET' | 'DELETE',
    target: Target,
    connectionId: string,
    payload: EncodedPayload | undefined,
    credentials: AwsCredentials,
    signal: AbortSignal | undefined,
    wantBody: boolean,
    retried: boolean,
  ): Promise<string> {
    const signedAt = this.#clock.now();
    const { path, headers } = this.#sign(
      method,
      target,
      connectionId,
      payload,
      credentials,
      this.#amzDate(signedAt),
    );
    if (payload !== undefined) headers['content-length'] = String(payload.bytes.byteLength);
    const sentAt = Date.now();
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      const options: Http.RequestOptions = {
        hostname: target.hostname,
        port: target.port,
        method,
        path,
        headers,
        ...(signal === undefined ? {} : { signal }),
      };
      const req = target.https
        ? net.httpsRequest({ ...options, agent: net.httpsAgent })
        : net.http.request({ ...options, agent: net.httpAgent });
      let answered = false;
      // The agents' socket timeout (no byte for `timeoutMs`) emits this; idle pooled sockets just close.
      // After a long stall of the event loop, timers run before pending reads: let one poll phase
      // pass first, so an answer already received is not taken for a timeout (and retried: sent twice).
      req.on('timeout', () =>
        setImmediate(() => {
          if (answered) return;
          const error = new Error(`No answer from the management API within ${this.#timeoutMs} ms`);
          error.name = 'TimeoutError';
          req.destroy(error);
        }),
      );
      req.on('error', fail);
      req.on('response', (res) => {
        answered = true;
        const status = res.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        res.on('error', fail);
        if (ok && !wantBody) {
          res.resume();
          res.on('end', () => {
            if (settled) return;
            settled = true;
            resolve('');
          });
          return;
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (ok || body.length < MAX_ERROR_BODY) body += chunk;
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          if (ok) return resolve(body);
          const error = managementApiError(status, res.headers, body);
          // The signed date counts, not the second it was formatted from: both are the same second.
          const corrected = !retried && this.#clock.correct(error, res.headers, signedAt, sentAt);
          reject(corrected ? new ClockCorrected(error) : error);
        });
      });
      req.end(payload?.bytes);
    });
  }

  /** The `x-amz-date` of an instant, formatted once per second. */
  #amzDate(epochMs: number): string {
    const second = Math.floor(epochMs / 1000);
    if (second !== this.#second) {
      this.#second = second;
      this.#date = amzDate(epochMs);
    }
    return this.#date;
  }

  #target(endpoint: string): Target {
    let target = this.#targets.get(endpoint);
    if (target === undefined) {
      const url = new URL(endpoint);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new TypeError(`The management endpoint must be http(s): ${endpoint}`);
      }
      target = {
        https: url.protocol === 'https:',
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port === '' ? undefined : Number(url.port),
        host: url.host,
        connectionsPath: `${url.pathname.replace(/\/+$/, '')}/@connections/`,
        canonicalConnectionsPath: `${canonicalPath(`${url.pathname.replace(/\/+$/, '')}/@connections`)}/`,
        // An execute-api host names its region; custom domains and emulators need the option or AWS_REGION.
        region: executeApiRegion(url.hostname) ?? this.#region ?? process.env.AWS_REGION ?? 'us-east-1',
        loopback: LOOPBACK.test(url.hostname),
      };
      this.#targets.set(endpoint, target);
    }
    return target;
  }

  #loadNet(): Promise<Net> {
    // Imported on first call so that routing alone never loads the HTTP stack.
    this.#netLoading ??= Promise.all([import('node:http'), import('node:https')]).then(([http, https]) => {
      const agent = { keepAlive: true, maxSockets: this.#maxSockets, timeout: this.#timeoutMs };
      this.#net = {
        http,
        httpAgent: new http.Agent(agent),
        httpsRequest: https.request,
        httpsAgent: new https.Agent(agent),
      };
      return this.#net;
    });
    return this.#netLoading;
  }
}

function toDate(value: unknown): Date | undefined {
  if (typeof value === 'string') return new Date(value);
  if (typeof value === 'number') return new Date(value * 1000);
  return undefined;
}
