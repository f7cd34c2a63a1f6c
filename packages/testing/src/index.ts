/**
 * Test kit for wsapp apps: API Gateway WebSocket event factories and a test clock.
 *
 * @packageDocumentation
 * @module @wsapp/testing
 */
export { TestClock } from './conformance/test-clock.js';
export {
  type ConnectEventOptions,
  connectEvent,
  type DisconnectEventOptions,
  disconnectEvent,
  type EventOptions,
  type MessageEventOptions,
  messageEvent,
} from './events/api-gateway-events.js';
export { connectionIdLike, requestIdLike } from './events/ids.js';
