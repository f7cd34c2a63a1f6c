import type { ConnectionRecord } from '../store/connection-record.js';

/** Connection-data key holding the connection's session id. */
export const SESSION_KEY = 'wsappSession';
/** Connection-data key holding what `$connect` decided about the session (read by the resume route). */
export const RESUME_KEY = 'wsappResume';

/** Why a connection did not resume its session. */
export type ResumeRefusal = 'forged' | 'foreign' | 'expired' | 'superseded' | 'none';

/** What `$connect` recorded under {@link RESUME_KEY}. */
export interface ResumeOutcome {
  /** The principal hash the session is bound to. */
  p: string;
  /** Whether the connection took over an earlier connection's session. */
  resumed: boolean;
  /** Why not, when not resumed. */
  reason?: ResumeRefusal;
}

/** The store record id of a disconnected session's snapshot (a channel-less record). */
export function snapshotId(sessionId: string): string {
  return `wsapp-session~${sessionId}`;
}

/** Data of a snapshot record: whose session it was, which channels, which connection last had it. */
export interface SessionSnapshot {
  /** The principal hash. */
  p: string;
  /** The channels to rejoin. */
  channels: string[];
  /** The connection whose disconnect wrote the snapshot: only its token resumes from it. */
  connectionId: string;
}

/** The snapshot in a record's data, `undefined` when the data is not one. */
export function readSnapshot(record: ConnectionRecord | undefined): SessionSnapshot | undefined {
  const data = record?.data;
  if (data === undefined) return undefined;
  const { p, channels, connectionId } = data;
  if (typeof p !== 'string' || typeof connectionId !== 'string' || !Array.isArray(channels)) return undefined;
  if (!channels.every((c) => typeof c === 'string')) return undefined;
  return { p, channels: channels as string[], connectionId };
}

/** The {@link ResumeOutcome} in a connection's data, `undefined` without one. */
export function readOutcome(data: Record<string, unknown>): ResumeOutcome | undefined {
  const value = data[RESUME_KEY] as Partial<ResumeOutcome> | undefined;
  if (typeof value !== 'object' || value === null || typeof value.p !== 'string') return undefined;
  return value as ResumeOutcome;
}
