import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { MAX_PAYLOAD_BYTES } from '@wsapp/core';
import { WebSocketServer } from 'ws';
import { readRequestMaps } from '../events/connect-request.js';
import type { EventSource } from '../events/event-builder.js';
import { gatewayId } from '../events/ids.js';
import { type IntegrationResponse, InvocationError } from '../lambda/invoker.js';
import { authorize } from './authorizer.js';
import { CloseCodes } from './close-reasons.js';
import { LocalConnection } from './connection.js';
import { onClose, onLostDuringConnect } from './disconnect-flow.js';
import { FrameGuard } from './frame-guard.js';
import type { GatewayDeps } from './gateway-deps.js';
import { handshakeProblem } from './handshake.js';
import { onMessage } from './message-flow.js';
import { rejectUpgrade } from './reject-upgrade.js';
import { chosenSubprotocol } from './subprotocol.js';
import { isWebSocketPath } from './websocket-path.js';

/** API Gateway's frame size limit: a larger single frame closes the connection with 1009. */
const MAX_FRAME_BYTES = 32 * 1024;

/** Close codes for protocol errors the socket library closes the connection for. */
const PROTOCOL_ERRORS: Record<string, { code: number; reason: string }> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: { code: CloseCodes.messageTooBig, reason: 'Message too big' },
  WS_ERR_INVALID_UTF8: { code: 1007, reason: 'Invalid UTF-8 in text frame' },
};

/**
 * The `$connect` flow: the handshake is validated, then the authorizer and the integration run,
 * BEFORE the handshake completes. A 2xx completes the upgrade (answering a subprotocol only when
 * the integration chose one the client offered); any other status is written as a plain HTTP
 * response and no WebSocket is opened. Every `$connect` the integration accepted ends with
 * exactly one `$disconnect`: through the socket's close, or at once when the client left (reset,
 * half-close) before the upgrade could complete.
 */
export class ConnectFlow {
  readonly #deps: GatewayDeps;
  readonly #wss: WebSocketServer;
  readonly #subprotocols = new WeakMap<IncomingMessage, string>();
  readonly #pending = new Set<Duplex>();
  readonly #inFlight = new Set<Promise<void>>();
  #closing = false;

