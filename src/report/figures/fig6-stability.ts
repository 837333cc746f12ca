/**
 * Figure 6: GD stability — stableUpTo vs λ_v (step-size scan) beside the analytic bounds, and the (λ_v, η̃) phase diagram.
 * Computes the bundle's `stability` (the scan shared with the stability claims) and `phase` sections.
 */
import type { PhaseDiagram } from '../../compare/bundle.js';
import { runSweep } from '../../dynamics/sweep.js';
import { geometric, spikedConfig, type ReproduceParams } from '../../claims/params.js';
import { stabilityRuns, stabilityScans } from '../../claims/stability-scan.js';
import { PALETTE } from '../figure-spec.js';
import type { FigureDefinition } from './definition.js';

function phaseBase(p: ReproduceParams) {
  return spikedConfig(p, { lambdaV: p.lambdaV[0], d: p.d, steps: p.phase.steps });
}

/** The (λ_v, η̃) phase diagram of the GD map: the dynamics stage's sweep (worker threads on both cores). */
async function phaseDiagram(base: ReturnType<typeof phaseBase>, p: ReproduceParams, command: string): Promise<PhaseDiagram> {
  const phaseL = geometric(p.phase.lambdaV);
  const phaseE = geometric(p.phase.etaTilde);
  const sweep = await runSweep({ base, grid: 'lambda-eta', lambdaV: phaseL, values: phaseE, algorithms: ['gd'], steps: p.phase.steps }, { command });
  const diverged: boolean[][] = phaseL.map(() => phaseE.map(() => false));
  const escapeStep: (number | null)[][] = phaseL.map(() => phaseE.map(() => null));
  for (const pt of sweep.points) {
    const i = phaseL.indexOf(pt.lambdaV);
    const j = phaseE.indexOf(pt.x);
    diverged[i][j] = pt.status === 'diverged';
    escapeStep[i][j] = pt.status === 'diverged' ? null : pt.escapeStep;
  }
  return { lambdaV: phaseL, etaTilde: phaseE, diverged, escapeStep, steps: p.phase.steps };
}

export const fig6Stability: FigureDefinition = {
  id: 'fig6-stability',
  groups: [],
  sections: ['stability', 'phase'],
  runs: (p) => [...stabilityRuns(p), { config: phaseBase(p), purpose: 'phase diagram base config' }],
  async collect(runs, p) {
    const stability = stabilityScans(runs, p).section;
    const phase = await phaseDiagram(runs.run(phaseBase(p)).config, p, 'reproduce');
    return { stability, phase };
  },
  build(b) {
    const s = b.stability!;
    const p = b.phase!;
    const conv: [number, number][] = [];
    const div: [number, number][] = [];
    p.lambdaV.forEach((l, i) => p.etaTilde.forEach((e, j) => (p.diverged[i][j] ? div : conv).push([l, e])));
    return {
      id: 'fig6-stability',
      title: 'GD stability: largest stable step η̃ vs λ_v, and the (λ_v, η̃) phase diagram',
      caption: `Left: stableUpTo — the largest η̃ below which every scanned GD step converges to the optimum — of the step-size scan from W₀ (markers; the same computation as \`specgd thresholds\`, geometric grid refined near its edges), beside the analytic bounds: the optimum's linearized bound 2/μ_max (period-doubling onset) and the escape-stage bound (crisis of the spike-restricted map); the smaller binds. Right: outcome of ${p.steps} GD steps on a (λ_v, η̃) grid. SpecGD's update has spectral norm η at every step and does not diverge.`,
      panels: [
        {
          title: 'largest stable η̃ vs λ_v',
          x: { label: 'spike variance λ_v (log scale)', log: true },
          y: { label: 'largest stable η̃ (log scale)', log: true },
          series: [
            { label: 'predicted stableUpTo: the smaller analytic bound', role: 'theory', color: '#000000', x: s.lambdaV, y: s.linearized },
            ...(s.linearizedAtOptimum
              ? [{ label: "optimum's bound 2/μ_max(J(a*))", role: 'theory' as const, color: PALETTE[2], dashed: true, x: s.lambdaV.filter((_, i) => s.linearizedAtOptimum![i] !== null), y: s.linearizedAtOptimum.filter((v): v is number => v !== null) }]
              : []),
            ...(s.escapeStage
              ? [{ label: 'escape-stage bound (spike-restricted map)', role: 'theory' as const, color: PALETTE[0], x: s.lambdaV.filter((_, i) => s.escapeStage![i] !== null), y: s.escapeStage.filter((v): v is number => v !== null) }]
              : []),
            { label: 'stableUpTo from W₀ (step-size scan)', role: 'marker', color: PALETTE[1], x: s.lambdaV, y: s.measured },
          ],
        },
        {
          title: 'phase diagram (GD)',
          kind: 'scatter',
          x: { label: 'spike variance λ_v (log scale)', log: true },
          y: { label: 'step size η̃ (log scale)', log: true },
          series: [
            { label: 'does not diverge', role: 'marker', color: PALETTE[2], x: conv.map((q) => q[0]), y: conv.map((q) => q[1]) },
            { label: 'diverges', role: 'marker', color: PALETTE[1], x: div.map((q) => q[0]), y: div.map((q) => q[1]) },
            { label: 'stableUpTo (step-size scan)', role: 'theory', color: '#000000', x: s.lambdaV, y: s.measured, dashed: true },
          ],
        },
      ],
    };
  },
};
