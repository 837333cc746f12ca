/** GD amplifies the spike relative to the signal in the runs with λ_v above the derived threshold, and only there. */
import type { Trajectory } from '../core/trajectory.js';
import { atMost, type Claim } from '../compare/claim.js';
import { seriesView } from '../compare/series.js';
import { POPULATION_REL_TOL } from '../compare/tolerance.js';
import type { ClaimDefinition } from './definition.js';
import { derivedSpikeThreshold } from './gd-spike-threshold.js';
import { spikedConfig, spikedGridConfigs, topSpikedConfig } from './params.js';
import { trajectoryOf } from './runs.js';

export interface OutgrowRun {
  lambdaV: number;
  gd: Trajectory;
}

/** Does b/a ever exceed its initial value beyond rounding? */
function grows(r: OutgrowRun): boolean {
  const ratio = seriesView(r.gd, 'ratio')!.mean;
  return Math.max(...ratio) > ratio[0] * (1 + POPULATION_REL_TOL);
}

/**
 * The λ_v grid, as multiples of the derived threshold λ*: dense around it — just below (0.97, 0.99) and above (1.01…1.6: inside (3λ_θ, 5λ_θ) when
 * λ* = 3λ_θ) — plus points well below. The runs are GD-only probes at the threshold dimension.
 */
export const OUTGROW_FACTORS = [0.5, 0.8, 0.9, 0.97, 0.99, 1.01, 1.03, 1.1, 1.25, 1.4, 1.6];

/**
 * Both sides of the threshold: in each GD run, does b/a ever exceed its initial value (beyond rounding)? It must
 * iff λ_v > threshold. Measured: the number of runs where the answer disagrees with the derived threshold.
 */
export function outgrowClaim(runs: OutgrowRun[], threshold: number, naive?: number): Claim {
  const count = (thr: number) => runs.filter((r) => grows(r) !== r.lambdaV > thr).length;
  let mismatches = 0;
  const details: string[] = [];
  for (const r of runs) {
    const ratio = seriesView(r.gd, 'ratio');
    if (!ratio) throw new Error('outgrowClaim: no b/a series');
    const r0 = ratio.mean[0];
    const peak = Math.max(...ratio.mean);
    const grows = peak > r0 * (1 + POPULATION_REL_TOL);
    const expected = r.lambdaV > threshold;
    if (grows !== expected) mismatches++;
    details.push(`λ_v=${r.lambdaV.toPrecision(4)}: peak b/a ÷ initial = ${(peak / r0).toPrecision(4)}`);
  }
  const ctl = naive !== undefined ? count(naive) : 0;
  return {
    id: 'gd-spike-outgrows-iff',
    kind: 'finding',
    statement: 'GD: the uninformative spike is amplified relative to the signal (b/a grows, alignment degrades) in the runs with λ_v above the derived threshold, and only in those.',
    quantity: `number of runs (of ${runs.length}, λ_v on both sides of the threshold) whose peak b/a vs initial b/a contradicts the threshold; ${details.join('; ')}`,
    measured: mismatches,
    predicted: 0,
    tolerance: 0,
    test: 'measured ≤ tolerance',
    toleranceRule: `exact count; "grows" means peak b/a > initial b/a·(1 + ${POPULATION_REL_TOL})`,
    source: 'simulation (population-exact GD)',
    verdict: atMost(mismatches, 0),
    control: { case: `wrong threshold: the naive λ_v > λ_θ = ${naive}, same runs and count`, measured: ctl, verdict: naive !== undefined ? atMost(ctl, 0) : 'pass' },
  };
}

export const gdSpikeOutgrowsIff: ClaimDefinition = {
  id: 'gd-spike-outgrows-iff',
  statement: 'GD: the uninformative spike is amplified relative to the signal in the runs with λ_v above the derived threshold, and only in those.',
  falsifiedBy: 'one GD run whose peak b/a exceeds its initial value (beyond rounding) with λ_v below the derived threshold, or does not with λ_v above it.',
  runs: (p) => [{ config: topSpikedConfig(p), purpose: 'derived threshold' }, ...spikedGridConfigs(p).map((r) => ({ config: r.config, purpose: `GD at λ_v = ${r.lambdaV}` }))],
  measure(runs, p) {
    const { predicted, signalVariance } = derivedSpikeThreshold(runs.run(topSpikedConfig(p)));
    const gdOnly = [{ name: 'gd', eta: p.etaGd }];
    const probes: OutgrowRun[] = OUTGROW_FACTORS.map((f) => {
      const lambdaV = f * predicted;
      return { lambdaV, gd: runs.probe(spikedConfig(p, { lambdaV, d: p.threshold.d, steps: p.steps, algorithms: gdOnly })).simulation()[0] };
    });
    const grid = spikedGridConfigs(p).map((r) => ({ lambdaV: r.lambdaV, gd: trajectoryOf(runs.run(r.config).simulation(), 'gd') }));
    return [outgrowClaim([...grid, ...probes].sort((x, y) => x.lambdaV - y.lambdaV), predicted, signalVariance)];
  },
};
