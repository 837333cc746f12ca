/**
 * Power-law covariance: GD amplifies, relative to the signal, exactly the directions whose derived growth factor
 * exceeds the signal's; SpecGD amplifies none.
 */
import { atMost, type Claim } from '../compare/claim.js';
import { seriesView } from '../compare/series.js';
import { POPULATION_REL_TOL } from '../compare/tolerance.js';
import type { ClaimDefinition } from './definition.js';
import { powerlawConfig } from './params.js';
import { trajectoryOf } from './runs.js';

/**
 * The qualitative picture under finite samples / another covariance, population-exact: GD amplifies the
 * uninformative direction(s) (peak ratio > initial ratio beyond rounding) exactly where the derivation says so,
 * SpecGD amplifies none. Measured: number of (direction, algorithm) cases that contradict it.
 */
export function qualitativeClaim(
  id: string,
  statement: string,
  cases: { label: string; algorithm: 'gd' | 'specgd'; expectAmplified: boolean; peakRatio: number; initialRatio: number }[],
  source: string,
): Claim {
  // Control (shuffled labels): the same count with the algorithms' labels swapped — it must contradict the picture.
  const swapped = cases.filter((c) => c.peakRatio > c.initialRatio * (1 + POPULATION_REL_TOL) !== cases.find((o) => o.label === c.label && o.algorithm !== c.algorithm)?.expectAmplified).length;
  let mismatches = 0;
  const parts = cases.map((c) => {
    const amplified = c.peakRatio > c.initialRatio * (1 + POPULATION_REL_TOL);
    if (amplified !== c.expectAmplified) mismatches++;
    return `${c.label} ${c.algorithm}: peak÷initial = ${(c.peakRatio / c.initialRatio).toPrecision(4)}`;
  });
  return {
    id,
    kind: 'finding',
    statement,
    quantity: `number of cases (of ${cases.length}) contradicting the picture; ${parts.join('; ')}`,
    measured: mismatches,
    predicted: 0,
    tolerance: 0,
    test: 'measured ≤ tolerance',
    toleranceRule: `exact count; "amplified" = peak ratio > initial ratio·(1 + ${POPULATION_REL_TOL}) (population-exact runs: rounding only)`,
    source,
    verdict: atMost(mismatches, 0),
    control: { case: 'shuffled labels: GD and SpecGD swapped, same runs and count', measured: swapped, verdict: atMost(swapped, 0) },
  };
}

const STATEMENT = "Power-law covariance: GD amplifies relative to the signal exactly the directions whose derived growth factor exceeds the signal's (the higher-variance uninformative ones); SpecGD amplifies none.";

export const powerlawPicture: ClaimDefinition = {
  id: 'powerlaw-picture',
  statement: STATEMENT,
  falsifiedBy: 'a direction whose ratio to the signal GD amplifies although its derived growth factor does not exceed the signal\'s (or the reverse), or any direction SpecGD amplifies.',
  runs: (p) => [{ config: powerlawConfig(p), purpose: 'power-law covariance, GD and SpecGD' }],
  measure(runs, p) {
    const run = runs.run(powerlawConfig(p));
    const spec = run.spec();
    const signal = spec.blocks[spec.signalBlock].symbol;
    const der = run.derivation({ checks: false, fixedPoints: false });
    const cases: Parameters<typeof qualitativeClaim>[2] = [];
    for (const t of der.linearization.thresholds) {
      const sym = spec.blocks[t.block].symbol;
      for (const alg of ['gd', 'specgd'] as const) {
        const tr = trajectoryOf(run.simulation(), alg);
        const x = seriesView(tr, sym)!;
        const s = seriesView(tr, signal)!;
        const ratio = x.mean.map((v, i) => v / s.mean[i]);
        cases.push({ label: `${sym}/${signal}`, algorithm: alg, expectAmplified: alg === 'gd' && t.holds, peakRatio: Math.max(...ratio), initialRatio: ratio[0] });
      }
    }
    return [qualitativeClaim('powerlaw-picture', STATEMENT, cases, 'simulation (population-exact, power-law spectrum) + derived thresholds')];
  },
};
