/**
 * Muon with momentum (issue 12): the escape step is unchanged by momentum while the constant-step end state
 * changes. Two claims, from reduced maps of the spiked model at the η grid of `params.optimizers`
 * (`escapeAndEndState`, dynamics/optimizer-family.ts):
 *  - `optimizer-muon-momentum-escape`: max over η of |k_esc(β) − k_esc(0)| for the registry's Muon defaults
 *    (β = 0.95, Nesterov) against β = 0, for the exact polar factor and for the Keller quintic. Exact polar: the
 *    block update is sgn(u_k), and u_k — an average of past gradients of block k with positive weights — has the
 *    sign of g_k as long as g_k keeps its sign; the signal gradient keeps its sign until the escape, so a_k, and the
 *    escape step, are identical (tolerance 0). Keller quintic: the factor p⁵(u_k/‖u‖) depends on the direction of
 *    u, which momentum delays by the mean lag of its average, L = Σ_j j w_j / Σ_j w_j (heavy ball u = m:
 *    L = β/(1 − β); Nesterov u = (1 − β)g + βm: L = β²/(1 − β)); the escape, an accumulation of those factors,
 *    moves by at most ⌈L⌉ steps. Control: heavy-ball GD (v ← βv + ∇L, registry default β), where momentum
 *    rescales the step by up to 1/(1 − β) and moves the escape far beyond its lag.
 *  - `optimizer-muon-momentum-end-state`: the exponent p of the end-state bulk |c|_end ∝ η^p (exact polar) with
 *    and without momentum; "changes" means |p(β) − p(0)| > t·√(SE₀² + SE_β²) (t the Student-t quantile at the claims' false-alarm level, n − 2 d.o.f.), SE the least-squares slope's
 *    standard error √(Σres²/(n − 2)/Σ(x − x̄)²) (x = log η). The end states are not clean power laws (|c|_end
 *    moves in multiples of η), so SE measures lack of fit (inconclusive when 0 < |Δp| ≤ t·SE); the
 *    quantity also reports the worst-case bound r·Σ|x − x̄|/Σ(x − x̄)² (r the largest |log residual|), which the
 *    difference need not exceed. Control: the same scan with β = 0 and the Nesterov flag flipped — the same update,
 *    so the exponent cannot change.
 */
import { algorithmById } from '../algorithms/index.js';
import { atMost, type Claim } from '../compare/claim.js';
import type { ExperimentConfig } from '../config/config.js';
import { escapeAndEndState, type EndStateScan, type PowerLawFit } from '../dynamics/optimizer-family.js';
import { FALSE_ALARM } from './constants.js';
import { studentTwoSidedQuantile } from '../core/special.js';
import type { ClaimDefinition } from './definition.js';
import { spikedConfig, type ReproduceParams } from './params.js';

/** Mean lag (in steps) of the momentum average: heavy ball β/(1 − β), Nesterov β²/(1 − β) (module comment). */
export function momentumLag(beta: number, nesterov: boolean): number {
  return (nesterov ? beta * beta : beta) / (1 - beta);
}

/** Largest slope error of a least-squares log–log fit whose points are each off by at most its max residual. */
export function slopeBound(etas: readonly number[], fit: PowerLawFit): number {
  const x = etas.map(Math.log);
  const mx = x.reduce((p, q) => p + q, 0) / x.length;
  const sxx = x.reduce((p, q) => p + (q - mx) ** 2, 0);
  const sabs = x.reduce((p, q) => p + Math.abs(q - mx), 0);
  return (fit.maxResidual * sabs) / sxx;
}

/** Standard error of the least-squares slope of log y on log x at the points of a scan that enter its fit. */
export function slopeSE(etas: readonly number[], ys: readonly number[], fit: PowerLawFit): number {
  const x = etas.map(Math.log);
  const mx = x.reduce((p, q) => p + q, 0) / x.length;
  const sxx = x.reduce((p, q) => p + (q - mx) ** 2, 0);
  const intercept = Math.log(fit.prefactor);
  const ss = x.reduce((p, q, i) => p + (Math.log(ys[i]) - intercept - fit.exponent * q) ** 2, 0);
  return Math.sqrt(ss / (x.length - 2) / sxx);
}

/** max over η of |k_esc(with) − k_esc(without)|; a run without escape counts its length (a lower bound on the change). */
export function escapeShift(withMomentum: EndStateScan, without: EndStateScan): number {
  let worst = 0;
  withMomentum.points.forEach((p, i) => {
    const q = without.points[i];
    const k1 = p.escapeStep ?? p.steps;
    const k0 = q.escapeStep ?? q.steps;
    worst = Math.max(worst, Math.abs(k1 - k0));
  });
  return worst;
}

