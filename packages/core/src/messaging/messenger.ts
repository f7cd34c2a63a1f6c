import { randomUUID } from 'node:crypto';
import { NoStoreError } from '../errors/app-errors.js';
import { type FanOutData, type FanOutOptions, type FanOutResult, fanOut } from '../fanout/fan-out.js';
import { frameFor } from '../history/broadcast-frame.js';
import { type HistoryPolicy, historyPolicy } from '../history/history-options.js';
import type { Logger } from '../logging/logger.js';
import { type MetricsSink, recordMetric } from '../metrics/metrics-sink.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { InvalidCursorError } from '../store/store-errors.js';
import { type BroadcastPosition, decodeBroadcastCursor, encodeBroadcastCursor } from './broadcast-cursor.js';
import { resolveTarget } from './broadcast-target.js';
import { classifyError } from './classify-error.js';
import { beforeDeadline, sleep, stopController, TIMED_OUT } from './deadline.js';
import { inEarlierChannels } from './earlier-sources.js';
import { GoneCleaner } from './gone-cleaner.js';
import { type BeforeGoneRemoval, goneSnapshot } from './gone-snapshot.js';
import { type ConnectionInfo, ManagementApi } from './management-api.js';
import {
  ConnectionPendingError,
  DeadlineExceededError,
  EndpointUnknownError,
  ManagementApiForbiddenError,
  SendFailedError,
} from './messaging-errors.js';
import type {
  BroadcastOptions,
  BroadcastReport,
  BroadcastTarget,
  CallOptions,
  MessengerOptions,
} from './messenger-types.js';
import { encodePayload, type MessageData } from './payload.js';
import { DEFAULT_CONNECT_GRACE_MS, PENDING_CONNECT, UNKNOWN_AGE, untilAccepted } from './pending-connect.js';
import { type RetryPolicy, retryPolicy } from './retry-policy.js';
import { removeIfStale, type StaleVerdict } from './stale-removal.js';
import { TaskPool } from './task-pool.js';
import { EncodedPayload } from './transport/encoded-payload.js';

type Outcome = 'ok' | 'gone';

/** A connection whose `$connect` was not accepted yet, being called again (see `untilAccepted`). */
interface Waiting {
  task: Promise<void>;
  /** Its outcome is in the report. */
  counted: boolean;
}

/** Per-broadcast state shared by its delivery tasks. */
interface Run {
  report: BroadcastReport;
  cleaner: GoneCleaner;
  pool: TaskPool;
  deadline: number;
  succeeded: boolean;
  forbidden: ManagementApiForbiddenError | undefined;
  /** Aborted when the broadcast stops early (403, store failure): no new attempt, no retry. */
  stop: AbortController;
  /** Connections answering 410 while their record is young, called again until accepted. */
  waiting: Map<string, Waiting>;
  /** `waitForConnecting`: call young connections again, or report them pending at once. */
  waitForConnecting: boolean;
  /** Set once gone-cleanup's verdicts are in the report: a later one changes nothing. */
  verdictsClosed: boolean;
  /** Set once the report is final: waiting connections no longer touch it. */
  closed: boolean;
}

/**
 * The error of a connection answering 410 that is not waited for (`waitForConnecting: false`): its
 * record is young (`ConnectionPendingError`), or the store failed to tell its age.
 */
function pendingError(connectionId: string, ageMs: number | undefined): Error {
  return ageMs === undefined
    ? new SendFailedError(connectionId, 1, 410, UNKNOWN_AGE)
    : new ConnectionPendingError(connectionId, ageMs);
}

/** Runs `work` in a slot of `pool` and answers its result (the slot is held only while it runs). */
function inSlot<T>(pool: TaskPool, work: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    void pool.run(() => work().then(resolve, reject));
  });
}

/**
 * Sends to connections through the API Gateway Management API: one connection, or every member
 * of channels, with bounded concurrency, retries with backoff and jitter on throttling, a deadline
 * inside the Lambda's remaining time, and removal of connections reported gone (410).
 *
 * @example
 * ```ts
 * const messenger = new Messenger({ store, endpoint: process.env.WS_ENDPOINT });
 * const report = await messenger.broadcast({ channels: ['ticker#AMZN'] }, { price: 187.3 });
 * ```
 */
