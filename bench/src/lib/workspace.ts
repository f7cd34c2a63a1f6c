import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BaseConnectionStore } from '@wsapp/core';

/** The repository root (bench/dist/lib → ../../..). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Loads a workspace package's built ESM entry if it exists (packages land on main at different
 * times; a benchmark whose package is missing reports "not available" instead of failing).
 */
export async function loadWorkspacePackage<T>(name: string): Promise<T | undefined> {
  // BENCH_PACKAGES_ROOT: a development override, to try a benchmark against another checkout's builds.
  const root = process.env.BENCH_PACKAGES_ROOT ?? `${repoRoot}packages/`;
  const entry = `${root}${name}/dist/index.js`;
  if (!existsSync(entry)) return undefined;
  return (await import(pathToFileURL(entry).href)) as T;
}

/** The part of `@wsapp/local` the benchmarks use. */
export interface LocalModule {
  serve(
    handler: (event: unknown) => Promise<{ statusCode: number }>,
    options?: Record<string, unknown>,
  ): Promise<{
    url: string;
    endpoint: string;
    connections: { ids(): Iterable<string>; size: number };
    stats: { total: number };
    faults: { clear(): void; inject(spec: { delayMs?: number }): unknown };
    close(): Promise<void>;
  }>;
}

export const loadLocal = () => loadWorkspacePackage<LocalModule>('local');

/** A store constructor as the store packages export them. */
export type StoreClass = new (options: Record<string, unknown>) => BaseConnectionStore;
