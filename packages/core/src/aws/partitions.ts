/**
 * AWS partitions and their DNS suffixes, copied from the AWS SDK's endpoint data (`partitions.json`
 * of `@aws-sdk/util-endpoints`, shipped in `@aws-sdk/core`): each host of a service in a region is
 * `{service}.{region}.{dnsSuffix}`. Kept here rather than imported so routing and messaging load no
 * SDK code (cold start); `packages/core/test/aws-partitions.test.ts` compares it with the SDK data
 * installed, so a partition AWS adds fails a test instead of a deployment.
 */
const PARTITIONS: ReadonlyArray<{ id: string; regionRegex: RegExp; dnsSuffix: string }> = [
  { id: 'aws', regionRegex: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/, dnsSuffix: 'amazonaws.com' },
  { id: 'aws-cn', regionRegex: /^cn-\w+-\d+$/, dnsSuffix: 'amazonaws.com.cn' },
  { id: 'aws-eusc', regionRegex: /^eusc-(de)-\w+-\d+$/, dnsSuffix: 'amazonaws.eu' },
  { id: 'aws-iso', regionRegex: /^us-iso-\w+-\d+$/, dnsSuffix: 'c2s.ic.gov' },
  { id: 'aws-iso-b', regionRegex: /^us-isob-\w+-\d+$/, dnsSuffix: 'sc2s.sgov.gov' },
  { id: 'aws-iso-e', regionRegex: /^eu-isoe-\w+-\d+$/, dnsSuffix: 'cloud.adc-e.uk' },
  { id: 'aws-iso-f', regionRegex: /^us-isof-\w+-\d+$/, dnsSuffix: 'csp.hci.ic.gov' },
  { id: 'aws-us-gov', regionRegex: /^us-gov-\w+-\d+$/, dnsSuffix: 'amazonaws.com' },
];

/** An AWS partition: its id (an ARN's second field) and the DNS suffix of its hosts. */
export interface AwsPartition {
  /** `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`, `aws-iso-e`, `aws-iso-f`, `aws-eusc`. */
  readonly id: string;
  /** `amazonaws.com`, `amazonaws.com.cn`, `c2s.ic.gov`, …: hosts are `{service}.{region}.{dnsSuffix}`. */
  readonly dnsSuffix: string;
}

/**
 * The partition a region belongs to (by the SDK data's region patterns), or `undefined` for a name
 * no partition's pattern matches. With `id` (an ARN's partition field), that partition when known.
 */
export function awsPartition(region: string, id?: string): AwsPartition | undefined {
  const found =
    (id === undefined ? undefined : PARTITIONS.find((p) => p.id === id)) ??
    PARTITIONS.find((p) => p.regionRegex.test(region));
  return found === undefined ? undefined : { id: found.id, dnsSuffix: found.dnsSuffix };
}

const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.([a-z0-9.-]+)$/;

/**
 * The region of API Gateway's own host for an API (`{apiId}.execute-api.{region}.{dnsSuffix}`,
 * the suffix being the region's partition's), or `undefined` for any other host (a custom domain).
 */
export function executeApiRegion(hostname: string): string | undefined {
  const match = EXECUTE_API_HOST.exec(hostname);
  if (match === null) return undefined;
  const [, region, suffix] = match as unknown as [string, string, string];
  return awsPartition(region)?.dnsSuffix === suffix ? region : undefined;
}
