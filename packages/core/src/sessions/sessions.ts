import type { RequestContext } from '../context/request-context.js';
import type { HistoryPolicy } from '../history/history-options.js';
import type { Logger } from '../logging/logger.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { resumeHandler } from './resume-route.js';
import { type ConnectSession, connectSession, freshSession } from './session-connect.js';
import { historyChannels, readStarts } from './session-marks.js';
import { type SessionConfig, type SessionOptions, sessionConfig } from './session-options.js';
import { snapshotSession } from './session-snapshot.js';
import { readOutcome, sessionIdOf } from './session-state.js';
import { type SessionStore, sessionStore } from './session-store.js';

type AnyContext = RequestContext<unknown, object, object>;

/** Connections whose session id a process remembers (a join of a history channel needs it). */
const REMEMBERED = 1000;

/** What `WebSocketApp` calls around its automatic tracking, and on joins and leaves, when `sessions` is on. */
export class Sessions {
  readonly config: SessionConfig;
  readonly #store: ConnectionStore;
  readonly #sessions: SessionStore;
  readonly #policy: HistoryPolicy | undefined;
  readonly #logger: Logger;
  /** connection id → session id (changed only by a resume request that lost its claim): saves a read per join. */
  readonly #ids = new Map<string, string>();

  constructor(
    options: SessionOptions<never, never>,
    store: ConnectionStore | undefined,
    tracking: boolean,
    logger: Logger,
    policy: HistoryPolicy | undefined,
  ) {
    if (store === undefined || !tracking) {
      throw new TypeError(
        'sessions need a store and automatic tracking: new WebSocketApp({ store, sessions })',
      );
    }
    this.config = sessionConfig(options);
    this.#store = store;
    this.#sessions = sessionStore(store);
    this.#policy = policy;
    this.#logger = logger;
  }

  /** The resume route's handler. */
  handler() {
    return resumeHandler({
      store: this.#store,
      sessions: this.#sessions,
      config: this.config,
      policy: this.#policy,
      logger: this.#logger,
      remember: (connectionId, sessionId) => this.#remember(connectionId, sessionId),
    });
  }

  /**
   * Before the `$connect` write: decides the session (a new one, or the token's, rejoined),
   * records where the session starts in the history channels the handler joined anew, and adds
   * the session and the rejoined channels to what is written. The session is claimed later, by
   * the connection's resume request (see `resumeHandler`).
   */
  async connect(ctx: AnyContext): Promise<ConnectSession> {
    const joined = ctx.pending === undefined ? [] : [...ctx.pending.channels];
    let session = await connectSession(ctx, this.#store, this.#sessions, this.config);
    // Starts of channels the session is back in are kept; channels the handler joins anew start now.
    const back = new Set(session.inSession);
    const fresh = historyChannels(this.#policy, joined).filter((channel) => !back.has(channel));
    if (fresh.length > 0) {
      const add = await readStarts(this.#store, fresh);
      const marks = { add, remove: fresh };
      const ttl = this.config.liveSessionSeconds;
      if (!(await this.#sessions.mark(session.sessionId, session.holder, marks, ttl))) {
        // The session was claimed by another connection since it was read: this one starts its own.
        session = freshSession(
          ctx.connectionId,
          readOutcome(session.data)?.p ?? '',
          'superseded',
          this.config.resumeWindowSeconds,
          readOutcome(session.data)?.i,
        );
        const all = historyChannels(this.#policy, joined);
        const more = await readStarts(
          this.#store,
          all.filter((channel) => !Object.hasOwn(add, channel)),
        );
        await this.#sessions.mark(session.sessionId, session.holder, { add: { ...add, ...more } }, ttl);
      }
    }
    ctx.pending?.join(session.channels);
    ctx.pending?.setData(session.data);
    this.#remember(ctx.connectionId, session.sessionId);
    return session;
  }

  /**
   * At `$disconnect`, **before** the record is removed: keeps the connection's channels for the
   * connection that resumes its session (`snapshotSession`: the snapshot, expiring after the
   * resume window, or a handover to a connection that claimed it meanwhile). A failure (logged)
   * leaves the session not resumable; the record is removed anyway.
   */
  async closing(ctx: AnyContext): Promise<void> {
    try {
      const record = await this.#store.get(ctx.connectionId);
      if (record === undefined) return;
      await snapshotSession(this.#store, record, this.#logger, this.config.resumeWindowSeconds);
    } catch (error) {
      this.#logger.warn('wsapp: could not keep the session of a closed connection; it cannot be resumed', {
        connectionId: ctx.connectionId,
        error,
      });
    } finally {
      this.#ids.delete(ctx.connectionId);
    }
  }

  /**
   * Before a join's membership write: records where the session starts in its history channels.
   * A channel the connection is already in keeps its start (a repeated join must not skip what
   * the client still misses); one it is not in — never joined, or removed meanwhile without
   * `ctx.leave` (`store.leave`, an admin's kick) — starts now, so what was said while it was out
   * is never replayed.
   */
  async joining(ctx: AnyContext, channels: readonly string[]): Promise<void> {
    const logged = historyChannels(this.#policy, channels);
    if (logged.length === 0) return;
    const [record, add] = await Promise.all([
      this.#store.get(ctx.connectionId),
      readStarts(this.#store, logged),
    ]);
    const sessionId = sessionIdOf(record?.data);
    if (record === undefined || sessionId === undefined) return;
    this.#remember(ctx.connectionId, sessionId);
    const member = new Set(record.channels);
    const remove = logged.filter((channel) => !member.has(channel));
    try {
      await this.#sessions.mark(sessionId, ctx.connectionId, { add, remove }, this.config.liveSessionSeconds);
    } catch (error) {
      // The join goes on: a channel without a start reports a gap at the next resume.
      this.#logger.warn('wsapp: could not record where the session joined', {
        connectionId: ctx.connectionId,
        error,
      });
    }
  }

  /** After a leave: the session forgets its start in the history channels left. */
  async left(ctx: AnyContext, channels: readonly string[]): Promise<void> {
    const logged = historyChannels(this.#policy, channels);
    if (logged.length === 0) return;
    const sessionId = await this.#sessionOf(ctx.connectionId);
    if (sessionId === undefined) return;
    try {
      await this.#sessions.mark(
        sessionId,
        ctx.connectionId,
        { remove: logged },
        this.config.liveSessionSeconds,
      );
    } catch (error) {
      this.#logger.warn('wsapp: could not forget where the session joined', {
        connectionId: ctx.connectionId,
        error,
      });
    }
  }

  async #sessionOf(connectionId: string): Promise<string | undefined> {
    const known = this.#ids.get(connectionId);
    if (known !== undefined) return known;
    const sessionId = sessionIdOf((await this.#store.get(connectionId))?.data);
    if (sessionId !== undefined) this.#remember(connectionId, sessionId);
    return sessionId;
  }

  #remember(connectionId: string, sessionId: string): void {
    this.#ids.delete(connectionId);
    this.#ids.set(connectionId, sessionId);
    if (this.#ids.size > REMEMBERED) this.#ids.delete(this.#ids.keys().next().value as string);
  }
}
