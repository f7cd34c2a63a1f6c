import { createClient, type WebSocketClient } from '@wsapp/client';

/**
 * A ticker client on `@wsapp/client`: it reconnects with backoff, pings under the idle timeout,
 * re-subscribes on every new connection (memberships belong to a connection) and keeps every
 * message the server pushes, in order.
 */
export class TickerClient {
  /** Every pushed message received so far (prices, notifications; replies are not pushes). */
  readonly received: unknown[] = [];
  readonly #waiters: Array<{ match: (m: unknown) => boolean; resolve: (m: unknown) => void }> = [];
  readonly #subscribed: Set<string>;

  private constructor(
    readonly client: WebSocketClient,
    subscribed: Set<string>,
  ) {
    this.#subscribed = subscribed;
    client.on('message', (message) => {
      this.received.push(message);
      const index = this.#waiters.findIndex((w) => w.match(message));
      if (index >= 0) this.#waiters.splice(index, 1)[0]?.resolve(message);
    });
  }

  /** Connects; rejects with the HTTP status when the upgrade is refused (never retried). */
  static async open(url: string): Promise<TickerClient> {
    let status: number | undefined;
    const subscribed = new Set<string>();
    const client = createClient(url, {
      resume: async (session) => {
        if (subscribed.size > 0) await session.request('subscribe', { symbols: [...subscribed] });
      },
    });
    client.on('close', (e) => {
      status ??= e.status;
    });
    const self = new TickerClient(client, subscribed);
    try {
      await client.ready();
    } catch {
      throw Object.assign(new Error(`rejected with ${status}`), { statusCode: status });
    }
    return self;
  }

  /** The first pushed message (already received or still to come) matching `match`. */
  waitFor(match: (message: unknown) => boolean, timeoutMs = 5000): Promise<unknown> {
    const seen = this.received.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching message in time')), timeoutMs);
      this.#waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /** Sends an action and resolves with its route response (matched by request id). */
  async ask(message: { action: string } & Record<string, unknown>): Promise<unknown> {
    const { action, ...body } = message;
    const answer = await this.client.request(action, body);
    const symbols = (answer as { subscribed?: string[]; unsubscribed?: string[] } | undefined) ?? {};
    for (const s of symbols.subscribed ?? []) this.#subscribed.add(s);
    for (const s of symbols.unsubscribed ?? []) this.#subscribed.delete(s);
    return answer;
  }

  /** Closes for good (1000) and waits until the socket is closed. */
  close(): Promise<void> {
    if (this.client.state === 'closed') return Promise.resolve();
    return new Promise((resolve) => {
      this.client.on('close', () => resolve());
      this.client.close(1000);
    });
  }
}
