/**
 * GD, early escaping stage from W₀ = αI: each block coefficient grows by its derived linearized factor
 * 1 − η̃ ∂g_k/∂a_k(0) per step (one claim per block, ids `gd-growth-<block>`).
 */
import type { Trajectory } from '../core/trajectory.js';
import { twoSided, type Claim } from '../compare/claim.js';
import { seriesMean } from '../compare/series.js';
import { stepFit } from '../compare/measure.js';
import { POPULATION_REL_TOL } from '../compare/tolerance.js';
import { paramValues } from '../symbolic/compile.js';
import { fmtE, slopeTolerance } from './constants.js';
import type { ClaimDefinition } from './definition.js';
import { topSpikedConfig } from './params.js';
import { trajectoryOf } from './runs.js';

export interface GrowthFactorInput {
  /** Population-exact GD simulation from W₀ = αI. */
  sim: Trajectory;
  symbol: string;
  blockName: string;
  /** Derived linearized growth factor 1 − η̃ ∂g_k/∂a_k(0), evaluated at the run's η̃. */
  predicted: number;
  /** The derived factor as a formula (plain infix of the growth-factor polynomial). */
  factorText?: string;
  /** End of the escape-stage window: the last recorded step with every |a_k| ≤ level. */
  level: number;
  /**
   * Exact one-step ratios of the reduced map with every coefficient at the window's largest value X and at X/2,
   * r(X) = 1 − η̃ g_k(X)/X (for the size of the O(X²) remainder of the linearization over the window).
   */
  ratioAtLevel: number;
  ratioAtHalfLevel: number;
  /** Control: another block's derived factor (a wrong prediction for this block). */
  wrongFactor: { block: string; value: number };
}

/**
 * Measured: exp of the fitted slope of ln|x_k| against the step over the escape stage (records with every
 * |a_j| ≤ level ≪ 1) of the full-dimensional run. Tolerance: t-quantile of the fit's residual SE (converted to the
 * factor) + 2 × the O(X²) remainder of the linearization at the window's largest coefficient X, sized by Richardson
 * from the reduced gradients alone, (4/3)|r(X) − r(X/2)| (independent of the prediction), + rounding.
 */
export function growthFactorClaim(input: GrowthFactorInput): Claim {
  const v = seriesMean(input.sim, input.symbol);
  const steps = input.sim.step;
  const syms = Object.keys(input.sim.series).filter((k) => /^[a-z]$/.test(k));
  let last = 0;
  for (let i = 0; i < steps.length; i++) {
    if (syms.some((s) => Math.abs(seriesMean(input.sim, s)[i]) > input.level)) break;
    last = steps[i];
  }
  const fit = stepFit(steps, v.map((x) => Math.log(Math.abs(x))), 0, last);
  const measured = Math.exp(fit.slope);
  const t = slopeTolerance(fit);
  const remainder = (4 / 3) * Math.abs(input.ratioAtLevel - input.ratioAtHalfLevel);
  const tolerance = measured * t.tolerance + 2 * remainder + POPULATION_REL_TOL * Math.abs(input.predicted);
  return {
    id: `gd-growth-${input.blockName}`,
    kind: 'finding',
    statement: `GD, early escaping stage from W₀ = αI: the ${input.blockName} coefficient ${input.symbol} grows by the derived per-step factor 1 − η̃ ∂g_${input.symbol}/∂${input.symbol}(0)${input.factorText ? ` = ${input.factorText}` : ''}.`,
    quantity: `exp of the fitted log-growth per step of |${input.symbol}| over the escape stage, steps 0..${last} (${fit.points} records, every coefficient ≤ ${input.level}), full-dimensional population run`,
    measured,
    predicted: input.predicted,
    tolerance,
    test: '|measured − predicted| ≤ tolerance',
    toleranceRule: `${t.rule}, ×measured for the factor; + 2 × the O(X²) remainder of the linearization at X = ${input.level}, (4/3)|r(X) − r(X/2)| from the reduced gradients (r(X) = ${fmtE(input.ratioAtLevel)}, r(X/2) = ${fmtE(input.ratioAtHalfLevel)}); + ${POPULATION_REL_TOL} relative rounding`,
    source: 'simulation (population-exact GD)',
    verdict: twoSided(measured, input.predicted, tolerance),
    control: { case: `wrong prediction: the ${input.wrongFactor.block} block's derived factor ${fmtE(input.wrongFactor.value)}`, measured, verdict: twoSided(measured, input.wrongFactor.value, tolerance) },
  };
}

export const gdGrowth: ClaimDefinition = {
  id: 'gd-growth',
  family: true,
  statement: 'GD, early escaping stage from W₀ = αI: every block coefficient grows by its derived per-step factor 1 − η̃ ∂g_k/∂a_k(0).',
  falsifiedBy: 'a fitted per-step log-growth of a block over the escape stage (every coefficient ≤ √α) of the full-dimensional GD run further from the derived factor than the t-quantile of its SE plus twice the O(X²) remainder of the linearization (plus rounding).',
  runs: (p) => [{ config: topSpikedConfig(p), purpose: 'GD escape stage at the largest λ_v; derivation and compiled gradients' }],
  measure(runs, p) {
    const top = runs.run(topSpikedConfig(p));
    const topSpec = top.spec();
    const sys = top.system();
    // Escape stage: every coefficient ≤ √α (≪ 1 for the small initializations the statement is about).
    const level = Math.sqrt(p.alpha);
    const ratios = (x: number) => {
      const a = new Float64Array(sys.n).fill(x);
      const g = new Float64Array(sys.n);
      sys.grad(a, g);
      return Array.from(g, (gk) => 1 - (p.etaGd * gk) / x);
    };
    const rX = ratios(level);
    const rHalf = ratios(level / 2);
    const topDer = top.derivation({ checks: false, fixedPoints: false });
    const env = paramValues(topDer, topSpec);
    const factors = topSpec.blocks.map((_, k) => topDer.linearization.growthFactors[k].evaluate({ ...env, eta_tilde: p.etaGd }));
    return topSpec.blocks.map((b, k) => {
      const w = (k + 1) % topSpec.blocks.length;
      return growthFactorClaim({
        sim: trajectoryOf(top.simulation(), 'gd'),
        symbol: b.symbol,
        blockName: b.name,
        predicted: factors[k],
        factorText: topDer.linearization.growthFactors[k].toInfix(),
        level,
        ratioAtLevel: rX[k],
        ratioAtHalfLevel: rHalf[k],
        wrongFactor: { block: topSpec.blocks[w].name, value: factors[w] },
      });
    });
  },
};
