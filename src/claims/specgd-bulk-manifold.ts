/**
 * SpecGD's bulk (model.md §6, corrected): not a linear contraction. Once T turns positive the bulk and spike follow
 * the slow manifold (d − 2)σ²c² + λ_v b² ≈ λ_θ(1 − a²) while a slides up at η per step, so the bulk energy
 * E = (d − 2)σ²c² + λ_v b² descends at the manifold's speed −dE/dk = 2λ_θ a η, and |c| reaches a level L when a
 * reaches a_L = √(1 − (d − 2)σ²L²/λ_θ): after k_L = (a_L − α)/η steps (≈ (1 − α)/η for a small floor). GD's bulk
 * instead decays as c ∝ k^(−1/2) (gd-bulk-slow-decay), so it needs far more steps to reach the same level.
 * Measured on the reduced maps of the long bulk run (population-exact), every step recorded.
 */
import type { Claim } from '../compare/claim.js';
import { fitLine, logLogFit } from '../compare/measure.js';
import { seriesMean } from '../compare/series.js';
import { theorySetup } from '../dynamics/setup.js';
import { iterateMap, type MapRun } from '../dynamics/maps.js';
import { recordSteps } from '../config/record.js';
import { algorithm as specgdAlgorithm } from '../algorithms/specgd.js';
import { DEFAULTS } from '../config/defaults.js';
import { POWER, slopePower, slopeTolerance } from './constants.js';
import type { ClaimDefinition } from './definition.js';
import { bulkConfig, type ReproduceParams } from './params.js';
import { trajectoryOf, type RunSet } from './runs.js';

interface Slide {
  run: MapRun;
  a: number[];
  b: number[];
  c: number[];
  /** E = (d − 2)σ²c² + λ_v b² and the manifold's λ_θ(1 − a²). */
  energy: number[];
  manifold: number[];
  /** Window of the slide: from the bulk's peak |c| to the last step with a < 1 − η. */
  from: number;
  to: number;
  /** End-cycle level: max |c| over the last `settle` steps. */
  endLevel: number;
  eta: number;
  d: number;
  lambdaTheta: number;
  lambdaV: number;
  sigma2: number;
}

function slide(runs: RunSet, p: ReproduceParams): Slide {
  return runs.shared('specgd-bulk-slide', () => {
    const run = runs.run(bulkConfig(p));
    const { sys, ctx, a0, spec } = theorySetup(run.config, run.system());
    const eta = p.etaSpecgd;
    const steps = Math.ceil((1 - p.bulk.alpha) / eta) + p.cycle.settle;
    const r = iterateMap(sys, ctx, a0, { algorithm: { ...specgdAlgorithm.defaults, eta }, steps, record: recordSteps(steps, 'all'), escapeLevel: Infinity, divergenceBound: DEFAULTS.divergenceBound });
    const iC = spec.blocks.findIndex((b) => b.role === 'bulk');
    const sym = (k: number) => r.series[sys.symbols[k]];
    const a = sym(spec.signalBlock);
    const b = sym(spec.spikeBlock);
    const c = sym(iC);
    const lt = spec.blocks[spec.signalBlock].variance;
    const lv = spec.blocks[spec.spikeBlock].variance;
    const s2 = spec.blocks[iC].variance;
    const dm2 = spec.blocks[iC].rank;
    const energy = c.map((ci, i) => dm2 * s2 * ci * ci + lv * b[i] * b[i]);
    const manifold = a.map((ai) => lt * (1 - ai * ai));
    const T = energy.map((e, i) => e - manifold[i]);
    // The slide: from the bulk's peak (the escape is over: b and c stop growing) to a ≥ 1 − η.
    let from = 0;
    for (let i = 1; i < c.length; i++) if (Math.abs(c[i]) > Math.abs(c[from])) from = i;
    const to = a.findIndex((ai) => ai >= 1 - eta) - 1;
    void T;
    if (from < 0 || to <= from + 3) throw new Error(`specgd-bulk-manifold: no slide window (T > 0 from step ${from}, a ≥ 1 − η at ${to + 1})`);
    const n = c.length;
    let endLevel = 0;
    for (let i = n - p.cycle.settle; i < n; i++) endLevel = Math.max(endLevel, Math.abs(c[i]));
    return { run: r, a, b, c, energy, manifold, from, to, endLevel, eta, d: spec.d, lambdaTheta: lt, lambdaV: lv, sigma2: s2 };
  });
}

