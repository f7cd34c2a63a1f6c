import { containerEngineAnswers } from './engine.js';
import type { BackendWay } from './types.js';

/** `WSAPP_BACKEND` when it names a way (`process` or `container`). */
export function forcedWay(): BackendWay | undefined {
  const value = process.env.WSAPP_BACKEND?.trim().toLowerCase();
  if (value === 'process' || value === 'container') return value;
  if (value) throw new Error(`WSAPP_BACKEND must be "process" or "container", got "${value}"`);
  return undefined;
}

let detected: Promise<BackendWay> | undefined;

/**
 * The way to start a backend: the forced one, else `container` when a container engine answers,
 * else `process`. Engine detection runs once per process.
 */
export function chooseWay(forced?: BackendWay): Promise<{ way: BackendWay; forced: boolean }> {
  const way = forced ?? forcedWay();
  if (way) return Promise.resolve({ way, forced: true });
  detected ??= containerEngineAnswers().then((answers) => (answers ? 'container' : 'process'));
  return detected.then((found) => ({ way: found, forced: false }));
}

/**
 * Starts a backend the chosen way. When the container way was picked only because an engine
 * answers (not forced) and the container cannot start — typically an image that cannot be pulled —
 * says why and falls back to the process way.
 */
export async function startChosen<T>(
  name: string,
  forced: BackendWay | undefined,
  inContainer: () => Promise<T>,
  asProcess: () => Promise<T>,
): Promise<T> {
  const choice = await chooseWay(forced);
  if (choice.way === 'process') return asProcess();
  if (choice.forced) return inContainer();
  try {
    return await inContainer();
  } catch (error) {
    console.warn(
      `[wsapp/testing] ${name}: container failed (${(error as Error).message.split('\n')[0]}); ` +
        'falling back to a child process (set WSAPP_BACKEND to choose)',
    );
    return asProcess();
  }
}
