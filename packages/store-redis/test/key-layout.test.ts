import { escapeName, KeyLayout } from '@wsapp/store-redis';
import { describe, expect, it } from 'vitest';

/** The hash tag Redis Cluster hashes: from the first `{` to the first `}` after it, when not empty. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

const tricky = [
  'a',
  'ab',
  'a:b',
  'a%3Ab',
  'a%3ab',
  '%',
  '%25',
  '{',
  '}',
  '{}',
  '%7B',
  '%7D',
  'a}:l',
  'a}:x',
  'x}:r{c:y',
  '{c:1}',
  'c:1',
  'm:1',
  'user#42',
  'ticker#AMZN',
  '#',
  '##',
  ':',
  '::',
  'room:lobby',
  '🚀 launch',
  '聊天室',
  'e\u0301',
  'é',
  ' ',
  '  ',
  '*',
  '[x]',
];

function randomName(seed: number): string {
  const alphabet = ['a', '{', '}', ':', '%', '#', '7', 'B', 'D', '3', 'A', '2', '5', 'é', '🚀'];
  let out = '';
  let n = seed;
  do {
    out += alphabet[n % alphabet.length];
    n = Math.floor(n / alphabet.length);
  } while (n > 0);
  return out;
}

describe('KeyLayout', () => {
  const layout = new KeyLayout('p:');
  const names = [...tricky, ...Array.from({ length: 4000 }, (_, n) => randomName(n))];
  const unique = [...new Set(names)];

  it('escapes only %, {, } and : and is injective', () => {
    expect(escapeName('a{b}:c%d🚀')).toBe('a%7Bb%7D%3Ac%25d🚀');
    const escaped = new Set(unique.map(escapeName));
    expect(escaped.size).toBe(unique.length);
    for (const e of escaped) expect(e).not.toMatch(/[{}:]/);
  });

  it('never gives two different names (channels or connections) the same key', () => {
    const seen = new Map<string, string>();
    for (const name of unique) {
      const { lex, expiry } = layout.channel(name);
      const { record, channels } = layout.connection(name);
      for (const [key, owner] of [
        [lex, `channel ${name}`],
        [expiry, `channel ${name}`],
        [record, `connection ${name}`],
        [channels, `connection ${name}`],
      ] as const) {
        const previous = seen.get(key);
        expect(previous === undefined || previous === owner, `${key}: ${previous} vs ${owner}`).toBe(true);
        seen.set(key, owner);
      }
    }
    expect(seen.size).toBe(unique.length * 4);
  });

  it('puts the keys of one connection (and of one channel) under one hash tag, naming it exactly', () => {
    for (const name of unique) {
      const conn = layout.connection(name);
      expect(hashTag(conn.record)).toBe(`c:${escapeName(name)}`);
      expect(hashTag(conn.channels)).toBe(hashTag(conn.record));
      const ch = layout.channel(name);
      expect(hashTag(ch.lex)).toBe(`m:${escapeName(name)}`);
      expect(hashTag(ch.expiry)).toBe(hashTag(ch.lex));
    }
  });

  it('refuses a prefix with braces', () => {
    expect(() => new KeyLayout('a{b}:')).toThrow(RangeError);
  });
});
