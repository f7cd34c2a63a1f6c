/** How a backend was obtained: an endpoint from the environment, a container, or a child process. */
export type BackendKind = 'env' | 'container' | 'process';

/** A way that can be forced with the `backend` option or the `WSAPP_BACKEND` environment variable. */
export type BackendWay = 'container' | 'process';

/** Options shared by every `start*` function. */
export interface StartOptions {
  /**
   * Forces the way the backend is started, ignoring endpoint environment variables
   * (`REDIS_URL`, `REDIS_CLUSTER_NODES`, `DYNAMODB_ENDPOINT`) and `WSAPP_BACKEND`.
   */
  backend?: BackendWay;
}

/** A running backend: how it was obtained and how to release it. */
export interface BackendHandle {
  /** How the backend was obtained. */
  kind: BackendKind;
  /** Process id of the backend when `kind` is `process` (one per node for a cluster: see `pids`). */
  pid?: number;
  /**
   * Stops what this handle started (kills the process by PID, or stops and removes the container)
   * and removes its temporary files. A backend from the environment is left running. Idempotent.
   */
  stop(): Promise<void>;
}

/** A standalone Redis server. */
export interface RedisBackend extends BackendHandle {
  /** `redis://host:port`, usable by ioredis and node-redis. */
  url: string;
  /** Host to connect to. */
  host: string;
  /** Port to connect to. */
  port: number;
}

/** One node address, in the shape ioredis' `Cluster` takes. */
export interface RedisNodeAddress {
  /** Host the node announces (127.0.0.1 for the process and container ways). */
  host: string;
  /** Client port of the node. */
  port: number;
}

/** A Redis Cluster whose slots are all assigned (`cluster_state:ok`). */
export interface RedisClusterBackend extends BackendHandle {
  /** Every master, as `new Cluster(nodes)` takes them. */
  nodes: RedisNodeAddress[];
  /** `redis://host:port` of the first node. */
  url: string;
  /** Process ids of the nodes when `kind` is `process`. */
  pids?: number[];
}

/** A DynamoDB Local server, started with `-inMemory -sharedDb` (one database for every client). */
export interface DynamoDBBackend extends BackendHandle {
  /** `http://host:port`, for the AWS SDK's `endpoint` option. */
  endpoint: string;
  /** A region to configure clients with (any region works with DynamoDB Local). */
  region: string;
  /** Dummy credentials to configure clients with (DynamoDB Local does not check them). */
  credentials: {
    /** Letters and digits only, as DynamoDB Local 2+ requires. */
    accessKeyId: string;
    /** Any value. */
    secretAccessKey: string;
  };
}

/** An SQS/SNS emulator (fauxqs) or an endpoint from `SQS_ENDPOINT`. */
export interface SqsBackend extends BackendHandle {
  /** `http://host:port`, for the SQS and SNS clients' `endpoint` option. */
  endpoint: string;
  /** A region to configure clients with. */
  region: string;
  /** Dummy credentials to configure clients with. */
  credentials: {
    /** Any value. */
    accessKeyId: string;
    /** Any value. */
    secretAccessKey: string;
  };
}
