import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Built output: loading @wsapp/forward and building a forwarding route loads no AWS SDK client;
// the target's client is imported on its first put().
const dist = resolve(import.meta.dirname, '../dist/index.cjs');

describe('@wsapp/forward cold start', () => {
  it.skipIf(!existsSync(dist))('loads no AWS SDK until a target sends', () => {
    const script = `
const { forward, SqsTarget, EventBridgeTarget, SnsTarget } = require(${JSON.stringify(dist)});
const sqs = new SqsTarget({ queueUrl: 'https://sqs.us-east-1.amazonaws.com/1/q.fifo' });
new SnsTarget({ topicArn: 'arn:aws:sns:us-east-1:1:t' });
new EventBridgeTarget({ busName: 'b', source: 's', detailType: 'd' });
forward(sqs, { secret: 'a-signing-key-of-at-least-32-bytes!!' });
console.log(Object.keys(require.cache).filter((k) => k.includes('@aws-sdk')).length);`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim();
    expect(out).toBe('0');
  });
});
