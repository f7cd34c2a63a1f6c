import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_PAYLOAD_BYTES } from '@wsapp/core';
import { isConnectionIdShape } from '../events/ids.js';
import type { FaultInjector } from '../faults/fault-injector.js';
import type { ConnectionRegistry } from '../gateway/connection-registry.js';
import { writeAwsError } from './aws-error.js';
import type { ManagementMethod } from './management-method.js';
import { readBody } from './read-body.js';
import type { StatsRecorder } from './stats.js';

/** What the management API works on. */
export interface ManagementDeps {
  stage: string;
  registry: ConnectionRegistry;
  faults: FaultInjector;
  stats: StatsRecorder;
  /** Closes a connection for DeleteConnection. */
  disconnect(connectionId: string): void;
}

const METHODS = new Set<string>(['POST', 'GET', 'DELETE']);

/**
 * Serves `POST|GET|DELETE /{stage}/@connections/{connectionId}` like API Gateway's management
 * API. SigV4 headers are accepted and ignored.
 */
export function createManagementApi(deps: ManagementDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    res.on('finish', () => deps.stats.record(method, res.statusCode));
    const connectionId = parseConnectionPath(req.url ?? '/', deps.stage);
    if (connectionId === undefined || !METHODS.has(method)) {
      req.resume();
      writeAwsError(res, 403);
      return;
    }
    const fault = deps.faults.match(method as ManagementMethod, connectionId);
    if (fault !== undefined && fault.delayMs > 0) await delay(fault.delayMs);
    if (fault?.status !== undefined) {
      req.resume();
      writeAwsError(res, fault.status);
      return;
    }
    await answer(method as ManagementMethod, connectionId, req, res, deps);
  };
}

async function answer(
  method: ManagementMethod,
  connectionId: string,
  req: IncomingMessage,
  res: ServerResponse,
  deps: ManagementDeps,
): Promise<void> {
  if (method !== 'POST') req.resume();
  const body = method === 'POST' ? await readBody(req, MAX_PAYLOAD_BYTES) : undefined;
  if (!isConnectionIdShape(connectionId)) {
    writeAwsError(res, 400, 'Invalid connectionId');
    return;
  }
  if (body?.tooLarge) {
    writeAwsError(res, 413);
    return;
  }
  const connection = deps.registry.get(connectionId);
  if (connection === undefined) {
    writeAwsError(res, 410);
    return;
  }
  if (method === 'GET') {
    // The wire names are lower camel case; the AWS SDK maps them to ConnectedAt, Identity, LastActiveAt.
    writeJson(res, 200, {
      connectedAt: new Date(connection.connectedAt).toISOString(),
      identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent },
      lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
    });
    return;
  }
  if (method === 'DELETE') {
    deps.disconnect(connectionId);
    res.writeHead(204).end();
    return;
  }
  const data = body?.tooLarge === false ? body.data : Buffer.alloc(0);
  try {
    await connection.send(data, !isUtf8(data));
  } catch {
    writeAwsError(res, 410);
    return;
  }
  res.writeHead(200, { 'Content-Length': 0 }).end();
}

/** Whether a URL is under `/{stage}/@connections`, the management API's part of the server. */
export function isManagementPath(url: string, stage: string): boolean {
  const segments = url.split(/[?]/, 1)[0]!.split('/');
  try {
    return (
      segments.length >= 3 &&
      decodeURIComponent(segments[1]!) === stage &&
      decodeURIComponent(segments[2]!) === '@connections'
    );
  } catch {
    return false;
  }
}

/** The decoded connection id of `/{stage}/@connections/{id}`, or `undefined` for any other path. */
export function parseConnectionPath(url: string, stage: string): string | undefined {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const segments = path.split('/');
  if (segments.length < 4 || segments[0] !== '') return undefined;
  try {
    if (decodeURIComponent(segments[1]!) !== stage) return undefined;
    if (decodeURIComponent(segments[2]!) !== '@connections') return undefined;
    const id = decodeURIComponent(segments.slice(3).join('/'));
    return id.length > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

function writeJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
