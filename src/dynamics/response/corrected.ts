/**
 * The `theory-corrected` trajectory of a finite-sample or online config (issue 11): per algorithm, the predicted
 * ensemble mean of each statistic with the predicted per-seed standard deviation beside it (`sd`).
 *  - GD (`method: "source-ensemble"`): the Gaussian-source ensemble of the reduced dynamics (source-ensemble.ts;
 *    full batch: frozen sources, online: fresh each step) for the statistics of WᵀW, over the whole run; it agrees
 *    with the 1/N expansion at its order and keeps the escape's phase unexpanded;
 *  - SpecGD (`method: "expansion"`), and any algorithm with `{ method: "expansion" }`: the population trajectory plus
 *    the leading-order correction E s_k ≈ s(W̄_k) + c_k/N (N = n, order 1/n; or B, order 1/B) from the linear response
 *    of propagate.ts and predict.ts, up to its validity end (`validRange`, `relativeSpreadCut`); for SpecGD that is the
 *    first sign switch of a block gradient, where the polar factor is not differentiable (`correction.validity`).
 * The expansion's coefficients c_k are carried in every case (`correction.coefficients`: claims and figures).
 */
import { provenance } from '../../core/provenance.js';
import type { Trajectory } from '../../core/trajectory.js';
import type { ExperimentConfig } from '../../config/config.js';
import { DEFAULTS } from '../../config/defaults.js';
import { algorithmOf } from '../../algorithms/index.js';
import { buildModelSpec, initialBlockCoefficients, specStatModel, type ModelSpec } from '../../model/spec.js';
import { gramSeries } from '../../statistics/index.js';
import { populationGradientFactors, propagateResponse, type ResponseAlgorithm, type ResponseRun } from './propagate.js';
import type { ResponseBlocks } from './moments.js';
import { gradientSignResolution, SignResolutionCache } from './sign-resolution.js';
import { runOnlineSourceEnsemble, runSourceEnsemble, type EnsembleSeries } from './source-ensemble.js';
import { familyCriticalValues, type FamilyCritical } from './family-critical.js';
import { rankOneLayout, runRankOneEnsemble } from './rank-one-ensemble.js';
import { FAMILY_ALPHA } from '../../core/tolerances.js';
import { predictEscape, predictStatistics, type EscapePrediction, type PredictionContext, type StatisticPrediction } from './predict.js';

/** What a corrected trajectory carries besides its series (`Trajectory.correction`). */
export interface CorrectionInfo {
  /** "1/n" (full batch) or "1/B" (online). */
  order: '1/n' | '1/B';
  /**
   * How the series were obtained: "source-ensemble" (GD: the Gaussian-source ensemble of the reduced dynamics,
   * source-ensemble.ts, `draws` theory draws, its Monte Carlo error `mcse` part of the comparison's tolerance) or
   * "expansion" (the 1/N expansion of propagate.ts/predict.ts: SpecGD, or on request).
   */
  method: 'source-ensemble' | 'expansion';
  /** Theory draws of the source ensemble (method "source-ensemble"). */
  draws?: number;
  /** Series of the population trajectory the corrected one does not carry, and why. */
  omitted?: { series: string[]; reason: string };
  /** Monte Carlo standard error of each series' mean (method "source-ensemble", from its antithetic pairs). */
  mcse?: Record<string, number[]>;
  /**
   * Method "source-ensemble" with ≥ 2 seeds in the config: the comparison's family-wise critical values for that many
   * seeds, resampled from the ensemble's own draws (family-critical.ts; compare/tolerance.ts uses them in place of the
   * Bonferroni–Student-t constant).
   */
  familyCritical?: FamilyCritical;
  /**
   * The range the theory states for itself when it is not the escaping stage (SpecGD: the escape stage up to the first
   * sign switch, issue 11): a comparison covers that range and is not inconclusive for ending before the stage
   * does; `rule` says what it is and what is left uncovered. Absent: the escaping stage is the claim.
   */
  statedRange?: { rule: string };
  /** n or B. */
  size: number;
  mode: 'full-batch' | 'online';
  /**
   * "ok" over the whole run; "sign-switch" (SpecGD: stopped where a block gradient reaches zero, in the population or
   * within the sampling spread of the empirical gradient); "expansion-breakdown" (the predicted shift of a block
   * coefficient exceeds half its population value); "diverged".
   */
  validity: 'ok' | 'sign-switch' | 'expansion-breakdown' | 'diverged';
  /** Last step with a prediction. */
  validUntilStep: number;
  message: string;
  /**
   * Predicted escape-step shift at this size, in steps: of the ensemble-mean signal coefficient's crossing of the level
   * (the simulation's `escape` event), and the per-seed SD of the escape step.
   */
  escape: { level: number; populationStep: number | null; meanShift: number | null; sd: number | null; escapedDraws?: number; draws?: number };
  /** Mean-shift coefficients c_k (E s − s̄ ≈ c/N) per series, for claims and figures. */
  coefficients: Record<string, number[]>;
  /** Population values s(W̄_k) per series. */
  population: Record<string, number[]>;
  /** Every recorded step the population run reached, and the population series there (past the validity cut). */
  populationSteps: number[];
  populationFull: Record<string, number[]>;
}

