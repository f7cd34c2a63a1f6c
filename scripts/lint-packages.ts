/**
 * `pnpm lint`'s package checks, no build needed: the published packages' metadata
 * (scripts/package-metadata.ts) and the README's install table (scripts/readme-install.ts).
 * `tsx scripts/lint-packages.ts --write` sets the metadata from the root package.json first.
 */
import { checkPackageMetadata } from './package-metadata.js';
import { checkReadmeInstall } from './readme-install.js';

const problems = [...checkPackageMetadata(process.argv.includes('--write')), ...checkReadmeInstall()];
if (problems.length > 0) {
  console.error(
    `${problems.join('\n')}\n(metadata: fix with pnpm tsx scripts/lint-packages.ts --write; the rest by hand)`,
  );
  process.exitCode = 1;
}
