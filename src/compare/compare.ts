/**
 * `Comparison` (architecture.md): per series, the max and RMS deviation between theory and simulation over a
 * stated window, the tolerance used and why, and a verdict.
 *
 * Window (default): the escaping stage, from step 0 until the theory's signal coefficient first reaches
 * `DEFAULT_WINDOW_LEVEL` (0.9); the whole common range if it never does.
 * Deviation at an aligned point k (time map: timemap.ts): δ_k = x_sim(k) − x_theory(k);
 * max = max_k |δ_k|, RMS = √((1/N) Σ_k δ_k²), computed as m·√((1/N) Σ_k (δ_k/m)²) with m = max_k |δ_k| (no overflow).
 */
import type { ExperimentConfig } from '../config/config.js';
import { DEFAULTS } from '../config/defaults.js';
import { buildModelSpec, specStatModel } from '../model/spec.js';
import { comparedSeries } from '../statistics/index.js';
import type { Trajectory } from '../core/trajectory.js';
import { alignTheoryToSim, isFlow, theoryValueAt, type AlignedPoint } from './timemap.js';
import { ensembleSize, seriesView } from './series.js';
import { POPULATION_REL_TOL, resampledRule, toleranceRule, type Reference, type ToleranceRule } from './tolerance.js';
import type { FamilyCritical } from '../dynamics/response/family-critical.js';

/** Default escaping-stage window level of the signal coefficient (issue 5). */
export const DEFAULT_WINDOW_LEVEL = 0.9;

export type Verdict = 'pass' | 'fail' | 'inconclusive' | 'n/a';

export interface SeriesDeviation {
  series: string;
  points: number;
  /** max_k |δ_k| */
  maxAbs: number;
  /** √(mean δ_k²) */
  rms: number;
  /** Step of the worst point: the largest |δ_k|/tol_k (testable), else the largest |δ_k|. */
  worstStep: number;
  /** |δ| at `worstStep`. */
  deviationAtWorst: number;
  /** Population-exact: the scalar tolerance; finite-sample: the tolerance at the worst point (z·σ̂ there + floor). */
  tolerance: number;
  /** max_k |δ_k| / tol_k (≤ 1 passes); null when not testable. */
  worstRatio: number | null;
  /**
   * The spread test of a resampled rule (tolerance.ts `resampledRule`): the seeds' SD over the theory's predicted SD at
   * the step where |ln(σ̂/σ)| is largest, the bound w on |ln(σ̂/σ)|, and |ln(σ̂/σ)|/w there (≤ 1 passes).
   */
  spread?: { worstStep: number; seedsOverTheory: number; logBound: number; ratio: number; verdict: Verdict };
  verdict: Verdict;
}

export interface WindowSpec {
  fromStep: number;
  toStep: number;
  rule: string;
}

export interface Comparison {
  label: string;
  /** Finite-sample comparisons: against the corrected theory or the population theory (null otherwise). */
  reference: Reference | null;
  theory: { kind: string; algorithm: string; status: string };
  simulation: { kind: string; algorithm: string; status: string; seeds: number };
  timeMap: string;
  window: WindowSpec;
  tolerance: ToleranceRule;
  series: SeriesDeviation[];
  verdict: Verdict;
}

export interface CompareOptions {
  /** Step size of the simulated algorithm (η̃ for GD, η for SpecGD): the time map for flows. */
  eta: number;
  /** Config the simulation ran with (decides the tolerance rule). */
  config: ExperimentConfig;
  /** Symbol of the signal coefficient (default: the signal block's symbol of `config`'s model). */
  signalSymbol?: string;
  /** Level of the signal coefficient that ends the escaping-stage window (default 0.9). */
  windowLevel?: number;
  /** Explicit window [fromStep, toStep]; overrides the escaping-stage rule. */
  window?: [number, number];
  /** Series to compare (default: every series both trajectories carry that is a block coefficient, loss or ratio). */
  series?: string[];
  label?: string;
}

