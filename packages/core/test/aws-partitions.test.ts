import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsPartition, encodeFanOutTask, fanOutWorker, Messenger, type SqsRecord } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { connectEvent } from '@wsapp/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { executeApiRegion } from '../src/aws/partitions.js';
import { queueUrlFromArn } from '../src/fanout/sqs-event.js';
import { endpointFromEvent, isCustomDomain } from '../src/messaging/endpoint-from-event.js';
import { EncodedPayload } from '../src/messaging/transport/encoded-payload.js';
import { LeanTransport } from '../src/messaging/transport/lean-transport.js';
import { silentLogger } from './helpers.js';

// Expected values come from the AWS SDK's own data, not from wsapp's table: the partitions file
// `@aws-sdk/core` ships (`partitions.json` of `@aws-sdk/util-endpoints`) and the SQS client's
// endpoint resolver.

interface SdkPartition {
  id: string;
  outputs: { dnsSuffix: string };
  regionRegex: string;
  regions: Record<string, unknown>;
}

let sdkPartitions: SdkPartition[] = [];

beforeAll(async () => {
  // `@aws-sdk/core` is a dependency of the SQS client, not of this package: resolve it from there.
  const fromSqs = createRequire(createRequire(import.meta.url).resolve('@aws-sdk/client-sqs'));
  const root = dirname(fromSqs.resolve('@aws-sdk/core/package.json'));
  const file = join(root, 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js');
  const data = (await import(pathToFileURL(file).href)) as { partitionsInfo: { partitions: SdkPartition[] } };
  sdkPartitions = data.partitionsInfo.partitions;
});

/** Every real region the SDK lists per partition (its `*-global` pseudo-regions are not ARN regions). */
function sdkRegions(): Array<{ partition: SdkPartition; region: string }> {
  return sdkPartitions.flatMap((partition) =>
    Object.keys(partition.regions)
      .filter((region) => !region.endsWith('-global'))
      .map((region) => ({ partition, region })),
  );
}

function sqsHost(region: string): string {
  const client = new SQSClient({ region });
  const endpoint = client.config.endpointProvider({ Region: region, UseFIPS: false, UseDualStack: false });
  client.destroy();
  return endpoint.url.hostname;
}

describe('AWS partitions', () => {
  it('knows every partition of the SDK data, and each listed region maps to its partition and DNS suffix', () => {
    expect(sdkPartitions.length).toBeGreaterThanOrEqual(8);
    const pairs = sdkRegions();
    expect(pairs.length).toBeGreaterThan(40);
    for (const { partition, region } of pairs) {
      expect(awsPartition(region), region).toEqual({
        id: partition.id,
        dnsSuffix: partition.outputs.dnsSuffix,
      });
    }
    // A partition known only by its ARN id (its region unknown to the patterns) still resolves.
    for (const partition of sdkPartitions) {
      expect(awsPartition('xx-unknown-9', partition.id)?.dnsSuffix).toBe(partition.outputs.dnsSuffix);
    }
    expect(sdkPartitions.find((p) => p.id === 'aws-cn')?.outputs.dnsSuffix).toBe('amazonaws.com.cn');
  });

  it('derives an SQS queue URL from an ARN on the host the SDK uses for that region, in every partition', () => {
    for (const { partition, region } of sdkRegions()) {
      const url = queueUrlFromArn(`arn:${partition.id}:sqs:${region}:123456789012:fan-out`);
      expect(url, region).toBe(`https://${sqsHost(region)}/123456789012/fan-out`);
    }
    expect(queueUrlFromArn('arn:aws:sns:us-east-1:1:t')).toBeUndefined();
    expect(queueUrlFromArn('arn:aws:sqs:us-east-1:1')).toBeUndefined();
    expect(queueUrlFromArn('arn:nope:sqs:zz-top-1:1:q')).toBeUndefined();
  });

  it("recognises API Gateway's own host in every partition (endpoint from the event, signing region)", async () => {
    const transport = new LeanTransport({
      maxSockets: 1,
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
    });
    for (const { partition, region } of sdkRegions()) {
      const host = `abc123.execute-api.${region}.${partition.outputs.dnsSuffix}`;
      expect(executeApiRegion(host), host).toBe(region);
      const event = connectEvent({ domainName: host, stage: 'prod' });
      expect(endpointFromEvent(event)).toBe(`https://${host}/prod`);
      expect(isCustomDomain(event)).toBe(false);
      const { headers } = await transport.signedRequest(
        'POST',
        `https://${host}/prod`,
        'c=',
        new EncodedPayload(Buffer.from('x')),
      );
      expect(headers.authorization).toContain(`/${region}/execute-api/aws4_request`);
    }
    // Another partition's suffix on a region is a custom domain, not API Gateway's host.
    for (const host of [
      'abc123.execute-api.cn-north-1.amazonaws.com',
      'abc123.execute-api.us-east-1.amazonaws.com.cn',
      'abc123.execute-api.us-iso-east-1.amazonaws.com',
    ]) {
      expect(executeApiRegion(host), host).toBeUndefined();
      expect(isCustomDomain(connectEvent({ domainName: host }))).toBe(true);
    }
  });

  it('the fan-out worker re-enqueues the remainder to the queue of its own partition', async () => {
    for (const [partition, region] of [
      ['aws', 'eu-west-1'],
      ['aws-cn', 'cn-north-1'],
      ['aws-us-gov', 'us-gov-west-1'],
      ['aws-iso', 'us-iso-east-1'],
      ['aws-iso-b', 'us-isob-east-1'],
      ['aws-iso-e', 'eu-isoe-west-1'],
      ['aws-iso-f', 'us-isof-south-1'],
      ['aws-eusc', 'eusc-de-east-1'],
    ] as const) {
      // A real SDK client; the request it would send is read where it leaves (the finalize step)
      // and stopped there, since no AWS host is reachable from the test machine.
      const sqs = new SQSClient({ region, credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } });
      const sent: string[] = [];
      sqs.middlewareStack.add(
        () => async (args) => {
          const request = args.request as { hostname?: string; body?: string };
          const { QueueUrl } = JSON.parse(request.body ?? '{}') as { QueueUrl?: string };
          sent.push(`${request.hostname} ${QueueUrl}`);
          throw new Error('stopped before the network');
        },
        { step: 'finalizeRequest', priority: 'low' },
      );
      const logger = silentLogger();
      const worker = fanOutWorker({
        messenger: new Messenger({ store: new MemoryConnectionStore(), endpoint: 'http://127.0.0.1:9/prod' }),
        sqs,
        logger,
      });
      const record: SqsRecord = {
        messageId: 'm1',
        body: encodeFanOutTask({
          v: 1,
          b: 'b1',
          k: '0.0',
          ch: 'room',
          p: Buffer.from('hi').toString('base64'),
        }),
        eventSourceARN: `arn:${partition}:sqs:${region}:123456789012:fan-out`,
      };
      // 1 s left: less than one page's budget, so the worker re-enqueues the whole slice at once.
      const out = await worker({ Records: [record] }, { getRemainingTimeInMillis: () => 1000 } as never);
      expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
      const host = sqsHost(region);
      expect(sent, partition).toEqual([`${host} https://${host}/123456789012/fan-out`]);
      sqs.destroy();
    }
  });
});
