/** A required environment variable; throws at cold start when it is missing, not on the first request. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.length === 0) throw new Error(`environment variable ${name} is not set`);
  return value;
}
