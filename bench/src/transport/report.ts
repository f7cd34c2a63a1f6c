/**
 * The "Management transport" section of RESULTS.md, rendered from `transport/run.js`'s result.
 * Used by section.ts; `pnpm bench transport` reruns this section alone.
 */
import { check } from '../lib/section.js';
import { fmt, fmtInt } from '../lib/stats.js';

interface Row {
  name: 'lean' | 'sdk' | 'floor';
  cpuUsPerMessage: number;
  cpuSpreadPercent: number;
  perSecondAtOneCore: number;
  wallMs: number;
  wallPerSecond: number;
  delivered: number;
  expected: number;
}

/** What `transport/run.js` prints. */
export interface TransportResult {
  startedAt?: string;
  loadAtStart?: string;
  commit?: string;
  messages: number;
  rounds: number;
  sockets: number;
  socketRounds: number;
  payloadBytes: number;
  minimal: Row[];
  scenarios: Array<{ latencyMs: number; rows: Row[] }>;
  clientsMissing: number;
  skipped?: string;
}

/** Today's wsapp figure for one broadcast to 10,000 sockets on bare loopback (RESULTS.md §3, commit 4ea58c4). */
export const PREVIOUS_LOOPBACK_10K_MS = 7772;

const label: Record<Row['name'], string> = {
  lean: '**wsapp signed transport** (default)',
  sdk: 'AWS SDK transport (`clientConfig`/`client`; before: the only one)',
  floor: 'floor: unsigned `http.request`, same pool',
};

function table(rows: Row[], withWall: boolean): string[] {
  const floor = rows.find((r) => r.name === 'floor');
  const out = [
    `| contender | CPU µs/message (median) | spread ± | messages/s at one core | × floor CPU | ${withWall ? 'time (ms) | messages/s (wall) | delivered |' : 'delivered |'}`,
    `|---|---:|---:|---:|---:|${withWall ? '---:|---:|---:|' : '---:|'}`,
  ];
  for (const r of rows) {
    out.push(
      `| ${label[r.name]} | ${fmt(r.cpuUsPerMessage, 0)} | ${fmt(r.cpuSpreadPercent, 0)} % | ${fmtInt(r.perSecondAtOneCore)} | ${fmt(r.cpuUsPerMessage / (floor?.cpuUsPerMessage ?? Number.NaN))}x | ${withWall ? `${fmtInt(r.wallMs)} | ${fmtInt(r.wallPerSecond)} | ` : ''}${fmtInt(r.delivered)}/${fmtInt(r.expected)} |`,
    );
  }
  return out;
}

function targets(rows: Row[]): { lines: string[]; vsFloor: number; vsSdk: number } {
  const by = (n: Row['name']) => rows.find((r) => r.name === n)?.cpuUsPerMessage ?? Number.NaN;
  const vsFloor = by('lean') / by('floor');
  const vsSdk = by('sdk') / by('lean');
  return {
    vsFloor,
    vsSdk,
    lines: [
      `- Target signed ≤ 1.3x the floor's CPU per message: **${fmt(vsFloor)}x** — ${check(vsFloor <= 1.3)}.`,
      `- Target ≥ 4x less CPU per message than the SDK transport: **${fmt(vsSdk)}x less** — ${check(vsSdk >= 4)}.`,
    ],
  };
}

/** The section's markdown lines and its headline. */
export function transportSection(
  result: { ok: true; value: TransportResult } | { ok: false; reason: string },
): {
  lines: string[];
  headline: string | undefined;
} {
  const lines: string[] = [];
  lines.push(
    'What one `@connections` call costs the **sending** process (Lambda bills it; at one vCPU it caps messages per second). ' +
      "Contenders: wsapp's default transport (SigV4 signed by hand with `node:crypto`, signing key cached per day, payload " +
      "hashed once per broadcast, keep-alive `http.Agent`), the AWS SDK v3 management client (today's path, kept for `client`/`clientConfig`), " +
      'both driven by the same `Messenger.broadcast({ connectionIds })` at concurrency 50, and an unsigned raw `http.request` pool of 50 ' +
      '(the floor: no signing, no retries, no messenger). CPU = user + system time of the sending process only (`process.cpuUsage`) ÷ ' +
      'messages delivered; "messages/s at one core" = 1 s ÷ that. Rounds interleaved, order rotated, medians; a warm-up per contender first.',
    '',
  );
  if (!result.ok) return { lines: [...lines, `skipped: ${result.reason}`, ''], headline: undefined };
  const r = result.value;
  if (r.startedAt !== undefined) {
    lines.push(
      `Measured ${r.startedAt} at commit ${r.commit ?? 'unknown'}, load average at start ${r.loadAtStart ?? 'unknown'} (2 shared cores: compare ratios within this section, not absolute times with other sections).`,
      '',
    );
  }
  lines.push(
    `### One minimal HTTP server in another process (${fmtInt(r.messages)} messages of ${r.payloadBytes} bytes per round, ${r.rounds} rounds)`,
    '',
  );
  lines.push(...table(r.minimal, false), '');
  const minimal = targets(r.minimal);
  lines.push(...minimal.lines, '');
  let headline = `management transport: **${fmt(minimal.vsSdk)}x less CPU per message** than the AWS SDK, ${fmt(minimal.vsFloor)}x an unsigned \`http.request\``;
  if (r.skipped) lines.push(`Emulator scenarios skipped: ${r.skipped}`, '');
  for (const s of r.scenarios) {
    lines.push(
      `### Through \`@wsapp/local\` to ${fmtInt(r.sockets)} real WebSocket connections, ${s.latencyMs === 0 ? 'bare loopback' : `${s.latencyMs} ms per management call`} (${r.socketRounds} rounds)`,
      '',
      "The emulator (another process) delivers every message to a `ws` client (a third process); the clients' counts are checked after every round. " +
        "CPU is the sender's only; the emulator's own CPU competes for the same 2 cores, so wall times here include its work.",
      '',
    );
    lines.push(...table(s.rows, true), '');
    lines.push(...targets(s.rows).lines);
    if (s.latencyMs === 0) {
      const lean = s.rows.find((x) => x.name === 'lean');
      if (lean && r.sockets === 10_000) {
        const speedup = PREVIOUS_LOOPBACK_10K_MS / lean.wallMs;
        lines.push(
          `- Target broadcast to 10,000 sockets on bare loopback ≥ 2x faster than before (${fmtInt(PREVIOUS_LOOPBACK_10K_MS)} ms, §3 of the previous RESULTS.md, SDK path): **${fmtInt(lean.wallMs)} ms, ${fmt(speedup)}x** — ${check(speedup >= 2)}.`,
        );
        const sdkRow = s.rows.find((x) => x.name === 'sdk');
        if (sdkRow) {
          lines.push(
            `- Same run, same machine load: the SDK path (what produced the ${fmtInt(PREVIOUS_LOOPBACK_10K_MS)} ms) took ${fmtInt(sdkRow.wallMs)} ms: the signed transport is **${fmt(sdkRow.wallMs / lean.wallMs)}x faster** here.`,
          );
        }
        headline += `; 10,000-socket loopback broadcast ${fmtInt(lean.wallMs)} ms (${fmt(speedup)}x faster than the SDK path's ${fmtInt(PREVIOUS_LOOPBACK_10K_MS)} ms)`;
      }
    }
    lines.push('');
  }
  lines.push(`Messages missing at the clients over all rounds: ${r.clientsMissing}.`, '');
  return { lines, headline };
}
