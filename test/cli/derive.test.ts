import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import { PRESETS } from '../../src/config/presets.js';
import { writeTemp } from '../helpers/cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;
let stderr: string[];
let stdout: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'specgd-derive-'));
  stderr = [];
  stdout = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (stderr.push(String(s)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (stdout.push(String(s)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

function configFile(mutate: (c: any) => void): string {
  const c = structuredClone(PRESETS.spiked) as any;
  mutate(c);
  return writeTemp(dir, 'config.json', c);
}

describe('specgd derive', () => {
  it('writes JSON to --out and Markdown to stdout', async () => {
    const out = join(dir, 'sub', 'spiked.json');
    expect(await main(['derive', '--preset', 'spiked', '--format', 'json', '--out', out])).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.gradients).toHaveLength(3);
    expect(json.checks.every((c: { passed: boolean }) => c.passed)).toBe(true);
    expect(await main(['derive', '--preset', 'spiked-vector'])).toBe(0);
    expect(stdout.join('')).toContain('# Derivation: spiked covariance, vector student');
  });
  it('every format carries provenance (config, seeds, version, git commit); the derivation itself is the committed one', async () => {
    const out = join(dir, 'prov.json');
    expect(await main(['derive', '--preset', 'spiked', '--format', 'json', '--out', out])).toBe(0);
    const { provenance: prov, ...rest } = JSON.parse(readFileSync(out, 'utf8'));
    expect(prov.command).toBe('derive');
    expect(prov.config.model.d).toBe(PRESETS.spiked.model.d);
    expect(prov.seeds).toEqual(PRESETS.spiked.seeds);
    expect(prov.version).toMatch(/^\d+\.\d+\.\d+/);
    expect('gitCommit' in prov).toBe(true);
    expect(`${JSON.stringify(rest, null, 2)}\n`).toBe(readFileSync(join(root, 'derivations', 'spiked-matrix.json'), 'utf8'));
    stdout.length = 0;
    expect(await main(['derive', '--preset', 'spiked', '--format', 'md'])).toBe(0);
    expect(stdout.join('')).toMatch(/## Provenance\n\n```json\n\{\n  "tool": "specgd"[\s\S]*"gitCommit"[\s\S]*```\n$/);
    stdout.length = 0;
    expect(await main(['derive', '--preset', 'spiked', '--format', 'tex'])).toBe(0);
    expect(stdout.join('')).toMatch(/% provenance:\n%[\s\S]*"gitCommit"[\s\S]*\n\\end\{document\}\n$/);
  });
  it('accepts --config and --format tex', async () => {
    const f = configFile((c) => (c.model.covariance.spikeVariance = 2));
    expect(await main(['derive', '--config', f, '--format', 'tex'])).toBe(0);
    expect(stdout.join('')).toContain('\\begin{document}');
  });
  it.each([
    ['unknown preset', () => ['--preset', 'nope'], /--preset.*"nope".*spiked/],
    ['bad format', () => ['--format', 'pdf'], /--format.*"pdf".*md, json, tex/],
    ['both preset and config', () => ['--preset', 'spiked', '--config', configFile(() => {})], /only one of --preset/],
    ['missing config file', () => ['--config', join(dir, 'none.json')], /--config/],
    ['unknown key', () => ['--config', configFile((c) => (c.model.foo = 1))], /model\.foo.*no such key/],
    ['zero variance', () => ['--config', configFile((c) => (c.model.covariance.spikeVariance = 0))], /model\.covariance\.spikeVariance.*got 0/],
    ['negative variance', () => ['--config', configFile((c) => (c.model.covariance.bulkVariance = -2))], /bulkVariance.*got -2/],
    ['d < 3 for spiked', () => ['--config', configFile((c) => (c.model.d = 2))], /model\.d.*got 2.*≥ 3/],
    ['non-numeric value', () => ['--config', configFile((c) => (c.model.covariance.signalVariance = 'one'))], /signalVariance.*"one"/],
    [
      'signal index out of range',
      () => ['--config', configFile((c) => (c.model = { d: 4, covariance: { kind: 'powerlaw', exponent: 1, signalIndex: 7 } }))],
      /signalIndex.*got 7.*1\.\.4/,
    ],
    ['unknown option', () => ['--bogus'], /unknown option/],
  ])('%s: one-line error, exit 2, no output file', async (_label, args, pattern) => {
    const out = join(dir, 'out.md');
    expect(await main(['derive', ...args(), '--out', out])).toBe(2);
    const err = stderr.join('');
    expect(err).toMatch(pattern);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
    expect(stdout.join('')).toBe('');
  });
});

describe('bin/specgd.mjs derive (subprocess)', () => {
  it('prints the spiked derivation and exits 0; bad input exits 2', () => {
    const text = execFileSync(process.execPath, [join(root, 'bin/specgd.mjs'), 'derive', '--preset', 'spiked', '--format', 'md'], { encoding: 'utf8' });
    expect(text).toContain('g_{a} =');
    expect(text).toContain('\\lambda_v > 3 \\lambda_\\theta');
    const bad = spawnSync(process.execPath, [join(root, 'bin/specgd.mjs'), 'derive', '--preset', 'nope'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