/** The escaping-stage window of a theory trajectory: [0, first step where signal ≥ level]. */
export function escapingWindow(theory: Trajectory, signalSymbol: string, level: number): WindowSpec {
  const v = seriesView(theory, signalSymbol);
  const last = theory.step.length ? theory.step[theory.step.length - 1] : 0;
  const lastT = theory.t.length ? theory.t[theory.t.length - 1] : 0;
  if (v) {
    const i = v.mean.findIndex((x) => x >= level);
    if (i >= 0) {
      return { fromStep: theory.step[0] ?? 0, toStep: theory.step[i] ?? Math.round(theory.t[i]), rule: `escaping stage: until the theory's ${signalSymbol} first reaches ${level} (step ${theory.step[i]})` };
    }
  }
  return { fromStep: theory.step[0] ?? 0, toStep: last ?? Math.round(lastT), rule: `whole run: the theory's ${signalSymbol} never reaches ${level}` };
}

/**
 * Default compared series: the `compared` statistics of the registry (src/statistics/: block coefficients, ratio,
 * loss) for this model, paired by series name, where both trajectories carry them.
 */
export function defaultComparedSeries(theory: Trajectory, sim: Trajectory, config: ExperimentConfig): string[] {
  const spec = buildModelSpec(config);
  return comparedSeries(specStatModel(spec, DEFAULTS.signTieRelTol, config.data.mode)).filter((n) => seriesView(theory, n) !== null && seriesView(sim, n) !== null);
}

/** The signal block's coefficient symbol of a config's model. */
export function signalSymbolOf(config: ExperimentConfig): string {
  const spec = buildModelSpec(config);
  // θ over several eigen-directions (issue 13): the rotation-invariant signal norm ‖Wθ‖ (statistics/signal.ts).
  return spec.coordinates ? 'signal' : spec.blocks[spec.signalBlock].symbol;
}

