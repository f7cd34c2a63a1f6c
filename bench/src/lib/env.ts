/** The machine and checkout a benchmark run describes (the top line of RESULTS.md). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

/** Node, CPU, memory, date, commit, load average and open-files limit at the start of a run. */
export interface BenchEnv {
  node: string;
  cpu: string;
  cores: number;
  memory: string;
  date: string;
  commit: string;
  load: string;
  /** `soft / hard` open-files limit of this process. */
  openFiles: string;
}

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function openFilesLimit(): string {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    return (
      line
        ?.split(/\s{2,}/)
        .slice(1, 3)
        .join(' / ') ?? 'unknown'
    );
  } catch {
    return 'unknown';
  }
}

/** Reads the environment now; `benchDir` is where git is asked for the commit. */
export function benchEnv(benchDir: string): BenchEnv {
  const dirty = git(benchDir, ['status', '--porcelain', '--', '../packages', '.']) !== '';
  return {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    date: new Date().toISOString(),
    commit: `${git(benchDir, ['rev-parse', '--short', 'HEAD'])}${dirty ? ' (+ uncommitted changes)' : ''}`,
    load: loadavg()
      .map((l) => l.toFixed(1))
      .join(' '),
    openFiles: openFilesLimit(),
  };
}

/** The line at the foot of a plot. */
export const plotFooter = (env: BenchEnv) =>
  `wsapp ${env.commit} · ${env.node} · ${env.cpu} × ${env.cores} · ${env.date.slice(0, 10)}`;
