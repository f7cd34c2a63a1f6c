import {
  ApiGatewayManagementApiClient,
  type ApiGatewayManagementApiClientConfig,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { expectTypeOf, test } from 'vitest';
import type { SdkClient, SdkClientConfig } from '../src/aws/sdk-client.js';

test('the SDK clients and configs fit the structural types', () => {
  expectTypeOf(new SQSClient({})).toExtend<SdkClient>();
  expectTypeOf(new ApiGatewayManagementApiClient({})).toExtend<SdkClient>();
  expectTypeOf<SQSClientConfig>().toExtend<SdkClientConfig>();
  expectTypeOf<ApiGatewayManagementApiClientConfig>().toExtend<SdkClientConfig>();
});
