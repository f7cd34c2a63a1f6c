import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { guideCommands } from './deployed/guide.js';

// The guide's commands are the ones the tests run: the CDK synth command is read from the guide by
// deployed-bundle.integration.test.ts and run as printed; every other command is held here to the
// package scripts and dev dependencies it needs (deploying needs an AWS account the tests lack).
const chat = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe('docs/deploy.md', () => {
  it('gives the CDK commands, each a script or tool of the chat package', () => {
    const commands = guideCommands('CDK');
    expect(commands).toEqual([
      'npm install -g pnpm@10 && pnpm install',
      'pnpm --filter @wsapp/example-chat synth',
      'pnpm --filter @wsapp/example-chat exec cdk bootstrap',
      'pnpm --filter @wsapp/example-chat deploy',
      'pnpm --filter @wsapp/example-chat destroy',
    ]);
    expect(chat.scripts.synth).toBe('tsx cdk/app.ts');
    // deploy and destroy run the CDK CLI (a dev dependency) on the very app synth runs.
    expect(chat.scripts.deploy).toBe(`cdk deploy --app '${chat.scripts.synth}'`);
    expect(chat.scripts.destroy).toBe(`cdk destroy --app '${chat.scripts.synth}'`);
    for (const tool of ['aws-cdk', 'aws-cdk-lib', 'constructs', 'esbuild', 'tsx']) {
      expect(chat.devDependencies).toHaveProperty(tool);
    }
  });

  it('gives the SAM commands the build test stands in for (sam build --build-in-source)', () => {
    expect(guideCommands('SAM')).toEqual([
      'npm install -g pnpm@10 && pnpm install && pnpm build',
      'cd examples/chat',
      'sam build --build-in-source',
      'sam deploy --guided',
      'sam delete',
    ]);
    // sam build finds esbuild among the project's dependencies (or on PATH).
    expect(chat.devDependencies).toHaveProperty('esbuild');
  });
});
