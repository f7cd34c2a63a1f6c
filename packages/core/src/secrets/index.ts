/**
 * A cached Secrets Manager reader for Lambda code (`@wsapp/core/secrets`): secrets (session keys,
 * Redis URLs with credentials, signing keys) are read at run time from the secret an environment
 * variable names, never put in the environment or the template themselves. Works the same under
 * the CDK construct (`@wsapp/cdk`) and the SAM templates. Needs `@aws-sdk/client-secrets-manager`
 * (an optional peer; the Lambda Node.js runtime provides it).
 *
 * @packageDocumentation
 * @module @wsapp/core/secrets
 */
export { type SecretReader, type SecretReaderOptions, secretReader } from './secret-reader.js';