const escapes = (s: EndStateScan) => s.points.map((p) => p.escapeStep ?? 'none').join(', ');

interface Scans {
  etas: number[];
  exact: [EndStateScan, EndStateScan];
  keller: [EndStateScan, EndStateScan];
  heavyBall: [EndStateScan, EndStateScan];
  /** Exact polar, β = 0, Nesterov flipped (the end-state control). */
  exactFlipped: EndStateScan;
  beta: number;
  nesterov: boolean;
  heavyBeta: number;
}

function muonConfig(p: ReproduceParams, alg: Record<string, unknown>): ExperimentConfig {
  const o = p.optimizers;
  return spikedConfig(p, { lambdaV: o.lambdaV, d: o.d, steps: 1, algorithms: [alg] });
}

/** The reduced-map scans of both claims (shared, computed once per run set). */
export function momentumScans(p: ReproduceParams): Scans {
  const o = p.optimizers;
  const muon = algorithmById('muon').defaults as unknown as { momentum: number; nesterov: boolean; eta: number };
  const hb = algorithmById('heavy-ball').defaults as unknown as { beta: number; eta: number };
  const scan = (alg: Record<string, unknown>) => escapeAndEndState(muonConfig(p, alg), o.etas, { tEnd: o.tEnd, tailSteps: o.tailSteps });
  const m = (extra: Record<string, unknown>) => ({ ...muon, ...extra });
  return {
    etas: o.etas,
    exact: [scan(m({ nsCoefficients: 'exact' })), scan(m({ nsCoefficients: 'exact', momentum: 0 }))],
    keller: [scan(m({ nsCoefficients: 'keller' })), scan(m({ nsCoefficients: 'keller', momentum: 0 }))],
    heavyBall: [scan({ ...hb }), scan({ ...hb, beta: 0 })],
    exactFlipped: scan(m({ nsCoefficients: 'exact', momentum: 0, nesterov: !muon.nesterov })),
    beta: muon.momentum,
    nesterov: muon.nesterov,
    heavyBeta: hb.beta,
  };
}

/** The escape claim from the scans (module comment). */
export function momentumEscapeClaim(s: Scans): Claim {
  const exactShift = escapeShift(s.exact[0], s.exact[1]);
  const kellerShift = escapeShift(s.keller[0], s.keller[1]);
  const lag = Math.ceil(momentumLag(s.beta, s.nesterov));
  const hbShift = escapeShift(s.heavyBall[0], s.heavyBall[1]);
  const hbLag = Math.ceil(momentumLag(s.heavyBeta, false));
  // one measured number: the Keller shift in units of its allowed lag, and the exact shift must be 0
  const measured = Math.max(kellerShift / lag, exactShift === 0 ? 0 : Infinity);
  const verdict = atMost(measured, 1);
  return {
    id: 'optimizer-muon-momentum-escape',
    kind: 'check',
    statement: `Muon's escape step is unchanged by momentum (β = ${s.beta}, ${s.nesterov ? 'Nesterov' : 'heavy ball'}): identical for the exact polar factor, within the momentum's mean lag for the Keller quintic.`,
    quantity: `max over η ∈ {${s.etas.join(', ')}} of |k_esc(β) − k_esc(0)| ÷ ⌈lag⌉ for the Keller quintic (exact polar: must be 0, else ∞); exact polar escape steps ${escapes(s.exact[0])} (β = ${s.beta}) vs ${escapes(s.exact[1])} (β = 0): shift ${exactShift}; Keller ${escapes(s.keller[0])} vs ${escapes(s.keller[1])}: shift ${kellerShift} steps, lag ⌈β²/(1 − β)⌉ = ${lag}`,
    measured,
    predicted: null,
    tolerance: 1,
    test: 'measured ≤ tolerance',
    toleranceRule: `exact polar: shift 0 (sgn(u_k) = sgn(g_k) while the signal gradient keeps its sign); Keller: shift ≤ ⌈mean lag of the momentum average⌉ = ⌈${s.nesterov ? 'β²' : 'β'}/(1 − β)⌉ = ${lag} steps`,
    source: 'reduced maps (Muon registry defaults vs β = 0; spiked model)',
    verdict,
    control: {
      case: `heavy-ball GD (β = ${s.heavyBeta} vs 0, η̃ ∈ {${s.etas.join(', ')}}): escape steps ${escapes(s.heavyBall[0])} vs ${escapes(s.heavyBall[1])}, shift ${hbShift} ÷ ⌈β/(1 − β)⌉ = ${hbLag}`,
      measured: hbShift / hbLag,
      verdict: atMost(hbShift / hbLag, 1),
    },
  };
}

