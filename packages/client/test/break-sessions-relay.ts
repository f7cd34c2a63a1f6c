/**
 * A TCP relay in front of the emulator that can break ONE chosen connection at a chosen moment of
 * its handshake, the others relayed untouched (a real network path that dies for one connection:
 * a mobile client switching networks while a replacement connects). Test-only (break-sessions).
 */
import { createConnection, createServer, type Socket } from 'node:net';

/** What to do to the next connection accepted. */
export type Cut =
  /** The server's handshake answer (101) never reaches the client: both sides reset. */
  | 'before-101'
  /** The 101 reaches the client, then the connection is reset before any frame crosses. */
  | 'after-101';

export interface CuttingRelay {
  readonly port: number;
  via(url: string): string;
  /** Breaks the next connection accepted (after the ones already open) as `cut` says. */
  cutNext(cut: Cut): void;
  /** Resets every connection open through the relay (a network drop for all of them). */
  resetAll(): void;
  /** Resets new connections at once (the network is down) until {@link up}. */
  down(): void;
  up(): void;
  /** How many connections were cut so far. */
  readonly cuts: number;
  /** How many connections were accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

export async function startCuttingRelay(target: number): Promise<CuttingRelay> {
  const pairs = new Set<[Socket, Socket]>();
  let armed: Cut | undefined;
  let cuts = 0;
  let accepted = 0;
  let refusing = false;
  const server = createServer((client) => {
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    accepted++;
    const cut = armed;
    armed = undefined;
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
    if (cut === undefined) {
      upstream.pipe(client);
      return;
    }
    upstream.once('data', (chunk: Buffer) => {
      cuts++;
      if (cut === 'after-101') {
        client.write(chunk, () => {
          client.resetAndDestroy();
          upstream.destroy();
        });
      } else {
        client.resetAndDestroy();
        upstream.destroy();
      }
    });
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
    resetAll,
    down: () => {
      refusing = true;
    },
    up: () => {
      refusing = false;
    },
    via: (url) => {
      const relayed = new URL(url);
      relayed.port = String(port);
      return relayed.toString();
    },
    cutNext: (cut) => {
      armed = cut;
    },
    get cuts() {
      return cuts;
    },
    get accepted() {
      return accepted;
    },
    close: () => {
      resetAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A TCP relay whose n-th accepted connection (0-based) can be reset on demand, the others relayed
 * untouched (break-sessions-3: the current connection or its replacement, chosen after the fact).
 */
export async function startIndexRelay(target: number) {
  const pairs: [Socket, Socket][] = [];
  const severed = new Set<[Socket, Socket]>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: target });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.push(pair);
    const end = () => {
      client.destroy();
      if (!severed.has(pair)) upstream.destroy();
    };
    for (const socket of pair) socket.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    via: (url: string) => {
      const relayed = new URL(url);
      relayed.port = String(port);
      return relayed.toString();
    },
    cut: (index: number) => {
      const pair = pairs[index];
      pair?.[0].resetAndDestroy();
      pair?.[1].destroy();
    },
    /**
     * Resets the client's side only: the server's socket stays open and its frames are discarded
     * (a client whose network vanished, not yet noticed by API Gateway: no `$disconnect` yet).
     */
    sever: (index: number) => {
      const pair = pairs[index];
      if (pair === undefined) return;
      severed.add(pair);
      pair[1].unpipe(pair[0]);
      pair[1].resume();
      pair[0].resetAndDestroy();
    },
    close: () => {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
