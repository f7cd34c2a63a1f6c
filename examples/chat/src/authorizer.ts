import type { Authorizer } from '@wsapp/local';

/** Emulates a Lambda token authorizer locally: `?name=ada` becomes principalId `ada`. */
export const nameAuthorizer: Authorizer = (request) => {
  const name = request.queryStringParameters?.name;
  return name !== undefined && /^[\w-]{1,32}$/.test(name) ? { principalId: name } : undefined;
};
