import { NoStoreError } from '../errors/app-errors.js';
import type { Logger } from '../logging/logger.js';
import { type MetricsSink, recordMetric } from '../metrics/metrics-sink.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { type BroadcastPosition, decodeBroadcastCursor, encodeBroadcastCursor } from './broadcast-cursor.js';
import { classifyError } from './classify-error.js';
import { GoneCleaner } from './gone-cleaner.js';
import { type ConnectionInfo, ManagementApi } from './management-api.js';
import {
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
import { type RetryPolicy, retryPolicy } from './retry-policy.js';
import { TaskPool } from './task-pool.js';

type Outcome = 'ok' | 'gone';

/** Per-broadcast state shared by its delivery tasks. */
interface Run {
  report: BroadcastReport;
  cleaner: GoneCleaner;
  deadline: number;
  succeeded: boolean;
  forbidden: ManagementApiForbiddenError | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

  constructor(options: MessengerOptions = {}) {
    this.store = options.store;
    this.endpoint = options.endpoint;
    this.concurrency = options.concurrency ?? 50;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${this.concurrency}`);
    }
    this.#retry = retryPolicy(options.retry);
    this.#logger = options.logger ?? console;
    this.#margin = options.deadlineMarginMs ?? 1000;
    this.#metrics = options.metrics;
    this.#api = new ManagementApi({
      client: options.client,
      clientConfig: options.clientConfig,
      maxSockets: this.concurrency,
    });
  }

  /**
   * Sends a message to one connection: `'sent'`, or `'gone'` when API Gateway says the connection
   * is closed (it is then removed from the store). Throws {@link SendFailedError} when retries run
   * out, {@link ManagementApiForbiddenError} on 403, {@link PayloadTooLargeError} over 128 KB.
   */
  async send(connectionId: string, data: MessageData, options: CallOptions = {}): Promise<'sent' | 'gone'> {
    const payload = encodePayload(data);
    const outcome = await this.#call(connectionId, options, this.#deadline(options), (endpoint, signal) =>
      this.#api.post(endpoint, connectionId, payload, signal),
    );
    if (outcome === 'gone') await this.#forget(connectionId);
    return outcome === 'ok' ? 'sent' : 'gone';
  }

  /** Closes a connection (API Gateway then sends `$disconnect`). `'gone'` if it was already closed. */
  async disconnect(connectionId: string, options: CallOptions = {}): Promise<'disconnected' | 'gone'> {
    const outcome = await this.#call(connectionId, options, this.#deadline(options), (endpoint, signal) =>
      this.#api.delete(endpoint, connectionId, signal),
    );
    if (outcome === 'gone') await this.#forget(connectionId);
    return outcome === 'ok' ? 'disconnected' : 'gone';
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
   * Sends one message to every connection of the target. Members are streamed page by page and
   * sent while paging (memory stays flat in the channel size). Never throws for individual
   * connections — they land in `failed` — but throws {@link ManagementApiForbiddenError} when the
   * first calls are refused with 403 (wrong endpoint or permission), instead of hammering.
   */
  async broadcast(
    target: BroadcastTarget,
    data: MessageData,
    options: BroadcastOptions = {},
  ): Promise<BroadcastReport> {
    const started = performance.now();
    const payload = encodePayload(data);
    const channels = target.channels ?? [];
    const ids = target.connectionIds ?? [];
    if (channels.length > 0 && this.store === undefined) {
      throw new NoStoreError(
        'broadcast to channels',
        'new Messenger({ store }) or new WebSocketApp({ store })',
      );
    }
    const except = new Set(typeof target.except === 'string' ? [target.except] : (target.except ?? []));
    // Dedupe only when several sources can name the same connection.
    const seen = channels.length + (ids.length > 0 ? 1 : 0) > 1 ? new Set<string>() : undefined;
    const run: Run = {
      report: { attempted: 0, delivered: 0, gone: 0, failed: [], durationMs: 0 },
      cleaner: new GoneCleaner(this.store, this.#logger),
      deadline: this.#deadline(options),
      succeeded: false,
      forbidden: undefined,
    };
    const pool = new TaskPool(this.concurrency);
    const dispatch = async (connectionId: string) => {
      if (except.has(connectionId) || seen?.has(connectionId)) return;
      seen?.add(connectionId);
      run.report.attempted++;
      await pool.run(() => this.#deliver(run, connectionId, payload, options.endpoint));
    };

    let position: BroadcastPosition | undefined = options.cursor
      ? decodeBroadcastCursor(options.cursor)
      : undefined;
    if (position === undefined) {
      for (const id of ids) {
        if (run.forbidden) break;
        await dispatch(id);
      }
      position = { channel: 0, storeCursor: undefined };
    }
    let pages = 0;
    let stopAt: BroadcastPosition | undefined;
    while (position.channel < channels.length && !run.forbidden) {
      if ((options.maxPages !== undefined && pages >= options.maxPages) || Date.now() >= run.deadline) {
        stopAt = position;
        break;
      }
      const channel = channels[position.channel] as string;
      const page = await (this.store as ConnectionStore).members(channel, {
        ...(options.pageSize === undefined ? {} : { limit: options.pageSize }),
        ...(position.storeCursor === undefined ? {} : { cursor: position.storeCursor }),
      });
      pages++;
      for (const id of page.connectionIds) {
        if (run.forbidden) break;
        await dispatch(id);
      }
      position =
        page.cursor === undefined
          ? { channel: position.channel + 1, storeCursor: undefined }
          : { channel: position.channel, storeCursor: page.cursor };
    }
    await pool.drain();
    await run.cleaner.flush();
    if (run.forbidden) throw run.forbidden;
    if (stopAt !== undefined) run.report.cursor = encodeBroadcastCursor(stopAt);
    run.report.durationMs = Math.round(performance.now() - started);
    recordMetric(this.#metrics, this.#logger, 'BroadcastDelivered', 'Count', run.report.delivered);
    recordMetric(this.#metrics, this.#logger, 'BroadcastGone', 'Count', run.report.gone);
    recordMetric(this.#metrics, this.#logger, 'BroadcastFailed', 'Count', run.report.failed.length);
    return run.report;
  }

  async #deliver(
    run: Run,
    connectionId: string,
    payload: Uint8Array,
    endpoint: string | undefined,
  ): Promise<void> {
    // Waited for a slot while the broadcast was found forbidden: make no more calls.
    if (run.forbidden) return;
    try {
      const outcome = await this.#call(
        connectionId,
        { endpoint },
        run.deadline,
        async (url, signal) => {
          await this.#api.post(url, connectionId, payload, signal);
          run.succeeded = true;
        },
        run,
      );
      if (outcome === 'ok') run.report.delivered++;
      else {
        run.report.gone++;
        run.cleaner.add(connectionId);
      }
    } catch (error) {
      if (error instanceof ManagementApiForbiddenError && !run.succeeded) run.forbidden ??= error;
      else
        run.report.failed.push({
          connectionId,
          error: error instanceof Error ? error : new Error(String(error)),
        });
    }
  }

  /**
   * One management call with retries. Resolves 'ok' or 'gone'; throws typed errors otherwise.
   * Inside a broadcast, stops retrying as soon as the broadcast was found forbidden.
   */
  async #call(
    connectionId: string,
    options: CallOptions,
    deadline: number,
    attempt: (endpoint: string, signal: AbortSignal | undefined) => Promise<void>,
    run?: Run,
  ): Promise<Outcome> {
    const endpoint = await this.#endpointFor(connectionId, options.endpoint);
    if (endpoint === undefined) return 'gone';
    for (let n = 1; ; n++) {
      const left = deadline - Date.now();
      if (left <= 0) throw new DeadlineExceededError(connectionId);
      try {
        await attempt(endpoint, Number.isFinite(left) ? AbortSignal.timeout(left) : undefined);
        return 'ok';
      } catch (error) {
        const failure = classifyError(error);
        if (failure.kind === 'gone') return 'gone';
        if (failure.kind === 'forbidden') throw new ManagementApiForbiddenError(endpoint, error);
        if (Date.now() >= deadline) throw new DeadlineExceededError(connectionId);
        if (failure.kind === 'fatal' || n >= this.#retry.maxAttempts || run?.forbidden) {
          throw new SendFailedError(connectionId, n, failure.status, error);
        }
        const wait = this.#retry.delay(n);
        if (Date.now() + wait >= deadline) throw new DeadlineExceededError(connectionId);
        await sleep(wait);
      }
    }
  }

  /** Endpoint for a connection: per-call option > messenger option > the one recorded at `$connect`. */
  async #endpointFor(connectionId: string, callEndpoint: string | undefined): Promise<string | undefined> {
    const fixed = callEndpoint ?? this.endpoint;
    if (fixed !== undefined) return fixed;
    if (this.store === undefined) throw new EndpointUnknownError(connectionId);
    const record = await this.store.get(connectionId);
    if (record === undefined) return undefined; // not registered: nothing to reach
    if (record.endpoint === undefined) throw new EndpointUnknownError(connectionId);
    return record.endpoint;
  }

  #deadline(options: CallOptions): number {
    if (options.deadline !== undefined) return options.deadline;
    const remaining = options.lambdaContext?.getRemainingTimeInMillis?.();
    return remaining === undefined ? Number.POSITIVE_INFINITY : Date.now() + remaining - this.#margin;
  }

  async #forget(connectionId: string): Promise<void> {
    if (this.store === undefined) return;
    try {
      await this.store.unregister(connectionId);
    } catch (error) {
      this.#logger.warn('wsapp: could not unregister a gone connection', { connectionId, error });
    }
  }
}
