import { createConnection, createServer, type Socket } from 'node:net';

/** A TCP relay in front of a server, to drop clients' network the way a real outage does. */
export interface NetworkDrop {
  /** The port clients connect to (127.0.0.1) instead of the server's. */
  readonly port: number;
  /** `url` with its port replaced by the relay's: `ws://127.0.0.1:<server>/local` → `…:<relay>/local`. */
  via(url: string): string;
  /**
   * Resets every connection through the relay (TCP RST to the client, the server's side closed):
   * both ends see an abnormal closure (1006), without a close frame. With `refuse`, new connections
   * are reset at once until {@link restore} (the network stays down).
   */
  drop(options?: { refuse?: boolean }): void;
  /** Accepts and relays new connections again. */
  restore(): void;
  /** Resets what is left and stops listening. */
  close(): Promise<void>;
}

/**
 * Starts a relay to `127.0.0.1:<target>` on an ephemeral port: real sockets, so a client under
 * test sees exactly what a dropped network gives it (no close frame, `ECONNRESET` on new attempts).
 *
 * @example
 * ```ts
 * const net = await startNetworkDrop(server.port);
 * const client = createClient(net.via(server.url), { session: true });
 * net.drop({ refuse: true }); // offline: the client reconnects with backoff, in vain
 * net.restore();              // online again
 * ```
 */
export async function startNetworkDrop(target: number): Promise<NetworkDrop> {
  const pairs = new Set<[Socket, Socket]>();
  let refusing = false;
  const server = createServer((client) => {
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: target });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) socket.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const resetAll = () => {
    for (const pair of [...pairs]) {
      pairs.delete(pair);
      pair[0].resetAndDestroy();
      pair[1].destroy();
    }
  };
  return {
    port,
    via: (url) => {
      const relayed = new URL(url);
      relayed.port = String(port);
      return relayed.toString();
    },
    drop: (options) => {
      refusing = options?.refuse === true;
      resetAll();
    },
    restore: () => {
      refusing = false;
    },
    close: () => {
      refusing = true;
      resetAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
