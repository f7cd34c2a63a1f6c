import { backoffDelay } from './backoff.js';
import { type CloseInfo, defaultShouldReconnect } from './close-policy.js';
import { type Conn, connectTarget, newConn } from './connection.js';
import type { ActionOf, AnyApi, ApiShape, BodyArg, PushOf, ResponseOf } from './contract-types.js';
import { Emitter } from './emitter.js';
import { ClientError } from './errors.js';
import type { ClientEvents, ClientState, RequestOptions } from './events.js';
import type { ClientOptions, Session } from './options.js';
import { PendingRequests } from './pending-requests.js';
import {
  type GapEvent,
  isTransient,
  type ReplayPageReply,
  type ResumedEvent,
  type ResumeReply,
  SessionState,
} from './session.js';
import {
  defaultSocket,
  handshakeStatus,
  NETWORK_ERROR,
  type SocketConstructor,
  type SocketLike,
} from './socket.js';
import { decode, encode, field, MAX_FRAME_BYTES, RID } from './wire.js';

/** Least time between two hole-filling replays on one connection. */
const SYNC_INTERVAL_MS = 5000;

/** Replay pages one resume asks for at most (10,000 messages take about 10; oversized ones one each). */
const MAX_REPLAY_PAGES = 20_000;

/** Rounds of resume requests a reconnect sends again after its first ones kept failing. */
const RECLAIMS = 5;

/**
 * A WebSocket client for wsapp servers: heartbeat under the idle timeout, planned replacement before
 * the 2-hour maximum, reconnects with backoff and jitter, correlated requests, a bounded queue.
 * Create it with {@link createClient}; it connects at once.
 *
 * @typeParam A - the server's contract (`typeof api` from `defineApi` in `@wsapp/core`)
 */
export class WebSocketClient<A extends ApiShape = AnyApi> extends Emitter<ClientEvents<PushOf<A>>> {
  readonly #url: string;
  readonly #o: ClientOptions;
  readonly #pending = new PendingRequests<Conn>();
  readonly #queue: { text: string; rid?: string }[] = [];
  #primary: Conn | undefined;
  /** A session replacement that has claimed (or is claiming) the session and not switched yet. */
  #switching: Conn | undefined;
  #state: ClientState = 'connecting';
  #everOpened = false;
  #failures = 0;
  #nextId = 0;
  #prefix = Math.random().toString(36).slice(2, 8);
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #Socket: SocketConstructor | undefined;
  readonly #s: SessionState | undefined;

  constructor(url: string, options: ClientOptions = {}) {
    super();
    this.#url = url;
    this.#o = options;
    this.#Socket = options.WebSocket;
    const session = options.session;
    if (session) this.#s = new SessionState(session === true ? {} : session);
    void this.#connect(false);
  }

  /** `connecting`, `open`, `reconnecting` or `closed` (final). */
  get state(): ClientState {
    return this.#state;
  }

