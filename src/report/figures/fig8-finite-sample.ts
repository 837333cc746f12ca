/**
 * Figure 8: finite-sample (full-batch) runs at several n against the population theory, per algorithm, with the
 * corrected theory's band per n (issue 11, item 6) for the signal and spike magnitudes and their misalignment ratio
 * (ratio_mag): the corrected mean μ_k (GD: the source ensemble; SpecGD: s̄_k + c_k/n) ± the predicted standard
 * error of an S-seed ensemble mean, σ_k/√(nS) (σ_k/√n the predicted per-seed SD, `sd` of the theory-corrected
 * trajectory; S the run's seeds), drawn only over the corrected theory's validity range (the trajectory stops at
 * its last valid step: dynamics/response/corrected.ts `validRange`). The band is thus directly comparable with the
 * simulation's ± SE band.
 */
import type { RunGroup } from '../../compare/bundle.js';
import type { Trajectory } from '../../core/trajectory.js';
import { PALETTE, type FigureSeries, type PanelSpec } from '../figure-spec.js';
import type { FigureDefinition } from './definition.js';
import { find, groupAlgorithms, paramsOf, simPoints, theoryLine } from './series.js';

/** The theory-corrected trajectory of an algorithm in a run group (absent when the plan did not compute it). */
export function correctedOf(g: RunGroup, algorithm: string): Trajectory | undefined {
  return g.theory.find((t) => t.kind === 'theory-corrected' && t.algorithm === algorithm);
}

/**
 * The corrected band of series `sym` of a group: μ_k ± sd_k/√S over the corrected trajectory's steps (S = the
 * group's seeds), as a dashed theory line with a band; [] when there is no corrected trajectory or it has no step.
 */
export function correctedBand(g: RunGroup, algorithm: string, sym: string, color: string): FigureSeries[] {
  const t = correctedOf(g, algorithm);
  const mean = (t?.series as Record<string, number[]> | undefined)?.[sym];
  const sd = t?.sd?.[sym];
  if (!t || !mean || !sd || t.step.length === 0) return [];
  const S = g.config.seeds.length;
  const se = sd.map((v) => v / Math.sqrt(S));
  const until = (t.correction as { validUntilStep?: number } | undefined)?.validUntilStep ?? t.step[t.step.length - 1];
  return [{ label: `corrected ${g.label} ± σ/√(nS) (to step ${until})`, role: 'theory', color, dashed: true, x: t.step, y: mean, lo: mean.map((m, i) => m - se[i]), hi: mean.map((m, i) => m + se[i]), ...paramsOf(t) }];
}

export const fig8FiniteSample: FigureDefinition = {
  id: 'fig8-finite-sample',
  groups: ['finiteSample'],
  sections: [],
  build(b) {
    const groups = b.groups.finiteSample;
    const panels: PanelSpec[] = [];
    for (const alg of groupAlgorithms(groups)) {
      for (const [sym, name, yLabel, log] of [
        ['a_mag', 'signal |a|', 'block magnitude signal |a| = ‖W P‖_F/√r', false],
        ['b_mag', 'spike |b|', 'block magnitude spike |b| = ‖W P‖_F/√r', false],
        ['ratio_mag', 'misalignment ‖Wv‖/‖Wθ‖', 'misalignment of the magnitudes ‖Wv‖/‖Wθ‖', true],
      ] as const) {
        const pop = groups[0] ? groups[0].theory.find((t) => t.kind === 'theory' && t.algorithm === alg.id) : undefined;
        panels.push({
          title: `${alg.label}: ${name}, finite samples vs population and corrected theory`,
          x: { label: 'step k', log: false },
          y: { label: yLabel, log },
          series: [
            ...theoryLine(pop, sym, 'population theory', '#000000'),
            ...groups.flatMap((g, i) => correctedBand(g, alg.id, sym, PALETTE[i % PALETTE.length])),
            ...groups.flatMap((g, i) => simPoints(find(g.simulation, alg.id), sym, `simulation ${g.label}`, PALETTE[i % PALETTE.length], 40)),
          ],
        });
      }
    }
    return {
      id: 'fig8-finite-sample',
      title: 'Finite samples: full-batch runs at several n against the population theory and its finite-sample correction',
      caption:
        'Full-batch GD and SpecGD on a fixed sample of n Gaussian inputs (ensemble mean ± SE over seeds, markers) against the population theory (black line) and, per n, the corrected theory ' +
        '(dashed, same colour as its n; GD: the Gaussian-source ensemble of the reduced dynamics, SpecGD: population + predicted 1/n shift) with its band ± σ/√(nS): the predicted standard error of the mean of S seeds (σ/√n the predicted per-seed SD), comparable with the simulation band. ' +
        "The corrected theory is drawn only over its range (SpecGD: until a block of the empirical gradient is no longer resolved from zero, where the sample's own sign switch can come first). Off the block manifold W can rotate, so the statistics of WᵀW are shown: the block magnitudes ‖W P_k‖_F/√r_k (equal to |a_k| on the manifold) and their misalignment ratio ‖Wv‖/‖Wθ‖ (|b/a| on the manifold).",
      panels,
    };
  },
};
