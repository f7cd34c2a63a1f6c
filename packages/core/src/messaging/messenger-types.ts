import type {
  ApiGatewayManagementApiClient,
  ApiGatewayManagementApiClientConfig,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { LambdaContext } from '../events/event-types.js';
import type { Logger } from '../logging/logger.js';
import type { MetricsSink } from '../metrics/metrics-sink.js';
import type { ConnectionStore } from '../store/connection-store.js';
import type { RetryOptions } from './retry-policy.js';

/** Options of {@link Messenger}. */
export interface MessengerOptions {
  /** Where channel members are read, and where gone connections are removed. */
  store?: ConnectionStore;
  /**
   * The management endpoint (`https://{apiId}.execute-api.{region}.amazonaws.com/{stage}` or your
   * custom domain mapping). Without it, each connection's endpoint recorded at `$connect` is used.
   */
  endpoint?: string;
  /** An SDK client to use for every call (its endpoint and retry settings apply). */
  client?: ApiGatewayManagementApiClient;
  /** Extra SDK client configuration (region, credentials, requestHandler, …). */
  clientConfig?: ApiGatewayManagementApiClientConfig;
  /** Calls in flight at once (default 50: a Lambda's sockets, well under API Gateway's limits). */
  concurrency?: number;
  /** Backoff for 429, 5xx and network errors. */
  retry?: RetryOptions;
  logger?: Logger;
  /** Records `BroadcastDelivered`, `BroadcastGone`, `BroadcastFailed` counts per broadcast (see {@link MetricsSink}). */
  metrics?: MetricsSink;
  /** Time kept free before the Lambda's end when a deadline is derived from it (default 1000 ms). */
  deadlineMarginMs?: number;
}

/** Per-call options of `send`, `disconnect`, `info`. */
export interface CallOptions {
  /** Overrides the messenger's endpoint for this call. */
  endpoint?: string;
  /** With it, retries stop before the Lambda runs out of time. */
  lambdaContext?: LambdaContext;
  /** Absolute deadline, epoch ms (overrides the one derived from `lambdaContext`). */
  deadline?: number;
}

/** Who a broadcast reaches: the union of channels and ids, each connection once, minus `except`. */
export interface BroadcastTarget {
  channels?: readonly string[];
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
}

/** A connection a broadcast could not reach, and why. */
export interface BroadcastFailure {
  connectionId: string;
  error: Error;
}

/** What a broadcast did. `attempted = delivered + gone + failed.length`. */
export interface BroadcastReport {
  attempted: number;
  delivered: number;
  /** Connections API Gateway reported closed (410); they were removed from the store. */
  gone: number;
  failed: BroadcastFailure[];
  durationMs: number;
  /** Present when members remain (page budget or deadline reached): pass it to continue. */
  cursor?: string;
}
