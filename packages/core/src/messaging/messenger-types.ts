import type { SdkClient, SdkClientConfig } from '../aws/sdk-client.js';
import type { LambdaContext } from '../events/event-types.js';
import type { HistoryOptions } from '../history/history-options.js';
import type { Logger } from '../logging/logger.js';
import type { MetricsSink } from '../metrics/metrics-sink.js';
import type { ConnectionStore } from '../store/connection-store.js';
import type { RetryOptions } from './retry-policy.js';
import type { CredentialsOption } from './transport/credentials.js';

/** Options of {@link Messenger}. */
export interface MessengerOptions {
  /** Where channel members are read, and where gone connections are removed. */
  store?: ConnectionStore;
  /**
   * The management endpoint (`https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`, the
   * partition's suffix elsewhere, e.g. `amazonaws.com.cn`, or your
   * custom domain mapping). Without it, each connection's endpoint recorded at `$connect` is used.
   */
  endpoint?: string;
  /**
   * An `ApiGatewayManagementApiClient` to use for every call (its endpoint and retry settings apply).
   * Selects the AWS SDK transport instead of wsapp's own signed one (e.g. to keep SDK middleware).
   */
  client?: SdkClient;
  /**
   * An `ApiGatewayManagementApiClientConfig` for the SDK clients wsapp creates (region, credentials,
   * requestHandler, …); selects the SDK transport.
   */
  clientConfig?: SdkClientConfig;
  /**
   * Credentials of the default (signed) transport: fixed ones or a provider, renewed before they
   * expire. Default: the Lambda environment's, else the AWS SDK's default provider chain.
   */
  credentials?: CredentialsOption;
  /** Signing region of the default transport for endpoints that name none (custom domains); default `AWS_REGION`. */
  region?: string;
  /** Calls in flight at once (default 50: a Lambda's sockets, well under API Gateway's limits). */
  concurrency?: number;
  /** Backoff for 429, 5xx and network errors. */
  retry?: RetryOptions;
  /** Where failures to clean up gone connections are logged; `console` by default. */
  logger?: Logger;
  /** Records `BroadcastDelivered`, `BroadcastGone`, `BroadcastFailed` counts per broadcast (see {@link MetricsSink}). */
  metrics?: MetricsSink;
  /** Time kept free before the Lambda's end when a deadline is derived from it (default 1000 ms). */
  deadlineMarginMs?: number;
  /**
   * How long after `register` a record is protected from gone-cleanup, ms (default 35,000: API
   * Gateway's 29 s `$connect` integration timeout, plus the acceptance after `$connect` returns and
   * clock differences between Lambdas). API Gateway answers 410 also for a connection whose
   * `$connect` has not been accepted yet, although `$connect` already wrote its record: a 410 for
   * a record younger than this removes nothing, and the call is made again (backoff from 100 ms to
   * 1 s) until the connection is accepted, the record is older than this, or the deadline comes.
   * `0` removes on every 410 (the behaviour before issue 26).
   */
  connectGraceMs?: number;
  /**
   * Channels whose broadcasts are kept in the store's channel history (see {@link HistoryOptions}):
   * each broadcast to them is appended once per channel before anything is sent, and every frame
   * carries `$mid` and `$seq`. `WebSocketApp` passes its own `history` option.
   */
  history?: HistoryOptions;
}

/** Per-call options of `send`, `disconnect`, `info`. */
export interface CallOptions {
  /** Overrides the messenger's endpoint for this call. */
  endpoint?: string;
  /** With it, retries stop before the Lambda runs out of time. */
  lambdaContext?: LambdaContext;
  /** Absolute deadline, epoch ms (overrides the one derived from `lambdaContext`). */
  deadline?: number;
  /**
   * Call again a connection that answered 410 while its record is younger than `connectGraceMs`
   * (its `$connect` is not accepted yet) until it is accepted — default `true`. With `false` it is
   * reported at once with a `ConnectionPendingError` (its record kept). `ctx.broadcast` and
   * `ctx.send` inside `$connect` and `$disconnect` use `false`: two `$connect`s waiting for each
   * other's acceptance, or two `$disconnect`s each waiting for the other's record to go (it goes
   * once its `$disconnect` returns), would hold each other until the deadline.
   */
  waitForConnecting?: boolean;
}

/**
 * Who a broadcast reaches: the union of channels and ids, each connection at most once, minus
 * `except`, also when the broadcast is split across invocations. Each connection is attributed to
 * its first source (`connectionIds`, then the channels in order).
 */
export interface BroadcastTarget {
  /** Every live member of these channels. */
  channels?: readonly string[];
  /** These connections. */
  connectionIds?: readonly string[];
  /** Connections to skip, e.g. the sender. */
  except?: string | readonly string[];
}

/** Options of `broadcast`. */
export interface BroadcastOptions extends CallOptions {
  /** Resume a split broadcast where a previous report's `cursor` left off. */
  cursor?: string;
  /** Member pages to send in this call; the report's `cursor` continues from there. */
  maxPages?: number;
  /** Members per store page (default: the store's page size). */
  pageSize?: number;
  /**
   * The broadcast's message id (e.g. the SQS message id of the task). Default: a random UUID.
   * Ignored when resuming: a cursor carries the id of the broadcast it continues.
   */
  messageId?: string;
  /**
   * Opt-in: add the message id to the message under this field, so clients can drop a message
   * they already got (see {@link BroadcastReport.messageId}). The message must then be a JSON
   * object without that field; otherwise `broadcast` throws a `TypeError`.
   */
  messageIdField?: string;
}

/** A connection a broadcast could not reach, and why. */
export interface BroadcastFailure {
  /** The connection that was not reached. */
  connectionId: string;
  /** Why: a `SendFailedError`, `DeadlineExceededError`, `EndpointUnknownError`, … */
  error: Error;
}

/** What a broadcast did. `attempted = delivered + gone + failed.length`. */
export interface BroadcastReport {
  /** Connections a message was sent to (after dedupe and `except`). */
  attempted: number;
  /** Connections API Gateway accepted the message for. */
  delivered: number;
  /** Connections API Gateway reported closed (410); they are removed from the store (see `notRemoved`). */
  gone: number;
  /** Connections not reached after retries, with the error of each. */
  failed: BroadcastFailure[];
  /** How long the broadcast took, milliseconds. */
  durationMs: number;
  /**
   * Gone connections whose removal from the store was not confirmed by the deadline (the store
   * failed, or was slow or frozen). Their records stay until their TTL, or until a later call
   * meets the 410 again.
   */
  notRemoved: string[];
  /**
   * The broadcast's id, the same in every invocation of a split broadcast. Add it to the message
   * with `messageIdField` to let clients deduplicate where "at most once" cannot be kept (see
   * the core README).
   */
  messageId: string;
  /**
   * Present when members remain (page budget or deadline reached, or the store did not answer a
   * page in time): pass it to continue.
   */
  cursor?: string;
}
