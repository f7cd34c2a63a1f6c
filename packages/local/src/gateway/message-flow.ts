import { MAX_PAYLOAD_BYTES } from '@wsapp/core';
import type { RawData } from 'ws';
import { gatewayId } from '../events/ids.js';
import { InvocationError } from '../lambda/invoker.js';
import { CloseCodes } from './close-reasons.js';
import type { LocalConnection } from './connection.js';
import type { GatewayDeps } from './gateway-deps.js';

/** API Gateway's error frame: `{"message": "...", "connectionId": "...", "requestId": "..."}`. */
function errorFrame(message: string, connectionId: string, requestId: string): string {
  return JSON.stringify({ message, connectionId, requestId });
}

/**
 * Handles one inbound message: selects the route, invokes the integration and, for a two-way
 * route only, sends its body back (API Gateway drops a one-way route's answer, whatever it is).
 * A binary frame closes the connection with 1003, as API Gateway does. Messages of one
 * connection are processed in order.
 */
export function onMessage(
  deps: GatewayDeps,
  connection: LocalConnection,
  raw: RawData,
  binary: boolean,
): void {
  if (connection.closing) return;
  if (binary) {
    connection.close(CloseCodes.unsupportedData, 'Unsupported data');
    return;
  }
  connection.touch();
  const data = toBuffer(raw);
  void connection.enqueue(async () => {
    const routeKey = deps.selectRoute(data, false);
    if (routeKey === undefined) {
      await sendQuietly(connection, errorFrame('Forbidden', connection.connectionId, gatewayId()));
      return;
    }
    const event = deps.builder.message(connection, routeKey, data.toString('utf8'), false);
    const { requestId } = event.requestContext;
    try {
      const response = await deps.invoke(event);
      if (response.body === undefined || response.body.length === 0) return;
      if (!deps.twoWayRoutes.has(routeKey)) {
        deps.warnDropped(routeKey);
        return;
      }
      const bytes = Buffer.byteLength(response.body);
      if (bytes > MAX_PAYLOAD_BYTES) {
        // No message over 128 KB reaches a client; AWS does not document this case, so the
        // emulator makes it loud: logged, and the client gets the failed-integration frame.
        deps.logger.error(
          `wsapp-local: ${routeKey} answered ${bytes} bytes, over API Gateway's ${MAX_PAYLOAD_BYTES}-byte message limit; not sent`,
          { connectionId: connection.connectionId, requestId },
        );
        await sendQuietly(
          connection,
          errorFrame('Internal server error', connection.connectionId, requestId),
        );
        return;
      }
      await sendQuietly(connection, response.body);
    } catch (error) {
      // A failed invocation is answered by API Gateway itself, on one-way routes too.
      const timedOut = error instanceof InvocationError && error.kind === 'timeout';
      deps.logger.error(`wsapp-local: ${routeKey} integration failed`, {
        connectionId: connection.connectionId,
        requestId,
        error: error instanceof InvocationError ? error.error : error,
      });
      const message = timedOut ? 'Endpoint request timed out' : 'Internal server error';
      await sendQuietly(connection, errorFrame(message, connection.connectionId, requestId));
    }
  });
}

async function sendQuietly(connection: LocalConnection, text: string): Promise<void> {
  try {
    await connection.send(text, false);
  } catch {
    // The client left while the integration ran: like API Gateway, the answer is dropped.
  }
}

function toBuffer(raw: RawData): Buffer {
  if (Buffer.isBuffer(raw)) return raw;
  if (Array.isArray(raw)) return Buffer.concat(raw);
  return Buffer.from(raw);
}
