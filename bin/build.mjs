#!/usr/bin/env node
// Build dist/ (JavaScript + .d.ts) from src/ with `tsc -p tsconfig.build.json`: `npm run build`, and the `prepare`
// script (so `npm ci` in a fresh clone builds it). `--if-stale` builds only when dist/ is missing or older than
// the sources (bin/freshness.mjs). The new tree is compiled into a temporary directory and swapped in whole, so a
// failed build leaves the previous dist/ in place and no file from a deleted source survives.
import { spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync, utimesSync, readdirSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distState } from './freshness.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
if (process.argv.includes('--if-stale')) {
  const state = distState(root);
  if (state === 'fresh') process.exit(0);
  process.stderr.write(`specgd: dist/ is ${state}; building it (tsc -p tsconfig.build.json)\n`);
}

const started = new Date();
const tmp = join(root, `dist.tmp-${process.pid}`);
const old = join(root, `dist.old-${process.pid}`);
rmSync(tmp, { recursive: true, force: true });
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  process.stderr.write('specgd: cannot build dist/: typescript (a devDependency) is not installed; run `npm ci` (not --omit=dev)\n');
  process.exit(1);
}
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', tmp], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  rmSync(tmp, { recursive: true, force: true });
  process.stderr.write('specgd: build failed (tsc -p tsconfig.build.json); dist/ left unchanged\n');
  process.exit(1);
}
// Plain-JavaScript worker boot files (src/**/*.mjs) are not compiled by tsc: copy them beside their workers.
const copyMjs = (dir, rel = '') => {
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const r = join(rel, e.name);
    if (e.isDirectory()) copyMjs(dir, r);
    else if (e.name.endsWith('.mjs')) copyFileSync(join(dir, r), join(tmp, r));
  }
};
copyMjs(join(root, 'src'));
utimesSync(join(tmp, 'cli', 'main.js'), started, started); // the stamp bin/freshness.mjs compares the sources with
const dist = join(root, 'dist');
if (existsSync(dist)) renameSync(dist, old);
renameSync(tmp, dist);
rmSync(old, { recursive: true, force: true });
