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
}

/** A `WebSocket` constructor: the global one, `ws`'s default export, or any compatible class. */
export type SocketConstructor = new (url: string, protocols?: string[]) => unknown;

/** The global `WebSocket` where there is one (browsers, Node ≥ 22), else the `ws` package. */
export async function defaultSocket(): Promise<SocketConstructor> {
  const global = (globalThis as { WebSocket?: SocketConstructor }).WebSocket;
  if (global !== undefined) return global;
  const ws = (await import('ws')) as unknown as { default: SocketConstructor };
  return ws.default;
}

/** Handshake errors of the network rather than the server (`ws` and Node's socket errors). */
export const NETWORK_ERROR =
  /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|socket hang up/;

/** The HTTP status in `ws`'s handshake error ("Unexpected server response: 401"). */
export function handshakeStatus(message: string | undefined): number | undefined {
  const match = message === undefined ? null : /server response: (\d{3})/.exec(message);
  return match === null ? undefined : Number(match[1]);
}
