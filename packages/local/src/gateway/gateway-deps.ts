import type { Logger } from '@wsapp/core';
import type { EventBuilder } from '../events/event-builder.js';
import type { Invoker } from '../lambda/invoker.js';
import type { RouteSelector } from '../routing/route-selector.js';
import type { Authorizer } from './authorizer.js';
import type { ConnectionRegistry } from './connection-registry.js';

/** What the connect, message and disconnect flows share. */
export interface GatewayDeps {
  stage: string;
  apiId: string;
  /** The port listened on (for `X-Forwarded-Port`). */
  port: number;
  builder: EventBuilder;
  invoke: Invoker;
  selectRoute: RouteSelector;
  /** The routes whose integration response reaches the client. */
  twoWayRoutes: ReadonlySet<string>;
  /** Logs, once per route, that a one-way route's answer was dropped. */
  warnDropped: (routeKey: string) => void;
  registry: ConnectionRegistry;
  authorizer: Authorizer | undefined;
  idleTimeoutMs: number;
  maxConnectionMs: number;
  logger: Logger;
}