/** Slope of E against λ_θ(1 − a²) over the slide (1 on the manifold) and the same against a wrong manifold. */
export function manifoldClaim(s: Slide): Claim {
  const idx = Array.from({ length: s.to - s.from + 1 }, (_, i) => s.from + i);
  const fit = fitLine(idx.map((i) => s.manifold[i]), idx.map((i) => s.energy[i]));
  const tol = slopeTolerance(fit);
  // Wrong manifold (control): E against λ_θ(1 − a) — a bulk energy falling linearly with the signal's distance.
  const wrong = fitLine(idx.map((i) => s.lambdaTheta * (1 - s.a[i])), idx.map((i) => s.energy[i]));
  const wrongTol = slopeTolerance(wrong);
  const power = slopePower(fit, 1, 1 + (1 + s.a[s.from]) / 2);
  const ok = Math.abs(fit.slope - 1) <= tol.tolerance;
  const verdict = !ok ? 'fail' : power < POWER ? 'inconclusive' : 'pass';
  const speed = (s.energy[s.from] - s.energy[s.to]) / (s.to - s.from);
  const predictedSpeed = idx.slice(1).reduce((acc, i) => acc + 2 * s.lambdaTheta * s.a[i] * s.eta, 0) / (s.to - s.from);
  return {
    id: 'specgd-bulk-manifold',
    kind: 'finding',
    statement: 'SpecGD: once T turns positive, the bulk and spike follow the slow manifold (d − 2)σ²c² + λ_v b² ≈ λ_θ(1 − a²) while a slides up at η per step — the bulk descends at the manifold\'s speed, not linearly.',
    quantity: `fitted slope of E = (d − 2)σ²c² + λ_v b² against λ_θ(1 − a²) over the slide, steps ${s.from}..${s.to} (peak |c| until a ≥ 1 − η; d = ${s.d}, λ_v = ${s.lambdaV}, η = ${s.eta}, α = ${s.a[0]}); mean descent speed −ΔE/Δk = ${speed.toExponential(4)} per step vs the manifold's 2λ_θ⟨a⟩η = ${predictedSpeed.toExponential(4)}`,
    measured: fit.slope,
    predicted: 1,
    tolerance: tol.tolerance,
    test: `|measured − predicted| ≤ tolerance, power ≥ ${POWER} against the wrong manifold's slope (1 + a)/2·… (else inconclusive)`,
    toleranceRule: `${tol.rule}; power against slope ${(1 + (1 + s.a[s.from]) / 2).toFixed(3)}: ${power.toFixed(3)}`,
    source: 'reduced SpecGD map of the long bulk run (population-exact), every step',
    verdict,
    ...(verdict === 'inconclusive' ? { reason: `power ${power.toFixed(3)} < ${POWER}` } : {}),
    control: { case: 'wrong manifold: E against λ_θ(1 − a) (bulk energy linear in the signal\'s distance), same fit and rule', measured: wrong.slope, verdict: Math.abs(wrong.slope - 1) <= wrongTol.tolerance ? 'pass' : 'fail' },
  };
}

/**
 * Steps to bring |c| to L = SpecGD's end level (max |c| over its end cycle): SpecGD's measured first step with |c| ≤ L against the manifold's
 * k_L = (a_L − α)/η; tolerance: the manifold residual max|T| over the slide converted to steps through the descent
 * speed 2λ_θ a_L η, plus one step. GD's count (measured, or extrapolated from its fitted k^p law when the run ends
 * first) is reported and must exceed SpecGD's.
 */
