import type { IncomingMessage } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from './node-sha256.js';

/** What a verifying server learns from a request's `Authorization`. */
export interface Verified {
  /** The access key id the request names. */
  accessKeyId: string;
  /** Whether `@smithy/signature-v4` (the AWS SDK's signer), given the secret, computes the same signature. */
  verified: boolean;
  /** The instant the request is dated with (`x-amz-date`), epoch ms; NaN when missing. */
  signedAt: number;
}

/** The instant of an `x-amz-date` (`YYYYMMDD'T'HHMMSS'Z'`), epoch ms. */
export function amzDateToMs(amzDate: string): number {
  return Date.parse(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
}

/**
 * Checks a request's SigV4 signature as the service would: recomputes it with the AWS SDK's signer
 * from what arrived (method, path, the signed headers, the body, the request's own date) and the
 * secret of the access key it names (`secrets`, as IAM would look it up).
 */
export async function verifySigV4(
  req: IncomingMessage,
  body: Buffer,
  secrets: ReadonlyMap<string, string>,
): Promise<Verified> {
  const auth = String(req.headers.authorization ?? '');
  const [, accessKeyId = '', date = '', region = ''] =
    /Credential=([^/]+)\/(\d{8})\/([^/]+)\//.exec(auth) ?? [];
  const names = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const signedAt = amzDateToMs(amzDate);
  const secret = secrets.get(accessKeyId);
  if (secret === undefined || names.length === 0 || Number.isNaN(signedAt))
    return { accessKeyId, verified: false, signedAt };
  const headers: Record<string, string> = {};
  for (const name of names)
    if (name !== 'x-amz-date' && name !== 'x-amz-security-token') headers[name] = String(req.headers[name]);
  const token = req.headers['x-amz-security-token'];
  const signer = new SignatureV4({
    service: 'execute-api',
    region,
    sha256: NodeSha256,
    applyChecksum: false,
    credentials: {
      accessKeyId,
      secretAccessKey: secret,
      ...(typeof token === 'string' ? { sessionToken: token } : {}),
    },
  });
  const signed = await signer.sign(
    {
      method: req.method ?? '',
      protocol: 'http:',
      hostname: '127.0.0.1',
      path: req.url ?? '',
      query: {},
      headers,
      ...(body.length > 0 ? { body } : {}),
    },
    { signingDate: new Date(signedAt) },
  );
  return {
    accessKeyId,
    verified: date === amzDate.slice(0, 8) && signed.headers.authorization === auth,
    signedAt,
  };
}
