import type { RedisNodeAddress } from '../backends/types.js';

/**
 * Values the integration global setup hands to tests through `provide`/`inject`:
 * `inject('wsappRedisUrl')`, `inject('wsappRedisClusterNodes')`, `inject('wsappDynamoDB')`, `inject('wsappSqs')`.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /** `redis://host:port` of a standalone Redis. */
    wsappRedisUrl: string;
    /** The masters of a 3-master Redis Cluster, for `new Cluster(nodes)`. */
    wsappRedisClusterNodes: RedisNodeAddress[];
    /** DynamoDB Local: endpoint plus the region and dummy credentials to configure clients with. */
    wsappDynamoDB: {
      endpoint: string;
      region: string;
      credentials: { accessKeyId: string; secretAccessKey: string };
    };
    /** The SQS/SNS emulator (fauxqs): endpoint, region and dummy credentials for the SDK clients. */
    wsappSqs: {
      endpoint: string;
      region: string;
      credentials: { accessKeyId: string; secretAccessKey: string };
    };
  }
}
