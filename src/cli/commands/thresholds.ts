/**
 * `specgd thresholds [--preset NAME | --config FILE] [--lambda-v LIST] [--resolution R] [--max-time T] [--steps N]
 * [--out FILE] [--summary]`: GD's step-size stability from the config's initialization (dynamics/stability.ts), for
 * the config's λ_v or for each λ_v of --lambda-v (spiked models):
 *  - the measured `stableUpTo` (largest scanned η̃ below which every scanned η̃ converges to the optimum), its bracket
 *    and resolution, `divergesFrom`, `alwaysDivergesFrom`, the stable fraction between them, the edges (η̃ where the
 *    long-time class changes, with the classes on each side), the class counts and the classifier's rules;
 *  - the analytic bounds beside them (the optimum's linearized bound 2/μ_max, the escape-stage bound of the
 *    spike-restricted map), which one binds, and which one the measured stableUpTo follows;
 *  - the full stability report (fixed points, Jacobian eigenvalues, the scan from a* + δ, anisotropy thresholds,
 *    SpecGD's end cycle).
 * On matrix-block coordinates (issue 13: θ over several eigen-directions) the optimum is the set {rθᵀ, ‖r‖ = 1}
 * (dynamics/stability/optimum-set.ts): its normal bound replaces the optimum's, and there is no escape-stage bound.
 * JSON to stdout, or to FILE with --out (then a readable summary on stdout); --summary prints only the summary.
 */
import type { Command } from 'commander';
import { resolveConfigOption, type ExperimentConfig } from '../../config/config.js';
import { blockCount, checkBudget, currentBudget, THEORY_BLOCK_STEP_OPS, thresholdsTerms } from '../../config/budget.js';
import { MAX_STEPS, VARIANCE_MAX, VARIANCE_MIN } from '../../config/schema.js';
import { DEFAULTS } from '../../config/defaults.js';
import { ConfigError } from '../../core/errors.js';
import { toJson } from '../../core/output.js';
import { provenance } from '../../core/provenance.js';
import { assertFiniteDeep } from '../../core/trajectory.js';
import { ScanBudgetExceeded, stabilityReport, stabilityRuns, type StabilityReport } from '../../dynamics/stability.js';
import { checkOutFile, configOptions, parseNumberList, parsePositiveInt, parsePositiveNumber } from '../args.js';
import { writeOrPrint } from '../output.js';

export interface ThresholdsCliOptions {
  preset?: string;
  config?: string;
  lambdaV?: string;
  steps?: string;
  resolution?: string;
  maxTime?: string;
  out?: string;
  summary?: boolean;
}

/** One λ_v of `thresholds`: the scan's own fields (StepSizeScan) plus the model, the edges and the analytic bounds. */
export interface ThresholdsEntry extends Pick<StabilityReport['scan'], 'stableUpTo' | 'bracket' | 'resolution' | 'firstNonConverging' | 'divergesFrom' | 'alwaysDivergesFrom' | 'stableFraction' | 'mixedRegion'> {
  lambdaV: number | null;
  d: number;
  start: string;
  edgeCount: number;
  edges: StabilityReport['scan']['edges'];
  classCounts: Record<string, number>;
  analytic: {
    optimum: { value: number | null; expr: string | null; rule: string };
    escapeStage: { value: number; block: string; expr: string | null; rule: string } | null;
    optimumDivergence: { value: number; expr: string | null } | null;
    predictedStableUpTo: number | null;
    binds: 'optimum' | 'escape-stage' | null;
    predictedDivergesFrom: number | null;
  };
  follows: StabilityReport['follows'];
  nearOptimum: { start: string; stableUpTo: number | null; bracket: [number, number] | null; deviationFromOptimumBound: number | null };
  rules: { classifier: string[]; grid: string; refinement: string; horizon: string };
  report: StabilityReport;
}

