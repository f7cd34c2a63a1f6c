/** The stores' default record lifetime: 2 h (API Gateway's maximum) + 10 min grace, in seconds. */
export const DEFAULT_TTL = 2 * 60 * 60 + 10 * 60;
