/**
 * Shared measurement of the algorithm exactness tests: a config's reduced map (theory) against its
 * full-dimensional population run (simulation), over the window where the reduced map has not amplified rounding.
 * The window is measured from the map itself (as in test/sim/muon-exact.test.ts): a rounding-size change of the
 * step size, η(1 + 4u), must move every reduced series by ≤ 1e-13 of its scale. Error measure as in
 * test/sim/exact.test.ts: max_t |sim − theory| / max_t |theory| per block coefficient, over that window.
 */
import { parseConfig, type ExperimentConfig } from '../../src/config/config.js';
import { runTheory } from '../../src/dynamics/theory.js';
import { runSimulation } from '../../src/sim/simulate.js';

export const U = 2 ** -53;
export const SYMS = ['a', 'b', 'c'] as const;

export interface SpikedOptions {
  d?: number;
  student?: 'matrix' | 'vector';
  basis?: 'canonical' | 'random';
  steps?: number;
  spike?: number;
  /**
   * Also end the window at the first sign switch of any block's update direction (sign maps: before it the map is
   * a translation that cannot amplify rounding; after it a rounding-size state error can flip a sign decision,
   * which the η-perturbation does not probe).
   */
  capAtSignSwitch?: boolean;
}

export function spikedConfig(alg: Record<string, unknown>, o: SpikedOptions = {}): ExperimentConfig {
  return parseConfig({
    model: {
      d: o.d ?? 12,
      covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: o.spike ?? 10, bulkVariance: 1, basis: o.basis ?? 'canonical' },
      student: { kind: o.student ?? 'matrix' },
      init: { kind: 'scaled-identity', alpha: 1e-3 },
    },
    algorithms: [alg],
    steps: o.steps ?? 300,
    record: 'all',
    data: { mode: 'population' },
    seeds: [1],
  });
}

export interface Exactness {
  label: string;
  /** Steps before the map's own sensitivity to a 4u change of η exceeds 1e-13 (relative). */
  window: number;
  /** max over the window of |sim − theory| / max |theory|, per symbol. */
  err: Record<string, number>;
  /** The theory's final signal coefficient (non-triviality). */
  finalA: number;
}

/** Measure a config's reduced map against its full-dimensional run (module comment). */
export function measureExactness(alg: Record<string, unknown>, o: SpikedOptions = {}): Exactness {
  const cfg = spikedConfig(alg, o);
  const [theory] = runTheory(cfg);
  const [perturbed] = runTheory(spikedConfig({ ...alg, eta: (alg.eta as number) * (1 + 4 * U) }, o));
  const [sim] = runSimulation(cfg);
  if (sim.step.join() !== theory.step.join()) throw new Error('theory and simulation recorded different steps');
  const th = theory.series as Record<string, number[]>;
  const pe = perturbed.series as Record<string, number[]>;
  const si = sim.series as Record<string, { mean: number[] }>;
  const scale = Object.fromEntries(SYMS.map((s) => [s, Math.max(...th[s].map(Math.abs))]));
  let window = 0;
  while (window < theory.step.length && SYMS.every((s) => Math.abs(pe[s][window] - th[s][window]) <= 1e-13 * scale[s])) window++;
  if (o.capAtSignSwitch) {
    const switches = theory.events.filter((e) => e.name.startsWith('sign-switch:')).map((e) => e.step ?? Infinity);
    // record: 'all', so index = step
    window = Math.min(window, ...switches);
  }
  const err: Record<string, number> = {};
  for (const s of SYMS) {
    let e = 0;
    for (let i = 0; i < window; i++) e = Math.max(e, Math.abs(si[s].mean[i] - th[s][i]));
    err[s] = e / scale[s];
  }
  return { label: theory.algorithm, window, err, finalA: th.a[th.a.length - 1] };
}

/** Simulated block-coefficient series of a config (population gradient). */
export function simulatedSeries(alg: Record<string, unknown>, o: SpikedOptions = {}): Record<string, number[]> {
  const [sim] = runSimulation(spikedConfig(alg, o));
  const si = sim.series as Record<string, { mean: number[] }>;
  return Object.fromEntries(SYMS.map((s) => [s, si[s].mean]));
}

/** max_t |x − y| / max_t |x| over the common length, the largest over the symbols. */
export function relativeDistance(x: Record<string, number[]>, y: Record<string, number[]>): number {
  let worst = 0;
  for (const s of SYMS) {
    const n = Math.min(x[s].length, y[s].length);
    const scale = Math.max(...x[s].slice(0, n).map(Math.abs));
    let e = 0;
    for (let i = 0; i < n; i++) e = Math.max(e, Math.abs(x[s][i] - y[s][i]));
    worst = Math.max(worst, e / scale);
  }
  return worst;
}
