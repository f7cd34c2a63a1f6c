import { Agent, request } from 'node:http';
import { Messenger } from '@wsapp/core';

export const CONCURRENCY = 50;
const credentials = {
  accessKeyId: 'AKIDBENCHEXAMPLE0001',
  secretAccessKey: 'bench-secret',
  sessionToken: 'bench-token',
};

/** A contender sends one message to every id and answers how many were delivered. */
export type Send = (ids: readonly string[], data: Uint8Array) => Promise<number>;

/** wsapp's default: `Messenger.broadcast` over the signed transport (SigV4 by hand, keep-alive agents). */
export function lean(endpoint: string): Send {
  const messenger = new Messenger({ endpoint, concurrency: CONCURRENCY, credentials });
  return async (ids, data) => (await messenger.broadcast({ connectionIds: ids }, data)).delivered;
}

/** Today's SDK path: the same `Messenger.broadcast` over `@aws-sdk/client-apigatewaymanagementapi`. */
export function sdk(endpoint: string): Send {
  const messenger = new Messenger({ endpoint, concurrency: CONCURRENCY, clientConfig: { credentials } });
  return async (ids, data) => (await messenger.broadcast({ connectionIds: ids }, data)).delivered;
}

/** The floor: unsigned `http.request` POSTs, same concurrency and keep-alive pool, no retries, no store. */
export function floor(endpoint: string): Send {
  const url = new URL(endpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const post = (id: string, data: Uint8Array) =>
    new Promise<boolean>((resolve) => {
      const req = request(
        {
          agent,
          hostname: url.hostname,
          port: url.port,
          method: 'POST',
          path: `${url.pathname}/@connections/${encodeURIComponent(id)}`,
          headers: { 'content-length': data.byteLength },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === 200));
        },
      );
      req.on('error', () => resolve(false));
      req.end(data);
    });
  return async (ids, data) => {
    let next = 0;
    let delivered = 0;
    const worker = async () => {
      while (next < ids.length) if (await post(ids[next++] as string, data)) delivered++;
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return delivered;
  };
}

/** CPU time (user + system) of this process and wall time spent sending. */
export async function measure(send: Send, ids: readonly string[], data: Uint8Array) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const delivered = await send(ids, data);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { delivered, wallMs, cpuUs: used.user + used.system };
}
