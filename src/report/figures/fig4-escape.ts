/**
 * Figure 4: escape step (signal a first reaches the escape level) vs λ_v per algorithm: theory over a geometric
 * λ_v grid (its own runs), simulation markers from the spiked figure runs. Computes the bundle's `escape` section.
 */
import type { EscapeScan } from '../../compare/bundle.js';
import { algorithmsOf, labelOfId } from '../../compare/algorithm-list.js';
import { crossingStep } from '../../compare/measure.js';
import { seriesMean } from '../../compare/series.js';
import { geometric, spikedConfig, spikedGridConfigs, type ReproduceParams } from '../../claims/params.js';
import { trajectoryOf, type RunRequest } from '../../claims/runs.js';
import { PALETTE, type FigureSeries } from '../figure-spec.js';
import type { FigureDefinition } from './definition.js';

function escapeGridRuns(p: ReproduceParams): RunRequest[] {
  return geometric(p.escapeGrid).map((lambdaV) => ({ config: spikedConfig(p, { lambdaV, d: p.d, steps: p.steps }), purpose: `escape scan (theory) at λ_v = ${lambdaV}` }));
}

export const fig4Escape: FigureDefinition = {
  id: 'fig4-escape',
  groups: [],
  sections: ['escape'],
  runs: (p) => [...escapeGridRuns(p), ...spikedGridConfigs(p).map((r) => ({ config: r.config, purpose: `escape (simulation) at λ_v = ${r.lambdaV}` }))],
  async collect(runs, p) {
    const theory: Record<string, (number | null)[]> = {};
    for (const { config } of escapeGridRuns(p)) {
      const th = runs.run(config).theory();
      for (const alg of algorithmsOf(config)) (theory[alg.id] ??= []).push(crossingStep(trajectoryOf(th, alg.id).step, seriesMean(trajectoryOf(th, alg.id), 'a'), p.escapeLevel));
    }
    const simulation: Record<string, (number | null)[]> = {};
    for (const { config } of spikedGridConfigs(p)) {
      const sim = runs.run(config).simulation();
      for (const alg of algorithmsOf(config)) {
        const t = trajectoryOf(sim, alg.id);
        (simulation[alg.id] ??= []).push(crossingStep(t.step, seriesMean(t, 'a'), p.escapeLevel));
      }
    }
    const escape: EscapeScan = { level: p.escapeLevel, lambdaV: geometric(p.escapeGrid), theory, simLambdaV: p.lambdaV, simulation };
    return { escape };
  },
  build(b) {
    const e = b.escape!;
    const series: FigureSeries[] = [];
    Object.keys(e.theory).forEach((alg, i) => {
      const label = labelOfId(alg);
      const th = e.theory[alg] ?? [];
      const keep = th.map((s, j) => (s === null ? -1 : j)).filter((j) => j >= 0);
      series.push({ label: `theory ${label}`, role: 'theory', color: PALETTE[i], x: keep.map((j) => e.lambdaV[j]), y: keep.map((j) => th[j] as number) });
      const sm = e.simulation[alg] ?? [];
      const ks = sm.map((s, j) => (s === null ? -1 : j)).filter((j) => j >= 0);
      series.push({ label: `simulation ${label}`, role: 'marker', color: PALETTE[i], x: ks.map((j) => e.simLambdaV[j]), y: ks.map((j) => sm[j] as number) });
    });
    return {
      id: 'fig4-escape',
      title: `Escape step (signal a reaches ${e.level}) vs spike variance λ_v`,
      caption: `Number of steps until the signal coefficient a first reaches ${e.level}, GD vs SpecGD, as a function of λ_v. Lines: theory over a λ_v grid; markers: full-dimensional simulation.`,
      panels: [{ title: 'escape step vs λ_v', x: { label: 'spike variance λ_v (log scale)', log: true }, y: { label: 'escape step', log: false }, series }],
    };
  },
};
