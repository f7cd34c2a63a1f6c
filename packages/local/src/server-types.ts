import type { FaultControls } from './faults/fault-injector.js';
import type { ConnectionsView } from './gateway/connection-registry.js';
import type { ManagementStats } from './management/stats.js';

/** A running emulator, as {@link serve} returns it. */
export interface LocalServer {
  /** The WebSocket URL clients connect to: `ws://127.0.0.1:<port>/<stage>`. */
  readonly url: string;
  /**
   * The management API endpoint: `http://127.0.0.1:<port>/<stage>`, usable as the `endpoint` of
   * `ApiGatewayManagementApiClient`. Equal to `http://{domainName}/{stage}` of every event.
   */
  readonly endpoint: string;
  /** The port listened on. */
  readonly port: number;
  /** `requestContext.domainName` of every event: `127.0.0.1:<port>`. */
  readonly domainName: string;
  /** The stage name. */
  readonly stage: string;
  /** The open connections. */
  readonly connections: ConnectionsView;
  /** Fault injection into `@connections` calls. */
  readonly faults: FaultControls;
  /** Counts of `@connections` calls by method and status. */
  readonly stats: ManagementStats;
  /**
   * Closes every connection with 1001 `Going away`, waits for their `$disconnect` invocations,
   * then stops the HTTP server. Safe to call twice.
   */
  close(): Promise<void>;
}
