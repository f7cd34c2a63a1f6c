import { createHash } from 'node:crypto';
import type { BroadcastTarget } from './messenger-types.js';

/** A target with its sources deduplicated, in first-seen order, and the cursor fingerprint. */
export interface ResolvedTarget {
  channels: string[];
  connectionIds: string[];
  /** `connectionIds` as a set: ids are reached before any channel, so channel pages skip them. */
  idSet: ReadonlySet<string>;
  except: ReadonlySet<string>;
  /** Ties a cursor to its target: resuming another target would break the attribution rule. */
  fingerprint: string;
}

export function resolveTarget(target: BroadcastTarget): ResolvedTarget {
  const channels = [...new Set(target.channels ?? [])];
  const idSet = new Set(target.connectionIds ?? []);
  const except = new Set(typeof target.except === 'string' ? [target.except] : (target.except ?? []));
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([channels, [...idSet]]))
    .digest('base64url')
    .slice(0, 16);
  return { channels, connectionIds: [...idSet], idSet, except, fingerprint };
}
