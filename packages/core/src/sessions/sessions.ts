import type { RequestContext } from '../context/request-context.js';
import type { HistoryPolicy } from '../history/history-options.js';
import type { Logger } from '../logging/logger.js';
import type { ConnectionRecord } from '../store/connection-record.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { resumeHandler } from './resume-route.js';
import { type ConnectSession, connectSession, retireSession } from './session-connect.js';
import { snapshotSession } from './session-disconnect.js';
import { type SessionConfig, type SessionOptions, sessionConfig } from './session-options.js';

type AnyContext = RequestContext<unknown, object, object>;

/** What `WebSocketApp` calls around its automatic tracking when `sessions` is on. */
export class Sessions {
  readonly config: SessionConfig;
  readonly #store: ConnectionStore;
  readonly #logger: Logger;

  constructor(
    options: SessionOptions<never, never>,
    store: ConnectionStore | undefined,
    tracking: boolean,
    logger: Logger,
  ) {
    if (store === undefined || !tracking) {
      throw new TypeError(
        'sessions need a store and automatic tracking: new WebSocketApp({ store, sessions })',
      );
    }
    this.config = sessionConfig(options);
    this.#store = store;
    this.#logger = logger;
  }

  /** The resume route's handler. */
  handler(policy: HistoryPolicy | undefined) {
    return resumeHandler(this.#store, this.config, policy, this.#logger);
  }

  /** Before the `$connect` write: adds the session (and resumed channels) to what is written. */
  async connect(ctx: AnyContext): Promise<ConnectSession> {
    const session = await connectSession(ctx, this.#store, this.config);
    ctx.pending?.join(session.channels);
    ctx.pending?.setData(session.data);
    return session;
  }

  /** After the `$connect` write: removes the record the session was taken from. */
  retire(ctx: AnyContext, session: ConnectSession): Promise<void> {
    return retireSession(this.#store, session, this.#logger, ctx.connectionId);
  }

  /** After the `$disconnect` removal: snapshots the session. */
  disconnected(removed: ConnectionRecord | undefined): Promise<void> {
    return snapshotSession(this.#store, this.config, removed, this.#logger);
  }
}
