/**
 * Check (issue 13): at φ = 0 the matrix-block path reproduces the commuting-block figures exactly. The φ = 0 curve
 * runs of the angle study take today's (a, b, c) path; the same model forced onto the 2×2 block on span{u, v}
 * (model/spec.ts `withMatrixBlock`, the general M_K ⊕ ℝ^m derivation) is iterated with the same algorithms, and the
 * figure series (a, b, c, loss, alignment; the off-diagonal m_uv, m_vu against 0) are compared step by step.
 *
 * Measured: max over λ_v, algorithms, series and steps of |x_block − x_today| / max_k |x_today| (a series' scale).
 * Tolerance N·u (N steps, u = 2⁻⁵³): the two paths evaluate the same polynomials in different orders, one
 * rounding per coordinate and step, accumulated linearly (the early stage multiplies each coordinate by a factor,
 * which preserves relative errors). Control: the same comparison against the smallest φ > 0 of the grid.
 */
import { atMost, type Claim } from '../compare/claim.js';
import { algorithmsOf } from '../compare/algorithm-list.js';
import { recordSteps } from '../config/record.js';
import { DEFAULTS } from '../config/defaults.js';
import type { Trajectory } from '../core/trajectory.js';
import { iterateMap } from '../dynamics/maps.js';
import { statContext } from '../dynamics/statistics.js';
import { initialBlockCoefficients, withMatrixBlock } from '../model/spec.js';
import { matrixBlockSystemFor } from '../symbolic/matrix-block-derive.js';
import { fmtE, UNIT_ROUNDOFF } from './constants.js';
import type { ClaimDefinition } from './definition.js';
import { curveConfig } from './angle-scan.js';
import type { ReproduceParams } from './params.js';
import type { RunSet } from './runs.js';

const SERIES = ['a', 'b', 'c', 'loss', 'alignment'];

/** Max relative deviation of `other` from the commuting-block trajectory (module comment). */
export function maxRelativeDeviation(today: Trajectory, other: { step: number[]; series: Record<string, number[]> }): number {
  if (today.step.length !== other.step.length || today.step.some((s, i) => s !== other.step[i])) return Infinity;
  let worst = 0;
  for (const name of SERIES) {
    const x = today.series[name] as number[];
    const y = other.series[name];
    if (!x || !y) return Infinity;
    const scale = Math.max(...x.map(Math.abs)) || 1;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(y[i] - x[i]) / scale);
  }
  const aScale = Math.max(...(today.series.a as number[]).map(Math.abs)) || 1;
  for (const off of ['m_uv', 'm_vu']) for (const v of other.series[off] ?? []) worst = Math.max(worst, Math.abs(v) / aScale);
  return worst;
}

export function phi0Claim(input: { measured: number; control: number; steps: number; controlPhi: number; lambdaV: number[] }): Claim {
  const tolerance = input.steps * UNIT_ROUNDOFF;
  return {
    id: 'angle-phi0-exact',
    kind: 'check',
    statement: 'At φ = 0 the matrix-block path (2×2 block on span{u, v} ⊕ bulk) reproduces the commuting-block (a, b, c) trajectories of the figures exactly, for GD and SpecGD.',
    quantity: `max over λ_v ∈ {${input.lambdaV.join(', ')}}, GD and SpecGD, the series ${SERIES.join(', ')} (and m_uv, m_vu against 0) and every step of |x_block − x_commuting| / max|x_commuting|`,
    measured: input.measured,
    predicted: null,
    tolerance,
    test: 'measured ≤ tolerance',
    toleranceRule: `N·u = ${input.steps} steps × 2⁻⁵³ = ${fmtE(tolerance)} (one rounding per step, accumulated linearly)`,
    source: 'reduced maps: the φ = 0 angle-study runs vs the same model forced onto the matrix-block coordinates',
    verdict: atMost(input.measured, tolerance),
    control: { case: `the matrix-block run at φ = ${input.controlPhi} (the smallest φ > 0 of the grid) against the φ = 0 trajectories`, measured: input.control, verdict: atMost(input.control, tolerance) },
  };
}

/** The forced matrix-block run of a φ = 0 config, one per algorithm. */
function forcedRuns(runs: RunSet, config: ReturnType<typeof curveConfig>): { algorithm: string; step: number[]; series: Record<string, number[]> }[] {
  const spec = withMatrixBlock(runs.run(config).spec(), [0, 1]);
  const sys = matrixBlockSystemFor(spec);
  const ctx = statContext(sys, spec, DEFAULTS.signTieRelTol);
  return algorithmsOf(config).map((alg) => {
    const r = iterateMap(sys, ctx, initialBlockCoefficients(spec)!, { algorithm: alg.config, steps: config.steps, record: recordSteps(config.steps, config.record), escapeLevel: config.events.escapeLevel, divergenceBound: DEFAULTS.divergenceBound });
    return { algorithm: alg.id, step: r.step, series: r.series };
  });
}

export const anglePhi0Exact: ClaimDefinition = {
  id: 'angle-phi0-exact',
  statement: 'At φ = 0 the matrix-block path reproduces the commuting-block figures exactly.',
  falsifiedBy: 'a relative deviation between the φ = 0 commuting-block trajectories and the same model on the matrix-block coordinates above N·u.',
  runs: (p: ReproduceParams) => (p.angle ? p.angle.lambdaV.flatMap((lambdaV) => [0, p.angle!.phi[1]].map((phi) => ({ config: curveConfig(p, p.angle!, lambdaV, phi), purpose: `φ = 0 exactness at λ_v = ${lambdaV}, φ = ${phi}` }))) : []),
  measure(runs, p) {
    const a = p.angle;
    if (!a) return [];
    let measured = 0;
    let control = 0;
    for (const lambdaV of a.lambdaV) {
      const config = curveConfig(p, a, lambdaV, 0);
      const today = runs.run(config).theory();
      const tilted = runs.run(curveConfig(p, a, lambdaV, a.phi[1])).theory();
      for (const f of forcedRuns(runs, config)) {
        const t = today.find((x) => x.algorithm === f.algorithm)!;
        measured = Math.max(measured, maxRelativeDeviation(t, f));
        const g = tilted.find((x) => x.algorithm === f.algorithm)!;
        control = Math.max(control, maxRelativeDeviation(t, { step: g.step, series: g.series as Record<string, number[]> }));
      }
    }
    return [phi0Claim({ measured, control, steps: a.steps, controlPhi: a.phi[1], lambdaV: a.lambdaV })];
  },
};