/** Compare one simulation trajectory with its theory. */
export function compareTrajectories(theory: Trajectory, sim: Trajectory, opts: CompareOptions): Comparison {
  const signal = opts.signalSymbol ?? signalSymbolOf(opts.config);
  const level = opts.windowLevel ?? DEFAULT_WINDOW_LEVEL;
  // For flows, the window is stated in simulation steps; the flow's signal crossing maps back by t = eta·k.
  let window: WindowSpec;
  /** The escaping window's end when the corrected theory stops before it (its comparison then covers only a part). */
  let truncatedFrom: number | null = null;
  if (opts.window) window = { fromStep: opts.window[0], toStep: opts.window[1], rule: `explicit steps ${opts.window[0]}..${opts.window[1]}` };
  else {
    const w = escapingWindow(theory.kind === 'theory-corrected' ? populationView(theory) : theory, signal, level);
    window = /flow/.test(theory.algorithm)
      ? { ...w, toStep: Math.ceil(theoryTimeAtStepIndex(theory, w.toStep) / opts.eta) }
      : w;
    const lastPredicted = theory.step[theory.step.length - 1] ?? 0;
    const validity = (theory.correction as { validity?: string } | undefined)?.validity;
    if (theory.kind === 'theory-corrected' && (lastPredicted < window.toStep || (validity !== undefined && validity !== 'ok'))) {
      // A corrected theory may state its own range (correction.statedRange: SpecGD's polar response up to the first
      // sign switch, issue 11): the comparison over it is the claim, not a part of it, and the rule says what is left.
      const stated = (theory.correction as { statedRange?: { rule: string } } | undefined)?.statedRange;
      const switchScope = stated !== undefined && lastPredicted < window.toStep;
      if (lastPredicted < window.toStep && !switchScope) truncatedFrom = window.toStep;
      window = {
        ...window,
        toStep: Math.min(window.toStep, lastPredicted),
        rule: switchScope
          ? `${stated!.rule}: steps ${window.fromStep}..${lastPredicted} (${theory.message}); the population's ${window.rule.replace(/^escaping stage: /, '')} is not covered`
          : `${window.rule}; the corrected theory stops at step ${lastPredicted} (${theory.message})`,
      };
    }
  }
  const aligned = alignTheoryToSim(theory, sim, opts.eta).filter((p) => p.step >= window.fromStep && p.step <= window.toStep);
  const seeds = ensembleSize(sim);
  const finite = opts.config.data.mode !== 'population';
  const reference: Reference | null = finite ? (theory.kind === 'theory-corrected' ? 'corrected' : 'population') : null;
  const baseRule: ToleranceRule =
    reference === 'corrected' && window.toStep <= window.fromStep
      ? { kind: 'not-testable', rule: `the corrected theory has no valid step after step ${window.fromStep} (${theory.message}): nothing to compare` }
      : toleranceRule(opts.config, seeds, aligned.length, isFlow(theory), reference ?? 'population');
  const names = opts.series ?? defaultComparedSeries(theory, sim, opts.config);
  // against a corrected theory with resampled family-wise critical values for these seeds, series and window
  const fc = (theory.correction as { familyCritical?: FamilyCritical } | undefined)?.familyCritical;
  const rule = resampledRule(baseRule, fc, seeds, window.toStep, names) ?? baseRule;
  const series = names.map((name) => deviation(theory, sim, name, aligned, rule));
  const verdicts = series.map((s) => s.verdict);
  // A corrected theory that stops before the end of the escaping stage tests only the steps it covers: a pass there
  // says nothing about the rest of the stage, so the comparison is inconclusive (a failure inside still fails).
  const verdict: Verdict = verdicts.includes('fail')
    ? 'fail'
    : verdicts.length && verdicts.every((v) => v === 'pass')
      ? truncatedFrom !== null
        ? 'inconclusive'
        : 'pass'
      : verdicts.includes('inconclusive')
        ? 'inconclusive'
        : 'n/a';
  return {
    label: opts.label ?? `${sim.algorithm}: simulation vs ${theory.algorithm} theory`,
    reference,
    theory: { kind: theory.kind, algorithm: theory.algorithm, status: theory.status },
    simulation: { kind: sim.kind, algorithm: sim.algorithm, status: sim.status, seeds },
    timeMap: /flow/.test(theory.algorithm) ? `simulation step k ↔ flow time t = ${opts.eta}·k` : 'simulation step k ↔ theory step k',
    window: truncatedFrom !== null ? { ...window, rule: `${window.rule}: it covers steps ${window.fromStep}..${window.toStep} of the escaping stage ${window.fromStep}..${truncatedFrom}, so a pass there is inconclusive for the stage` } : window,
    tolerance: rule,
    series,
    verdict,
  };
}

/**
 * The population series of a corrected trajectory as a theory trajectory (the escaping-stage window is the population
 * theory's; the corrected trajectory ends at its last valid prediction, so the aligned points stop there too).
 */
function populationView(theory: Trajectory): Trajectory {
  const c = theory.correction as { population?: Record<string, number[]>; populationSteps?: number[]; populationFull?: Record<string, number[]> } | undefined;
  // The whole population trajectory when the corrected theory carries it (the escaping window must not end at the cut).
  if (c?.populationSteps && c.populationFull) return { ...theory, kind: 'theory', step: c.populationSteps, t: c.populationSteps, series: c.populationFull };
  const pop = c?.population ?? (theory.series as Record<string, number[]>);
  return { ...theory, kind: 'theory', series: pop };
}

/**
 * Next-order term r_k of a corrected theory at its record i (tolerance.ts): ρ² |μ − s̄|, ρ = σ/max(|s̄|, |μ|).
 */
