/**
 * vitest global setup: rebuild dist/ when it is missing or older than src/ (bin/build.mjs --if-stale), so the tests
 * that run bin/specgd.mjs as a subprocess and the packaging test exercise the current sources, whether the suite is
 * started by `npm test` or by `npx vitest run <file>`.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const build = fileURLToPath(new URL('../../bin/build.mjs', import.meta.url));
  execFileSync(process.execPath, [build, '--if-stale'], { stdio: 'inherit' });
}