/** The response problem of one algorithm of a config (null when the algorithm has no response model). */
function responseAlgorithm(alg: ExperimentConfig['algorithms'][number], spec: ModelSpec): ResponseAlgorithm | null {
  // The registry says which rules the response models (Algorithm.linearResponse); no algorithm is named here.
  const rule = algorithmOf(alg).linearResponse;
  if (rule === 'gradient') return { kind: 'gd', h: 4 * spec.lossScale * alg.eta };
  if (rule === 'polar') return { kind: 'specgd', eta: alg.eta };
  return null;
}

/** Whether a config has a finite-sample correction: full batch or online, matrix student, W₀ = αI. */
export function correctionApplies(config: ExperimentConfig): string | null {
  if (config.data.mode === 'population') return 'population data: no finite-sample correction';
  if (config.model.student.kind !== 'matrix') return 'vector student: the response is derived for the matrix student (m = d)';
  if (config.model.init.kind !== 'scaled-identity') return `initialization ${config.model.init.kind}: the response is about the block manifold (W₀ = αI)`;
  if (buildModelSpec(config).coordinates !== null) return 'signal over several eigen-directions (matrix-block coordinates): the response is derived about the commuting-block trajectory (θ on one eigen-direction), not this one';
  return null;
}

export interface AlgorithmResponse {
  label: string;
  /** Block symbols (series names of the predictions). */
  symbols: string[];
  h: number;
  blocks: ResponseBlocks;
  signal: number;
  specgd: boolean;
  run: ResponseRun;
  predictions: StatisticPrediction[];
  escape: EscapePrediction;
}

/** Response runs and predictions per GD/SpecGD algorithm of a config (unsupported algorithms are skipped). */
export function responsesOf(config: ExperimentConfig): AlgorithmResponse[] {
  const spec = buildModelSpec(config);
  const a0 = initialBlockCoefficients(spec)!;
  const blocks = { lambda: Float64Array.from(spec.blocks.map((b) => b.variance)), rank: Float64Array.from(spec.blocks.map((b) => b.rank)), labelNoise: spec.labelNoise };
  const ctx: PredictionContext = { blocks, symbols: spec.blocks.map((b) => b.symbol), signal: spec.signalBlock, spike: spec.spikeBlock, lossScale: spec.lossScale };
  const out: AlgorithmResponse[] = [];
  for (const alg of config.algorithms) {
    const ra = responseAlgorithm(alg, spec);
    if (!ra) continue;
    const run = propagateResponse({ blocks, signal: spec.signalBlock, a0, algorithm: ra, mode: config.data.mode === 'online' ? 'online' : 'full-batch', steps: config.steps, divergenceBound: DEFAULTS.divergenceBound });
    out.push({ h: ra.kind === 'gd' ? ra.h : 0, label: algorithmOf(alg).label(alg), symbols: ctx.symbols, blocks, signal: spec.signalBlock, specgd: ra.kind === 'specgd', run, predictions: predictStatistics(run, ctx), escape: predictEscape(run, spec.signalBlock, blocks.rank[spec.signalBlock], config.events.escapeLevel) });
  }
  return out;
}

