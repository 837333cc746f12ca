/**
 * Issue 13 through the CLI: `specgd theory` on the README's example config (examples/spiked-angle.json) gives the
 * five matrix-block coordinates; bad angles / signals exit 2 with a one-line message naming the field and write
 * nothing; commands that do not reduce on these coordinates refuse with their reason (exit 2); `thresholds` scans
 * GD with the optimum set {rθᵀ} as target.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, writeTemp } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'specgd-angle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const example = fileURLToPath(new URL('../../examples/spiked-angle.json', import.meta.url));
const exampleConfig = JSON.parse(readFileSync(example, 'utf8')) as Record<string, any>;

describe('specgd with a signal off the signal-variance direction (issue 13)', () => {
  it('theory on the README example: the 5 coordinates, both algorithms ok, escape on ‖Wθ‖', async () => {
    const out = join(root, 'theory.json');
    const r = await runCli(['theory', '--config', example, '--out', out]);
    expect(r.code, r.err).toBe(0);
    const { trajectories } = JSON.parse(readFileSync(out, 'utf8')) as { trajectories: { algorithm: string; status: string; series: Record<string, number[]>; events: { name: string }[] }[] };
    expect(trajectories.map((t) => t.algorithm)).toEqual(['gd', 'specgd']);
    for (const t of trajectories) {
      expect(t.status).toBe('ok');
      expect(Object.keys(t.series).slice(0, 5)).toEqual(['a', 'm_uv', 'm_vu', 'b', 'c']);
      expect(t.series.signal.length).toBe(t.series.a.length);
      expect(t.events.some((e) => e.name === 'escape')).toBe(true);
    }
  });

  it('thresholds on the README example: GD scanned, the optimum set’s bound 2/μ_max inside the stableUpTo bracket', async () => {
    const out = join(root, 'thresholds.json');
    const r = await runCli(['thresholds', '--config', example, '--out', out]);
    expect(r.code, r.err).toBe(0);
    const { entries } = JSON.parse(readFileSync(out, 'utf8')) as { entries: { stableUpTo: number; bracket: [number, number]; analytic: { optimum: { value: number } }; report: { algorithms: { algorithm: string; scanned: boolean }[]; optimumSet: { alongSet: { maxRelativeDeviation: number } } } }[] };
    const e = entries[0];
    expect(e.report.algorithms.map((a) => [a.algorithm, a.scanned])).toEqual([['gd', true], ['specgd', false]]);
    expect(e.bracket[0]).toBe(e.stableUpTo);
    expect(e.bracket[0]).toBeLessThanOrEqual(e.analytic.optimum.value);
    expect(e.analytic.optimum.value).toBeLessThanOrEqual(e.bracket[1]);
    // the same normal spectrum along the circle, to rounding of a 5×5 eigenproblem
    expect(e.report.optimumSet.alongSet.maxRelativeDeviation).toBeLessThan(64 * Number.EPSILON);
  });

  const bad = (patch: (c: Record<string, any>) => void) => {
    const c = structuredClone(exampleConfig);
    patch(c);
    return c;
  };
  it.each([
    ['an angle beyond π', bad((c) => (c.model.covariance.signalSpikeAngle = 7)), 'model.covariance.signalSpikeAngle', [['theory'], ['simulate']]],
    ['a zero signal weight', bad((c) => (c.model.covariance = { kind: 'powerlaw', exponent: 1, signal: [{ index: 2, weight: 0 }] })), 'model.covariance.signal[0].weight', [['theory'], ['simulate']]],
    ['the vector student', bad((c) => (c.model.student = { kind: 'vector' })), 'model.student.kind', [['theory'], ['simulate']]],
    ['Muon on the matrix block', bad((c) => (c.algorithms = [{ name: 'muon', eta: 0.01 }])), 'algorithms[].name', [['theory']]],
    ['the smoothed sign flow', exampleConfig, 'flows', [['theory', '--sign-flow']]],
  ])('%s: exit 2, the field named, nothing written', async (name, config, field, cmds) => {
    const cfg = writeTemp(root, `bad-${name.replace(/\W+/g, '-')}.json`, config);
    for (const cmd of cmds as string[][]) {
      const out = join(root, `out-${name.replace(/\W+/g, '-')}-${cmd[0]}.json`);
      const r = await runCli([...cmd, '--config', cfg, '--out', out]);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toContain(field);
      expect(r.err.trim().split('\n').length).toBe(1);
      expect(existsSync(out)).toBe(false);
    }
  });
});

describe('size guard of the matrix-block derivation', () => {
  it('refuses the reduced theory beyond MATRIX_BLOCK_MAX_K directions (exit 2), while simulate runs', async () => {
    const { MATRIX_BLOCK_MAX_K } = await import('../../src/symbolic/matrix-block-derive.js');
    const K = MATRIX_BLOCK_MAX_K + 1;
    const cfg = writeTemp(root, 'wide.json', { model: { d: K + 2, covariance: { kind: 'powerlaw', exponent: 1, signal: Array.from({ length: K }, (_, i) => ({ index: i + 1, weight: 1 })) } }, algorithms: [{ name: 'gd', eta: 0.01 }], steps: 3, data: { mode: 'population' } });
    const r = await runCli(['theory', '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('model.covariance.signal');
    const s = await runCli(['simulate', '--config', cfg, '--out', join(root, 'wide-sim.json')]);
    expect(s.code, s.err).toBe(0);
  });
});
