import { execFileSync } from 'node:child_process';
import { onExitCleanup } from './processes.js';

/** The subset of a testcontainers `StartedTestContainer` used here. */
export interface StartedContainer {
  getHost(): string;
  getMappedPort(port: number): number;
  getId(): string;
  stop(): Promise<unknown>;
}

/** How to run one container. */
export interface ContainerSpec {
  image: string;
  command: string[];
  exposedPort?: number;
  environment?: Record<string, string>;
  /** Share the host's network namespace (the container listens on host loopback ports). */
  hostNetwork?: boolean;
  /** Log line that tells the server is ready (instead of the default listening-port wait). */
  readyLog?: RegExp;
}

/** Loads testcontainers on first use, with Ryuk disabled (its image cannot be pulled here). */
async function loadTestcontainers(): Promise<typeof import('testcontainers')> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';
  try {
    return await import('testcontainers');
  } catch (error) {
    throw new Error(
      `the container way needs the optional peer dependency testcontainers@12.0.1 (${(error as Error).message})`,
    );
  }
}

/**
 * Starts a container with testcontainers (loaded lazily) and returns it with an idempotent `stop`
 * that also runs, as `docker rm -f`, if the process exits first.
 */
export async function runContainer(
  spec: ContainerSpec,
): Promise<{ container: StartedContainer; stop(): Promise<void> }> {
  const { GenericContainer, Wait } = await loadTestcontainers();
  let builder = new GenericContainer(spec.image).withCommand(spec.command);
  if (spec.exposedPort !== undefined) builder = builder.withExposedPorts(spec.exposedPort);
  if (spec.environment) builder = builder.withEnvironment(spec.environment);
  if (spec.hostNetwork) builder = builder.withNetworkMode('host');
  if (spec.readyLog) builder = builder.withWaitStrategy(Wait.forLogMessage(spec.readyLog));
  const container = await builder.withStartupTimeout(60_000).start();
  const forget = onExitCleanup(() => {
    execFileSync('docker', ['rm', '-f', container.getId()], { stdio: 'ignore' });
  });
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await container.stop();
      forget();
    })());
  return { container, stop };
}
