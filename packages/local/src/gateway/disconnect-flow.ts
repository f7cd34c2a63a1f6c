import type { EventSource } from '../events/event-builder.js';
import { InvocationError } from '../lambda/invoker.js';
import { CloseCodes, disconnectReason } from './close-reasons.js';
import type { LocalConnection } from './connection.js';
import type { GatewayDeps } from './gateway-deps.js';

/**
 * A connection closed (client close, server close, timeout, abrupt loss): it stops being reachable
 * through the management API at once, and `$disconnect` runs after its queued messages.
 */
export function onClose(deps: GatewayDeps, connection: LocalConnection, code: number, reason: Buffer): void {
  deps.registry.delete(connection.connectionId);
  connection.stopClocks();
  const status = connection.closeStatus(code, reason.toString('utf8'));
  const work = connection.enqueue(() => invokeDisconnect(deps, connection, status.code, status.reason));
  deps.registry.track(work);
}

/** The client dropped its socket while an accepted `$connect` was being answered: report 1006. */
export function onLostDuringConnect(deps: GatewayDeps, source: EventSource): void {
  deps.registry.track(invokeDisconnect(deps, source, CloseCodes.abnormal, ''));
}

async function invokeDisconnect(deps: GatewayDeps, source: EventSource, code: number, reason: string) {
  const event = deps.builder.disconnect(source, code, disconnectReason(code, reason));
  try {
    await deps.invoke(event);
  } catch (error) {
    deps.logger.error('wsapp-local: $disconnect integration failed', {
      connectionId: source.connectionId,
      error: error instanceof InvocationError ? error.error : error,
    });
  }
}
