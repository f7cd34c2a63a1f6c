import { createAuthorizer } from '../authorizer.js';
import { requireEnv } from './env.js';

/** Lambda entry point of the `$connect` REQUEST authorizer. */
export const handler = createAuthorizer(requireEnv('TOKEN_SECRET'));
