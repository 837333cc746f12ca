/**
 * The non-orthogonal-spike study (claims/angle-*.ts, figures 11–12) on a small grid: every claim passes and its
 * negative control fails, the figure data are well formed, and cells and stable steps are undecided where they
 * cannot be decided (forced: a step budget below the reference's escape, stub stability classes).
 */
import { describe, expect, it } from 'vitest';
import { angleRuns, angleStudy, phaseCell, phaseDiagram } from '../../src/claims/angle-scan.js';
import { smallAngleParams } from '../helpers/synthetic.js';
import { largestStableStep } from '../../src/claims/angle-stable-step.js';
import { CLAIMS } from '../../src/claims/index.js';
import { reproduceParams, type ReproduceParams } from '../../src/claims/params.js';
import { PARAMETER_COLUMNS } from '../../src/config/parameters.js';
import { RunStore } from '../../src/pipeline/runs.js';
import { figureCsv } from '../../src/report/figures.js';
import { anglePhaseFigure } from '../../src/report/figures/fig12-angle-phase.js';
import { angleCurvesFigure } from '../../src/report/figures/fig11-angle.js';
import type { Claim } from '../../src/compare/claim.js';
import type { AngleSection } from '../../src/compare/angle-section.js';
import { buildModelSpec } from '../../src/model/spec.js';
import { systemFor } from '../../src/symbolic/compile.js';
import { angleConfig } from '../../src/claims/angle-scan.js';
import { stabilityReport } from '../../src/dynamics/stability.js';

const quick = reproduceParams(true);
const small = smallAngleParams;

async function measureAll(p: ReproduceParams): Promise<{ claims: Claim[]; study: AngleSection }> {
  const store = new RunStore('test');
  const claims: Claim[] = [];
  for (const def of CLAIMS.filter((d) => d.id.startsWith('angle-'))) claims.push(...(await def.measure(store.view(def.id, def.runs(p)), p)));
  return { claims, study: angleStudy(store.view('study', angleRuns(p)), p)! };
}

describe('angle study claims', () => {
  it('every angle claim passes on the small grid and its negative control fails', async () => {
    const { claims } = await measureAll(small());
    expect(claims.map((c) => c.id).sort()).toEqual(['angle-gd-phase-isotropic', 'angle-gd-phase-orthogonal', 'angle-gd-phase-tilted', 'angle-gd-stable-step', 'angle-phi0-exact', 'angle-simulation', 'angle-specgd-escape-eigen', 'angle-specgd-escape-tilted']);
    for (const c of claims) {
      expect(c.verdict, `${c.id}: measured ${c.measured}, tolerance ${c.tolerance}`).toBe('pass');
      expect(c.control.verdict, `${c.id} control (${c.control.case}): ${c.control.measured}`).toBe('fail');
      expect(Number.isFinite(c.measured) && Number.isFinite(c.tolerance)).toBe(true);
    }
  }, 60_000);

  it('a plan without the angle study measures no angle claim', async () => {
    const p: ReproduceParams = { ...quick };
    delete p.angle;
    const store = new RunStore('test');
    for (const def of CLAIMS.filter((d) => d.id.startsWith('angle-'))) expect(await def.measure(store.view(def.id, def.runs(p)), p)).toEqual([]);
  });

  it('a step budget below the isotropic escape forces undecided cells, and the phase claims are inconclusive, not passed', async () => {
    const { claims, study } = await measureAll(small(50));
    const ph = study.phase;
    expect(ph.reference.every((k) => k === null)).toBe(true);
    for (const row of ph.cell) for (const c of row) expect(['undecided', 'diverged']).toContain(c);
    expect(ph.cell.flat()).toContain('undecided');
    for (const id of ['angle-gd-phase-isotropic', 'angle-gd-phase-orthogonal', 'angle-gd-phase-tilted', 'angle-specgd-escape-eigen']) expect(claims.find((c) => c.id === id)!.verdict, id).toBe('inconclusive');
    for (const c of claims.filter((x) => x.verdict === 'inconclusive')) expect(c.reason).toBeTruthy();
  }, 60_000);
});

describe('phase cells and stable steps', () => {
  it('phaseCell: helps / hurts / neutral / diverged / undecided by the stated rule', () => {
    expect(phaseCell(10, false, 20).cell).toBe('helps');
    expect(phaseCell(30, false, 20).cell).toBe('hurts');
    expect(phaseCell(null, false, 20).cell).toBe('hurts');
    expect(phaseCell(20, false, 20).cell).toBe('neutral');
    expect(phaseCell(10, true, 20).cell).toBe('diverged');
    expect(phaseCell(10, false, null).cell).toBe('undecided');
    expect(phaseCell(null, false, null).cell).toBe('undecided');
  });

  it('phaseDiagram refuses a λ_v grid without the reference λ_v = 1', () => {
    const cfg = angleConfig(quick, small().angle!, { lambdaV: 2, phi: 0 });
    expect(() => phaseDiagram([2, 3], [0], [[1], [2]], [[false], [false]], 10, cfg)).toThrow(/reference λ_v = 1/);
  });

  it('largestStableStep is the thresholds scan: the same stableUpTo and bracket as `specgd thresholds` at the same resolution', () => {
    const cfg = angleConfig(quick, small().angle!, { lambdaV: 10, phi: 0.5 });
    const spec = buildModelSpec(cfg);
    const sys = systemFor(spec);
    const resolution = small().angle!.stable.resolution;
    const got = largestStableStep(sys, spec, { resolution });
    const ref = stabilityReport(cfg, { resolution }).scan;
    expect(got.status).toBe('bracketed');
    expect(got.stableUpTo).toBe(ref.stableUpTo);
    expect(got.bracket).toEqual(ref.bracket);
    expect(got.horizonBias).toBeGreaterThan(0);
  });
});

describe('figures 11 and 12', () => {
  it('are well formed: paired finite x/y, tidy parameter cells, every phase cell drawn once', async () => {
    const { study } = await measureAll(small());
    for (const fig of [angleCurvesFigure(study), anglePhaseFigure(study)]) {
      for (const panel of fig.panels) {
        for (const s of panel.series) {
          expect(s.x.length, s.label).toBe(s.y.length);
          for (const v of [...s.x, ...s.y]) expect(Number.isFinite(v)).toBe(true);
          expect(s.params?.length).toBe(PARAMETER_COLUMNS.length);
        }
      }
      const csv = figureCsv(fig).trimEnd().split('\n');
      expect(csv[0].split(',')).toEqual(['panel', 'series', 'role', ...PARAMETER_COLUMNS.map((c) => c.name), 'x', 'y', 'lo', 'hi']);
      expect(csv.length - 1).toBe(fig.panels.reduce((n, p) => n + p.series.reduce((m, s) => m + s.x.length, 0), 0));
    }
    const ph = study.phase;
    const drawn = anglePhaseFigure(study).panels[0].series.filter((s) => s.role === 'marker').flatMap((s) => s.x.map((x, i) => `${x}|${s.y[i]}`));
    expect(drawn.sort()).toEqual(ph.lambdaV.flatMap((l) => ph.phi.map((f) => `${l}|${f}`)).sort());
  }, 60_000);
});
