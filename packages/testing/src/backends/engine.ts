import { existsSync } from 'node:fs';
import { request } from 'node:http';

/** Where the Docker-compatible engine listens: `DOCKER_HOST` (unix or tcp) or the default socket. */
function engineTarget(): { socketPath: string } | { host: string; port: number } | undefined {
  const dockerHost = process.env.DOCKER_HOST;
  if (dockerHost?.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  if (dockerHost?.startsWith('tcp://')) {
    const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
    return { host: url.hostname, port: Number(url.port || 2375) };
  }
  const candidates = ['/var/run/docker.sock'];
  if (process.env.XDG_RUNTIME_DIR) candidates.push(`${process.env.XDG_RUNTIME_DIR}/docker.sock`);
  for (const socketPath of candidates) {
    if (existsSync(socketPath)) return { socketPath };
  }
  return undefined;
}

/**
 * True when a container engine answers `GET /_ping` within `timeoutMs`. Cheap: no client library
 * is loaded, so machines without an engine never load testcontainers.
 */
export function containerEngineAnswers(timeoutMs = 1_500): Promise<boolean> {
  const target = engineTarget();
  if (!target) return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = request({ ...target, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