function entry(config: ExperimentConfig, report: StabilityReport): ThresholdsEntry {
  const s = report.scan;
  const a = report.analytic;
  const near = report.scanNearOptimum;
  return {
    lambdaV: config.model.covariance.kind === 'spiked' ? config.model.covariance.spikeVariance : null,
    d: config.model.d,
    start: s.start,
    stableUpTo: s.stableUpTo,
    bracket: s.bracket,
    resolution: s.resolution,
    firstNonConverging: s.firstNonConverging,
    divergesFrom: s.divergesFrom,
    alwaysDivergesFrom: s.alwaysDivergesFrom,
    stableFraction: s.stableFraction,
    mixedRegion: s.mixedRegion,
    edgeCount: s.edges.length,
    edges: s.edges,
    classCounts: s.classCounts,
    analytic: {
      optimum: { value: a.optimum.value, expr: a.optimum.expr?.infix ?? null, rule: a.optimum.rule },
      escapeStage: a.escape ? { value: a.escape.value, block: a.escape.block, expr: a.escape.expr?.infix ?? null, rule: a.escape.rule } : null,
      optimumDivergence: a.optimumDivergence ? { value: a.optimumDivergence.value, expr: a.optimumDivergence.expr?.infix ?? null } : null,
      predictedStableUpTo: a.predictedStableUpTo?.value ?? null,
      binds: a.predictedStableUpTo?.binds ?? null,
      predictedDivergesFrom: a.predictedDivergesFrom,
    },
    follows: report.follows,
    nearOptimum: {
      start: near.start,
      stableUpTo: near.stableUpTo,
      bracket: near.bracket,
      deviationFromOptimumBound: near.stableUpTo !== null && a.optimum.value !== null ? Math.abs(near.stableUpTo / a.optimum.value - 1) : null,
    },
    rules: { classifier: s.classifier.rules, grid: s.grid.rule, refinement: s.refinement.rule, horizon: s.horizon.rule },
    report,
  };
}

