/**
 * The environment variables `WsappWebSocketApi` sets on the functions it deploys: one contract
 * between the construct (synth time) and the function code (run time).
 */
export const WSAPP_ENV = {
  /** `dynamodb` or `redis`: which store the function must build. */
  store: 'STORE',
  /** The DynamoDB table's name (`STORE=dynamodb`). */
  tableName: 'TABLE_NAME',
  /** A Redis URL without credentials (`STORE=redis`, given as plain text). */
  redisUrl: 'REDIS_URL',
  /** The ARN of a Secrets Manager secret holding the Redis URL (`STORE=redis`, given as a secret). */
  redisUrlSecretArn: 'REDIS_URL_SECRET_ARN',
  /** The management (`@connections`) endpoint: `https://{api}.execute-api.{region}.amazonaws.com/{stage}` or the custom domain's. */
  endpoint: 'WS_ENDPOINT',
  /** The ARN of the Secrets Manager secret holding the session key(s) (comma-separated, the first signs). */
  sessionSecretArn: 'SESSION_SECRET_ARN',
  /** The fan-out queue's URL, when fan-out is on. */
  fanOutQueueUrl: 'FANOUT_QUEUE_URL',
} as const;

/** A required variable of {@link WSAPP_ENV}; throws naming it when it is unset or empty. */
export function requiredEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.length === 0) throw new Error(`environment variable ${name} is not set`);
  return value;
}
