import type { WebSocketEvent } from './event-types.js';

/**
 * Checks the fields routing depends on. Returns a description of the first problem, or
 * `undefined` when the event can be dispatched. Never throws, whatever the input.
 */
export function checkEvent(event: unknown): string | undefined {
  try {
    return firstProblem(event);
  } catch {
    return 'event cannot be read (a throwing getter or a revoked Proxy)';
  }
}

function firstProblem(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null) return 'event is not an object';
  const rc = (event as { requestContext?: unknown }).requestContext;
  if (typeof rc !== 'object' || rc === null) return 'event has no requestContext';
  const { routeKey, eventType, connectionId } = rc as Record<string, unknown>;
  if (typeof routeKey !== 'string' || routeKey.length === 0) return 'requestContext.routeKey is missing';
  if (typeof connectionId !== 'string' || connectionId.length === 0) {
    return 'requestContext.connectionId is missing';
  }
  if (eventType !== 'MESSAGE' && eventType !== 'CONNECT' && eventType !== 'DISCONNECT') {
    return `requestContext.eventType ${JSON.stringify(eventType)} is not CONNECT, MESSAGE or DISCONNECT`;
  }
  const body = (event as WebSocketEvent).body;
  if (body !== undefined && body !== null && typeof body !== 'string') return 'body is not a string';
  return undefined;
}
