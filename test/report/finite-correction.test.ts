/**
 * Issue 11 on the report side: the reproduce plan compares each finite-sample ensemble against the corrected theory
 * and against the population theory (the reference recorded on each comparison), figure 8 draws the corrected
 * theory's band only where the correction is valid, figure 13's data are well formed and are the claim's own
 * measurement, and the reproduce summary counts every comparison verdict (inconclusive included).
 */
import { describe, expect, it } from 'vitest';
import { reproduceParams } from '../../src/claims/params.js';
import { CONTROL_FACTOR, CORRECTION_N, finiteSampleCorrection } from '../../src/claims/finite-sample-correction.js';
import { responsesOf, validRange } from '../../src/dynamics/response/corrected.js';
import { runPlan } from '../../src/pipeline/plan.js';
import { reproduceExperiments } from '../../src/pipeline/reproduce.js';
import { RunStore } from '../../src/pipeline/runs.js';
import { fig8FiniteSample } from '../../src/report/figures/fig8-finite-sample.js';
import { fig13FiniteCorrection } from '../../src/report/figures/fig13-finite-correction.js';
import { figureCsv } from '../../src/report/figures.js';
import { PARAMETER_COLUMNS } from '../../src/config/parameters.js';
import { reproduceSummary } from '../../src/report/summary.js';

const quick = reproduceParams(true);
// two of the quick plan's finite-sample experiments (the smallest and the largest n): enough for both references
const finite = reproduceExperiments(quick).filter((e) => e.group === 'finiteSample');
const picked = [finite[0], finite[finite.length - 1]];

describe('finite-sample comparisons and figure 8 (quick sizes, two n)', async () => {
  const { bundle } = await runPlan({ params: quick, experiments: picked, claims: [], figures: [fig8FiniteSample], derivation: null });

  it('compare each ensemble against the corrected theory and the population theory, reference recorded', () => {
    for (const e of picked) {
      const mine = bundle.comparisons.filter((c) => c.label.includes(`n = ${e.params.n},`));
      const algs = e.config.algorithms.length;
      expect(mine.filter((c) => c.reference === 'population')).toHaveLength(algs);
      expect(mine.filter((c) => c.reference === 'corrected')).toHaveLength(responsesOf(e.config).length);
      for (const c of mine) expect(c.theory.kind).toBe(c.reference === 'corrected' ? 'theory-corrected' : 'theory');
    }
  });

  it('figure 8 draws each corrected band only over the steps where the 1/n correction is valid, ± σ/√(nS)', () => {
    const fig = fig8FiniteSample.build(bundle);
    let bands = 0;
    for (const e of picked) {
      const n = e.params.n;
      const S = e.config.seeds.length;
      const group = bundle.groups.finiteSample.find((g) => g.id === e.id)!;
      for (const r of responsesOf(e.config)) {
        const corrected = group.theory.find((t) => t.kind === 'theory-corrected' && t.algorithm === r.label)!;
        // the validity range: recomputed from the response for the expansion (SpecGD), the ensemble's own end for GD
        const info = corrected.correction as { method: string; validUntilStep: number; validity: string };
        const last = info.method === 'expansion' ? validRange(r.run, r.blocks, r.signal, r.specgd, n).last : info.validUntilStep;
        if (info.method === 'source-ensemble' && info.validity === 'ok') expect(last).toBe(e.config.steps);
        const sd = corrected.sd!;
        for (const panel of fig.panels.filter((p) => p.title.startsWith(`${r.label === 'gd' ? 'GD' : 'SpecGD'}:`))) {
          const band = panel.series.filter((s) => s.label.startsWith(`corrected n = ${n} `));
          expect(band).toHaveLength(1);
          const s = band[0];
          bands++;
          expect(s.x.length).toBeGreaterThan(0);
          expect(Math.max(...s.x)).toBeLessThanOrEqual(last);
          const sym = panel.title.includes('misalignment') ? 'ratio_mag' : panel.title.includes('signal') ? 'a_mag' : 'b_mag';
          s.x.forEach((k, i) => {
            const j = corrected.step.indexOf(k);
            expect(j).toBeGreaterThanOrEqual(0);
            // band half-width = predicted per-seed SD / √S (the SE of an S-seed mean); the mean lies inside
            expect(s.hi![i] - s.y[i]).toBeCloseTo(sd[sym][j] / Math.sqrt(S), 12);
            expect(s.y[i] - s.lo![i]).toBeCloseTo(sd[sym][j] / Math.sqrt(S), 12);
          });
        }
      }
    }
    expect(bands).toBe(picked.reduce((acc, e) => acc + 3 * responsesOf(e.config).length, 0));
  });

  it('the summary counts every comparison verdict, inconclusive included (4-seed ensembles are inconclusive)', () => {
    const text = reproduceSummary(bundle, 'OUT', 1);
    const line = text.split('\n').find((l) => l.startsWith('comparisons: '))!;
    const counts = Object.fromEntries([...line.matchAll(/(\d+) (pass|fail|inconclusive|n\/a)/g)].map((m) => [m[2], Number(m[1])]));
    for (const v of ['pass', 'fail', 'inconclusive', 'n/a']) expect(counts[v]).toBe(bundle.comparisons.filter((c) => c.verdict === v).length);
    expect(counts.inconclusive).toBeGreaterThan(0);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(bundle.comparisons.length);
    for (const ref of ['corrected', 'population']) {
      const l = text.split('\n').find((x) => x.includes(`vs ${ref} theory:`))!;
      const total = [...l.matchAll(/(\d+) (pass|fail|inconclusive|n\/a)/g)].reduce((a, m) => a + Number(m[1]), 0);
      expect(total).toBe(bundle.comparisons.filter((c) => c.reference === ref).length);
    }
  });
});

