/**
 * What is read from the root README.md, by the consumer test and `pnpm lint`: the Quick start's code
 * as printed and the packages the install section tells a team to `npm install`.
 */

/** A Markdown section: its heading line and everything up to the next heading of the same or a higher level. */
function section(markdown: string, heading: RegExp): string | undefined {
  const lines = markdown.split('\n');
  // Heading levels, 0 for any other line (a `# comment` inside a fenced block is no heading).
  let fenced = false;
  const levels = lines.map((line) => {
    if (line.startsWith('```')) fenced = !fenced;
    return fenced ? 0 : (/^(#{1,6}) /.exec(line)?.[1]?.length ?? 0);
  });
  const start = lines.findIndex((line, i) => (levels[i] ?? 0) > 0 && heading.test(line));
  if (start < 0) return undefined;
  const level = levels[start] ?? 0;
  const end = levels.findIndex((l, i) => i > start && l > 0 && l <= level);
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** The install section (the first heading naming "install"), or `undefined` when there is none. */
export function installSection(readme: string): string | undefined {
  return section(readme, /\binstall/i);
}

/** The fenced code blocks of a Markdown text, with their language tag. */
function codeBlocks(markdown: string): { lang: string; code: string }[] {
  return [...markdown.matchAll(/^```(\w*)[^\n]*\n([\s\S]*?)^```/gm)].map((m) => ({
    lang: m[1] ?? '',
    code: m[2] ?? '',
  }));
}

/** The first TypeScript block under the "Quick start" heading, exactly as printed. */
export function quickStart(readme: string): string {
  const text = section(readme, /quick start/i);
  const block =
    text === undefined ? undefined : codeBlocks(text).find((b) => /^(ts|typescript)$/.test(b.lang));
  if (block === undefined) throw new Error('README.md: no TypeScript block under a "Quick start" heading');
  return block.code;
}

/** The bare module specifiers a code block imports (`from '…'`). */
export function importedModules(code: string): string[] {
  return [...new Set([...code.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g)].map((m) => m[1] as string))];
}

/**
 * The `npm install` / `npm i` commands of the install section, each as its package arguments (flags,
 * comments and chained commands dropped), from fenced blocks and inline code (as in a table); or
 * `undefined` when there is no section.
 */
export function installCommands(readme: string): string[][] | undefined {
  const text = installSection(readme);
  if (text === undefined) return undefined;
  const inline = [...text.replace(/^```[\s\S]*?^```/gm, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? '');
  const commands: string[][] = [];
  for (const code of [...codeBlocks(text).map((b) => b.code), ...inline]) {
    for (const raw of code.split('\n')) {
      const command = (raw.replace(/^\s*\$\s*/, '').split(/\s#|&&|\|\||;/)[0] ?? '').trim();
      const words = command.split(/\s+/);
      if (words[0] !== 'npm' || !['install', 'i', 'add'].includes(words[1] ?? '')) continue;
      commands.push(words.slice(2).filter((word) => !word.startsWith('-')));
    }
  }
  return commands;
}

/** The package name of an install argument (`@scope/name@^1` → `@scope/name`). */
export function packageName(spec: string): string {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  return at < 0 ? spec : spec.slice(0, at);
}