function nextOrderTerm(theory: Trajectory, name: string, i: number): number {
  const pop = (theory.correction as { population?: Record<string, number[]> } | undefined)?.population?.[name];
  const sd = theory.sd?.[name];
  const mu = (theory.series as Record<string, number[]>)[name]?.[i];
  if (!pop || !sd || mu === undefined) return 0;
  const scale = Math.max(Math.abs(pop[i]), Math.abs(mu));
  if (!(scale > 0)) return 0;
  const rho = sd[i] / scale;
  return rho * rho * Math.abs(mu - pop[i]);
}

/**
 * Monte Carlo error of a corrected theory's mean at record i: the source ensemble's own standard error of its mean
 * (`correction.mcse`, from its antithetic pairs; dynamics/response/source-ensemble.ts), σ_k/√draws when only the
 * draw count is given, 0 for the expansion. It adds in quadrature to the ensemble's
 * standard error: the statistic compared is the difference of two independent sample means.
 */
function theoryMonteCarloError(theory: Trajectory, name: string, i: number): number {
  const c = theory.correction as { draws?: number; mcse?: Record<string, number[]> } | undefined;
  const m = c?.mcse?.[name]?.[i];
  if (m !== undefined) return Number.isFinite(m) ? m : Number.POSITIVE_INFINITY;
  const sd = theory.sd?.[name]?.[i];
  return c?.draws && sd !== undefined && Number.isFinite(sd) ? sd / Math.sqrt(c.draws) : 0;
}

/**
 * The spread test of a series as text, "σ̂/σ = r (≤ e^w)" with its verdict when it failed, or "—" (no spread test:
 * not a resampled rule, or no point with a predicted spread). Shared by the CLI table and the report's tables.
 */
export function spreadText(s: SeriesDeviation, fmt: (x: number) => string): string {
  if (!s.spread) return '—';
  const bound = Math.exp(s.spread.logBound);
  return `σ̂/σ = ${fmt(s.spread.seedsOverTheory)} at ${s.spread.worstStep} (within ×${fmt(bound)}${s.spread.verdict === 'fail' ? ': fail' : ''})`;
}

/** Flow trajectories may carry step = [] (continuous time): the time at the window end. */
function theoryTimeAtStepIndex(theory: Trajectory, toStep: number): number {
  const i = theory.step.indexOf(toStep);
  return i >= 0 ? theory.t[i] : toStep;
}

