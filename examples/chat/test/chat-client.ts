import WebSocket from 'ws';

/** A chat participant over a real WebSocket that queues what it receives. */
export class ChatClient {
  readonly #inbox: unknown[] = [];
  readonly #waiters: Array<(m: unknown) => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      const waiter = this.#waiters.shift();
      if (waiter) waiter(message);
      else this.#inbox.push(message);
    });
  }

  static open(url: string, protocols?: string[]): Promise<ChatClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols);
      ws.once('open', () => resolve(new ChatClient(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`rejected with ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(message: object): void {
    this.ws.send(JSON.stringify(message));
  }

  next(): Promise<unknown> {
    if (this.#inbox.length > 0) return Promise.resolve(this.#inbox.shift());
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Sends and waits for the route's answer (the next frame). */
  async ask(message: object): Promise<unknown> {
    this.send(message);
    return this.next();
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close(1000);
    });
  }
}
