import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback server answering Secrets Manager's `GetSecretValue` (see {@link startSecretsManager}). */
export interface SecretsManagerServer {
  /** `http://127.0.0.1:{port}`: set it as `AWS_ENDPOINT_URL_SECRETS_MANAGER` (or the client's `endpoint`). */
  readonly endpoint: string;
  /** Stores a new current version of a secret (what `PutSecretValue` does); returns its ARN. */
  put(name: string, value: string): string;
  /** The ARN of a stored secret. */
  arn(name: string): string;
  /** `GetSecretValue` calls answered so far, by secret id, for asserting caching. */
  readonly reads: ReadonlyMap<string, number>;
  /** Stops listening. */
  close(): Promise<void>;
}

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
/** SigV4 as the SDK signs: `AWS4-HMAC-SHA256 Credential={key}/{date}/{region}/secretsmanager/aws4_request, …`. */
const SIGV4 = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/secretsmanager\/aws4_request, /;

/**
 * Starts a Secrets Manager stand-in on 127.0.0.1 that speaks the service's JSON protocol for
 * `GetSecretValue` (`POST /`, `X-Amz-Target: secretsmanager.GetSecretValue`, `application/x-amz-json-1.1`;
 * answers `{ ARN, Name, VersionId, SecretString, VersionStages, CreatedDate }`, or
 * `ResourceNotFoundException` with status 400), so code using `@aws-sdk/client-secrets-manager`
 * runs unchanged with `AWS_ENDPOINT_URL_SECRETS_MANAGER` pointing here. Requests must be SigV4-signed
 * for `secretsmanager` (else `UnrecognizedClientException`, 400). Secrets are found by name or ARN.
 * No AWS is reachable from tests; this is the part of the service deployed wsapp code uses.
 */
export async function startSecretsManager(): Promise<SecretsManagerServer> {
  const secrets = new Map<string, { arn: string; value: string; versionId: string; created: number }>();
  const reads = new Map<string, number>();
  const arnOf = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
  const find = (id: string) => secrets.get(id) ?? [...secrets.values()].find((s) => s.arn === id);

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => answer(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  const answer = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const reply = (status: number, payload: object) => {
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': randomUUID(),
      });
      res.end(JSON.stringify(payload));
    };
    if (!SIGV4.test(String(req.headers.authorization ?? ''))) {
      return reply(400, {
        __type: 'UnrecognizedClientException',
        message: 'The security token is missing or invalid.',
      });
    }
    if (req.method !== 'POST' || req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
      return reply(400, {
        __type: 'InvalidRequestException',
        message: `unsupported: ${String(req.headers['x-amz-target'])}`,
      });
    }
    let input: { SecretId?: unknown };
    try {
      input = JSON.parse(body) as { SecretId?: unknown };
    } catch {
      return reply(400, { __type: 'SerializationException', message: 'invalid JSON' });
    }
    const id = String(input.SecretId ?? '');
    const secret = find(id);
    if (secret === undefined) {
      return reply(400, {
        __type: 'ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret.",
      });
    }
    reads.set(id, (reads.get(id) ?? 0) + 1);
    return reply(200, {
      ARN: secret.arn,
      Name: [...secrets.entries()].find(([, s]) => s === secret)?.[0],
      VersionId: secret.versionId,
      SecretString: secret.value,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: secret.created / 1000,
    });
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    put(name, value) {
      secrets.set(name, { arn: arnOf(name), value, versionId: randomUUID(), created: Date.now() });
      return arnOf(name);
    },
    arn: arnOf,
    reads,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
