import { describe, expect, it } from 'vitest';
import { dataPatchExpressions } from '../src/data-patch.js';

describe('data merge-patch expressions', () => {
  it('sets and removes each key on its own inside the data map, values as JSON text', () => {
    const [expression, ...rest] = dataPatchExpressions(
      { a: { x: 1 }, b: null, '': 's' },
      { '#pk': 'pk' },
      {},
    );
    expect(rest).toEqual([]);
    expect(expression).toEqual({
      UpdateExpression: 'SET #d.#k0 = :v0, #d.#k2 = :v2 REMOVE #d.#k1',
      ExpressionAttributeNames: { '#pk': 'pk', '#d': 'data', '#k0': '_a', '#k1': '_b', '#k2': '_' },
      ExpressionAttributeValues: { ':v0': { S: '{"x":1}' }, ':v2': { S: '"s"' } },
    });
  });

  it('an empty patch is one no-op update; 250 keys are three', () => {
    expect(dataPatchExpressions({}, {}, {})[0]?.UpdateExpression).toBe('SET #d = if_not_exists(#d, :empty)');
    const big = Object.fromEntries(Array.from({ length: 250 }, (_, n) => [`k${n}`, n]));
    expect(dataPatchExpressions(big, {}, {})).toHaveLength(3);
  });
});
