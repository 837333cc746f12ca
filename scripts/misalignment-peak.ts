/**
 * How close is the closed-form misalignment peak (exact for the early-stage two-block limit system, see
 * src/symbolic/misalignment.ts) to the peak of the FULL flows, for small α? Prints, per α: the closed form; the full
 * two-block gradient flow (c ≡ 0, which the flow preserves); and the full three-block flow of the spiked model
 * (d = 100, c(0) = α). Events located by odex + bisection on the dense output.
 *   npx tsx scripts/misalignment-peak.ts [lambdaV=10]
 */
import { parseConfig } from '../src/config/config.js';
import { integrateReducedFlow } from '../src/dynamics/flows.js';
import { theorySetup } from '../src/dynamics/setup.js';
import { misalignmentPeakClosedForm } from '../src/symbolic/misalignment.js';

const lambdaV = Number(process.argv[2] ?? 10);
console.log(`λ_θ = σ² = 1, λ_v = ${lambdaV}, κ = 1/4; relative gaps to the closed form (t*, peak b/a)`);
console.log('alpha    | closed form t*, b/a     | two-block flow (c ≡ 0): rel gap t, b/a | three-block flow d=100: rel gap t, b/a');
for (const alpha of [1e-2, 1e-3, 1e-4, 1e-6, 1e-8]) {
  const cf = misalignmentPeakClosedForm({ lambdaTheta: 1, lambdaV, alpha });
  const config = parseConfig({ model: { d: 100, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: lambdaV, bulkVariance: 1 }, init: { kind: 'scaled-identity', alpha } } });
  const { sys, ctx } = theorySetup(config);
  const peak = (a0: Float64Array) => {
    const r = integrateReducedFlow(sys, ctx, a0, { kind: 'gradient-flow', grid: Float64Array.of(0), gridSteps: Int32Array.of(0), tEnd: 3 * cf.t + 1, escapeLevel: 2 });
    return r.events.find((e) => e.name === 'peak-misalignment');
  };
  const two = peak(Float64Array.of(alpha, alpha, 0));
  const three = peak(Float64Array.of(alpha, alpha, alpha));
  const gap = (e: { t: number; value: number } | undefined) => (e ? `${((e.t - cf.t) / cf.t).toExponential(2)}, ${((e.value - cf.value) / cf.value).toExponential(2)}` : 'no peak');
  console.log(`${alpha.toExponential(0).padEnd(8)} | ${cf.t.toPrecision(8)}, ${cf.value.toPrecision(8)} | ${gap(two).padEnd(38)} | ${gap(three)}`);
}
