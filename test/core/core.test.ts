import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/core/output.js';
import { createRng } from '../../src/core/rng.js';
import { mean, slope, standardError, std } from '../../src/core/stats.js';
import { assertFiniteDeep } from '../../src/core/trajectory.js';
import { ConfigError } from '../../src/core/errors.js';
import { blockMisalignmentRatio, tiedWithTop } from '../../src/core/blocks.js';
import { normalQuantile, normalSurvival } from '../../src/core/special.js';

describe('rng', () => {
  it('is deterministic per (seed, stream) and streams differ', () => {
    const x = new Float64Array(5);
    const y = new Float64Array(5);
    createRng(7).fillNormal(x);
    createRng(7).fillNormal(y);
    expect(Array.from(x)).toEqual(Array.from(y));
    createRng(7, 1).fillNormal(y);
    expect(Array.from(x)).not.toEqual(Array.from(y));
  });
  it('draws standard normals: mean and variance within derived Monte Carlo error', () => {
    const N = 200_000;
    const z = new Float64Array(N);
    createRng(3).fillNormal(z);
    // E[z] = 0 with standard error 1/√N; E[z²] = 1 with standard error √(Var z²)/√N = √2/√N. k = 5.
    expect(Math.abs(mean(z))).toBeLessThan(5 / Math.sqrt(N));
    const z2 = z.map((v) => v * v);
    expect(Math.abs(mean(z2) - 1)).toBeLessThan((5 * Math.sqrt(2)) / Math.sqrt(N));
  });
});

describe('normal survival function', () => {
  it('inverts the independent normal quantile (Acklam, rel. error 1.2e-9 in x) to 1e-6 relative from p = 0.5 to 1e-15', () => {
    // x = −Φ⁻¹(p) from the lower-tail branch (no 1 − p rounding); Press et al.'s erfc is good to 1.2e-7 relative, the
    // quantile's error moves p by ≈ x²·1.2e-9 ≤ 1e-7 at x = 8
    for (const p of [0.5, 0.1, 1e-2, 1e-3, 1e-5, 1e-8, 1e-12, 1e-15]) {
      const x = -normalQuantile(p);
      expect(Math.abs(normalSurvival(x) / p - 1), `p = ${p}`).toBeLessThan(1e-6);
    }
  });
});

describe('stats', () => {
  it('mean, std, standard error, slope', () => {
    expect(mean([1, 2, 3])).toBe(2);
    expect(std([1, 2, 3])).toBe(1);
    expect(standardError([1, 2, 3])).toBeCloseTo(1 / Math.sqrt(3), 15);
    expect(slope([0, 1, 2], [1, 3, 5])).toBe(2);
  });
});

describe('errors and finiteness', () => {
  it('ConfigError is one line naming field, value and what is valid', () => {
    const e = new ConfigError('model.d', 'ten', 'an integer ≥ 1');
    expect(e.message).toBe('invalid model.d: got "ten"; expected an integer ≥ 1');
  });
  it('assertFiniteDeep finds a NaN deep in a value', () => {
    expect(() => assertFiniteDeep({ a: [1, { b: Number.NaN }] })).toThrow(/\$\.a\[1\]\.b/);
    expect(() => assertFiniteDeep({ a: [1, 2] })).not.toThrow();
  });
});

describe('writeFileAtomic through links and devices', () => {
  // A symlink in a temp folder stands in for /dev/stdout (a link to a device): the old rename-over replaced the
  // link (and, for /dev/stdout itself as root, the device node) with a regular file.
  const dir = mkdtempSync(join(tmpdir(), 'specgd-output-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('a link to a device (as --out /dev/stdout is) is written through, and stays a link', () => {
    const link = join(dir, 'to-null');
    symlinkSync('/dev/null', link);
    writeFileAtomic(link, 'data\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync(link).isCharacterDevice()).toBe(true);
  });
  it('a link to a regular file: the target gets the content atomically, the link stays', () => {
    const target = join(dir, 'real.json');
    const link = join(dir, 'link.json');
    writeFileSync(target, 'old');
    symlinkSync(target, link);
    writeFileAtomic(link, 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});

describe('provenance', () => {
  it('records the version, the commit and whether the checkout had uncommitted changes', async () => {
    const { provenance } = await import('../../src/core/provenance.js');
    const p = provenance('test', { x: 1 });
    expect(p.tool).toBe('specgd');
    expect(p.config).toEqual({ x: 1 });
    if (p.gitCommit !== null) {
      expect(p.gitCommit).toMatch(/^[0-9a-f]{40}$/);
      expect(typeof p.gitDirty).toBe('boolean');
    } else expect(p.gitDirty).toBeNull();
  });
});

describe('block statistics shared by theory and simulation', () => {
  it('misalignment ratio: signed b/a (spiked), max_{k≠s}|a_k|/|a_s| otherwise, 0 at a_s = 0; only the first n entries', () => {
    expect(blockMisalignmentRatio([0.5, -0.2, 0.9], 0, 1)).toBe(-0.2 / 0.5);
    expect(blockMisalignmentRatio([-0.5, -0.2, 0.9], 0, -1)).toBe(0.9 / 0.5);
    expect(blockMisalignmentRatio([0.4, 0.1, -0.3], 1, -1)).toBe(0.4 / 0.1);
    expect(blockMisalignmentRatio([0, 0.3, 0.9], 0, 1)).toBe(0);
    expect(blockMisalignmentRatio([0.5, 0.2, 7], 0, -1, 2)).toBe(0.2 / 0.5);
  });

  it('top tie rule: x ≥ top − relTol·|top|', () => {
    const tol = 1e-6;
    expect(tiedWithTop(4, 4, tol)).toBe(true);
    expect(tiedWithTop(4 * (1 - tol / 2), 4, tol)).toBe(true);
    expect(tiedWithTop(4 * (1 - 2 * tol), 4, tol)).toBe(false);
    expect(tiedWithTop(-4 * (1 + tol / 2), -4, tol)).toBe(true);
    expect(tiedWithTop(-4 * (1 + 2 * tol), -4, tol)).toBe(false);
  });
});