export function bulkStepsClaim(s: Slide, gd: { step: number[]; c: number[] }, gdEta: number): Claim {
  const L = s.endLevel;
  const kS = s.c.findIndex((ci, i) => i > s.from && Math.abs(ci) <= L);
  const dm2 = s.d - 2;
  const aL = Math.sqrt(Math.max(0, 1 - (dm2 * s.sigma2 * L * L) / s.lambdaTheta));
  const kPred = (aL - s.a[0]) / s.eta;
  let maxT = 0;
  for (let i = s.from; i <= s.to; i++) maxT = Math.max(maxT, Math.abs(s.energy[i] - s.manifold[i]));
  const tolerance = maxT / (2 * s.lambdaTheta * aL * s.eta) + 1;
  const iG = gd.c.findIndex((ci, i) => i > 0 && gd.step[i] > 0 && Math.abs(ci) <= L && gd.step[i] > s.from);
  const last = gd.step[gd.step.length - 1];
  const fit = logLogFit(gd.step, gd.c, Math.round(last / 10), last);
  const gdSteps = iG >= 0 ? gd.step[iG] : Math.exp((Math.log(L) - fit.intercept) / fit.slope);
  const ok = kS >= 0 && Math.abs(kS - kPred) <= tolerance && gdSteps > kS;
  // Control: the earlier statement's count, a linear contraction of |c| at η per step from its peak.
  let kp = 0;
  for (let i = 1; i < s.c.length; i++) if (Math.abs(s.c[i]) > Math.abs(s.c[kp])) kp = i;
  const kLinear = kp + (Math.abs(s.c[kp]) - L) / s.eta;
  return {
    id: 'specgd-bulk-steps',
    kind: 'finding',
    statement: "SpecGD brings the bulk to its floor when the signal reaches 1, after about (1 − α)/η steps (the slow manifold's count), where GD's bulk, on its k^(−1/2) power law, needs far more steps to reach the same level.",
    quantity: `first step with |c| ≤ L = SpecGD's end level = ${L.toExponential(3)}: SpecGD (η = ${s.eta}) ${kS}; manifold's k_L = (a_L − α)/η = ${kPred.toFixed(1)} (a_L = ${aL.toFixed(6)}; (1 − α)/η = ${((1 - s.a[0]) / s.eta).toFixed(1)}); GD (η̃ = ${gdEta}) ${iG >= 0 ? gd.step[iG] : `> ${last}, extrapolated from its fitted exponent ${fit.slope.toFixed(4)}: ${gdSteps.toExponential(3)}`} (${(gdSteps / kS).toPrecision(3)} × SpecGD's)`,
    measured: kS,
    predicted: kPred,
    tolerance,
    test: '|measured − predicted| ≤ tolerance and GD needs more steps than SpecGD to reach L',
    toleranceRule: `manifold residual max|T| = ${maxT.toExponential(3)} over the slide ÷ the descent speed 2λ_θ a_L η, + 1 step`,
    source: 'reduced SpecGD map (every step) and GD theory of the long bulk run',
    verdict: ok ? 'pass' : 'fail',
    control: { case: `the earlier statement's count: |c| contracting linearly at η per step from its peak (step ${kp}), (|c|_peak − L)/η after it`, measured: kLinear, verdict: Math.abs(kS - kLinear) <= tolerance ? 'pass' : 'fail' },
  };
}

export const specgdBulkManifold: ClaimDefinition = {
  id: 'specgd-bulk-manifold',
  statement: "SpecGD's bulk follows the slow manifold (d − 2)σ²c² + λ_v b² ≈ λ_θ(1 − a²) while the signal slides up.",
  falsifiedBy: 'a fitted slope of the bulk energy against λ_θ(1 − a²) over the slide further from 1 than the t-quantile of its residual SE.',
  runs: (p) => [{ config: bulkConfig(p), purpose: 'long GD and SpecGD runs (bulk)' }],
  measure: (runs, p) => [manifoldClaim(slide(runs, p))],
};

export const specgdBulkSteps: ClaimDefinition = {
  id: 'specgd-bulk-steps',
  statement: "SpecGD brings the bulk to its floor after about (1 − α)/η steps; GD needs far more steps to reach the same level.",
  falsifiedBy: "SpecGD's first step with |c| ≤ L further from the manifold's (a_L − α)/η than the manifold residual allows, or GD reaching L no later.",
  runs: (p) => [{ config: bulkConfig(p), purpose: 'long GD and SpecGD runs (bulk)' }],
  measure(runs, p) {
    const gd = trajectoryOf(runs.run(bulkConfig(p)).theory(), 'gd');
    return [bulkStepsClaim(slide(runs, p), { step: gd.step, c: seriesMean(gd, 'c') }, p.bulk.etaGd)];
  },
};
