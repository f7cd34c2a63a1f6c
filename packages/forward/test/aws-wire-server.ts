import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the server received, decoded per protocol. */
export interface WireRequest {
  /** `sqs`, `eventbridge`, `sns` or `management`. */
  service: 'sqs' | 'eventbridge' | 'sns' | 'management';
  /** `SendMessage`, `PutEvents`, `Publish`, `PostToConnection`, … */
  operation: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** JSON body (SQS, EventBridge), form fields (SNS), or `{ connectionId, data }` (management). */
  payload: Record<string, unknown>;
}

/** How the server answers the next requests of a service: normally, or with the service's error. */
export type Mode = 'ok' | 'client-error' | 'server-error' | 'partial-failure';

/**
 * A loopback server speaking just enough of each wire protocol for the real AWS SDK clients:
 * SQS (awsJson1_0, `AmazonSQS.SendMessage`), EventBridge (awsJson1_1, `AWSEvents.PutEvents`),
 * SNS (awsQuery form posts, XML answers) and the API Gateway management API
 * (`POST /{stage}/@connections/{id}`). It records what it received.
 */
export class AwsWireServer {
  readonly requests: WireRequest[] = [];
  readonly modes: Partial<Record<WireRequest['service'], Mode>> = {};
  /** Connection ids the management API answers 410 Gone for. */
  readonly gone = new Set<string>();
  readonly #server = createServer((req, res) => {
    this.#handle(req, res).catch((error: unknown) => {
      res.statusCode = 599;
      res.end(String(error));
    });
  });
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  get host(): string {
    return this.url.slice('http://'.length);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  of(service: WireRequest['service']): WireRequest[] {
    return this.requests.filter((r) => r.service === service);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = req.url ?? '/';
    const target = String(req.headers['x-amz-target'] ?? '');
    const management = /\/@connections\/([^/?]+)/.exec(path);
    if (management) return this.#management(req, res, path, decodeURIComponent(management[1] ?? ''), raw);
    if (target.startsWith('AmazonSQS.')) return this.#sqs(req, res, path, target, raw);
    if (target.startsWith('AWSEvents.')) return this.#eventBridge(req, res, path, target, raw);
    const form = new URLSearchParams(raw.toString('utf8'));
    if (form.get('Action') !== null) return this.#sns(req, res, path, form);
    res.statusCode = 400;
    res.end('unknown request');
  }

  #sqs(req: IncomingMessage, res: ServerResponse, path: string, target: string, raw: Buffer) {
    const payload = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    const operation = target.slice('AmazonSQS.'.length);
    this.requests.push({ service: 'sqs', operation, path, headers: req.headers, payload });
    const mode = this.modes.sqs ?? 'ok';
    res.setHeader('content-type', 'application/x-amz-json-1.0');
    if (mode === 'client-error') {
      res.statusCode = 400;
      res.setHeader('x-amzn-query-error', 'AWS.SimpleQueueService.NonExistentQueue;Sender');
      return res.end(
        JSON.stringify({
          __type: 'com.amazonaws.sqs#QueueDoesNotExist',
          message: 'The specified queue does not exist.',
        }),
      );
    }
    if (mode === 'server-error') {
      res.statusCode = 500;
      return res.end(JSON.stringify({ __type: 'com.amazonaws.sqs#InternalError', message: 'internal' }));
    }
    const body = String(payload.MessageBody ?? '');
    res.end(
      JSON.stringify({
        MessageId: randomUUID(),
        MD5OfMessageBody: createHash('md5').update(body, 'utf8').digest('hex'),
        ...(payload.MessageGroupId === undefined ? {} : { SequenceNumber: '18849496460467696128' }),
      }),
    );
  }

  #eventBridge(req: IncomingMessage, res: ServerResponse, path: string, target: string, raw: Buffer) {
    const payload = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    const operation = target.slice('AWSEvents.'.length);
    this.requests.push({ service: 'eventbridge', operation, path, headers: req.headers, payload });
    const mode = this.modes.eventbridge ?? 'ok';
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    if (mode === 'client-error') {
      res.statusCode = 400;
      return res.end(
        JSON.stringify({ __type: 'ResourceNotFoundException', message: 'Event bus missing does not exist.' }),
      );
    }
    if (mode === 'server-error') {
      res.statusCode = 500;
      return res.end(JSON.stringify({ __type: 'InternalException', message: 'internal' }));
    }
    const entries = (payload.Entries as unknown[]) ?? [];
    if (mode === 'partial-failure') {
      return res.end(
        JSON.stringify({
          FailedEntryCount: entries.length,
          Entries: entries.map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' })),
        }),
      );
    }
    res.end(JSON.stringify({ FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) }));
  }

  #sns(req: IncomingMessage, res: ServerResponse, path: string, form: URLSearchParams) {
    const payload = Object.fromEntries(form.entries());
    const operation = form.get('Action') ?? '';
    this.requests.push({ service: 'sns', operation, path, headers: req.headers, payload });
    const mode = this.modes.sns ?? 'ok';
    res.setHeader('content-type', 'text/xml');
    const ns = 'http://sns.amazonaws.com/doc/2010-03-31/';
    if (mode === 'client-error' || mode === 'server-error') {
      res.statusCode = mode === 'client-error' ? 404 : 500;
      const [type, code, message] =
        mode === 'client-error'
          ? ['Sender', 'NotFound', 'Topic does not exist']
          : ['Receiver', 'InternalError', 'x'];
      return res.end(
        `<ErrorResponse xmlns="${ns}"><Error><Type>${type}</Type><Code>${code}</Code>` +
          `<Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
      );
    }
    res.end(
      `<PublishResponse xmlns="${ns}"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult>` +
        `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  }

  #management(req: IncomingMessage, res: ServerResponse, path: string, connectionId: string, raw: Buffer) {
    const operation =
      req.method === 'POST'
        ? 'PostToConnection'
        : req.method === 'DELETE'
          ? 'DeleteConnection'
          : 'GetConnection';
    const data = raw.toString('utf8');
    this.requests.push({
      service: 'management',
      operation,
      path,
      headers: req.headers,
      payload: { connectionId, data },
    });
    res.setHeader('content-type', 'application/json');
    if (this.gone.has(connectionId)) {
      res.statusCode = 410;
      return res.end(JSON.stringify({ message: 'Gone' }));
    }
    res.end();
  }
}