/** Two-sided tail per step at which a block gradient counts as resolved from zero (SpecGD validity): 1e-4. */
export const SWITCH_TAIL = 1e-4;

/**
 * Last valid step of a response at size N (and why it ends), from the run's own end and these cuts (and
 * `relativeSpreadCut` on the compared statistics, applied by `correctedTheory`):
 *  - expansion: the first step where some block's predicted shift |E δa_k| = |t2_k|/(r_k N) exceeds ½|ā_k| (the
 *    1/N series is no longer an expansion: with a ratio ≤ ½ between terms its remainder is below the first
 *    correction, beyond it nothing bounds it);
 *  - pieces: the first step where an off-diagonal piece of W₁ has a per-entry RMS √(E‖X_ab‖²/(N r_a r_b)) above
 *    ½ max(|ā_a|, |ā_b|) (W₁ is no longer small against W̄ in that pair; the same ½ as above). What fires it in
 *    GD's escape is the (spike, signal) piece — the component of Wθ along v, a rotation of the output space that the
 *    loss does not see (it sees WᵀW) — so it is not itself a breakdown of the statistics' expansion; it is kept, for the
 *    expansion only, as a measured guard: without it the range runs into the late escape, where the expansion's
 *    truncation is wrong (d = 8, n = 8000, 24 seeds: from step ≈ 220 its predicted shift of |b| is 2–5× the measured
 *    one and its per-seed SD 2–5× the measured, so the comparison fails while no other cut has fired), and in every
 *    case measured it fires before that (d = 8, n = 8000: step 157); it is conservative at large n (d = 40,
 *    n = 32000: step 189 of a 284-step escape the expansion follows to the end). The late stage is what the source
 *    ensemble resums (its diagonal coordinates are not expanded), so GD's corrected theory does not use these cuts;
 *  - SpecGD: the first step where some block of the empirical gradient is not resolved from zero at the tail
 *    SWITCH_TAIL (sign-resolution.ts: the weighted Marchenko–Pastur edge of the block, the fluctuation of the sample's
 *    weights, the Tracy–Widom margin, outliers from single samples and the other blocks' coupling): there the
 *    sample's own sign switch can come first, which the expansion about a fixed sign pattern cannot follow. (It
 *    replaced a cut at the Gaussian trace spread plus the semicircle edge 2√(E‖R̃_kk‖²/r_k), which treated the block
 *    as symmetric noise: at W₀ = αI every weight φ = −(θᵀx)² + O(α²) has one sign, the block is a Wishart matrix of
 *    one sign that cannot switch, and that cut fired at step 0 for B = 256, d = 40 while the seeds leave the
 *    population trajectory only at steps ≥ 36.)
 */
