import { WsappError } from '../errors/wsapp-error.js';
import type { LambdaContext } from '../events/event-types.js';
import type { Logger } from '../logging/logger.js';
import { decodeBroadcastCursor, encodeBroadcastCursor } from '../messaging/broadcast-cursor.js';
import type { Messenger } from '../messaging/messenger.js';
import type { BroadcastReport } from '../messaging/messenger-types.js';
import { type MetricsSink, recordMetric } from '../metrics/metrics-sink.js';
import { type FanOutCheckpoints, SLICE_DONE, storeCheckpoints } from './checkpoints.js';
import { decodeTask, encodeTask, type FanOutTask, taskPayload } from './fan-out-task.js';
import { loadSqs, type SqsOptions, sqsClient } from './sqs.js';
import type { SqsBatchResponse, SqsEvent, SqsRecord } from './sqs-event.js';
import { queueUrlFromArn } from './sqs-event.js';

/** A metrics sink that may also take metadata (Powertools `Metrics.addMetadata`): the broadcast id goes there. */
export interface FanOutMetricsSink extends MetricsSink {
  /** Adds a high-cardinality key to the metrics record (not a dimension). */
  addMetadata?(key: string, value: string): void;
}

/** Options of {@link fanOutWorker}. */
export interface FanOutWorkerOptions extends SqsOptions {
  /** Delivers the slices; its store holds the members (and, by default, the checkpoints). */
  messenger: Messenger;
  /** Where progress is recorded; default {@link storeCheckpoints} on the messenger's store. */
  checkpoints?: FanOutCheckpoints;
  /**
   * Management calls per second this worker makes at most (default unlimited). With the event
   * source mapping's `ScalingConfig.MaximumConcurrency`, `rate × concurrency` keeps the fleet
   * under the account's quota (10,000/s by default, shared with every other API).
   */
  ratePerSecond?: number;
  /** Members per page, i.e. per checkpoint (default 1000, or `ratePerSecond` when lower). */
  pageSize?: number;
  /**
   * Time kept for one more page before the Lambda's end; below it the remainder is re-enqueued
   * (default: twice the slowest page so far, at least 2 s).
   */
  pageBudgetMs?: number;
  /** Where the remainder goes; default the record's queue (from `eventSourceARN`). */
  queueUrl?: string;
  /** Per-slice report lines; default the messenger's logger is not reachable, so `console`. */
  logger?: Logger;
  /** `FanOutDelivered`, `FanOutGone`, `FanOutFailed` (Count) per record, with the broadcast id as metadata. */
  metrics?: FanOutMetricsSink;
}