/** The end-state claim from the scans (module comment). */
export function momentumEndStateClaim(s: Scans): Claim {
  const [withM, without] = s.exact;
  const change = (a: EndStateScan, b: EndStateScan) => Math.abs(a.bulkFit.exponent - b.bulkFit.exponent);
  const se = (a: EndStateScan) => slopeSE(okEtas(a), okPoints(a).map((q) => q.bulk), a.bulkFit);
  // t_{1−FALSE_ALARM/2, ν} with ν the smaller fit's n − 2 degrees of freedom (the claims' derived slope rule)
  const tq = (a: EndStateScan, b: EndStateScan) => studentTwoSidedQuantile(FALSE_ALARM, Math.max(1, Math.min(okEtas(a).length, okEtas(b).length) - 2));
  const bound = (a: EndStateScan, b: EndStateScan) => tq(a, b) * Math.hypot(se(a), se(b));
  const worst = (a: EndStateScan, b: EndStateScan) => slopeBound(okEtas(a), a.bulkFit) + slopeBound(okEtas(b), b.bulkFit);
  const measured = change(withM, without);
  const tolerance = bound(withM, without);
  const cMeasured = change(s.exactFlipped, without);
  const cTolerance = bound(s.exactFlipped, without);
  const fmt = (x: EndStateScan) => x.points.map((q) => q.bulk.toExponential(3)).join(', ');
  return {
    id: 'optimizer-muon-momentum-end-state',
    kind: 'finding',
    statement: `Momentum changes Muon's constant-step end state: the exponent p of the bulk end state |c|_end ∝ η^p (exact polar factor) differs with β = ${s.beta} from β = 0 by more than t_{1−${FALSE_ALARM}/2, n−2} standard errors of the fits.`,
    quantity: `|p(β = ${s.beta}) − p(0)|; p = ${withM.bulkFit.exponent.toFixed(4)} (|c|_end ${fmt(withM)}) vs ${without.bulkFit.exponent.toFixed(4)} (${fmt(without)}) at η ${s.etas.join(', ')}; signal |a − 1|_end exponents ${withM.signalFit.exponent.toFixed(4)} vs ${without.signalFit.exponent.toFixed(4)}; worst-case slope bound (not required) ${worst(withM, without).toFixed(4)}`,
    measured,
    predicted: null,
    tolerance,
    test: 'measured > tolerance',
    toleranceRule: `t·√(SE₀² + SE_β²), t = t_{1−${FALSE_ALARM}/2, n−2} = ${tq(withM, without).toFixed(3)}, SE = √(Σres²/(n − 2)/Σ(x − x̄)²), x = log η (the residuals are lack of fit of the end states to a power law, treated as noise)`,
    source: 'reduced maps (Muon exact polar, registry defaults vs β = 0; spiked model)',
    // Within t·SE a real change cannot be told from the fits' lack of fit: inconclusive, unless the exponents are equal.
    verdict: measured > tolerance ? 'pass' : measured > 0 ? 'inconclusive' : 'fail',
    ...(measured > tolerance || measured === 0 ? {} : { reason: `|Δp| = ${measured.toFixed(4)} is within t·SE = ${tolerance.toFixed(4)} of the fits at these sizes` }),
    control: {
      case: `β = 0 with the Nesterov flag flipped (the same update): p = ${s.exactFlipped.bulkFit.exponent.toFixed(4)} vs ${without.bulkFit.exponent.toFixed(4)}, t·SE = ${cTolerance.toExponential(3)}`,
      measured: cMeasured,
      verdict: cMeasured > cTolerance ? 'pass' : 'fail',
    },
  };
}

/** The η values whose runs enter the fits (finite, non-zero end state). */
function okEtas(s: EndStateScan): number[] {
  return okPoints(s).map((p) => p.eta);
}

function okPoints(s: EndStateScan): EndStateScan['points'] {
  return s.points.filter((p) => p.status === 'ok' && p.signalOffset > 0 && p.bulk > 0);
}

export const optimizerMuonMomentum: ClaimDefinition = {
  id: 'optimizer-muon-momentum',
  family: true,
  statement: "Muon's escape step is unchanged by momentum while its constant-step end state changes (exponents vs η).",
  falsifiedBy: 'an escape step that moves with momentum (exact polar at all, Keller quintic beyond the momentum lag), or end-state exponents equal within the fit bounds.',
  // the scans iterate reduced maps at each η directly (escapeAndEndState); the declared run is the model they use
  runs: (p) => [{ config: muonConfig(p, { ...algorithmById('muon').defaults }), purpose: 'spiked model of the reduced-map η scans (Muon registry defaults)' }],
  measure: (runs, p) => {
    const s = runs.shared('optimizer-muon-momentum-scans', () => momentumScans(p));
    return [momentumEscapeClaim(s), momentumEndStateClaim(s)];
  },
};