export function validRange(run: ResponseRun, blocks: ResponseBlocks, signal: number, specgd: boolean, N: number): { last: number; validity: CorrectionInfo['validity']; message: string } {
  const K = blocks.lambda.length;
  const e = new Float64Array(K);
  const gt = new Float64Array(K);
  const signCache = specgd ? new SignResolutionCache() : null;
  for (let i = 0; i < run.points.length; i++) {
    const p = run.points[i];
    for (let k = 0; k < K; k++) {
      if (Math.abs(p.mean[k]) / (blocks.rank[k] * N) > 0.5 * Math.abs(p.a[k])) {
        return { last: Math.max(0, i - 1), validity: 'expansion-breakdown', message: `the predicted finite-sample shift of block ${k} exceeds half its population value at step ${p.step} (N = ${N}): the expansion is not valid beyond; prediction stopped at step ${Math.max(0, i - 1)}` };
      }
    }
    // pieces: the per-entry RMS of each off-diagonal pair of W₁ against the larger of its two population coefficients
    for (let x = 0; x < K; x++) for (let y = 0; y < K; y++) {
      if (x === y) continue;
      const rms = Math.sqrt(Math.max(0, p.mom.off2[x * K + y]) / (N * blocks.rank[x] * blocks.rank[y]));
      if (rms > 0.5 * Math.max(Math.abs(p.a[x]), Math.abs(p.a[y]))) {
        return { last: Math.max(0, i - 1), validity: 'expansion-breakdown', message: `the predicted fluctuation of the block pair (${x}, ${y}) of W (per-entry RMS ${rms.toPrecision(3)}) exceeds half the larger population coefficient at step ${p.step} (N = ${N}): the expansion is not valid beyond; prediction stopped at step ${Math.max(0, i - 1)}` };
      }
    }
    if (specgd) {
      populationGradientFactors(blocks, signal, p.a, e, gt);
      const res = gradientSignResolution(blocks, signCache!, e, gt, N, SWITCH_TAIL);
      if (!res.resolved) {
        const where = res.block >= 0 ? `the empirical gradient's block ${res.block} (population |g̃| = ${Math.abs(gt[res.block]).toPrecision(3)}) is not resolved from zero: ${res.reason}` : res.reason;
        return { last: Math.max(0, i - 1), validity: 'sign-switch', message: `SpecGD response valid until step ${Math.max(0, i - 1)}: at step ${p.step} ${where} (N = ${N}), so the sample's own sign switch can come first; prediction stopped` };
      }
    }
  }
  const last = run.points.length - 1;
  return { last, validity: run.status, message: run.status === 'ok' ? 'ok' : run.message };
}

/** Largest relative per-seed spread ρ = σ/max(|s̄|, |μ|) of a compared statistic at which the expansion is used: 1/√2. */
export const MAX_RELATIVE_SPREAD = Math.SQRT1_2;

/**
 * The size condition on the compared statistics (block magnitudes and the loss, functions of WᵀW): the first step
 * where the predicted per-seed spread of one of them exceeds MAX_RELATIVE_SPREAD of its value, ρ_k = σ_k / max(|s̄_k|,
 * |μ_k|) > 1/√2. The comparison's tolerance carries the next-order term ρ_k²·|μ_k − s̄_k| (compare/tolerance.ts): the
 * expansion in W₁/W̄ whose terms are down by ρ² each; at ρ² > ½ the next term is no longer below half the first and
 * that estimate is not an estimate. Returns the last step before it (or null when it never happens).
 */
export function relativeSpreadCut(predictions: StatisticPrediction[], names: readonly string[], N: number, last: number): { last: number; message: string } | null {
  for (const p of predictions) {
    if (!names.includes(p.name)) continue;
    const at = p.atSize(N);
    for (let i = 0; i <= Math.min(last, at.mean.length - 1); i++) {
      const rho = at.sd[i] / Math.max(Math.abs(p.population[i]), Math.abs(at.mean[i]));
      if (rho > MAX_RELATIVE_SPREAD) {
        return { last: Math.max(0, i - 1), message: `the predicted per-seed spread of ${p.name} exceeds 1/√2 of its value at step ${i} (ρ = ${rho.toPrecision(3)}, N = ${N}): the expansion's next-order term is not below half the first beyond; prediction stopped at step ${Math.max(0, i - 1)}` };
      }
    }
  }
  return null;
}

/**
 * The compared finite-sample series of a config (`compare`, `reproduce`, the corrected theory's carried series): the
 * statistics of WᵀW of the registry (`Statistic.gram`, statistics/index.ts `gramSeries`) for its model — the block
 * magnitudes, the loss and, where the model has it, the magnitudes' misalignment ratio. Their spread also bounds the
 * expansion (`relativeSpreadCut`). (A new statistic flagged `gram` is compared here at once; the theory must then
 * predict it — the source ensemble refuses to keep a series it does not have.)
 */
export function finiteSampleSeries(config: ExperimentConfig): string[] {
  return gramSeries(specStatModel(buildModelSpec(config), DEFAULTS.signTieRelTol, config.data.mode));
}

