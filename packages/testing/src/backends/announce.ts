const announced = new Set<string>();

/**
 * Prints once per backend name which way it was started, e.g.
 * `[wsapp/testing] redis: process redis-server 7.0.15 on 127.0.0.1:41235`.
 */
export function announce(backend: string, message: string): void {
  if (announced.has(backend)) return;
  announced.add(backend);
  console.info(`[wsapp/testing] ${backend}: ${message}`);
}