/** What one worker did with one slice record. */
export interface SliceReport {
  /** The fan-out's id. */
  broadcastId: string;
  /** The slice's key. */
  slice: string;
  /** The channel. */
  channel: string;
  /** Connections sent to in this invocation. */
  attempted: number;
  /** Accepted by API Gateway. */
  delivered: number;
  /** Gone (410), removed from the store. */
  gone: number;
  /** Not reached after retries. */
  failed: number;
  /** Pages delivered in this invocation. */
  pages: number;
  /** This record started from a checkpoint (a redelivery or a re-enqueued remainder). */
  resumed: boolean;
  /** The slice was already complete: nothing sent. */
  alreadyDone: boolean;
  /** Time ran out and the remainder was re-enqueued. */
  requeued: boolean;
  /** Milliseconds spent. */
  durationMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A handler for an SQS-triggered Lambda that delivers fan-out tasks (see `fanOut`): each record is
 * one slice, delivered page by page through `messenger.broadcast` within the invocation's time.
 * After every page the slice's position is checkpointed, so a redelivered record resumes where the
 * last attempt stopped; when time runs short the remainder is re-enqueued as a new task. Records
 * that fail (store down, malformed body) are answered in `batchItemFailures` for SQS to redeliver
 * (configure `ReportBatchItemFailures` and a dead-letter queue).
 *
 * Delivery is at least once: a worker that dies in the middle of a page resends that page's
 * already-sent connections on redelivery (at most one page); the message can carry the broadcast
 * id for clients to dedupe (`fanOut(target, (id) => ({ id, … }), …)`).
 */
export function fanOutWorker(
  options: FanOutWorkerOptions,
): (event: SqsEvent, context?: LambdaContext) => Promise<SqsBatchResponse> {
  const { messenger } = options;
  const store = messenger.store;
  if (store === undefined) throw new TypeError('fanOutWorker needs a Messenger with a store');
  const checkpoints = options.checkpoints ?? storeCheckpoints(store);
  const rate = options.ratePerSecond;
  if (rate !== undefined && !(rate > 0)) throw new RangeError(`ratePerSecond must be positive, got ${rate}`);
  const pageSize =
    options.pageSize ?? Math.min(1000, rate === undefined ? 1000 : Math.max(1, Math.floor(rate)));
  const logger = options.logger ?? console;

  async function runSlice(record: SqsRecord, context: LambdaContext | undefined): Promise<SliceReport> {
    const started = Date.now();
    const task = decodeTask(record.body);
    const key = `${task.b}/${task.k}`;
    const report: SliceReport = {
      broadcastId: task.b,
      slice: task.k,
      channel: task.ch,
      attempted: 0,
      delivered: 0,
      gone: 0,
      failed: 0,
      pages: 0,
      resumed: false,
      alreadyDone: false,
      requeued: false,
      durationMs: 0,
    };
    const data = taskPayload(task);
    const remaining = () => context?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY;
    const except = task.x ? { except: task.x } : {};
    const lambda = context ? { lambdaContext: context } : {};
    /** Adds a page's counts; answers the connections the deadline cut off (sent again later, not lost). */
    const count = (page: BroadcastReport): string[] => {
      const late = page.failed
        .filter((f) => WsappError.is(f.error, 'DeadlineExceeded'))
        .map((f) => f.connectionId);
      report.attempted += page.attempted - late.length;
      report.delivered += page.delivered;
      report.gone += page.gone;
      report.failed += page.failed.length - late.length;
      return late;
    };
    const { ids: _ids, ...rest } = task;
    if (task.ids !== undefined && task.ids.length > 0) {
      const late = count(
        await messenger.broadcast({ connectionIds: task.ids, ...except }, data, {
          ...lambda,
          messageId: task.b,
        }),
      );
      if (late.length > 0) {
        await requeue(record, { ...task, ids: late, r: (task.r ?? 0) + 1 });
        report.requeued = true;
        report.durationMs = Date.now() - started;
        return report;
      }
    }
    const saved = await checkpoints.load(key);
    if (saved === SLICE_DONE) {
      report.alreadyDone = task.ids === undefined;
      report.durationMs = Date.now() - started;
      return report;
    }
    report.resumed = saved !== undefined;
    let cursor = saved ?? task.c;
    let slowestPage = 0;
    for (;;) {
      const budget = options.pageBudgetMs ?? Math.max(2000, 2 * slowestPage);
      if (remaining() < budget) {
        await requeue(record, {
          ...rest,
          ...(cursor === undefined ? {} : { c: cursor }),
          r: (task.r ?? 0) + 1,
        });
        report.requeued = true;
        break;
      }
      const pageStarted = Date.now();
      const page = await messenger.broadcast({ channels: [task.ch], ...except }, data, {
        messageId: task.b,
        // Always a cursor, also for the slice's first page: a continuation never appends to
        // history (the planner did, and the task carries the framed message).
        cursor: encodeBroadcastCursor({ channel: 0, storeCursor: cursor }),
        maxPages: 1,
        pageSize,
        ...lambda,
      });
      report.pages++;
      const late = count(page);
      const next = page.cursor === undefined ? undefined : decodeBroadcastCursor(page.cursor);
      // The broadcast moved past the channel (index 1): the slice is complete.
      const nextCursor = next === undefined || next.channel > 0 ? undefined : next.storeCursor;
      if (late.length > 0) {
        // Re-enqueued before the checkpoint moves past them: a failure here loses nobody.
        const { c: _c, ...base } = rest;
        await requeue(record, {
          ...base,
          ...(nextCursor === undefined ? {} : { c: nextCursor }),
          ids: late,
          r: (task.r ?? 0) + 1,
        });
        report.requeued = true;
      }
      await checkpoints.save(key, nextCursor ?? SLICE_DONE);
      slowestPage = Math.max(slowestPage, Date.now() - pageStarted);
      if (late.length > 0) break;
      if (nextCursor === undefined) break;
      cursor = nextCursor;
      if (rate !== undefined) {
        const due = started + (report.attempted / rate) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
      }
    }
    report.durationMs = Date.now() - started;
    return report;
  }

  async function requeue(record: SqsRecord, task: FanOutTask): Promise<void> {
    const queueUrl = options.queueUrl ?? queueUrlFromArn(record.eventSourceARN);
    if (queueUrl === undefined)
      throw new TypeError('fanOutWorker: no queueUrl to re-enqueue the remainder to');
    const [sdk, client] = await Promise.all([loadSqs(), sqsClient(options)]);
    await client.send(new sdk.SendMessageCommand({ QueueUrl: queueUrl, MessageBody: encodeTask(task) }));
  }

  function record(report: SliceReport): void {
    const sink = options.metrics;
    try {
      sink?.addMetadata?.('broadcastId', report.broadcastId);
    } catch (error) {
      logger.warn('wsapp: could not record metric metadata', { error });
    }
    recordMetric(sink, logger, 'FanOutDelivered', 'Count', report.delivered);
    recordMetric(sink, logger, 'FanOutGone', 'Count', report.gone);
    recordMetric(sink, logger, 'FanOutFailed', 'Count', report.failed);
    (logger.info ?? logger.warn).call(logger, 'wsapp: fan-out slice', report);
  }

  return async (event, context) => {
    const batchItemFailures: SqsBatchResponse['batchItemFailures'] = [];
    for (const item of event.Records) {
      try {
        record(await runSlice(item, context));
      } catch (error) {
        logger.error('wsapp: fan-out slice failed', { messageId: item.messageId, error });
        batchItemFailures.push({ itemIdentifier: item.messageId });
      }
    }
    return { batchItemFailures };
  };
}
