import type { ConnectionStore } from '@wsapp/core';

/**
 * The connection store of both functions (the WebSocket function tracks connections, the worker
 * removes gone ones), from the environment: `STORE=memory` (default; one process only),
 * `STORE=redis` with `REDIS_URL` (or `REDIS_URL_SECRET_ARN`), or `STORE=dynamodb` with `TABLE_NAME` (and `DYNAMODB_ENDPOINT`
 * for DynamoDB Local). The same variables as the chat example.
 * Every example has this file with the same code but the default key prefix, so each example
 * stays copyable on its own: change all three together.
 */
export async function createStore(env: NodeJS.ProcessEnv = process.env): Promise<ConnectionStore> {
  const kind = env.STORE ?? 'memory';
  if (kind === 'memory') {
    const { MemoryConnectionStore } = await import('@wsapp/store-memory');
    return new MemoryConnectionStore();
  }
  if (kind === 'redis') {
    const { RedisConnectionStore } = await import('@wsapp/store-redis');
    return new RedisConnectionStore({
      url: await redisUrl(env),
      keyPrefix: env.KEY_PREFIX ?? 'long-task:',
    });
  }
  if (kind === 'dynamodb') {
    const { DynamoDBConnectionStore, createTable } = await import('@wsapp/store-dynamodb');
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const endpoint = env.DYNAMODB_ENDPOINT;
    const client = new DynamoDBClient({
      region: env.AWS_REGION ?? 'us-east-1',
      ...(endpoint === undefined
        ? {}
        : { endpoint, credentials: { accessKeyId: 'wsapplocal', secretAccessKey: 'wsapplocal' } }),
    });
    const tableName = required(env, 'TABLE_NAME');
    // DynamoDB Local starts empty: create the table there; in AWS it comes from the SAM template.
    if (endpoint !== undefined) await createTable(client, { tableName }).catch(ignoreExisting);
    return new DynamoDBConnectionStore({ tableName, client });
  }
  throw new Error(`STORE=${kind} is not supported; use memory, redis or dynamodb`);
}

/**
 * `REDIS_URL` as given (local runs, a URL without credentials), or the text of the Secrets Manager
 * secret `REDIS_URL_SECRET_ARN` names (deployed: a URL with a password never sits in the
 * environment or the template). Read once per container, when the store is built.
 */
async function redisUrl(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.REDIS_URL) return env.REDIS_URL;
  if (!env.REDIS_URL_SECRET_ARN)
    throw new Error('REDIS_URL or REDIS_URL_SECRET_ARN must be set for STORE=redis');
  const { secretReader } = await import('@wsapp/core/secrets');
  return secretReader({ secretId: env.REDIS_URL_SECRET_ARN })();
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} must be set for STORE=${env.STORE}`);
  return value;
}

function ignoreExisting(error: unknown): void {
  if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
}
