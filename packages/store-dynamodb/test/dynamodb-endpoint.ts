import { inject } from 'vitest';

// The one place integration tests get DynamoDB from: the run's shared DynamoDB Local, started
// by the integration harness's global setup (see @wsapp/testing: env, containers or a process).

/** The endpoint URL of the shared DynamoDB Local. */
export async function dynamoEndpoint(): Promise<string> {
  return inject('wsappDynamoDB').endpoint;
}

/** Credentials and region the shared DynamoDB Local accepts. */
export const localClientConfig = {
  region: inject('wsappDynamoDB').region,
  credentials: inject('wsappDynamoDB').credentials,
};
