/**
 * SpecGD is rotation-invariant (issue 12): its full-dimensional runs in the spiked model's canonical basis and in a
 * seeded random basis give the same alignment, overlap and block coefficients to rounding, over the window up to
 * SpecGD's first sign switch (the first step k_sw whose update direction of some block reverses, read from the
 * canonical run's reduced map). After it the polar factor of a block crossing zero is ill-conditioned and the two
 * runs separate at the level of the rounding it amplifies; the claim states only the window.
 * Tolerance: every step's products of d-vectors carry the relative rounding γ_d = d·u/(1 − d·u) (u = 2⁻⁵³; Higham,
 * Accuracy and Stability of Numerical Algorithms, 2nd ed., §3.1) on quantities ≤ 1 in the window, and before the
 * sign switch the step W ← W − η·polar(G) does not amplify earlier errors beyond adding them, so after K steps the
 * difference is ≤ K·γ_d. Control: Adam over the same window (coordinate-wise, not rotation-invariant).
 */
import type { Trajectory } from '../core/trajectory.js';
import { atMost, type Claim } from '../compare/claim.js';
import { basisComparison, type BasisComparison } from '../dynamics/optimizer-family.js';
import { UNIT_ROUNDOFF, fmtE } from './constants.js';
import type { ClaimDefinition } from './definition.js';
import { basisConfig, type ReproduceParams } from './params.js';
import { trajectoryOf, type RunSet } from './runs.js';

/** The series compared between the bases. */
export const BASIS_SERIES = ['alignment', 'overlap', 'a', 'b', 'c'] as const;

/** First sign-switch step of a reduced-map trajectory (null: none in the run). */
export function firstSignSwitch(theory: Trajectory): number | null {
  const steps = theory.events.filter((e) => e.name.startsWith('sign-switch:') && e.step !== null).map((e) => e.step as number);
  return steps.length ? Math.min(...steps) : null;
}

/** The records of a trajectory with step ≤ last. */
export function truncateTrajectory(t: Trajectory, last: number): Trajectory {
  const n = t.step.filter((s) => s <= last).length;
  const series: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(t.series as Record<string, number[] | { mean: number[]; se: number[] }>)) {
    series[k] = Array.isArray(v) ? v.slice(0, n) : { mean: v.mean.slice(0, n), se: v.se.slice(0, n) };
  }
  return { ...t, step: t.step.slice(0, n), t: t.t.length === t.step.length ? t.t.slice(0, n) : t.t, series: series as Trajectory['series'] };
}

/** Largest difference over the compared series. */
export function maxBasisDifference(c: BasisComparison): number {
  return Math.max(...Object.values(c.maxDifference));
}

/** K·γ_d (module comment). */
export function basisTolerance(d: number, steps: number): number {
  const gamma = (d * UNIT_ROUNDOFF) / (1 - d * UNIT_ROUNDOFF);
  return steps * gamma;
}

export interface BasisWindow {
  window: number;
  d: number;
  tolerance: number;
  /** Per algorithm: the comparison over the window and over the whole run. */
  compare(algorithm: string): { window: BasisComparison; whole: BasisComparison };
}

/** The basis runs of the plan, compared over SpecGD's first-sign-switch window. */
export function basisWindow(runs: RunSet, p: ReproduceParams): BasisWindow {
  const canonical = runs.run(basisConfig(p, 'canonical'));
  const random = runs.run(basisConfig(p, 'random'));
  const sw = firstSignSwitch(trajectoryOf(canonical.theory(), 'specgd'));
  const window = sw ?? p.optimizers.steps;
  return {
    window,
    d: p.optimizers.d,
    tolerance: basisTolerance(p.optimizers.d, window),
    compare(algorithm) {
      const c = trajectoryOf(canonical.simulation(), algorithm);
      const r = trajectoryOf(random.simulation(), algorithm);
      return { window: basisComparison(truncateTrajectory(c, window), truncateTrajectory(r, window), BASIS_SERIES), whole: basisComparison(c, r, BASIS_SERIES) };
    },
  };
}

const diffs = (c: BasisComparison) => Object.entries(c.maxDifference).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(', ');

export function specgdBasisClaim(w: BasisWindow): Claim {
  const sg = w.compare('specgd');
  const adam = w.compare('adam');
  const measured = maxBasisDifference(sg.window);
  const control = maxBasisDifference(adam.window);
  return {
    id: 'optimizer-specgd-basis-invariance',
    kind: 'check',
    statement: `SpecGD's full-dimensional run is the same in the canonical and in a random covariance basis to rounding, up to its first sign switch (step ${w.window}).`,
    quantity: `max over steps ≤ ${w.window} and series ${BASIS_SERIES.join(', ')} of |canonical − random| (simulation, d = ${w.d}, same seed); per series ${diffs(sg.window)}; over the whole run (${sg.whole.steps} steps, past the sign switches): ${diffs(sg.whole)}`,
    measured,
    predicted: 0,
    tolerance: w.tolerance,
    test: 'measured ≤ tolerance',
    toleranceRule: `K·γ_d, K = ${w.window} steps, γ_d = d·u/(1 − d·u), d = ${w.d}: ${fmtE(w.tolerance)}`,
    source: 'simulation (SpecGD, canonical vs random basis)',
    verdict: atMost(measured, w.tolerance),
    control: { case: `Adam over the same window: ${diffs(adam.window)}`, measured: control, verdict: atMost(control, w.tolerance) },
  };
}

export const optimizerSpecgdBasis: ClaimDefinition = {
  id: 'optimizer-specgd-basis-invariance',
  statement: "SpecGD's results are the same in the canonical and in a random covariance basis to rounding, up to its first sign switch.",
  falsifiedBy: 'a SpecGD run whose alignment, overlap or block coefficients in a random basis differ from the canonical run by more than K·γ_d before the first sign switch.',
  runs: (p) => [
    { config: basisConfig(p, 'canonical'), purpose: 'Adam and SpecGD, canonical basis' },
    { config: basisConfig(p, 'random'), purpose: 'Adam and SpecGD, random basis' },
  ],
  measure: (runs, p) => [specgdBasisClaim(basisWindow(runs, p))],
};
