import type { ClientOptions } from './options.js';
import type { SocketLike } from './socket.js';

/** One WebSocket connection of the client and what the client knows about it. */
export interface Conn {
  readonly socket: SocketLike;
  opened: boolean;
  status: number | undefined;
  networkError: boolean;
  /** Replaced or closed by the client: its close is no loss. */
  retired: boolean;
  /** Its close event arrived (and was handled). */
  closed: boolean;
  readonly timers: ReturnType<typeof setTimeout>[];
  /** The session token presented at connect. */
  readonly token: string | undefined;
  /** Live history frames held back until the replay is done (`undefined`: none pending). */
  held: unknown[] | undefined;
  /** A replay that fills holes runs on it (one at a time). */
  syncing: boolean;
  /** When the last one started, epoch ms. */
  syncedAt: number;
  /** A replay that fills holes is scheduled (it was asked for too soon after the last one). */
  syncDue: boolean;
  /** Replacements of it that failed so far (each next one waits longer). */
  rotations: number;
  /** Live history frames were dropped while held (the replay must go on until it covers them). */
  overflowed: boolean;
  /** Its resume request was answered: the session is on it now (the old connection's record is gone). */
  claimed: boolean;
}

/** A connection record for a socket just created. */
export function newConn(socket: SocketLike, token: string | undefined): Conn {
  return {
    socket,
    opened: false,
    status: undefined,
    networkError: false,
    retired: false,
    closed: false,
    timers: [],
    token,
    held: undefined,
    syncing: false,
    syncedAt: 0,
    syncDue: false,
    rotations: 0,
    overflowed: false,
    claimed: false,
  };
}

/**
 * The URL and subprotocols of one connection attempt: the options' query, the session token
 * (`wsapp_session`) with this client's instance id (`wsapp_client`: the server tells a second tab
 * presenting a shared token from this client's own replacement), and the auth token (called per
 * attempt) in the query or as a subprotocol.
 */
export async function connectTarget(
  base: string,
  options: ClientOptions,
  session: string | undefined,
  instance?: string,
): Promise<{ url: string; protocols: string[] }> {
  const url = new URL(base);
  if (session) url.searchParams.set('wsapp_session', session);
  if (instance) url.searchParams.set('wsapp_client', instance);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  const protocols = [...(options.protocols ?? [])];
  const auth = options.auth;
  if (auth !== undefined) {
    const token = await auth.token();
    if (auth.via === 'subprotocol') protocols.push(`${auth.prefix ?? 'bearer.'}${token}`);
    else url.searchParams.set(auth.param ?? 'token', token);
  }
  return { url: url.toString(), protocols };
}
