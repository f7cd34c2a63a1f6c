import { mergeData } from '@wsapp/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataBytes } from '../src/connection-item.js';

describe('dataBytes: the additive size update checks in its condition', () => {
  it('equals the UTF-8 size of JSON.stringify for every non-empty object (and of any merge)', () => {
    const json = fc.jsonValue({ maxDepth: 3 }).filter((v) => v !== null);
    const object = fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 8 }), json, {
      minKeys: 1,
      maxKeys: 12,
    });
    const patch = fc.dictionary(
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.oneof(json, fc.constant(null)),
    );
    fc.assert(
      fc.property(object, patch, (data, change) => {
        expect(dataBytes(data)).toBe(Buffer.byteLength(JSON.stringify(data), 'utf8'));
        const merged = mergeData(data, change);
        const size = Object.keys(merged).length === 0 ? 1 : Buffer.byteLength(JSON.stringify(merged), 'utf8');
        expect(dataBytes(merged)).toBe(size);
      }),
      { numRuns: 500, seed: 15 },
    );
  });
});
