/**
 * The "Dispatch overhead per event" section of RESULTS.md: in-process dispatch cost per event: wsapp against a hand-written switch and Middy 7, full and bare workloads.
 */
import { check, type Section } from '../lib/section.js';
import { fmt, fmtInt, ratio } from '../lib/stats.js';

interface DispatchResult {
  eventsPerBatch: number;
  rounds: number;
  contenders: Array<{
    name: string;
    cpuNsPerEvent: number;
    cpuSpreadPercent: number;
    wallNsPerEvent: number;
    wallSpreadPercent: number;
  }>;
}

/** Dispatch overhead per event. */
export const dispatchSection: Section = {
  id: 'dispatch',
  title: 'Dispatch overhead per event',
  async run(ctx) {
    const out: string[] = [];
    const headlines: string[] = [];
    const dispatch = await ctx.child<DispatchResult>(
      'dispatch',
      'dispatch/run.js',
      ctx.quick ? ['8', '50'] : ['60', '100'],
    );
    out.push(
      'In-process, one Node process, the same workload for every contender: sessions of `$connect` (authorizer check), ' +
        '3 × `subscribe` (JSON body validated by a zod schema), 4 × `ping` (reads a field of the JSON body), 1 unknown action ' +
        '(`$default`), `$disconnect`; one timing middleware around every route. All three give the same answers (checked before timing). ' +
        'Rounds alternate between contenders (order rotated each round); each number is the median over rounds of ' +
        'CPU time (user + system of the process) per event — CPU time rather than wall time because this shared machine ' +
        'deschedules the process at random; wall-clock medians are shown for reference.',
      '',
    );
    if (dispatch.ok) {
      const d = dispatch.value;
      const by = (n: string) => d.contenders.find((c) => c.name === n);
      const [ws, sw, mi] = [by('wsapp'), by('switch'), by('middy')];
      out.push(`${d.rounds} rounds × ${fmtInt(d.eventsPerBatch)} events per contender.`, '');
      out.push(
        '| contender | CPU ns/event (median) | spread ± | wall ns/event (median) | wsapp ÷ contender (CPU) |',
      );
      out.push('|---|---:|---:|---:|---:|');
      const names: Record<string, string> = {
        wsapp: '**wsapp** `app.resolve()`',
        switch: '(a) hand-written `switch (routeKey)`',
        middy: '(b) Middy 7 (ws-router style: route map of `middy()` handlers + JSON body parser)',
      };
      for (const c of d.contenders) {
        out.push(
          `| ${names[c.name] ?? c.name} | ${fmtInt(c.cpuNsPerEvent)} | ${fmt(c.cpuSpreadPercent, 0)} % | ${fmtInt(c.wallNsPerEvent)} | ${c.name === 'wsapp' ? '—' : ratio(ws?.cpuNsPerEvent ?? Number.NaN, c.cpuNsPerEvent)} |`,
        );
      }
      if (ws && sw && mi) {
        const vsSwitch = ws.cpuNsPerEvent / sw.cpuNsPerEvent;
        const vsMiddy = mi.cpuNsPerEvent / ws.cpuNsPerEvent;
        out.push(
          '',
          `- Target wsapp ≤ 1.5x the hand-written switch: **${fmt(vsSwitch)}x** — ${check(vsSwitch <= 1.5)}.`,
          `- Target wsapp ≥ 2x faster than Middy: **${fmt(vsMiddy)}x faster** — ${check(vsMiddy >= 2)}.`,
        );
        headlines.push(
          `dispatch: **${fmt(vsSwitch)}x** a hand-written switch, **${fmt(vsMiddy)}x faster** than Middy 7 (CPU time per event)`,
        );
      }
    } else out.push(`skipped: ${dispatch.reason}`);
    out.push('');
    const bare = await ctx.child<DispatchResult>('dispatch (bare)', 'dispatch/run.js', [
      ...(ctx.quick ? ['8', '50'] : ['60', '100']),
      'all',
      'bare',
    ]);
    out.push(
      '### Bare workload (routing alone)',
      '',
      'No middleware, no schema: per connection `$connect`, 6 × a JSON route (`ping`), 1 unknown action (`$default`), `$disconnect`; same method.',
      '',
    );
    if (bare.ok) {
      const [ws, sw] = ['wsapp', 'switch'].map((n) => bare.value.contenders.find((c) => c.name === n));
      out.push(
        '| contender | CPU ns/event (median) | spread ± | wall ns/event (median) |',
        '|---|---:|---:|---:|',
      );
      for (const c of bare.value.contenders) {
        out.push(
          `| ${c.name} | ${fmtInt(c.cpuNsPerEvent)} | ${fmt(c.cpuSpreadPercent, 0)} % | ${fmtInt(c.wallNsPerEvent)} |`,
        );
      }
      if (ws && sw) {
        const r = ws.cpuNsPerEvent / sw.cpuNsPerEvent;
        out.push(
          '',
          `- Target wsapp ≤ 1.5x the hand-written switch (bare): **${fmt(r)}x** — ${check(r <= 1.5)}.`,
        );
        headlines.push(`bare dispatch: **${fmt(r)}x** a hand-written switch`);
      }
    } else out.push(`skipped: ${bare.reason}`);
    out.push('');
    return { lines: out, headlines };
  },
};