  /** Resolves once the client is open (at once if it is), rejects if it closes for good first. */
  ready(): Promise<void> {
    if (this.#state === 'open') return Promise.resolve();
    if (this.#state === 'closed') return Promise.reject(new ClientError('Closed', 'client is closed'));
    return new Promise((resolve, reject) => {
      const offs = [
        this.on('open', () => done(resolve)),
        this.on(
          'close',
          (e) => !e.willReconnect && done(() => reject(new ClientError('Closed', 'client is closed'))),
        ),
      ];
      const done = (fn: () => void) => {
        for (const off of offs) off();
        fn();
      };
    });
  }

  /**
   * Sends `{action, ...body, "$rid": id}` and resolves with the route's answer (a two-way route's
   * response, or a `reply()` from a one-way route). Rejects with a {@link ClientError}: `Rejected`
   * (4xx/5xx, with `status` and `body`), `Timeout`, `ConnectionLost`, `Closed`, `QueueFull`, `TooLarge`.
   * Queued while disconnected.
   */
  request<K extends ActionOf<A>>(
    action: K,
    ...[body, options]: [...BodyArg<A, K>, RequestOptions?]
  ): Promise<ResponseOf<A, K>> {
    return this.#request(undefined, action, body as Record<string, unknown> | undefined, options) as Promise<
      ResponseOf<A, K>
    >;
  }

  /** Fire-and-forget `{action, ...body}`; queued while disconnected (throws `QueueFull`, `TooLarge`, `Closed`). */
  send<K extends ActionOf<A>>(action: K, ...[body]: BodyArg<A, K>): void {
    this.#deliver(undefined, encode(action, body as Record<string, unknown> | undefined));
  }

  /** Closes for good: no reconnect; pending requests and queued messages are rejected. */
  close(code = 1000, reason = ''): void {
    if (this.#state === 'closed') return;
    const conn = this.#primary;
    this.#primary = undefined;
    if (conn !== undefined) this.#retire(conn, code, reason);
    this.#final({
      code,
      reason,
      opened: conn?.opened ?? false,
      everOpened: this.#everOpened,
      networkError: false,
    });
  }

  #request(
    conn: Conn | undefined,
    action: string,
    body: Record<string, unknown> | undefined,
    options: RequestOptions | undefined,
  ): Promise<unknown> {
    const rid = `${this.#prefix}${(this.#nextId++).toString(36)}`;
    const timeoutMs = options?.timeoutMs ?? this.#o.timeoutMs ?? 10_000;
    // A request that times out while queued leaves the queue at once (its slot is free again).
    const reply = this.#pending.open(rid, action, timeoutMs, () => this.#unqueue(rid));
    try {
      this.#deliver(conn, encode(action, body, rid), rid);
    } catch (error) {
      this.#pending.fail(rid, error as ClientError);
    }
    return reply;
  }

  /** Sends on `conn` (a resuming connection) or the open primary, else queues. */
  #deliver(conn: Conn | undefined, text: string, rid?: string): void {
    if (this.#state === 'closed') throw new ClientError('Closed', 'client is closed');
    if (text.length * 3 > MAX_FRAME_BYTES && new TextEncoder().encode(text).length > MAX_FRAME_BYTES) {
      throw new ClientError('TooLarge', `message exceeds API Gateway's 32 KB frame size`);
    }
    // While a session replacement switches, the old connection's record is taken over by the
    // claim: what the app sends waits for the new connection.
    const target =
      conn ?? (this.#state === 'open' && this.#switching === undefined ? this.#primary : undefined);
    if (target !== undefined) {
      this.#write(target, text, rid);
      return;
    }
    if (this.#queue.length >= (this.#o.queueLimit ?? 100))
      throw new ClientError('QueueFull', 'send queue is full');
    this.#queue.push(rid === undefined ? { text } : { text, rid });
  }

  /** Sends what waited in the queue (requests that timed out meanwhile are gone from it). */
  #flush(conn: Conn): void {
    for (const item of this.#queue.splice(0)) {
      if (item.rid === undefined || this.#pending.has(item.rid)) this.#write(conn, item.text, item.rid);
    }
  }

  #unqueue(rid: string): void {
    const index = this.#queue.findIndex((item) => item.rid === rid);
    if (index >= 0) this.#queue.splice(index, 1);
  }

  #write(conn: Conn, text: string, rid: string | undefined): void {
    if (rid !== undefined) this.#pending.bind(rid, conn);
    conn.socket.send(text);
  }

