/**
 * GD, early escaping stage from W₀ = αI: each block coefficient grows by its derived linearized factor
 * 1 − η̃ ∂g_k/∂a_k(0) per step (one claim per block, ids `gd-growth-<block>`).
 */
import type { Trajectory } from '../core/trajectory.js';
import { twoSided, type Claim } from '../compare/claim.js';
import { seriesMean } from '../compare/series.js';
import { POPULATION_REL_TOL } from '../compare/tolerance.js';
import { paramValues } from '../symbolic/compile.js';
import { fmtE } from './constants.js';
import type { ClaimDefinition } from './definition.js';
import { topSpikedConfig } from './params.js';
import { trajectoryOf } from './runs.js';

export interface GrowthFactorInput {
  /** Population-exact GD simulation from W₀ = αI (records steps 0 and 1). */
  sim: Trajectory;
  symbol: string;
  blockName: string;
  /** Derived linearized growth factor 1 − η̃ ∂g_k/∂a_k(0), evaluated at the run's η̃. */
  predicted: number;
  /** Exact one-step ratio of the reduced map at the actual initialization, r(α) = 1 − η̃ g_k(a₀)/a_k(0). */
  exactFirstStep: number;
  /** The same at half the initialization scale, r(α/2) (for the size of the O(α²) remainder). */
  exactFirstStepHalf: number;
  /** The derived factor as a formula (plain infix of the growth-factor polynomial). */
  factorText?: string;
}

/**
 * Measured: x(1)/x(0) of the block coefficient in the full-dimensional run. Tolerance: the linearization drops
 * O(α²) terms, r(α) = r₀ + Cα² + O(α⁴); their size at the initialization is estimated from the reduced gradients
 * alone (independently of the prediction) by Richardson: Cα² ≈ (4/3)(r(α) − r(α/2)). Tolerance = 2·|Cα²| + 1e-12
 * relative rounding.
 */
export function growthFactorClaim(input: GrowthFactorInput): Claim {
  const v = seriesMean(input.sim, input.symbol);
  const measured = v[1] / v[0];
  const remainder = (4 / 3) * Math.abs(input.exactFirstStep - input.exactFirstStepHalf);
  const tolerance = 2 * remainder + POPULATION_REL_TOL * Math.abs(input.predicted);
  return {
    id: `gd-growth-${input.blockName}`,
    statement: `GD, early escaping stage from W₀ = αI: the ${input.blockName} coefficient ${input.symbol} grows by the derived per-step factor 1 − η̃ ∂g_${input.symbol}/∂${input.symbol}(0)${input.factorText ? ` = ${input.factorText}` : ''}.`,
    quantity: `measured per-step ratio ${input.symbol}(1)/${input.symbol}(0) in the full-dimensional population run`,
    measured,
    predicted: input.predicted,
    tolerance,
    test: '|measured − predicted| ≤ tolerance',
    toleranceRule: `2 × the O(α²) remainder of the linearization at the initialization, (4/3)|r(α) − r(α/2)| from the reduced gradients (r(α) = ${fmtE(input.exactFirstStep)}, r(α/2) = ${fmtE(input.exactFirstStepHalf)}), + ${POPULATION_REL_TOL} relative rounding`,
    source: 'simulation (population-exact GD)',
    verdict: twoSided(measured, input.predicted, tolerance),
  };
}

export const gdGrowth: ClaimDefinition = {
  id: 'gd-growth',
  family: true,
  statement: 'GD, early escaping stage from W₀ = αI: every block coefficient grows by its derived per-step factor 1 − η̃ ∂g_k/∂a_k(0).',
  falsifiedBy: 'a first-step ratio a_k(1)/a_k(0) of the full-dimensional GD run further from the derived factor than twice the O(α²) remainder of the linearization (plus rounding).',
  runs: (p) => [{ config: topSpikedConfig(p), purpose: 'GD first step at the largest λ_v; derivation and compiled gradients' }],
  measure(runs, p) {
    const top = runs.run(topSpikedConfig(p));
    const topSpec = top.spec();
    const sys = top.system();
    const a0 = new Float64Array(sys.n).fill(p.alpha);
    const g0 = new Float64Array(sys.n);
    sys.grad(a0, g0);
    const aHalf = new Float64Array(sys.n).fill(p.alpha / 2);
    const gHalf = new Float64Array(sys.n);
    sys.grad(aHalf, gHalf);
    const topDer = top.derivation({ checks: false, fixedPoints: false });
    const env = paramValues(topDer, topSpec);
    return topSpec.blocks.map((b, k) =>
      growthFactorClaim({
        sim: trajectoryOf(top.simulation(), 'gd'),
        symbol: b.symbol,
        blockName: b.name,
        predicted: topDer.linearization.growthFactors[k].evaluate({ ...env, eta_tilde: p.etaGd }),
        exactFirstStep: 1 - (p.etaGd * g0[k]) / a0[k],
        exactFirstStepHalf: 1 - (p.etaGd * gHalf[k]) / aHalf[k],
        factorText: topDer.linearization.growthFactors[k].toInfix(),
      }),
    );
  },
};
