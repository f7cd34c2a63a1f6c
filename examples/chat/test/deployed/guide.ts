import { readFileSync } from 'node:fs';

const guide = new URL('../../../../docs/deploy.md', import.meta.url);

/**
 * The commands of the first `sh` block under a `## ` heading of docs/deploy.md that starts with
 * `heading`, comments and padding stripped: what a reader copies, so the tests can run (or hold to)
 * exactly that.
 */
export function guideCommands(heading: string): string[] {
  const text = readFileSync(guide, 'utf8');
  const start = text.indexOf(`\n## ${heading}`);
  if (start < 0) throw new Error(`docs/deploy.md has no section "## ${heading}"`);
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(start))?.[1];
  if (block === undefined) throw new Error(`docs/deploy.md "## ${heading}" has no sh block`);
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.length > 0);
}
