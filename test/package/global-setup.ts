/**
 * vitest global setup: rebuild dist/ when it is missing or older than src/ (bin/build.mjs --if-stale), so the tests
 * that run bin/specgd.mjs as a subprocess and the packaging test exercise the current sources, whether the suite is
 * started by `npm test` or by `npx vitest run <file>`. A failed build (a type error in work in progress) does not
 * stop the suite: dist/ stays stale, the bin then runs src/ through tsx, and the packaging test fails on it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const build = fileURLToPath(new URL('../../bin/build.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [build, '--if-stale'], { stdio: 'inherit' });
  if (r.status !== 0) process.stderr.write('specgd: dist/ was not rebuilt; subprocess tests run src/ through tsx\n');
}
