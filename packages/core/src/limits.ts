/** API Gateway WebSocket limits the SDK enforces before doing any work. */

/** Largest message payload API Gateway accepts (128 KB), in bytes. */
export const MAX_PAYLOAD_BYTES = 128 * 1024;

/** API Gateway closes every WebSocket connection after 2 hours. */
export const MAX_CONNECTION_SECONDS = 2 * 60 * 60;

/** Idle connections are closed by API Gateway after 10 minutes without traffic. */
export const IDLE_TIMEOUT_SECONDS = 10 * 60;
