import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Child processes and temp dirs still owned by this process, cleaned up on exit or signal. */
const pids = new Set<number>();
const tempDirs = new Set<string>();
/** Synchronous cleanups registered by other ways (e.g. `docker rm -f` for containers). */
const exitCleanups = new Set<() => void>();
let handlersInstalled = false;

function cleanupSync(): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  pids.clear();
  for (const cleanup of exitCleanups) {
    try {
      cleanup();
    } catch {
      // best effort on the way out
    }
  }
  exitCleanups.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function onSignal(signal: NodeJS.Signals): void {
  cleanupSync();
  for (const other of signals) process.removeListener(other, onSignal);
  // Nobody else handles it: re-raise so the default action (terminate) still happens.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once('exit', cleanupSync);
  for (const signal of signals) process.once(signal, onSignal);
}

/** Registers a synchronous cleanup run if the process exits before the backend is stopped. */
export function onExitCleanup(cleanup: () => void): () => void {
  installHandlers();
  exitCleanups.add(cleanup);
  return () => exitCleanups.delete(cleanup);
}

/** A temp dir removed by {@link removeTempDir} or, at the latest, when the process exits. */
export function makeTempDir(prefix: string): string {
  installHandlers();
  const dir = mkdtempSync(join(tmpdir(), `wsapp-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

/** Removes a temp dir made by {@link makeTempDir}. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** A spawned child whose PID is killed when this process exits, unless stopped before. */
export interface TrackedProcess {
  child: ChildProcess;
  pid: number;
  /** Resolves when the process has exited (and been reaped). */
  exited: Promise<void>;
}

/** Spawns `command` and tracks its PID for cleanup. Rejects if it cannot be started. */
export async function spawnTracked(
  command: string,
  args: string[],
  options: SpawnOptions = {},
): Promise<TrackedProcess> {
  installHandlers();
  const child = spawn(command, args, { stdio: 'ignore', ...options });
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`cannot start ${command}: ${error.message}`)));
    child.once('spawn', () => resolve(child.pid!));
  });
  pids.add(pid);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  void exited.then(() => pids.delete(pid));
  return { child, pid, exited };
}

/** Kills a tracked process by PID: SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
export async function killTracked(proc: TrackedProcess, graceMs = 3_000): Promise<void> {
  const { pid, exited } = proc;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  pids.delete(pid);
}
