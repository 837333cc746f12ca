#!/usr/bin/env node
// Entry point of the `specgd` command: runs the built JavaScript in dist/ (built by `npm ci` / `npm run build`
// through the `prepare` script). In a checkout whose dist/ is missing or older than src/ (bin/freshness.mjs), it
// says so on stderr and runs the TypeScript sources through tsx instead, so an edit to src/ is never silently
// ignored; `npm run build` (or any `npm test` / `vitest` run) rebuilds dist/ and restores the fast start.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
let main;
if (existsSync(new URL('src/', root))) {
  const { distState } = await import('./freshness.mjs');
  const state = distState(fileURLToPath(root));
  if (state !== 'fresh') {
    process.stderr.write(`specgd: dist/ is ${state}; running src/ through tsx (slow start). Run \`npm run build\` to rebuild it.\n`);
    let tsImport;
    try {
      ({ tsImport } = await import('tsx/esm/api'));
    } catch {
      process.stderr.write('specgd: tsx is not installed either (a devDependency): run `npm ci` then `npm run build`.\n');
      process.exit(1);
    }
    ({ main } = await tsImport('../src/cli/main.ts', import.meta.url));
  }
}
main ??= (await import(new URL('dist/cli/main.js', root).href)).main;
process.exitCode = await main(process.argv.slice(2));