const g = (x: number | null | undefined, p = 6): string => (x === null || x === undefined ? 'none' : x.toPrecision(p));
const pct = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toPrecision(2)}%`);

/** The readable summary of the entries. */
export function thresholdsSummary(entries: ThresholdsEntry[], maxEdges = 12): string {
  const out: string[] = [];
  for (const e of entries) {
    const s = e.report.scan;
    out.push(`λ_v = ${e.lambdaV ?? '(config)'}, d = ${e.d}: GD from ${e.start}`);
    for (const a of e.report.algorithms.filter((x) => !x.scanned)) out.push(`  ${a.algorithm}: ${a.reason}`);
    out.push(`  stableUpTo   = ${g(e.stableUpTo)}  (every scanned η̃ ≤ it converges to the optimum; next scanned η̃ = ${g(e.firstNonConverging?.eta)}: ${e.firstNonConverging?.label ?? '—'}; relative resolution ${g(e.resolution, 2)})`);
    out.push(`  divergesFrom = ${g(e.divergesFrom)}  (smallest scanned η̃ that diverges); every scanned η̃ ≥ ${g(e.alwaysDivergesFrom)} diverges`);
    const fr = (f: ThresholdsEntry['stableFraction'], what: string) =>
      f ? `${what} (${g(f.interval[0])}, ${g(f.interval[1])}): ${f.fraction === null ? 'no coarse grid point inside' : `${f.converging}/${f.coarsePointsInside} coarse grid points converge (${g(f.fraction, 3)})`}; all scanned points: ${f.scannedConverging}/${f.scannedInside}` : `${what}: n/a`;
    out.push(`  stable fraction of ${fr(e.stableFraction, '(stableUpTo, divergesFrom)')}`);
    out.push(`                  of ${fr(e.mixedRegion, '(stableUpTo, alwaysDivergesFrom)')}`);
    const o = e.analytic.optimum;
    const esc = e.analytic.escapeStage;
    const set = e.report.optimumSet;
    if (set) {
      out.push(`  analytic: the optimum set {rθᵀ, ‖r‖ = 1}'s normal bound 2/μ_max = ${g(o.value)} (period-doubling onset normal to the set); μ over the non-zero eigenvalues of J at θθᵀ: ${e.report.fixedPoints[0]?.jacobianEigenvalues.slice(set.zeroCount).map((m) => g(m)).join(', ')} (${set.zeroCount} null directions)`);
      out.push(`            H_S = 8κ[2Σθθᵀ Σ + (θᵀΣθ)Σ] on S: ${set.closedForm ? set.closedForm.map((m) => g(m)).join(', ') : '— (closed form for K = 2 only)'}; same spectrum along the set: max relative deviation ${g(set.alongSet.maxRelativeDeviation, 2)} over ${set.alongSet.psi.length} points`);
    } else out.push(`  analytic: optimum's linearized bound 2/μ_max = ${o.expr ?? '—'} = ${g(o.value)} (period-doubling onset at a*)`);
    out.push(`            escape-stage bound (${esc ? `${esc.block}-restricted map's crisis` : '—'}) = ${esc?.expr ?? '—'} = ${g(esc?.value)}`);
    out.push(`            predicted stableUpTo = ${g(e.analytic.predictedStableUpTo)} (${e.analytic.binds ?? '—'} binds); predicted divergesFrom = ${g(e.analytic.predictedDivergesFrom)}`);
    const dv = e.follows.deviation;
    out.push(`  measured stableUpTo follows: ${e.follows.bound} (deviation from escape-stage ${pct(dv['escape-stage'])}, from optimum ${pct(dv.optimum)}; rule: ${e.follows.rule})`);
    out.push(`  classes: ${Object.entries(e.classCounts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    out.push(`  edges (${e.edgeCount}):`);
    for (const x of e.edges.slice(0, maxEdges)) out.push(`    ${g(x.lo)} | ${g(x.hi)}  ${x.below} → ${x.above}`);
    if (e.edgeCount > maxEdges) out.push(`    … ${e.edgeCount - maxEdges} more in the JSON`);
    out.push(`  from ${e.nearOptimum.start}: stableUpTo = ${g(e.nearOptimum.stableUpTo)} (optimum's bound ${g(o.value)}, deviation ${pct(e.nearOptimum.deviationFromOptimumBound)})`);
    out.push(`  grid: ${s.grid.points} points, ${s.grid.rule}; refinement: ${s.refinement.runs} runs, ${s.refinement.rule}`);
    out.push(`  horizon: ${s.horizon.rule}`);
  }
  if (entries.length > 0) {
    out.push('classification rules:');
    for (const r of entries[0].rules.classifier) out.push(`  - ${r}`);
  }
  return `${out.join('\n')}\n`;
}

/** Validated options → { json, summary } (ConfigError on bad input, before any work). */
export function thresholdsResult(opts: ThresholdsCliOptions): { json: string; summary: string } {
  checkOutFile('--out', opts.out);
  const lambdas = opts.lambdaV !== undefined ? parseNumberList('--lambda-v', opts.lambdaV, { min: VARIANCE_MIN, max: VARIANCE_MAX, why: 'the supported variance range' }) : undefined;
  const steps = opts.steps !== undefined ? parsePositiveInt('--steps', opts.steps, MAX_STEPS, 'steps are int32 indices') : undefined;
  const resolution = opts.resolution !== undefined ? parsePositiveNumber('--resolution', opts.resolution) : undefined;
  // A relative width below one ulp cannot be resolved in float64.
  if (resolution !== undefined && (resolution >= 1 || resolution < Number.EPSILON)) throw new ConfigError('--resolution', opts.resolution, `a relative resolution in [${Number.EPSILON}, 1) (float64 cannot resolve finer than its machine epsilon)`);
  const maxTime = opts.maxTime !== undefined ? parsePositiveNumber('--max-time', opts.maxTime) : undefined;
  const config = resolveConfigOption({ preset: opts.preset, config: opts.config });
  if (lambdas && config.model.covariance.kind !== 'spiked') throw new ConfigError('--lambda-v', opts.lambdaV, 'only with a spiked covariance (the config has kind "' + config.model.covariance.kind + '")');
  checkBudget(thresholdsTerms(config, lambdas?.length ?? 1, steps ?? Math.max(config.steps, DEFAULTS.stabilityMinSteps), resolution ?? DEFAULTS.stabilityResolution, stabilityRuns(config)));
  const configs: ExperimentConfig[] = lambdas
    ? lambdas.map((lv) => ({ ...config, model: { ...config.model, covariance: { ...config.model.covariance, spikeVariance: lv } as ExperimentConfig['model']['covariance'] } }))
    : [config];
  // The scan's own horizon is adaptive: it stops, with a refusal naming the budget, past the time budget's map steps.
  const budget = currentBudget();
  const stepCap = Math.floor(budget.ops / (blockCount(config) * THEORY_BLOCK_STEP_OPS));
  const report = (c: ExperimentConfig): StabilityReport => {
    try {
      return stabilityReport(c, { steps, resolution, maxTime, stepCap });
    } catch (e) {
      if (e instanceof ScanBudgetExceeded) throw new ConfigError('--max-time', opts.maxTime ?? DEFAULTS.stabilityScan.maxTime, `a shorter horizon of the scan's runs, or a larger SPECGD_TIME_LIMIT_S: ${e.message} (${budget.rule})`);
      throw e;
    }
  };
  const entries = configs.map((c) => entry(c, report(c)));
  const out = {
    entries,
    provenance: provenance('thresholds', config, {
      settings: {
        lambdaV: lambdas ?? null,
        resolution: resolution ?? DEFAULTS.stabilityResolution,
        maxTime: maxTime ?? DEFAULTS.stabilityScan.maxTime,
        minSteps: steps ?? DEFAULTS.stabilityMinSteps,
        scan: DEFAULTS.stabilityScan,
        classifier: DEFAULTS.stabilityClassifier,
        divergenceBound: DEFAULTS.divergenceBound,
        followTolerance: DEFAULTS.stabilityFollowTol,
      },
    }),
  };
  assertFiniteDeep(out, 'thresholds');
  return { json: toJson(out), summary: thresholdsSummary(entries) };
}

/** The JSON text (kept for callers of the earlier API). */
export function thresholdsOutput(opts: ThresholdsCliOptions): string {
  return thresholdsResult(opts).json;
}

export function register(program: Command): void {
  configOptions(program.command('thresholds'))
    .description("GD step-size stability from W₀: stableUpTo, divergesFrom, stable fraction, edges and classification rules, beside the analytic bounds (optimum's linearized, escape-stage) and which one binds")
    .option('--lambda-v <list>', 'comma-separated spike variances to report (spiked models), e.g. 1,10,50')
    .option('--resolution <r>', `relative resolution of the scan's refinement near edges (default ${DEFAULTS.stabilityResolution})`)
    .option('--max-time <t>', `time horizon t = η̃·k of each classified run (default ${DEFAULTS.stabilityScan.maxTime})`)
    .option('--steps <n>', `minimum horizon in steps of each classified run (default ${DEFAULTS.stabilityMinSteps})`)
    .option('--out <file>', 'write the JSON to FILE (and print the summary) instead of printing the JSON')
    .option('--summary', 'print the readable summary instead of the JSON')
    .action(async (opts: ThresholdsCliOptions) => {
      const { json, summary } = thresholdsResult(opts);
      if (opts.out !== undefined) {
        await writeOrPrint(opts.out, json);
        process.stdout.write(summary);
      } else process.stdout.write(opts.summary ? summary : json);
    });
}