  async #connect(rotating: boolean): Promise<void> {
    let conn: Conn;
    try {
      this.#Socket ??= await defaultSocket();
      const token = await this.#s?.token();
      const { url, protocols } = await connectTarget(this.#url, this.#o, token, this.#s?.instance);
      conn = newConn(new this.#Socket(url, protocols) as SocketLike, token);
    } catch {
      // No WebSocket implementation, or the token provider failed: retried like a network error.
      if (rotating) this.#rotateAgain();
      else
        this.#lost(undefined, {
          code: 1006,
          reason: '',
          opened: false,
          everOpened: this.#everOpened,
          networkError: true,
        });
      return;
    }
    if (this.#state === 'closed') {
      // close() came while the socket was being made: `ws` reports closing a CONNECTING socket as an
      // error event, which nothing would handle (an uncaught exception in Node).
      conn.socket.onerror = () => undefined;
      return conn.socket.close(1000);
    }
    const { socket } = conn;
    // Binary frames as an ArrayBuffer on every runtime (`ws` would give a Buffer, browsers and undici a Blob).
    socket.binaryType = 'arraybuffer';
    const ended = (code: number, reason: string) => {
      if (conn.closed) return;
      const info: CloseInfo = {
        code,
        reason,
        status: conn.status,
        opened: conn.opened,
        everOpened: this.#everOpened,
        networkError: conn.networkError,
      };
      conn.closed = true;
      this.#cleanup(conn);
      // A replaced connection or a failed replacement leaves the current one in charge; anything else is a loss.
      // A replacement that claimed the session holds it: its loss is the primary's (never fall back).
      if (conn.retired) this.#rejectSentOn(conn);
      else if (conn === this.#primary || !rotating) this.#lost(conn, info);
      else if (conn.claimed) {
        if (this.#primary !== undefined) this.#retire(this.#primary, 1000, 'replaced');
        this.#lost(conn, info);
      } else {
        this.#rejectSentOn(conn);
        this.#rotateAgain();
      }
    };
    socket.onerror = (event) => {
      conn.status ??= handshakeStatus(event.message);
      if (!conn.opened && NETWORK_ERROR.test(event.message ?? '')) conn.networkError = true;
      // An error before open is a failed handshake, which ends the attempt: Node 22's global
      // WebSocket (undici 6) fires no close after it and would leave the client connecting forever.
      if (!conn.opened) ended(1006, '');
    };
    socket.onmessage = (event) => this.#receive(conn, event.data);
    socket.onclose = (event) => ended(event.code, event.reason);
    socket.onopen = () => {
      conn.opened = true;
      void this.#activate(conn, rotating);
    };
  }

  /**
   * A new connection opened. A session replacement's claim takes the old connection's record over,
   * so until it switches (or fails to) what the app sends waits in the queue instead of going out
   * on the old connection.
   */
  async #activate(conn: Conn, rotating: boolean): Promise<void> {
    if (!rotating || this.#s === undefined) return this.#switchTo(conn, rotating);
    this.#switching = conn;
    try {
      await this.#switchTo(conn, rotating);
    } finally {
      if (this.#switching === conn) this.#switching = undefined;
      // A replacement that did not switch leaves the old connection in charge: what waited goes there.
      if (this.#state === 'open' && this.#primary !== undefined && this.#primary !== conn)
        this.#flush(this.#primary);
    }
  }

  /**
   * Resumes the new connection's session, runs the `resume` hook, switches to it, flushes the
   * queue, retires the old one. After a claim (the resume request answered) the session lives on
   * the new connection: the client never falls back to the old one. A failed replay page keeps the
   * connection (what was not replayed is asked for at the next resume) and emits `error`; so does
   * a hook that fails for good, or a replacement's hook that times out after its claim. A failed
   * resume request emits `error`: a replacement is then dropped (no claim: the old connection
   * still holds the session) and tried again later; a reconnect stays and asks again
   * ({@link #reclaim}). A hook that times out otherwise replaces the connection, backing off like
   * a failed attempt.
   */
  async #switchTo(conn: Conn, rotating: boolean): Promise<void> {
    const reconnected = this.#everOpened && !rotating;
    let resumed: ResumedEvent | undefined;
    let unclaimed = false;
    if (this.#s !== undefined) {
      try {
        resumed = await this.#resumeSession(conn, this.#s);
      } catch (error) {
        this.#release(conn, this.#s);
        if (!conn.closed && this.#state !== 'closed') this.emit('error', { error, during: 'resume' });
        unclaimed = isTransient(error);
        if (rotating && !conn.claimed) {
          const handled = conn.closed;
          this.#retire(conn, 4000, 'resume failed');
          if (!handled) this.#rotateAgain();
          return;
        }
      }
    }
    try {
      await this.#o.resume?.(this.#session(conn, resumed));
    } catch (error) {
      const timedOut = isTransient(error) && (error as { code?: string }).code === 'Timeout';
      if (!timedOut || (rotating && conn.claimed)) {
        if (!conn.closed && this.#state !== 'closed') this.emit('error', { error, during: 'resume-hook' });
      } else {
        const handled = conn.closed;
        this.#retire(conn, 4000, 'resume failed');
        if (rotating && !handled) this.#rotateAgain();
        if (!rotating && !handled)
          this.#lost(conn, {
            code: 4000,
            reason: 'resume failed',
            opened: false,
            everOpened: this.#everOpened,
            networkError: true,
          });
        return;
      }
    }
    if (this.#state === 'closed') {
      this.#retire(conn, 1000, '');
      return;
    }
    if (conn.closed) return; // closed while resuming: its close event was handled
    const old = this.#primary;
    clearTimeout(this.#retryTimer); // a replacement that opened makes a pending retry pointless
    this.#primary = conn;
    this.#everOpened = true;
    this.#state = 'open';
    this.#startTimers(conn);
    // Failures count again from zero only once the connection has proved stable.
    conn.timers.push(
      setTimeout(() => {
        if (conn === this.#primary) this.#failures = 0;
      }, this.#o.stableAfterMs ?? 5000),
    );
    this.#flush(conn);
    if (old !== undefined && old !== conn) this.#drain(old);
    this.emit('open', { reconnected, rotated: rotating, protocol: conn.socket.protocol });
    if (this.#s !== undefined) {
      if (unclaimed) this.#reclaim(conn, this.#s, 1);
      else this.#sync(conn, this.#s);
    }
  }

  /**
   * A reconnect whose resume request kept failing (timeout, 429, 5xx): while the server still
   * records the old connection, the channels come only with the claim, so the request is sent
   * again on the same connection after a backoff delay, at most {@link RECLAIMS} more times (never
   * a reconnect), each failure emitting `error`.
   */
  #reclaim(conn: Conn, s: SessionState, round: number): void {
    const retry = () => {
      if (conn !== this.#primary || this.#state !== 'open') return;
      this.#resumeSession(conn, s).catch((error: unknown) => {
        this.#release(conn, s);
        if (conn.closed || this.#state === 'closed') return;
        this.emit('error', { error, during: 'resume' });
        if (round < RECLAIMS && isTransient(error)) this.#reclaim(conn, s, round + 1);
      });
    };
    conn.timers.push(setTimeout(retry, backoffDelay(round, this.#o.backoff, this.#o.random)));
  }

  #session(conn: Conn, resumed: ResumedEvent | undefined): Session {
    return {
      request: (action, body, options) => this.#request(conn, action, body, options),
      send: (action, body) => this.#deliver(conn, encode(action, body)),
      resumed,
    };
  }

  /**
   * Resumes the session on `conn`: the resume request first (its answer, with the next token, is
   * kept before anything is replayed), then replay pages until the server says `done`; replayed
   * frames are emitted as they come, live history frames are held until the end, then emitted
   * (duplicates dropped). A timeout, 429 or 5xx is retried on the same connection.
   */
  async #resumeSession(conn: Conn, s: SessionState): Promise<ResumedEvent> {
    conn.held = [];
    const since = s.mark();
    const reply = (await this.#retrying(conn, () =>
      this.#request(conn, s.action, undefined, undefined),
    )) as ResumeReply;
    conn.claimed = true;
    await s.keep(reply.token);
    s.begin(reply, since);
    const gaps = reply.replay === true ? await this.#replay(conn, s) : [];
    const event: ResumedEvent = {
      resumed: reply.resumed === true,
      ...(reply.resumed === true ? {} : { reason: reply.reason ?? 'none' }),
      channels: reply.channels ?? [],
      ...(reply.channelCount === undefined ? {} : { channelCount: reply.channelCount }),
      heads: s.heads(),
      gaps,
    };
    const held = conn.held;
    conn.held = undefined;
    this.emit('resumed', event);
    for (const message of (held ?? []).filter((m) => s.admit(m))) this.emit('message', message as PushOf<A>);
    return event;
  }

  /** Emits the live frames held on `conn` (the replay stopped early). */
  #release(conn: Conn, s: SessionState): void {
    const held = conn.held ?? [];
    conn.held = undefined;
    for (const message of held.filter((m) => s.admit(m))) this.emit('message', message as PushOf<A>);
  }

  /**
   * Asks for replay pages on `conn` until one is `done` (and covers every live frame dropped while
   * held); a page that keeps failing stops the replay with an `error` event, the connection stays.
   */
  async #replay(conn: Conn, s: SessionState): Promise<GapEvent[]> {
    const gaps: GapEvent[] = [];
    let idle = 0;
    for (let page = 0; page < MAX_REPLAY_PAGES; page++) {
      let answer: ReplayPageReply;
      // A live frame not taken from now on may be missed by this page: the loop goes on for it.
      s.takeRefused();
      try {
        answer = (await this.#retrying(conn, () =>
          this.#request(conn, s.action, { replay: { have: s.have() } }, undefined),
        )) as ReplayPageReply;
      } catch (error) {
        if (!conn.closed && this.#state !== 'closed') this.emit('error', { error, during: 'replay' });
        break;
      }
      const replayed = s.apply(answer);
      for (const message of replayed) this.emit('message', message as PushOf<A>);
      for (const gap of Array.isArray(answer?.gaps) ? answer.gaps : []) {
        gaps.push(gap);
        this.emit('gap', gap);
      }
      if (answer?.done === true) {
        const refused = s.takeRefused();
        if (!conn.overflowed && !refused) break;
        conn.overflowed = false;
        continue;
      }
      // A page that brings nothing new three times running: stop (the next resume goes on).
      const count = (list: unknown) => (Array.isArray(list) ? list.length : 0);
      const progress = replayed.length + count(answer?.covered) + count(answer?.reset) + count(answer?.drop);
      idle = progress > 0 ? 0 : idle + 1;
      if (idle >= 3 || conn.closed || this.#state === 'closed') break;
    }
    return gaps;
  }

  /** Runs `request` on `conn`, retrying a timeout, 429 or 5xx twice with backoff. */
  async #retrying(conn: Conn, request: () => Promise<unknown>): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        if (!isTransient(error) || attempt >= 3 || conn.closed || this.#state === 'closed') throw error;
        await new Promise((r) => setTimeout(r, backoffDelay(attempt, this.#o.backoff, this.#o.random)));
      }
    }
  }

  /**
   * Fills holes while connected: a replay run when a channel has many (no frames held meanwhile),
   * at most one every {@link SYNC_INTERVAL_MS} per connection.
   */
  #sync(conn: Conn, s: SessionState): void {
    if (conn.syncing || conn.held !== undefined || conn !== this.#primary || !s.needsSync()) return;
    const wait = conn.syncedAt + SYNC_INTERVAL_MS - Date.now();
    if (wait > 0) {
      // Too soon: run it then (frames not taken must not wait for the next frame or resume).
      if (!conn.syncDue) {
        conn.syncDue = true;
        conn.timers.push(
          setTimeout(() => {
            conn.syncDue = false;
            this.#sync(conn, s);
          }, wait),
        );
      }
      return;
    }
    conn.syncing = true;
    conn.syncedAt = Date.now();
    void this.#replay(conn, s).finally(() => {
      conn.syncing = false;
    });
  }

  #startTimers(conn: Conn): void {
    const hb = this.#o.heartbeat;
    if (hb !== false) {
      const action = hb?.action ?? 'heartbeat';
      const interval = setInterval(() => {
        if (hb?.timeoutMs === undefined) return conn.socket.send(encode(action, undefined));
        this.#request(conn, action, undefined, { timeoutMs: hb.timeoutMs }).catch((error: ClientError) => {
          if (error.code === 'Timeout' && conn === this.#primary) {
            this.#retire(conn, 4000, 'heartbeat timeout');
            this.#lost(conn, {
              code: 4000,
              reason: 'heartbeat timeout',
              opened: true,
              everOpened: true,
              networkError: true,
            });
          }
        });
      }, hb?.intervalMs ?? 300_000);
      conn.timers.push(interval);
    }
    conn.timers.push(
      setTimeout(
        () => {
          if (conn === this.#primary && this.#state === 'open') void this.#connect(true);
        },
        this.#o.rotateAfterMs ?? 115 * 60_000,
      ),
    );
  }

  /**
   * A replacement failed before the client switched to it (its 101 lost, its resume hook timed
   * out): the current connection stays, and another replacement is tried after a backoff delay
   * (growing with each failure), so the 2-hour maximum does not end the current one first.
   */
  #rotateAgain(): void {
    const primary = this.#primary;
    if (primary === undefined || this.#state !== 'open') return;
    primary.rotations++;
    const delayMs = backoffDelay(primary.rotations, this.#o.backoff, this.#o.random);
    primary.timers.push(
      setTimeout(() => {
        if (primary === this.#primary && this.#state === 'open') void this.#connect(true);
      }, delayMs),
    );
  }

  /** Keeps a replaced connection open for replies in flight, then closes it. */
  #drain(conn: Conn): void {
    this.#cleanup(conn);
    conn.retired = true;
    const started = Date.now();
    const drainMs = this.#o.drainMs ?? 5000;
    const check = setInterval(() => {
      if (!this.#pending.busy(conn) || Date.now() - started >= drainMs) {
        clearInterval(check);
        this.#retire(conn, 1000, 'replaced');
      }
    }, 50);
  }

  /** Closes a connection the client no longer uses, without reacting to its close. */
  #retire(conn: Conn, code: number, reason: string): void {
    this.#cleanup(conn);
    conn.retired = true;
    conn.socket.onclose = null;
    conn.socket.onmessage = null;
    this.#rejectSentOn(conn);
    try {
      conn.socket.close(code, reason);
    } catch {
      // Already closing.
    }
  }

  #cleanup(conn: Conn): void {
    for (const timer of conn.timers.splice(0)) clearTimeout(timer);
  }

  #rejectSentOn(conn: Conn): void {
    this.#pending.failOn(
      conn,
      new ClientError('ConnectionLost', 'the connection closed before the reply arrived'),
    );
  }

  /** The primary connection (or an attempt) ended: reconnect with backoff, or stop. */
  #lost(conn: Conn | undefined, info: CloseInfo): void {
    if (this.#state === 'closed') return;
    if (conn !== undefined) this.#rejectSentOn(conn);
    this.#primary = undefined;
    const retry = (this.#o.shouldReconnect ?? defaultShouldReconnect)(info);
    // Reset to 0 only by a connection that stayed open `stableAfterMs`: one that opens and dies at
    // once counts as a failed attempt, so a flapping server is backed off and bounded by maxRetries.
    this.#failures++;
    if (!retry || this.#failures > (this.#o.maxRetries ?? Number.POSITIVE_INFINITY)) {
      this.#final(info);
      return;
    }
    if (info.opened) this.emit('close', { ...info, willReconnect: true });
    this.#state = 'reconnecting';
    const delayMs = backoffDelay(this.#failures, this.#o.backoff, this.#o.random);
    this.emit('reconnecting', { attempt: this.#failures, delayMs });
    this.#retryTimer = setTimeout(() => void this.#connect(false), delayMs);
  }

  #final(info: CloseInfo): void {
    this.#state = 'closed';
    clearTimeout(this.#retryTimer);
    this.#pending.failOn(undefined, new ClientError('Closed', 'client is closed'));
    this.#queue.length = 0;
    this.emit('close', { ...info, willReconnect: false });
  }

  #receive(conn: Conn, data: unknown): void {
    const message = decode(data);
    const rid = field(message, RID);
    if (typeof rid !== 'string') {
      const s = this.#s;
      const emitted = s
        ? s.receive(message, conn.held, () => {
            conn.overflowed = true;
          })
        : [message];
      for (const m of emitted) this.emit('message', m as PushOf<A>);
      if (s !== undefined) this.#sync(conn, s);
      return;
    }
    this.#pending.answer(rid, message as { ok?: unknown });
  }
}

/**
 * Creates a client and starts connecting.
 *
 * @example
 * ```ts
 * import type { api } from '../server/api.js'; // defineApi({...}) on the server: types only
 * const client = createClient<typeof api>('wss://ws.example.com/prod', { auth: { token: getToken } });
 * client.on('message', (push) => render(push));
 * const { joined } = await client.request('join', { room: 'lobby' });
 * ```
 */
export function createClient<A extends ApiShape = AnyApi>(
  url: string,
  options?: ClientOptions,
): WebSocketClient<A> {
  return new WebSocketClient<A>(url, options);
}
