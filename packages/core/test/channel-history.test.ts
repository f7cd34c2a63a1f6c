import {
  BaseConnectionStore,
  type ConnectionRecord,
  HistoryNotSupportedError,
  historyGap,
  InvalidChannelError,
  type MembersPage,
} from '@wsapp/core';
import { describe, expect, it } from 'vitest';

/** A store that keeps no history (BaseConnectionStore's defaults); its other calls are never made. */
class NoHistoryStore extends BaseConnectionStore {
  protected async _put(_record: ConnectionRecord): Promise<void> {}
  protected async _get(): Promise<ConnectionRecord | undefined> {
    return undefined;
  }
  protected async _delete(): Promise<ConnectionRecord | undefined> {
    return undefined;
  }
  protected async _addMemberships(): Promise<void> {}
  protected async _removeMemberships(): Promise<void> {}
  protected async _update(): Promise<ConnectionRecord> {
    throw new Error('not used');
  }
  protected async _touch(): Promise<void> {}
  protected async _queryMembers(): Promise<MembersPage> {
    return { connectionIds: [] };
  }
}

describe('channel history contract', () => {
  it('a BaseConnectionStore that does not override the history methods throws HistoryNotSupportedError', async () => {
    const store = new NoHistoryStore();
    const error = await store.appendHistory('ch', { messageId: 'm', payload: '{}' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HistoryNotSupportedError);
    expect((error as HistoryNotSupportedError).code).toBe('HistoryNotSupported');
    await expect(store.readHistory('ch')).rejects.toBeInstanceOf(HistoryNotSupportedError);
    // Arguments are still checked first.
    await expect(store.readHistory('')).rejects.toBeInstanceOf(InvalidChannelError);
  });

  // The rule of HistoryPage.oldestSeq, case by case.
  it.each([
    ['nothing ever appended, reader at 0', { headSeq: 0 }, 0, false],
    ['reader at the head', { headSeq: 9, oldestSeq: 5 }, 9, false],
    ['next entry still held', { headSeq: 9, oldestSeq: 5 }, 4, false],
    ['reader inside the log', { headSeq: 9, oldestSeq: 5 }, 6, false],
    ['next entry trimmed', { headSeq: 9, oldestSeq: 5 }, 3, true],
    ['every entry expired', { headSeq: 9 }, 8, true],
    ['every entry expired, reader at the head', { headSeq: 9 }, 9, false],
    ['log reset: reader beyond the head', { headSeq: 0 }, 3, true],
    ['log reset and appended to again, reader beyond the head', { headSeq: 2, oldestSeq: 1 }, 5, true],
  ])('historyGap: %s', (_label, page, since, gap) => {
    expect(historyGap(page, since)).toBe(gap);
  });
});
