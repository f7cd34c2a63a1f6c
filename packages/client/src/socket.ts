/** The part of the WHATWG `WebSocket` the client uses: browsers', Node ≥ 22's and `ws` all have it. */
export interface SocketLike {
  /** The subprotocol the server chose. */
  readonly protocol: string;
  /** Sends a text frame. */
  send(data: string): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** Called once open. */
  onopen: ((event: unknown) => void) | null;
  /** Called per message. */
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  /** Called once closed. */
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null;
  /** Called on errors (`ws` puts the handshake's HTTP status in `message`). */
  onerror: ((event: { readonly message?: string }) => void) | null;
  /** How binary frames arrive; the client sets `arraybuffer`, which every implementation has. */
  binaryType: string;
}

/** A `WebSocket` constructor: the global one, `ws`'s default export, or any compatible class. */
export type SocketConstructor = new (url: string, protocols?: string[]) => unknown;

/**
 * The default implementation. On Node, the `ws` package when it is installed: it reports a rejected
 * handshake's HTTP status and network errors, which Node ≥ 22's global `WebSocket` (undici) hides as
 * browsers do, so the reconnect policy is the same on every Node version. Elsewhere (browsers), or
 * on Node without `ws`, the global `WebSocket`.
 */
export async function defaultSocket(): Promise<SocketConstructor> {
  const global = (globalThis as { WebSocket?: SocketConstructor }).WebSocket;
  const process = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  if (global !== undefined && typeof process?.versions?.node !== 'string') return global;
  try {
    const ws = (await import('ws')) as unknown as { default: SocketConstructor };
    return ws.default;
  } catch (error) {
    if (global !== undefined) return global;
    throw error;
  }
}

/** Handshake errors of the network rather than the server (`ws` and Node's socket errors). */
export const NETWORK_ERROR =
  /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|socket hang up/;

/** The HTTP status in `ws`'s handshake error ("Unexpected server response: 401"). */
export function handshakeStatus(message: string | undefined): number | undefined {
  const match = message === undefined ? null : /server response: (\d{3})/.exec(message);
  return match === null ? undefined : Number(match[1]);
}
