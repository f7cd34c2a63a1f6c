import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
  ApiGatewayManagementApiClient,
  type ApiGatewayManagementApiClientConfig,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';

export const CONCURRENCY = 50;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** What users write today: the SDK client with its defaults. */
export function defaultClient(endpoint: string): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient({ endpoint, region: 'us-east-1', credentials });
}

/** The client configuration wsapp's Messenger uses (keep-alive sockets = concurrency, no SDK retries). */
export function pooledClient(endpoint: string): ApiGatewayManagementApiClient {
  const agent = { keepAlive: true, maxSockets: CONCURRENCY };
  const config: ApiGatewayManagementApiClientConfig = {
    endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
    requestHandler: {
      httpAgent: new HttpAgent(agent),
      httpsAgent: new HttpsAgent(agent),
      requestTimeout: 10_000,
    },
  };
  return new ApiGatewayManagementApiClient(config);
}

/** Baseline (a): `for (const id of ids) await client.send(new PostToConnectionCommand(…))`. */
export async function sequentialLoop(
  client: ApiGatewayManagementApiClient,
  ids: readonly string[],
  data: Uint8Array,
): Promise<number> {
  let delivered = 0;
  for (const id of ids) {
    try {
      await client.send(new PostToConnectionCommand({ ConnectionId: id, Data: data }));
      delivered++;
    } catch {
      // a real loop would log; gone connections are not expected here
    }
  }
  return delivered;
}

/** Baseline (b): raw pooled calls — `concurrency` workers over an id list, no store, no retries. */
export async function rawPooled(
  targets: ReadonlyArray<{ client: ApiGatewayManagementApiClient; ids: readonly string[] }>,
  data: Uint8Array,
): Promise<number> {
  const work: Array<[ApiGatewayManagementApiClient, string]> = [];
  for (const { client, ids } of targets) for (const id of ids) work.push([client, id]);
  let next = 0;
  let delivered = 0;
  const worker = async () => {
    while (next < work.length) {
      const [client, id] = work[next++] as [ApiGatewayManagementApiClient, string];
      try {
        await client.send(new PostToConnectionCommand({ ConnectionId: id, Data: data }));
        delivered++;
      } catch {
        // counted as not delivered
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return delivered;
}
