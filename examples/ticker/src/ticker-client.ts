import WebSocket from 'ws';

/** A ticker client over a real WebSocket that keeps everything it receives, in order. */
export class TickerClient {
  /** Every message received so far (parsed JSON). */
  readonly received: unknown[] = [];
  readonly #waiters: Array<{ match: (m: unknown) => boolean; resolve: (m: unknown) => void }> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message: unknown = JSON.parse(String(data));
      this.received.push(message);
      const index = this.#waiters.findIndex((w) => w.match(message));
      if (index >= 0) this.#waiters.splice(index, 1)[0]?.resolve(message);
    });
  }

  /** Connects; rejects with the HTTP status when the upgrade is refused. */
  static open(url: string): Promise<TickerClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once('open', () => resolve(new TickerClient(ws)));
      ws.once('unexpected-response', (_req, res) =>
        reject(Object.assign(new Error(`rejected with ${res.statusCode}`), { statusCode: res.statusCode })),
      );
      ws.once('error', reject);
    });
  }

  /** The first message (already received or still to come) matching `match`. */
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

  /** Sends an action and waits for its route response (a message carrying the action's answer key). */
  async ask(message: { action: string } & Record<string, unknown>, answerKey: string): Promise<unknown> {
    const before = this.received.length;
    this.ws.send(JSON.stringify(message));
    return this.waitFor((m) => this.received.indexOf(m) >= before && hasKey(m, answerKey));
  }

  /** Closes with 1000 and waits for the close. */
  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close(1000);
    });
  }
}

function hasKey(message: unknown, key: string): boolean {
  return typeof message === 'object' && message !== null && key in message;
}
