// Is dist/ (the built JavaScript the `specgd` bin runs) up to date with the TypeScript sources of this checkout?
// bin/build.mjs stamps dist/cli/main.js with the time the build started; dist/ is stale when a source file (src/,
// types/, the tsconfigs) was modified after that. Used by bin/specgd.mjs (only in a checkout, where src/ exists),
// by bin/build.mjs --if-stale and by the test suite's global setup.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The file whose modification time is the build's start time. */
export const STAMP = join('dist', 'cli', 'main.js');

/** The sources a build reads, relative to the package root. */
const SOURCES = ['src', 'types', 'tsconfig.json', 'tsconfig.build.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted or renamed file changes its directory's mtime
  for (const e of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, e)));
  return newest;
}

/** 'fresh', 'missing' (never built) or 'stale' (a source changed after the last build started). */
export function distState(root) {
  const stamp = join(root, STAMP);
  if (!existsSync(stamp)) return 'missing';
  const built = statSync(stamp).mtimeMs;
  return SOURCES.some((s) => newestMtime(join(root, s)) > built) ? 'stale' : 'fresh';
}
