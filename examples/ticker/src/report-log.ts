import type { BroadcastReport } from '@wsapp/core';

/** A loggable summary of a broadcast report (errors as messages, so JSON logs keep them). */
export function summarizeReport(report: BroadcastReport): Record<string, unknown> {
  return {
    attempted: report.attempted,
    delivered: report.delivered,
    gone: report.gone,
    failed: report.failed.map((f) => ({ connectionId: f.connectionId, error: f.error.message })),
    durationMs: report.durationMs,
    ...(report.cursor === undefined ? {} : { cursor: report.cursor }),
  };
}
