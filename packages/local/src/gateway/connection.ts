import type { WebSocket } from 'ws';
import type { EventSource } from '../events/event-builder.js';
import type { AuthorizerContext } from './authorizer.js';

/** A snapshot of one open connection, as {@link LocalServer.connections} reports it. */
export interface ConnectionInfo {
  /** API Gateway-style id of the connection. */
  connectionId: string;
  /** Epoch ms the connection was accepted. */
  connectedAt: number;
  /** Epoch ms of the last data frame in either direction. */
  lastActiveAt: number;
  /** The client's IP address. */
  sourceIp: string;
  /** The client's `User-Agent` header, if it sent one. */
  userAgent: string | undefined;
  /** The subprotocol agreed on `$connect`, if any. */
  subprotocol: string | undefined;
  /** The authorizer context, if an authorizer allowed the connection. */
  authorizer: AuthorizerContext | undefined;
}

/** How long a server-initiated close waits for the client's close frame before dropping the socket. */
const CLOSE_GRACE_MS = 1000;

/** One open WebSocket connection: its identity, activity clock and in-order work queue. */
export class LocalConnection implements EventSource {
  readonly connectionId: string;
  readonly connectedAt: number;
  readonly sourceIp: string;
  readonly userAgent: string | undefined;
  readonly authorizer: AuthorizerContext | undefined;
  readonly socket: WebSocket;
  lastActiveAt: number;
  /** Resolves when the socket has closed. */
  readonly closed: Promise<void>;
  #queue: Promise<void> = Promise.resolve();
  #serverClose: { code: number; reason: string } | undefined;
  #timers: NodeJS.Timeout[] = [];

  constructor(socket: WebSocket, source: EventSource) {
    this.socket = socket;
    this.connectionId = source.connectionId;
    this.connectedAt = source.connectedAt;
    this.sourceIp = source.sourceIp;
    this.userAgent = source.userAgent;
    // Set by the connect flow from the authorizer's verdict (string values, see authorizer.ts).
    this.authorizer = source.authorizer as AuthorizerContext | undefined;
    this.lastActiveAt = Date.now();
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** Records data traffic (resets the idle clock). */
  touch(): void {
    this.lastActiveAt = Date.now();
  }

  /** Runs `task` after every task queued before it, so one connection's events stay in order. */
  enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(task, task);
    this.#queue = next.catch(() => undefined);
    return this.#queue;
  }

  /** Sends a frame; rejects when the socket is no longer open. */
  send(data: Buffer | string, binary: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.readyState !== this.socket.OPEN) {
        reject(new Error('connection is not open'));
        return;
      }
      this.touch();
      this.socket.send(data, { binary }, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Closes from the server side; `$disconnect` reports this code and reason whatever the client answers. */
  close(code: number, reason: string, sentReason = reason): void {
    this.#serverClose ??= { code, reason };
    this.socket.close(code, sentReason);
    const grace = setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS);
    grace.unref();
  }

  /** Whether the server has started closing this connection (frames arriving now are dropped). */
  get closing(): boolean {
    return this.#serverClose !== undefined;
  }

  /** Records a close the socket library already started (e.g. 1009 on an oversized message). */
  markClosedBy(code: number, reason: string): void {
    this.#serverClose ??= { code, reason };
  }

  /** The close code and reason to report: the server's when it closed first, else the client's. */
  closeStatus(code: number, reason: string): { code: number; reason: string } {
    return this.#serverClose ?? { code, reason };
  }

  /** Starts the idle-timeout and max-duration clocks; `onExpire` gets the code and reason to close with. */
  startClocks(idleMs: number, maxMs: number, onExpire: (code: number, reason: string) => void): void {
    const checkIdle = () => {
      const idle = Date.now() - this.lastActiveAt;
      if (idle >= idleMs) onExpire(1001, 'Going away');
      else this.#schedule(checkIdle, idleMs - idle);
    };
    this.#schedule(checkIdle, idleMs);
    this.#schedule(() => onExpire(1001, 'Going away'), maxMs);
  }

  /** Stops both clocks. */
  stopClocks(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers = [];
  }

  /** A snapshot for {@link ConnectionInfo}. */
  info(): ConnectionInfo {
    return {
      connectionId: this.connectionId,
      connectedAt: this.connectedAt,
      lastActiveAt: this.lastActiveAt,
      sourceIp: this.sourceIp,
      userAgent: this.userAgent,
      subprotocol: this.socket.protocol === '' ? undefined : this.socket.protocol,
      authorizer: this.authorizer,
    };
  }

  #schedule(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.#timers = this.#timers.filter((t) => t !== timer);
      fn();
    }, ms);
    timer.unref();
    this.#timers.push(timer);
  }
}
