import { randomUUID } from 'node:crypto';
import type { LocalLambdaContext } from './handler-types.js';

/** Builds the context of one invocation; its clock runs out `timeoutMs` after it is created. */
export function createLambdaContext(functionName: string, timeoutMs: number): LocalLambdaContext {
  const deadline = Date.now() + timeoutMs;
  return {
    awsRequestId: randomUUID(),
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '128',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}
