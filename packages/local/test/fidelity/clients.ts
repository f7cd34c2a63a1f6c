import {
  GetConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { AwsClient } from 'aws4fetch';
import { managementClient } from '../helpers.js';

/** What a management call answered, whichever client made it. */
export interface ManagementAnswer {
  status: number;
  errorType?: string;
}

/** The same `@connections` calls through two unrelated clients: the AWS SDK v3 and aws4fetch. */
export interface ManagementClients {
  post(connectionId: string, data: string): Promise<ManagementAnswer[]>;
  get(connectionId: string): Promise<ManagementAnswer[]>;
}

export function managementClients(endpoint: string): ManagementClients {
  const sdk = managementClient(endpoint);
  const signer = new AwsClient({
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'secret',
    service: 'execute-api',
    region: 'us-east-1',
    retries: 0,
  });
  const url = (id: string) => `${endpoint}/@connections/${encodeURIComponent(id)}`;
  const viaSdk = async (run: () => Promise<unknown>): Promise<ManagementAnswer> => {
    try {
      await run();
      return { status: 200 };
    } catch (error) {
      const e = error as { $metadata?: { httpStatusCode?: number }; name?: string };
      return {
        status: e.$metadata?.httpStatusCode ?? 0,
        errorType: error instanceof GoneException ? 'GoneException' : e.name,
      };
    }
  };
  const viaFetch = async (id: string, init: RequestInit): Promise<ManagementAnswer> => {
    const res = await signer.fetch(url(id), init);
    await res.arrayBuffer();
    const type = res.headers.get('x-amzn-errortype') ?? undefined;
    return type === undefined
      ? { status: res.status }
      : { status: res.status, errorType: type.split(':')[0] };
  };
  return {
    // One after the other, so a test reads frames in a known order.
    post: async (id, data) => [
      await viaSdk(() => sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: data }))),
      await viaFetch(id, { method: 'POST', body: data }),
    ],
    get: async (id) => [
      await viaSdk(() => sdk.send(new GetConnectionCommand({ ConnectionId: id }))),
      await viaFetch(id, { method: 'GET' }),
    ],
  };
}

/** Both clients answered 410 GoneException. */
export const BOTH_GONE: ManagementAnswer[] = [
  { status: 410, errorType: 'GoneException' },
  { status: 410, errorType: 'GoneException' },
];
/** Both clients answered 200. */
export const BOTH_OK: ManagementAnswer[] = [{ status: 200 }, { status: 200 }];
