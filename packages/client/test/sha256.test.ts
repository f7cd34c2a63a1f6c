import { createHash } from 'node:crypto';
import { seededRandom } from '@wsapp/testing';
import { describe, expect, it } from 'vitest';
import { base64url, sha256 } from '../src/sha256.js';

describe('the client SHA-256 (channel ids of replay requests)', () => {
  it('equals node:crypto on 1,000 random texts (ASCII, CJK, emoji; 0–600 characters)', () => {
    const seed = 26_2026;
    console.info(`sha256 texts seed ${seed}`);
    const random = seededRandom(seed);
    const pick = (chars: string) => chars[Math.floor(random() * chars.length)] as string;
    for (let n = 0; n < 1000; n++) {
      const length = Math.floor(random() * 600);
      let text = '';
      for (let i = 0; i < length; i++) text += pick(random() < 0.8 ? 'abcXYZ019#:{}% ' : '聊天室🚀é\u0301غ');
      expect(base64url(sha256(text)), text).toBe(
        createHash('sha256').update(text, 'utf8').digest('base64url'),
      );
    }
  });

  it('matches the FIPS 180-4 examples', () => {
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
    expect(hex(sha256('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(sha256(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(sha256('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });
});