/**
 * The escape prediction of the source ensemble: the shift of the first step at which its mean signal coefficient
 * reaches the level (the simulation's `escape` event is the same crossing of the ensemble mean), and the per-seed SD
 * of the draws' own escape steps — null unless every draw escapes within the prediction (the SD of a censored
 * sample is not the per-seed SD); `escapedDraws` of `draws` say how many did.
 */
function ensembleEscape(ens: EnsembleSeries, signalSymbol: string, level: number, populationStep: number | null): CorrectionInfo['escape'] {
  const i = (ens.mean[signalSymbol] ?? []).findIndex((x) => x >= level);
  return { level, populationStep, meanShift: i >= 0 && populationStep !== null ? i - populationStep : null, sd: ens.escape.sd, escapedDraws: ens.escape.escaped, draws: ens.escape.draws };
}

/** The `theory-corrected` trajectories of a finite-sample or online config (one per GD/SpecGD algorithm). */
export interface CorrectedOptions {
  /**
   * "auto" (default): GD from the Gaussian-source ensemble, SpecGD from the expansion; "expansion": every algorithm
   * from the 1/N expansion with its validity cuts (to compare the two, or where the expansion is known to hold).
   */
  method?: 'auto' | 'expansion';
}

export function correctedTheory(config: ExperimentConfig, record: ArrayLike<number>, command = 'theory', opts: CorrectedOptions = {}): Trajectory[] {
  if (correctionApplies(config) !== null) return [];
  const N = config.data.mode === 'full-batch' ? config.data.n : config.data.mode === 'online' ? config.data.batch : 1;
  const order = config.data.mode === 'online' ? '1/B' : '1/n';
  const out: Trajectory[] = [];
  const spec = buildModelSpec(config);
  const gram = finiteSampleSeries(config);
  for (const r of responsesOf(config)) {
    // GD (full batch: frozen sources; online: fresh each step): the Gaussian-source ensemble (no expansion cut: its
    // diagonal coordinates are not expanded); SpecGD: the 1/N expansion with its cuts
    // the ensemble keeps its draws of the compared series at the recorded steps when there are seeds to calibrate for
    const S = config.seeds.length;
    const keep = S >= 2 ? { names: gram, steps: Array.from(record).filter((k) => k <= config.steps) } : undefined;
    const problem = { blocks: r.blocks, signal: r.signal, spike: spec.spikeBlock, escapeLevel: config.events.escapeLevel, a0: initialBlockCoefficients(spec)!, h: r.h, n: N, steps: config.steps, lossScale: spec.lossScale, keep };
    // full batch: the rank-1 part of W exact where the model has rank-1 blocks and at most one bulk
    // (rank-one-ensemble.ts), else the W-piece ensemble; online: the W-piece ensemble with fresh sources
    const fullBatch = (): EnsembleSeries => (rankOneLayout(r.blocks.rank) ? runRankOneEnsemble(problem, r.symbols) : runSourceEnsemble(problem, r.symbols));
    const ens: EnsembleSeries | null = r.specgd || opts.method === 'expansion' ? null : config.data.mode === 'full-batch' ? fullBatch() : runOnlineSourceEnsemble(problem, r.symbols);
    let range: { last: number; validity: CorrectionInfo['validity']; message: string };
    if (ens) range = { last: ens.steps, validity: ens.status, message: ens.message };
    // (ens.steps = −1: out of range from the start — no step is predicted)
    else {
      range = validRange(r.run, r.blocks, r.signal, r.specgd, N);
      const spread = relativeSpreadCut(r.predictions, gram, N, range.last);
      if (spread && spread.last < range.last) range = { last: spread.last, validity: 'expansion-breakdown', message: spread.message };
    }
    const last = range.last;
    const steps = Array.from(record).filter((k) => k <= last);
    const escapeValid = r.escape.step !== null && r.escape.step <= last;
    const series: Record<string, number[]> = {};
    const sd: Record<string, number[]> = {};
    const coefficients: Record<string, number[]> = {};
    const population: Record<string, number[]> = {};
    /** The population series at every recorded step (the escaping window is the population theory's, not the cut's). */
    const reach = Math.min(...r.predictions.map((p) => p.population.length));
    const fullSteps = Array.from(record).filter((k) => k < reach && r.predictions.every((p) => Number.isFinite(p.population[k])));
    const populationFull: Record<string, number[]> = {};
    // the source ensemble predicts the statistics of WᵀW (block magnitudes, loss, ratio_mag); the signed coefficients tr(P_kW)/r_k
    // and the signed ratio also depend on the left rotation W → QW that the loss does not see, which the ensemble
    // carries only linearly (the piece of Wθ along v grows like φ, not sin φ): they are left out, and said so
    const omitted = ens ? r.predictions.map((p) => p.name).filter((name) => !gram.includes(name)) : [];
    const mcse: Record<string, number[]> = {};
    for (const p of r.predictions) {
      if (!omitted.includes(p.name)) {
        const at = ens ? { mean: ens.mean[p.name], sd: ens.sd[p.name] } : p.atSize(N);
        series[p.name] = steps.map((k) => at.mean[k]);
        sd[p.name] = steps.map((k) => at.sd[k]);
        if (ens) mcse[p.name] = steps.map((k) => ens.mcse[p.name][k]);
      }
      // the expansion's coefficients and population values for every series (claims, figures, the compare window)
      coefficients[p.name] = steps.map((k) => p.meanShift[k]);
      population[p.name] = steps.map((k) => p.population[k]);
      populationFull[p.name] = fullSteps.map((k) => p.population[k]);
    }
    // the kept steps are the recorded steps up to the ensemble's last: the corrected trajectory's steps
    const familyCritical = ens?.kept && ens.kept.steps.length === steps.length ? familyCriticalValues(ens.kept, sd, mcse, S, FAMILY_ALPHA) ?? undefined : undefined;
    const escape = ens ? ensembleEscape(ens, r.symbols[r.signal], r.escape.level, r.escape.step) : { level: r.escape.level, populationStep: r.escape.step, meanShift: !escapeValid || r.escape.shift === null ? null : r.escape.shift / N, sd: !escapeValid || r.escape.sd === null ? null : r.escape.sd / Math.sqrt(N) };
    const eta = config.algorithms.find((a) => algorithmOf(a).label(a) === r.label)!.eta;
    const validity = range.validity;
    const how = ens ? `Gaussian-source ensemble of the reduced dynamics (${ens.draws} theory draws)` : `population theory + predicted ${order} correction`;
    const message = `${how} (${config.data.mode}, ${order === '1/n' ? 'n' : 'B'} = ${N}); ${validity === 'ok' ? `valid over all ${config.steps} steps` : range.message}`;
    const correction: CorrectionInfo = {
      order,
      method: ens ? 'source-ensemble' : 'expansion',
      ...(validity === 'sign-switch' ? { statedRange: { rule: 'SpecGD escape stage up to the first sign switch (the range of the polar response, issue 11); the sliding phase after it has no finite-sample correction and is not covered' } } : {}),
      ...(ens ? { draws: ens.draws, mcse, ...(familyCritical ? { familyCritical } : {}), omitted: { series: omitted, reason: 'signed coefficients and the signed ratio depend on the left rotation W → QW the loss does not see; the source ensemble predicts the statistics of WᵀW (block magnitudes, loss, the magnitudes\' misalignment ratio ratio_mag)' } } : {}),
      size: N,
      mode: config.data.mode === 'online' ? 'online' : 'full-batch',
      validity,
      validUntilStep: Math.max(0, last),
      message,
      escape,
      coefficients,
      population,
      populationSteps: fullSteps,
      populationFull,
    };
    out.push({
      kind: 'theory-corrected',
      algorithm: r.label,
      status: 'ok',
      message,
      step: steps,
      t: steps.map((k) => eta * k),
      series,
      sd,
      events: [],
      provenance: provenance(command, config, { seeds: config.seeds, settings: { correction: order, size: N, validity, validUntilStep: Math.max(0, last) } }),
      correction: correction as unknown as Record<string, unknown>,
    });
  }
  return out;
}
