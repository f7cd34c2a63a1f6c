import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Absolute path of a compiled benchmark file (under `bench/dist`, next to this one). */
export function benchFile(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node [nodeArgs] file args` and collects its output. */
export function runNode(
  file: string,
  args: readonly string[] = [],
  options: { nodeArgs?: readonly string[]; timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<ChildResult> {
  const nodeArgs = options.nodeArgs ?? [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, file, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      cwd: options.cwd,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs).unref();
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The JSON object a benchmark child printed on its last line starting with `RESULT `. */
export function parseResult<T>(result: ChildResult): T {
  const line = result.stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('RESULT '));
  if (line === undefined) {
    throw new Error(
      `benchmark child printed no result (exit ${result.code}):\n${result.stderr.slice(-4000)}`,
    );
  }
  return JSON.parse(line.slice('RESULT '.length)) as T;
}

/** Prints a result for the parent ({@link parseResult}). */
export function emitResult(value: unknown): void {
  process.stdout.write(`RESULT ${JSON.stringify(value)}\n`);
}
