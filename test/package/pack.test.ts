/**
 * The package as a consumer gets it: `npm pack` the checkout (its dist/ is fresh: global-setup.ts), install the
 * tarball into an empty project (dependencies from the npm cache when they are there, else the registry), write the
 * README's "Use as a library" script, type-check it with `tsc --noEmit` under `skipLibCheck: false` (so a .d.ts
 * that reaches into odex's shipped TypeScript source, or any other type error in the package, fails here), run it,
 * and compare its output with the same script run against the checkout's dist/. Also runs the installed bin.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distState } from '../../bin/freshness.mjs';
import { parseConfig, PRESETS } from '../../src/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string; devDependencies: Record<string, string> };
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** The first ```ts block under the README's "## Use as a library" heading. */
function readmeExample(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split(/^## Use as a library$/m)[1];
  if (section === undefined) throw new Error('README.md has no "## Use as a library" section');
  const block = /^```ts\n([\s\S]*?)^```$/m.exec(section.split(/^## /m)[0]);
  if (block === null) throw new Error('README.md "Use as a library" has no ```ts block');
  return block[1];
}

/** The environment for child npm processes: without the npm_config_* of a surrounding `npm test`. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) || /^npm_config_cache$/i.test(k)) env[k] = v;
  return { ...env, NO_COLOR: '1' };
}

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, env: npmEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The example as ES module JavaScript (types erased only; `tsc --noEmit` checks the types). */
function transpile(source: string): string {
  return ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
}

describe('npm pack → install into an empty project → the README script type-checks and runs', { timeout: 180_000 }, () => {
  let work: string;
  let consumer: string;
  let files: string[];
  const example = readmeExample();

  beforeAll(() => {
    // The tarball is packed from dist/ as it is: it must have been built from the current sources (global-setup.ts).
    const state = distState(root);
    if (state !== 'fresh') throw new Error(`dist/ is ${state} (the build in global-setup.ts failed?): run \`npm run build\``);
    work = mkdtempSync(join(tmpdir(), 'specgd-pack-'));
    // --ignore-scripts: dist/ is already fresh, and `prepare` would rebuild it under the other test files' feet.
    const packed = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root)) as { filename: string; files: { path: string }[] }[];
    files = packed[0].files.map((f) => f.path);
    consumer = join(work, 'consumer');
    execFileSync('mkdir', [consumer]);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', lib: ['ES2022'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false, types: ['node'], noEmit: true }, include: ['example.ts'] }, null, 2),
    );
    writeFileSync(join(consumer, 'example.ts'), example);
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, packed[0].filename), `@types/node@${pkg.devDependencies['@types/node']}`], consumer);
  }, 180_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the tarball holds the built JavaScript and declarations and the bin, not the TypeScript sources', () => {
    for (const f of ['package.json', 'README.md', 'bin/specgd.mjs', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/dynamics/sweep-worker.js']) expect(files).toContain(f);
    expect(files.filter((f) => f.startsWith('src/') || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);
  });

  it('tsc --noEmit (strict, NodeNext, skipLibCheck false) is clean on the README script', () => {
    const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', consumer], { cwd: consumer, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('the script runs against the installed package and prints what it prints against the checkout', () => {
    const js = transpile(example);
    writeFileSync(join(consumer, 'example.js'), js);
    const installed = run(process.execPath, ['example.js'], consumer);
    // The same script with its import pointed at the checkout's dist/ (run from the checkout, not the consumer).
    const local = join(work, 'example-local.mjs');
    writeFileSync(local, js.replace(/from ['"]specgd['"]/, `from ${JSON.stringify(pathToFileURL(join(root, 'dist/index.js')).href)}`));
    expect(readFileSync(local, 'utf8')).not.toBe(js);
    const reference = run(process.execPath, [local], root);
    expect(installed).toBe(reference);
    // One line per algorithm of the preset, for the theory and for the simulation, each with a finite loss.
    const algorithms = parseConfig(PRESETS.spiked).algorithms.map((a) => a.name);
    const lines = installed.trim().split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual(['theory', 'simulation'].flatMap((s) => algorithms.map((a) => `${s} ${a}`)));
    for (const l of lines) expect(Number.isFinite(Number(l.split('loss ')[1]))).toBe(true);
  });

  it("inside another project's git repository, the installed package stamps no git commit (it is not that repo's code)", () => {
    const git = (...args: string[]) => run('git', ['-c', 'user.name=specgd-test', '-c', 'user.email=test@specgd.invalid', ...args], consumer);
    git('init', '-q');
    git('commit', '-q', '--allow-empty', '-m', 'consumer');
    writeFileSync(
      join(consumer, 'provenance.mjs'),
      "import { parseConfig, PRESETS, runTheory } from 'specgd';\nconst p = runTheory(parseConfig({ ...PRESETS.spiked, steps: 3 }))[0].provenance;\nconsole.log(JSON.stringify({ version: p.version, gitCommit: p.gitCommit, gitDirty: p.gitDirty }));\n",
    );
    expect(JSON.parse(run(process.execPath, ['provenance.mjs'], consumer))).toEqual({ version: pkg.version, gitCommit: null, gitDirty: null });
  });

  it('the installed bin runs the built JavaScript: `specgd --version` prints the package version', () => {
    const r = spawnSync(join(consumer, 'node_modules', '.bin', 'specgd'), ['--version'], { cwd: consumer, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${pkg.version}\n`);
    expect(r.status).toBe(0);
  });
});
