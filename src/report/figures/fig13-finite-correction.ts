/**
 * Figure 13: the finite-sample correction of full-batch GD is predicted (issue 11, item 5; claim
 * finite-sample-correction). Per n ∈ CORRECTION_N (a 16× range), the measured y_n = n·(mean a − ā) at step k*
 * with its error bar ± SE_n = n·se_n over the seeds, against the predicted coefficient c₁(k*) of the linear
 * response (E a − ā ≈ c₁/n: a horizontal line, since n·c₁/n = c₁), the negative control's wrong coefficient
 * CONTROL_FACTOR·c₁ (dashed), the population theory (y = 0: no correction) and the claim's weighted fit
 * y = β₀ + β₁/n (dotted grey). Computes the bundle's `finiteCorrection` section from the claim's own runs (the run
 * store computes them once for both).
 */
import type { FiniteCorrectionSection } from '../../compare/bundle.js';
import { runParameters } from '../../config/parameters.js';
import { normalQuantile } from '../../core/special.js';
import { CLAIM_ALPHA, CONTROL_FACTOR, CORRECTION_N, CORRECTION_SEEDS, correctionConfig, correctionMeasurement, finiteSampleCorrection, weightedIntercept } from '../../claims/finite-sample-correction.js';
import { PALETTE, type FigureSeries } from '../figure-spec.js';
import type { FigureDefinition } from './definition.js';

/** Tidy parameter cells of the full-batch run at n (or of the population run at n = null). */
function paramsAt(n: number | null): (string | number | null)[] {
  const config = correctionConfig(n);
  return runParameters(config, config.algorithms[0]).map((c) => (c === undefined || typeof c === 'boolean' ? (c === undefined ? null : String(c)) : c));
}

/** The `finiteCorrection` section from the claim's measurement (same runs, same k*, same fit and z). */
export function finiteCorrectionSection(m: ReturnType<typeof correctionMeasurement>): FiniteCorrectionSection {
  const fit = weightedIntercept(m.points.map((p) => 1 / p.n), m.points.map((p) => p.y), m.points.map((p) => p.se));
  return { step: m.step, seeds: CORRECTION_SEEDS, points: m.points, predicted: m.predicted, control: CONTROL_FACTOR * m.predicted, fit, z: normalQuantile(1 - CLAIM_ALPHA / 2) };
}

export const fig13FiniteCorrection: FigureDefinition = {
  id: 'fig13-finite-correction',
  groups: [],
  sections: ['finiteCorrection'],
  runs: (p) => finiteSampleCorrection.runs(p),
  async collect(runs) {
    return { finiteCorrection: finiteCorrectionSection(correctionMeasurement(runs)) };
  },
  build(b) {
    const s = b.finiteCorrection!;
    const ns = s.points.map((p) => p.n);
    const span = [Math.min(...ns), Math.max(...ns)];
    // x axis: the measured range widened by a factor 1.4 each side (so the end points' error bars are clear of the frame)
    const axis = [span[0] / 1.4, span[1] * 1.4];
    const popParams = paramsAt(null);
    const measured: FigureSeries[] = s.points.map((p, i) => ({
      label: `measured n = ${p.n} (± SE)`,
      role: 'simulation',
      color: PALETTE[i % PALETTE.length],
      x: [p.n],
      y: [p.y],
      lo: [p.y - p.se],
      hi: [p.y + p.se],
      errorBars: true,
      params: paramsAt(p.n),
    }));
    // the fit y = β₀ + β₁/n over the measured range, on a geometric grid of 33 points
    const grid = Array.from({ length: 33 }, (_, i) => span[0] * (span[1] / span[0]) ** (i / 32));
    const series: FigureSeries[] = [
      { label: 'predicted coefficient c₁ (linear response)', role: 'theory', color: '#000000', x: axis, y: [s.predicted, s.predicted] },
      { label: `negative control: wrong coefficient ${CONTROL_FACTOR}c₁`, role: 'theory', color: '#D55E00', dashed: true, x: axis, y: [s.control, s.control] },
      { label: 'population theory (no correction): 0', role: 'theory', color: '#999999', x: axis, y: [0, 0], params: popParams },
      { label: `weighted fit β₀ + β₁/n (β₀ = ${s.fit.intercept.toPrecision(3)} ± ${(s.z * s.fit.interceptSe).toPrecision(2)})`, role: 'theory', color: '#56B4E9', dashed: true, x: grid, y: grid.map((n) => s.fit.intercept + s.fit.slope / n) },
      ...measured,
    ];
    return {
      id: 'fig13-finite-correction',
      title: 'Finite-sample correction: n × mean deviation vs the predicted coefficient',
      caption:
        `Full-batch GD (d = 6, λ_v = 4, η̃ = 0.05, α = 0.2; claim finite-sample-correction): the measured n·(mean a − ā) at step ${s.step} over ${s.seeds} seeds (points, error bars ± SE = n·se) at n = ${ns.join(', ')} ` +
        `(a ${Math.round(span[1] / span[0])}× range), against the linear response's coefficient c₁ = ${s.predicted.toPrecision(4)} (black line: E a − ā ≈ c₁/n), the negative control's wrong coefficient ${CONTROL_FACTOR}c₁ (dashed orange), the population theory (grey, 0) ` +
        `and the claim's weighted fit β₀ + β₁/n, whose intercept β₀ (n → ∞) is tested against c₁ within z·SE(β₀), z = ${s.z.toFixed(3)}. The sizes are the claim's own (CORRECTION_N = ${CORRECTION_N.join(', ')}).`,
      panels: [{ title: `n·(mean a − ā) at step ${s.step} vs n`, x: { label: 'sample size n', log: true, min: axis[0], max: axis[1] }, y: { label: 'n·(mean a − ā)', log: false }, series }],
    };
  },
};