  constructor(deps: GatewayDeps) {
    this.#deps = deps;
    this.#wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: MAX_PAYLOAD_BYTES,
      handleProtocols: (_offered, req) => this.#subprotocols.get(req) ?? false,
    });
  }

  /** The `upgrade` listener of the HTTP server. */
  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => undefined);
    const work = this.#connect(req, socket, head).catch((error: unknown) => {
      this.#deps.logger.error('wsapp-local: $connect failed', { error });
      rejectUpgrade(socket, 500, JSON.stringify({ message: 'Internal server error' }));
    });
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  };

  /**
   * Stops accepting connections and drops the handshakes still waiting for `$connect`; resolves
   * once every `$connect` still running has finished (and queued its `$disconnect` if it accepted).
   */
  async close(): Promise<void> {
    this.#closing = true;
    for (const socket of this.#pending) socket.destroy();
    this.#pending.clear();
    this.#wss.close();
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  async #connect(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const deps = this.#deps;
    if (this.#closing) return rejectUpgrade(socket, 503, JSON.stringify({ message: 'Service Unavailable' }));
    if (!isWebSocketPath(req.url ?? '/', deps.stage))
      return rejectUpgrade(socket, 403, JSON.stringify({ message: 'Forbidden' }));
    const problem = handshakeProblem(req);
    if (problem !== undefined) {
      return rejectUpgrade(socket, problem.status, JSON.stringify({ message: problem.message }));
    }
    this.#pending.add(socket);
    try {
      const source = this.#source(req);
      const maps = readRequestMaps(req, this.#addedHeaders(source.sourceIp));
      const methodArn = `arn:aws:execute-api:us-east-1:000000000000:${deps.apiId}/${deps.stage}/$connect`;
      const verdict = await authorize(
        deps.authorizer,
        deps.builder.connect(source, maps),
        methodArn,
        deps.logger,
      );
      if (!verdict.allowed) {
        return rejectUpgrade(socket, verdict.statusCode, JSON.stringify({ message: verdict.message }));
      }
      source.authorizer = verdict.context;
      const response = await this.#invokeConnect(source, maps, socket);
      if (response === undefined) return;
      const status = response.statusCode;
      if (status < 100 || status > 599) {
        // Like API Gateway, an integration answer it cannot use is a bad gateway.
        return rejectUpgrade(socket, 502, JSON.stringify({ message: 'Internal server error' }));
      }
      if (status < 200 || status > 299) return rejectUpgrade(socket, status, response.body);
      this.#complete(req, socket, head, source, response);
    } finally {
      this.#pending.delete(socket);
    }
  }

  async #invokeConnect(
    source: EventSource,
    maps: ReturnType<typeof readRequestMaps>,
    socket: Duplex,
  ): Promise<IntegrationResponse | undefined> {
    try {
      return await this.#deps.invoke(this.#deps.builder.connect(source, maps));
    } catch (error) {
      const timedOut = error instanceof InvocationError && error.kind === 'timeout';
      this.#deps.logger.error('wsapp-local: $connect integration failed', {
        connectionId: source.connectionId,
        error: error instanceof InvocationError ? error.error : error,
      });
      // A Lambda that throws or crashes is a bad gateway for API Gateway: 502.
      const [status, message] = timedOut
        ? [504, 'Endpoint request timed out']
        : [502, 'Internal server error'];
      rejectUpgrade(socket, status, JSON.stringify({ message }));
      return undefined;
    }
  }

  #complete(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    source: EventSource,
    response: IntegrationResponse,
  ): void {
    const deps = this.#deps;
    if (socket.destroyed || !socket.readable || !socket.writable || this.#closing) {
      // The client left (reset, or half-closed: the socket library would drop it silently) while
      // $connect ran: the integration was told it connected, so it hears the end.
      socket.destroy();
      onLostDuringConnect(deps, source);
      return;
    }
    const subprotocol = chosenSubprotocol(req, response.headers);
    if (subprotocol !== undefined) this.#subprotocols.set(req, subprotocol);
    let opened = false;
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      opened = true;
      const connection = new LocalConnection(ws, source);
      deps.registry.add(connection);
      const guard = new FrameGuard(MAX_FRAME_BYTES);
      // Before the socket library's own listener, so an oversized frame is seen before it is parsed.
      socket.prependListener('data', (chunk: Buffer) => {
        if (!connection.closing && !guard.feed(chunk)) {
          connection.close(CloseCodes.messageTooBig, 'Message too big');
        }
      });
      ws.on('message', (data, isBinary) => onMessage(deps, connection, data, isBinary));
      ws.on('error', (error: Error & { code?: string }) => {
        const code = error.code ?? '';
        if (!code.startsWith('WS_ERR_')) return;
        const known = PROTOCOL_ERRORS[code] ?? { code: 1002, reason: 'Protocol error' };
        connection.markClosedBy(known.code, known.reason);
      });
      ws.once('close', (code, reason) => onClose(deps, connection, code, reason));
      connection.startClocks(deps.idleTimeoutMs, deps.maxConnectionMs, (code, reason) =>
        connection.close(code, reason),
      );
    });
    // handleUpgrade validated nothing new (handshakeProblem did), so a refusal here means the
    // socket went away between the check above and the upgrade: the end is still reported.
    if (!opened) {
      socket.destroy();
      onLostDuringConnect(deps, source);
    }
  }

  #source(req: IncomingMessage): EventSource {
    const address = req.socket.remoteAddress ?? '127.0.0.1';
    const userAgent = req.headers['user-agent'];
    return {
      connectionId: gatewayId(),
      connectedAt: Date.now(),
      sourceIp: address.startsWith('::ffff:') ? address.slice(7) : address,
      userAgent: typeof userAgent === 'string' ? userAgent : undefined,
      authorizer: undefined,
    };
  }

  #addedHeaders(sourceIp: string): Record<string, string> {
    const epoch = Math.floor(Date.now() / 1000).toString(16);
    return {
      'X-Amzn-Trace-Id': `Root=1-${epoch}-${randomBytes(12).toString('hex')}`,
      'X-Forwarded-For': sourceIp,
      'X-Forwarded-Port': String(this.#deps.port),
      'X-Forwarded-Proto': 'http',
    };
  }
}