describe('figure 13: the finite-sample correction claim as a figure', async () => {
  const store = new RunStore('test');
  const params = reproduceParams(true);
  const section = await fig13FiniteCorrection.collect!(store.view('figure 13', fig13FiniteCorrection.runs!(params)), params);
  const [claim] = await finiteSampleCorrection.measure(store.view('claim', finiteSampleCorrection.runs(params)), params);
  const bundle = { ...section } as never;
  const fig = fig13FiniteCorrection.build(bundle);

  it('has one measured point per n with its error bar, over at least a 16× range of n', () => {
    const s = section.finiteCorrection!;
    const panel = fig.panels[0];
    const measured = panel.series.filter((x) => x.role === 'simulation');
    expect(measured.map((m) => m.x[0])).toEqual([...CORRECTION_N]);
    expect(Math.max(...CORRECTION_N) / Math.min(...CORRECTION_N)).toBeGreaterThanOrEqual(16);
    measured.forEach((m, i) => {
      expect(m.errorBars).toBe(true);
      expect(m.lo![0]).toBeLessThan(m.y[0]);
      expect(m.hi![0]).toBeGreaterThan(m.y[0]);
      expect(m.hi![0] - m.y[0]).toBeCloseTo(s.points[i].se, 12);
    });
  });

  it('draws the claim’s own predicted coefficient, control coefficient and fit', () => {
    const s = section.finiteCorrection!;
    expect(s.predicted).toBe(claim.predicted);
    expect(s.fit.intercept).toBe(claim.measured);
    expect(s.z * s.fit.interceptSe).toBeCloseTo(claim.tolerance, 12);
    const series = fig.panels[0].series;
    const line = series.find((x) => x.label.startsWith('predicted coefficient'))!;
    const control = series.find((x) => x.label.startsWith('negative control'))!;
    expect(new Set(line.y)).toEqual(new Set([claim.predicted]));
    expect(new Set(control.y)).toEqual(new Set([CONTROL_FACTOR * claim.predicted!]));
    expect(claim.control.verdict).toBe('fail');
  });

  it('writes a tidy CSV: one row per plotted point, the run’s n in the n column of each measured point', () => {
    const csv = figureCsv(fig).trimEnd().split('\n');
    const header = csv[0].split(',');
    expect(header).toEqual(['panel', 'series', 'role', ...PARAMETER_COLUMNS.map((c) => c.name), 'x', 'y', 'lo', 'hi']);
    expect(csv.length - 1).toBe(fig.panels[0].series.reduce((a, s) => a + s.x.length, 0));
    const rows = csv.slice(1).map((r) => r.split(','));
    for (const r of rows) expect(r).toHaveLength(header.length);
    const nCol = header.indexOf('n');
    const measured = rows.filter((r) => r[2] === 'simulation');
    expect(measured.map((r) => Number(r[nCol]))).toEqual([...CORRECTION_N]);
    expect(measured.map((r) => Number(r[header.indexOf('x')]))).toEqual([...CORRECTION_N]);
    for (const r of rows) for (const c of ['x', 'y']) expect(Number.isFinite(Number(r[header.indexOf(c)]))).toBe(true);
  });
});