function deviation(theory: Trajectory, sim: Trajectory, name: string, aligned: AlignedPoint[], rule: ToleranceRule): SeriesDeviation {
  const th = seriesView(theory, name);
  const sv = seriesView(sim, name);
  // (theory-side block magnitudes `<sym>_mag` are |a_k| on the manifold: series.ts)
  if (!th || !sv) throw new Error(`series "${name}" missing on the ${th ? 'simulation' : 'theory'} side`);
  let maxAbs = 0;
  let sumSq = 0;
  let worstStep = aligned[0]?.step ?? 0;
  let worstRatio = 0;
  let tolAtWorst = 0;
  let devAtWorst = 0;
  let scale = 0;
  let devScale = 0;
  for (const p of aligned) scale = Math.max(scale, Math.abs(theoryValueAt(th.mean, p)));
  const resampled = rule.kind === 'finite-sample' && rule.calibration === 'resampled';
  const logBound = rule.kind === 'finite-sample' ? rule.spreadLogBound ?? Number.NaN : Number.NaN;
  const seeds = ensembleSize(sim);
  /** The spread test's worst point (worstStep −1: none tested). */
  const spread = { worstStep: -1, seedsOverTheory: Number.NaN, ratio: -1 };
  const popTol = rule.kind === 'population-exact' ? rule.relTol * scale : 0;
  // A difference of two finite values beyond ±MAX_VALUE/2 can overflow: it is then reported as ±MAX_VALUE.
  const devs = aligned.map((p) => {
    const dev = sv.mean[p.simIndex] - theoryValueAt(th.mean, p);
    // NaN (a non-finite value on either side) counts as the largest deviation: it must fail, never be skipped.
    return Number.isFinite(dev) ? dev : Number.isNaN(dev) ? Number.MAX_VALUE : Math.sign(dev) * Number.MAX_VALUE;
  });
  for (const x of devs) if (Math.abs(x) > devScale) devScale = Math.abs(x);
  aligned.forEach((p, i) => {
    const dev = devs[i];
    const a = Math.abs(dev);
    // Rescaled by the largest |δ| so that δ² cannot overflow (|δ| near 1e160 and above) or underflow.
    if (devScale > 0 && Number.isFinite(devScale)) sumSq += (dev / devScale) ** 2;
    // the resampled rule's mean test: the seeds' SE, or the theory's σ_k/√S where that is wider (tolerance.ts `resampledRule`)
    const se = resampled ? Math.max(sv.se[p.simIndex], (theory.sd?.[name]?.[p.theoryIndex] ?? 0) / Math.sqrt(seeds)) : sv.se[p.simIndex];
    const tol =
      rule.kind === 'population-exact'
        ? popTol
        : rule.kind === 'finite-sample'
          ? rule.z * Math.hypot(se, theoryMonteCarloError(theory, name, p.theoryIndex)) + (rule.reference === 'corrected' ? nextOrderTerm(theory, name, p.theoryIndex) : 0) + POPULATION_REL_TOL * scale
          : Number.NaN;
    if (resampled) {
      const sigma = theory.sd?.[name]?.[p.theoryIndex] ?? 0;
      if (sigma > 0) {
        const ratio = (sv.se[p.simIndex] * Math.sqrt(seeds)) / sigma;
        const v = Math.abs(Math.log(ratio));
        // a zero or non-finite seeds' SD where the theory's is positive is the largest spread deviation
        const r = Number.isFinite(v) ? v / logBound : Number.POSITIVE_INFINITY;
        if (r > spread.ratio) Object.assign(spread, { worstStep: p.step, seedsOverTheory: ratio, ratio: r });
      }
    }
    if (rule.kind === 'not-testable' || rule.kind === 'inconclusive') {
      if (a > maxAbs) {
        worstStep = p.step;
        devAtWorst = a;
      }
    } else {
      const ratio = tol > 0 ? a / tol : a === 0 ? 0 : Number.POSITIVE_INFINITY;
      if (ratio > worstRatio || (ratio === worstRatio && a > maxAbs)) {
        worstRatio = ratio;
        worstStep = p.step;
        tolAtWorst = tol;
        devAtWorst = a;
      }
    }
    if (a > maxAbs) maxAbs = a;
  });
  const n = aligned.length;
  const testable = rule.kind !== 'not-testable' && rule.kind !== 'inconclusive' && n > 0;
  const spreadOut: SeriesDeviation['spread'] | null =
    resampled && spread.worstStep >= 0
      ? { worstStep: spread.worstStep, seedsOverTheory: spread.seedsOverTheory, logBound, ratio: Number.isFinite(spread.ratio) ? spread.ratio : Number.MAX_VALUE, verdict: spread.ratio <= 1 ? 'pass' : 'fail' }
      : null;
  return {
    series: name,
    points: n,
    maxAbs,
    rms: n ? devScale * Math.sqrt(sumSq / n) : 0,
    worstStep,
    deviationAtWorst: devAtWorst,
    tolerance: rule.kind === 'population-exact' ? popTol : tolAtWorst,
    // A zero standard error with a nonzero deviation is an infinite ratio: report it as the largest finite double.
    worstRatio: testable ? (Number.isFinite(worstRatio) ? worstRatio : Number.MAX_VALUE) : null,
    ...(spreadOut ? { spread: spreadOut } : {}),
    verdict: testable ? (worstRatio <= 1 && (!spreadOut || spreadOut.verdict === 'pass') ? 'pass' : 'fail') : rule.kind === 'inconclusive' && n > 0 ? 'inconclusive' : 'n/a',
  };
}