export class Messenger {
  /** Where channel members are read and gone connections removed. */
  readonly store: ConnectionStore | undefined;
  /** The fixed management endpoint, if one was given. */
  readonly endpoint: string | undefined;
  /** Management API calls in flight at once. */
  readonly concurrency: number;
  readonly #api: ManagementApi;
  readonly #retry: RetryPolicy;
  readonly #logger: Logger;
  readonly #margin: number;
  readonly #metrics: MetricsSink | undefined;
  readonly #history: HistoryPolicy | undefined;
  readonly #connectGraceMs: number;
  /** The session snapshot written before gone-cleanup removes a record. */
  readonly #beforeGone: BeforeGoneRemoval | undefined;

  constructor(options: MessengerOptions = {}) {
    this.store = options.store;
    this.endpoint = options.endpoint;
    this.concurrency = options.concurrency ?? 50;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${this.concurrency}`);
    }
    this.#retry = retryPolicy(options.retry);
    this.#logger = options.logger ?? console;
    this.#beforeGone = goneSnapshot(this.store, this.#logger);
    this.#margin = options.deadlineMarginMs ?? 1000;
    this.#connectGraceMs = options.connectGraceMs ?? DEFAULT_CONNECT_GRACE_MS;
    if (!Number.isFinite(this.#connectGraceMs) || this.#connectGraceMs < 0) {
      throw new RangeError(`connectGraceMs must be a finite number >= 0, got ${this.#connectGraceMs}`);
    }
    this.#metrics = options.metrics;
    this.#history = options.history && historyPolicy(options.history, this.store);
    this.#api = new ManagementApi({
      client: options.client,
      clientConfig: options.clientConfig,
      credentials: options.credentials,
      region: options.region,
      maxSockets: this.concurrency,
    });
  }

  /**
   * Sends a message to one connection: `'sent'`, or `'gone'` when API Gateway says the connection
   * is closed (it is then removed from the store). Throws {@link SendFailedError} when retries run
   * out, {@link ManagementApiForbiddenError} on 403, {@link PayloadTooLargeError} over 128 KB.
   */
  async send(connectionId: string, data: MessageData, options: CallOptions = {}): Promise<'sent' | 'gone'> {
    const payload = new EncodedPayload(encodePayload(data));
    const deadline = this.#deadline(options);
    const post = () =>
      this.#call(connectionId, options, deadline, (endpoint, signal) =>
        this.#api.post(endpoint, connectionId, payload, signal),
      );
    const outcome = await post();
    if (outcome === 'ok') return 'sent';
    return (await this.#afterGone(connectionId, deadline, post, options)) ? 'sent' : 'gone';
  }

  /** Closes a connection (API Gateway then sends `$disconnect`). `'gone'` if it was already closed. */
  async disconnect(connectionId: string, options: CallOptions = {}): Promise<'disconnected' | 'gone'> {
    const deadline = this.#deadline(options);
    const close = () =>
      this.#call(connectionId, options, deadline, (endpoint, signal) =>
        this.#api.delete(endpoint, connectionId, signal),
      );
    const outcome = await close();
    if (outcome === 'ok') return 'disconnected';
    return (await this.#afterGone(connectionId, deadline, close, options)) ? 'disconnected' : 'gone';
  }

  /**
   * After a 410: removes the record unless it is younger than the connect grace; a young one is
   * called again until API Gateway accepts the connection (answers `true`), or the grace passes
   * (then removed if old enough by the store's clock). A store that fails to tell the record's age
   * before the deadline is taken as a young record of unknown age (never `gone` for a store fault;
   * one that has not answered by the deadline leaves no time to call again: `gone`, as the
   * broadcast reports it in `notRemoved`). Throws
   * `DeadlineExceededError` when the deadline comes first, `ConnectionPendingError` (or a
   * `SendFailedError` when the age is unknown) at once when asked not to wait.
   */
  async #afterGone(
    connectionId: string,
    deadline: number,
    again: () => Promise<'ok' | 'gone'>,
    options: CallOptions,
  ): Promise<boolean> {
    const verdict = await this.#removeStale(connectionId, deadline);
    // No verdict and no time left to call again: gone, its removal unconfirmed (a broadcast's `notRemoved`).
    const maybePending =
      verdict === undefined ? this.#connectGraceMs > 0 && Date.now() < deadline : verdict.kind === 'kept';
    if (!maybePending) return false;
    const ageMs = verdict?.kind === 'kept' ? verdict.ageMs : undefined;
    if (options.waitForConnecting === false) throw pendingError(connectionId, ageMs);
    const left = this.#connectGraceMs - (ageMs ?? 0);
    const recheck = () => this.#removeStale(connectionId, deadline);
    const final = await untilAccepted(connectionId, left, again, recheck, deadline);
    if (final === 'ok') return true;
    this.#keptAfterGrace(connectionId, final);
    return false;
  }

  /** When the connection opened and was last active, and its client's identity; `undefined` if gone. */
  async info(connectionId: string, options: CallOptions = {}): Promise<ConnectionInfo | undefined> {
    let info: ConnectionInfo | undefined;
    const outcome = await this.#call(
      connectionId,
      options,
      this.#deadline(options),
      async (endpoint, signal) => {
        info = await this.#api.get(endpoint, connectionId, signal);
      },
    );
    return outcome === 'ok' ? info : undefined;
  }

  /**
   * Sends one message to every connection of the target, each at most once, also across the
   * invocations of a split broadcast (see the core README for the one case it cannot cover).
   * Members are streamed page by page and sent while paging (memory stays flat in the channel
   * size). The deadline bounds everything, store calls and gone cleanup included. Never throws for
   * individual connections — they land in `failed` — but throws {@link ManagementApiForbiddenError}
   * when the first calls are refused with 403 (wrong endpoint or permission), instead of
   * hammering, and the store's error when paging fails (after the calls in flight ended and the
   * gone connections found were removed; no call leaves after it).
   */
  async broadcast(
    target: BroadcastTarget,
    data: MessageData,
    options: BroadcastOptions = {},
  ): Promise<BroadcastReport> {
    const started = performance.now();
    const { channels, connectionIds, idSet, except, fingerprint } = resolveTarget(target);
    if (channels.length > 0 && this.store === undefined) {
      throw new NoStoreError(
        'broadcast to channels',
        'new Messenger({ store }) or new WebSocketApp({ store })',
      );
    }
    const resumed = options.cursor === undefined ? undefined : decodeBroadcastCursor(options.cursor);
    if (resumed?.target !== undefined && resumed.target !== fingerprint) {
      throw new InvalidCursorError('the cursor belongs to a broadcast to another target');
    }
    const messageId = resumed?.messageId ?? options.messageId ?? randomUUID();
    // History channels: appended once, by the first invocation; later ones reuse its numbers.
    const deadline = this.#deadline(options);
    const framed = await frameFor(
      this.store,
      this.#history,
      channels,
      messageId,
      data,
      options,
      resumed,
      deadline,
      this.#logger,
    );
    const payload = new EncodedPayload(encodePayload(framed.data));
    const pool = new TaskPool(this.concurrency);
    const run: Run = {
      report: { attempted: 0, delivered: 0, gone: 0, failed: [], notRemoved: [], messageId, durationMs: 0 },
      cleaner: new GoneCleaner(this.store, this.#logger, this.#connectGraceMs, this.#beforeGone),
      pool,
      deadline,
      succeeded: false,
      forbidden: undefined,
      stop: stopController(),
      waiting: new Map(),
      waitForConnecting: options.waitForConnecting !== false,
      verdictsClosed: false,
      closed: false,
    };
    // Reached in this invocation; earlier invocations are covered by `inEarlierChannels`.
    const seen = new Set<string>();
    const dispatch = async (connectionId: string) => {
      if (except.has(connectionId) || seen.has(connectionId)) return;
      seen.add(connectionId);
      run.report.attempted++;
      await pool.run(() => this.#deliver(run, connectionId, payload, options.endpoint));
    };

    let stopAt: BroadcastPosition | undefined;
    let pagingError: { error: unknown } | undefined;
    try {
      if (resumed === undefined) {
        for (const id of connectionIds) {
          if (run.forbidden) break;
          await dispatch(id);
        }
      }
      // Members not reached yet by an earlier source in this invocation, nor excluded.
      const fresh = (ids: string[]) => ids.filter((id) => !idSet.has(id) && !seen.has(id) && !except.has(id));
      stopAt = await this.#sendPages(run, channels, resumed, options, fresh, dispatch);
    } catch (error) {
      // Paging failed (the store): no new call, no retry; calls in flight end, gone ones are removed.
      pagingError = { error };
      run.stop.abort();
    }
    await pool.drain();
    run.report.notRemoved = await run.cleaner.flush(run.deadline);
    run.verdictsClosed = true;
    await this.#settleWaiting(run);
    if (pagingError !== undefined) {
      if (run.report.notRemoved.length > 0) {
        this.#logger.warn('wsapp: broadcast stopped by a store failure; gone connections not removed', {
          connectionIds: run.report.notRemoved,
        });
      }
      throw pagingError.error;
    }
    if (run.forbidden) throw run.forbidden;
    if (stopAt !== undefined) {
      run.report.cursor = encodeBroadcastCursor({
        ...stopAt,
        messageId,
        target: fingerprint,
        ...framed.cursor,
      });
    }
    run.report.durationMs = Math.round(performance.now() - started);
    recordMetric(this.#metrics, this.#logger, 'BroadcastDelivered', 'Count', run.report.delivered);
    recordMetric(this.#metrics, this.#logger, 'BroadcastGone', 'Count', run.report.gone);
    recordMetric(this.#metrics, this.#logger, 'BroadcastFailed', 'Count', run.report.failed.length);
    return run.report;
  }

  /**
   * Pages through the target channels from `resumed` (or the start) and dispatches their members,
   * until the channels end, the page budget or the deadline is reached, or the store does not
   * answer a page before the deadline. Answers where to resume, if anywhere.
   */
  async #sendPages(
    run: Run,
    channels: readonly string[],
    resumed: BroadcastPosition | undefined,
    options: BroadcastOptions,
    fresh: (ids: string[]) => string[],
    dispatch: (connectionId: string) => Promise<void>,
  ): Promise<BroadcastPosition | undefined> {
    const store = this.store as ConnectionStore;
    let position: BroadcastPosition = resumed ?? { channel: 0, storeCursor: undefined };
    for (let pages = 0; position.channel < channels.length && !run.forbidden; pages++) {
      if ((options.maxPages !== undefined && pages >= options.maxPages) || Date.now() >= run.deadline) {
        return position;
      }
      const page = await beforeDeadline(
        store.members(channels[position.channel] as string, {
          ...(options.pageSize === undefined ? {} : { limit: options.pageSize }),
          ...(position.storeCursor === undefined ? {} : { cursor: position.storeCursor }),
        }),
        run.deadline,
      );
      if (page === TIMED_OUT) return position; // the page is read again on resume
      const ids = fresh(page.connectionIds);
      // In the first invocation, `seen` holds every member of the earlier channels; after a
      // resume, their records tell which ones an earlier invocation reached.
      const skip =
        resumed !== undefined && position.channel > 0
          ? await beforeDeadline(inEarlierChannels(store, channels, position.channel, ids), run.deadline)
          : undefined;
      if (skip === TIMED_OUT) return position;
      for (const id of ids) {
        if (run.forbidden) break;
        if (!skip?.has(id)) await dispatch(id);
      }
      position =
        page.cursor === undefined
          ? { channel: position.channel + 1, storeCursor: undefined }
          : { channel: position.channel, storeCursor: page.cursor };
    }
    return undefined;
  }

  /**
   * Enqueues the broadcast as parallel SQS tasks, one per slice of each channel, for workers made
   * with `fanOutWorker()`; answers the broadcast id and what was enqueued. See `fanOut`.
   */
  fanOut(target: BroadcastTarget, data: FanOutData, options: FanOutOptions): Promise<FanOutResult> {
    return fanOut(this.store, target, data, options, this.#history);
  }

  async #deliver(
    run: Run,
    connectionId: string,
    payload: EncodedPayload,
    endpoint: string | undefined,
  ): Promise<void> {
    // Waited for a slot while the broadcast was stopped (403, store failure): make no more calls.
    if (run.stop.signal.aborted) return;
    const post = () =>
      this.#call(
        connectionId,
        { endpoint },
        run.deadline,
        async (url, signal) => {
          await this.#api.post(url, connectionId, payload, signal);
          run.succeeded = true;
        },
        run,
      );
    try {
      const outcome = await post();
      if (outcome === 'ok') run.report.delivered++;
      else {
        run.report.gone++;
        // Removed unless its record is young: then called again, outside this slot, until accepted.
        run.cleaner.add(connectionId, (ageMs) =>
          this.#awaitAccepted(run, connectionId, ageMs, () => inSlot(run.pool, post)),
        );
      }
    } catch (error) {
      this.#failedDelivery(run, connectionId, error);
    }
  }

  #failedDelivery(run: Run, connectionId: string, error: unknown): void {
    if (error instanceof ManagementApiForbiddenError && !run.succeeded) {
      run.forbidden ??= error;
      run.stop.abort();
    } else
      run.report.failed.push({
        connectionId,
        error: error instanceof Error ? error : new Error(String(error)),
      });
  }

  /**
   * A connection answered 410 and gone-cleanup kept its record (younger than the connect grace),
   * or could not tell its age (`undefined`: the store failed): it is no longer counted gone, and is
   * called again (`untilAccepted`) until it is delivered, gone (the grace passed; removed if old
   * enough), or failed (deadline, broadcast stopped).
   */
  #awaitAccepted(
    run: Run,
    connectionId: string,
    ageMs: number | undefined,
    again: () => Promise<'ok' | 'gone'>,
  ): void {
    if (run.verdictsClosed) return; // the report already counts it gone, its removal unconfirmed
    run.report.gone--;
    if (!run.waitForConnecting) {
      run.report.failed.push({ connectionId, error: pendingError(connectionId, ageMs) });
      return;
    }
    const waiting: Waiting = { task: Promise.resolve(), counted: false };
    waiting.task = (async () => {
      try {
        const left = this.#connectGraceMs - (ageMs ?? 0);
        const recheck = () => this.#removeStale(connectionId, run.deadline);
        const final = await untilAccepted(connectionId, left, again, recheck, run.deadline, run.stop.signal);
        if (run.closed) return;
        waiting.counted = true;
        if (final === 'ok') {
          run.report.delivered++;
          return;
        }
        // Gone: removed or absent (closed meanwhile), else its removal unconfirmed (or refused: young).
        run.report.gone++;
        this.#keptAfterGrace(connectionId, final);
        if (final?.kind !== 'removed' && final?.kind !== 'absent') run.report.notRemoved.push(connectionId);
      } catch (error) {
        if (run.closed || waiting.counted) return;
        waiting.counted = true;
        this.#failedDelivery(run, connectionId, error);
      }
    })();
    run.waiting.set(connectionId, waiting);
  }

  /** Logs a record still young by its store's clock after the grace has passed here (clocks disagree). */
  #keptAfterGrace(connectionId: string, verdict: StaleVerdict | undefined): void {
    if (verdict?.kind !== 'kept') return;
    this.#logger.warn('wsapp: a connection still answers 410 after the connect grace; its record is kept', {
      connectionId,
      ageMs: verdict.ageMs,
    });
  }

  /** Waits for the connections called again (they end by the deadline); the report is then final. */
  async #settleWaiting(run: Run): Promise<void> {
    const tasks = [...run.waiting.values()].map((w) => w.task);
    if (tasks.length > 0) await beforeDeadline(Promise.allSettled(tasks), run.deadline);
    run.closed = true;
    for (const [connectionId, waiting] of run.waiting) {
      if (!waiting.counted) {
        run.report.failed.push({
          connectionId,
          error: new DeadlineExceededError(connectionId, PENDING_CONNECT),
        });
      }
    }
  }

  /**
   * One management call with retries. Resolves 'ok' or 'gone'; throws typed errors otherwise.
   * Inside a broadcast, stops retrying as soon as the broadcast is stopped (403, store failure).
   */
  async #call(
    connectionId: string,
    options: CallOptions,
    deadline: number,
    attempt: (endpoint: string, signal: AbortSignal | undefined) => Promise<void>,
    run?: Run,
  ): Promise<Outcome> {
    const endpoint = await this.#endpointFor(connectionId, options.endpoint, deadline, run?.stop.signal);
    if (endpoint === undefined) return 'gone';
    for (let n = 1; ; n++) {
      const left = deadline - Date.now();
      if (left <= 0) throw new DeadlineExceededError(connectionId);
      // Stopped while the endpoint was looked up: no new call.
      if (run?.stop.signal.aborted)
        throw new SendFailedError(connectionId, n - 1, undefined, 'broadcast stopped');
      let failure: ReturnType<typeof classifyError>;
      let error: unknown;
      try {
        // Raced as well as aborted, so a transport that ignores its signal cannot hold the deadline.
        const signal = Number.isFinite(left) ? AbortSignal.timeout(left) : undefined;
        if ((await beforeDeadline(attempt(endpoint, signal), deadline)) === TIMED_OUT) {
          throw new DeadlineExceededError(connectionId);
        }
        return 'ok';
      } catch (caught) {
        if (caught instanceof DeadlineExceededError) throw caught;
        error = caught;
        failure = classifyError(caught);
      }
      if (failure.kind === 'gone') return 'gone';
      if (failure.kind === 'forbidden') throw new ManagementApiForbiddenError(endpoint, error);
      if (Date.now() >= deadline) throw new DeadlineExceededError(connectionId);
      if (failure.kind === 'fatal' || n >= this.#retry.maxAttempts || run?.stop.signal.aborted) {
        throw new SendFailedError(connectionId, n, failure.status, error);
      }
      const wait = this.#retry.delay(n);
      if (Date.now() + wait >= deadline) throw new DeadlineExceededError(connectionId);
      await sleep(wait, run?.stop.signal);
      if (run?.stop.signal.aborted) throw new SendFailedError(connectionId, n, failure.status, error);
    }
  }

  /** Endpoint for a connection: per-call option > messenger option > the one recorded at `$connect`. */
  async #endpointFor(
    connectionId: string,
    callEndpoint: string | undefined,
    deadline: number,
    stop: AbortSignal | undefined,
  ): Promise<string | undefined> {
    const fixed = callEndpoint ?? this.endpoint;
    if (fixed !== undefined) return fixed;
    if (this.store === undefined) throw new EndpointUnknownError(connectionId);
    const record = await beforeDeadline(this.store.get(connectionId), deadline, stop);
    if (record === TIMED_OUT) {
      if (stop?.aborted) throw new SendFailedError(connectionId, 0, undefined, 'broadcast stopped');
      throw new DeadlineExceededError(connectionId);
    }
    if (record === undefined) return undefined; // not registered: nothing to reach
    if (record.endpoint === undefined) throw new EndpointUnknownError(connectionId);
    return record.endpoint;
  }

  #deadline(options: CallOptions): number {
    if (options.deadline !== undefined) return options.deadline;
    const remaining = options.lambdaContext?.getRemainingTimeInMillis?.();
    return remaining === undefined ? Number.POSITIVE_INFINITY : Date.now() + remaining - this.#margin;
  }

  /**
   * Removes a connection API Gateway answered 410 for, unless its record is younger than the
   * connect grace (`kept`); `undefined` when the store failed or did not answer by the deadline
   * (logged).
   */
  async #removeStale(connectionId: string, deadline: number): Promise<StaleVerdict | undefined> {
    if (this.store === undefined) return { kind: 'absent' };
    try {
      const verdict = await beforeDeadline(
        removeIfStale(this.store, connectionId, this.#connectGraceMs, this.#beforeGone),
        deadline,
      );
      if (verdict !== TIMED_OUT) return verdict;
      this.#logger.warn('wsapp: a gone connection was not removed before the deadline', { connectionId });
    } catch (error) {
      this.#logger.warn('wsapp: could not unregister a gone connection', { connectionId, error });
    }
    return undefined;
  }
}
