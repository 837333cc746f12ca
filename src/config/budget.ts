/**
 * Resource budgets, checked before anything is allocated: a run whose arrays or running time would exceed the
 * budget is bad input (a one-line `ConfigError` naming the field that drives the cost, the estimate and the
 * limit), not an out-of-memory crash after minutes.
 *
 * The budget (stated in every refusal):
 *  - memory: `SPECGD_MEMORY_LIMIT_MB` (default: half the machine's memory, at most DEFAULT_MEMORY_LIMIT_MB);
 *  - time: `SPECGD_TIME_LIMIT_S` (default DEFAULT_TIME_LIMIT_S), converted to arithmetic operations at
 *    OPS_PER_SECOND.
 * The estimates are LOWER bounds (the arrays a run cannot do without, one operation per unavoidable
 * multiply-add), so a refused run would certainly exceed the budget, and an accepted one may still take longer.
 */
import type { AlgorithmConfig, StepCost } from '../algorithms/types.js';
import { ALGORITHMS, algorithmOf } from '../algorithms/index.js';
import { totalmem } from 'node:os';
import { ConfigError } from '../core/errors.js';
import type { ExperimentConfig } from './config.js';
import { DEFAULTS, ensembleDraws, FAMILY_REFERENCE_REPLICATES, FAMILY_RESAMPLES } from './defaults.js';

/** Default memory limit: half the machine's memory, at most this many MB. */
export const DEFAULT_MEMORY_LIMIT_MB = 4096;
/** Default time limit of one command. */
export const DEFAULT_TIME_LIMIT_S = 3600;
/**
 * Arithmetic operations per second assumed by the time estimates: the top of the range measured for pure-JS
 * kernels on this machine kind (0.5–1 GFLOP/s, /work/shared/docs/stack.md "Linear algebra"), so that time
 * estimates stay lower bounds.
 */
export const OPS_PER_SECOND = 1e9;
/**
 * Symbolic derivation of B blocks: time ≈ B³ / DERIVE_TERMS_PER_SECOND and memory ≈ B² · DERIVE_BYTES_PER_PAIR
 * (the Jacobian has B² polynomial entries of O(B) terms). Measured on this machine kind with `specgd derive` on
 * diagonal models: 20 / 40 / 80 blocks took 0.5 / 1.8 / 11.3 s and 40 / 115 / 340 MB above the 130 MB of an idle
 * CLI (80³ / 11.3 s ≈ 4.5e4 terms/s; 340 MB / 80² ≈ 53 KB per entry).
 */
export const DERIVE_TERMS_PER_SECOND = 4.5e4;
export const DERIVE_BYTES_PER_PAIR = 53e3;
/**
 * Fixed cost per step beyond the arithmetic, in operations at OPS_PER_SECOND, from CPU times measured on this
 * machine kind (about half of each is charged, so the estimates stay below the measured cost):
 *  - full-dimensional step at d = 6 (arithmetic negligible): 5 µs (`specgd simulate`, 2·10⁵ GD steps);
 *  - reduced map, per block and step: 18 ns without recording (`thresholds` along a 10⁹-step GD trajectory, 54 s
 *    for 3·10⁹ block-steps), 0.13 µs with recording (`theory`, 2·10⁶ GD steps);
 *  - odex step of a reduced flow (3 blocks): 9 µs (a stiff gradient flow, 2·10⁶ odex steps in 19 s).
 */
export const SIM_STEP_OPS = 2500;
/**
 * The finite-sample corrected theory of GD (dynamics/response/source-ensemble.ts, full batch by rank-one-ensemble.ts):
 * per theory draw, step and K⁴ (the pieces' Gram contractions and the same-sample term over K blocks), measured
 * 3.4e-8 s for the full-batch rank-1-exact ensemble (2048 draws × 300 steps at K = 3 in 1.7 s; the W-piece ensemble of
 * online runs 0.95 s there); half is charged, as above. Draws: `ensembleDraws` (defaults.ts), the count the theory runs.
 */
export const ENSEMBLE_DRAW_STEP_K4_OPS = 16;
/**
 * The corrected theory's family-wise critical values (dynamics/response/family-critical.ts): per resample, seed,
 * recorded step and compared series, measured 1.0e-8 s (4000 resamples × 16 seeds × 301 steps × 5 series in 0.94 s,
 * 64 seeds in 2.6 s; 0.49 s and 1.38 s on 2026-12-02), and per reference replicate, draw, recorded step and series
 * the same pass (32 replicates × 2048 draws there: 0.33 s); half is charged. Memory: the kept draws (8 bytes per
 * draw, recorded step and series), the resampled maxima (2 × 4 bytes per resample and recorded step) and the
 * replicates' means and SDs (2 × 8 bytes per replicate, recorded step and series).
 */
export const FAMILY_RESAMPLE_OPS = 5;
export const THEORY_BLOCK_STEP_OPS = 15;
export const FLOW_STEP_OPS = 4000;
/** Bytes per recorded number: a float64 (8), its JSON text with indentation (≤ 26) and its CSV cell (≤ 24). */
export const BYTES_PER_RECORDED_NUMBER = 58;
/** Bytes per sweep point in memory and JSON (≈ 30 numbers of ≤ 26 characters, measured < 1 KB). */
export const BYTES_PER_SWEEP_POINT = 1000;
/**
 * Bytes of memory per row of a long-format CSV (`--csv`: one row per recorded number, ~40 parameter columns):
 * the table of cells, each row's text and the joined file text are all held while it is built. Measured with
 * `/usr/bin/time` on `specgd simulate --csv` against the same run without --csv (d = 10 power law, 2 algorithms,
 * 3000 steps): 1.62 KB of peak RSS per row, at 432 144 and at 720 240 rows (files of 243 bytes per row). Charged
 * lower: the record terms count up to (B + 4)/(B + 3) ≤ 7/6 more numbers than there are rows, so 1300 per counted
 * number stays below the measured cost.
 */
export const CSV_BYTES_PER_ROW = 1300;

/** Which outputs a run writes beyond its JSON (the CSV costs far more memory per number than the JSON). */
export interface OutputRequest {
  /** The `--csv` path, when one is written. */
  csv?: string;
}

/** The long-format CSV of `rows` rows, when one is asked for. */
function csvTerm(rows: number, outputs: OutputRequest): CostTerm[] {
  return outputs.csv !== undefined ? [{ field: '--csv', value: outputs.csv, what: `the long-format CSV of ${rows} rows (≥ ${CSV_BYTES_PER_ROW} bytes each while built; the JSON alone needs far less)`, bytes: rows * CSV_BYTES_PER_ROW, ops: 0 }] : [];
}

export interface Budget {
  memoryBytes: number;
  ops: number;
  /** How the budget was set, for messages. */
  rule: string;
}

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const x = Number(raw);
  if (!Number.isFinite(x) || x <= 0) throw new ConfigError(name, raw, 'a finite number > 0 (environment variable)');
  return x;
}

/** The budget of this process (environment variables, else the defaults). */
export function currentBudget(): Budget {
  const memMb = envNumber('SPECGD_MEMORY_LIMIT_MB') ?? Math.min(DEFAULT_MEMORY_LIMIT_MB, Math.floor(totalmem() / 2 / 2 ** 20));
  const timeS = envNumber('SPECGD_TIME_LIMIT_S') ?? DEFAULT_TIME_LIMIT_S;
  return {
    memoryBytes: memMb * 2 ** 20,
    ops: timeS * OPS_PER_SECOND,
    rule: `memory limit ${memMb} MB (SPECGD_MEMORY_LIMIT_MB), time limit ${timeS} s (SPECGD_TIME_LIMIT_S) at ${OPS_PER_SECOND.toExponential(0)} operations/s`,
  };
}

/** One part of a cost estimate, charged to the config field that drives it. */
export interface CostTerm {
  field: string;
  value: unknown;
  what: string;
  bytes: number;
  ops: number;
}

const sci = (x: number) => (x >= 1e4 || (x > 0 && x < 1e-2) ? x.toExponential(2) : String(Math.round(x * 100) / 100));
const mb = (bytes: number) => `${sci(bytes / 2 ** 20)} MB`;
const sec = (ops: number) => `${sci(ops / OPS_PER_SECOND)} s`;

/** Throw a ConfigError naming the dominant term when the sum of `terms` exceeds the budget. */
export function checkBudget(terms: CostTerm[], budget: Budget = currentBudget()): void {
  const bytes = terms.reduce((s, t) => s + t.bytes, 0);
  const ops = terms.reduce((s, t) => s + t.ops, 0);
  if (bytes > budget.memoryBytes || !Number.isFinite(bytes)) {
    const top = terms.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    throw new ConfigError(top.field, top.value, `a run within the memory budget (${budget.rule}): it needs at least ${mb(bytes)}, of which ${top.what} ${mb(top.bytes)}`);
  }
  if (ops > budget.ops || !Number.isFinite(ops)) {
    const top = terms.reduce((a, b) => (b.ops > a.ops ? b : a));
    throw new ConfigError(top.field, top.value, `a run within the time budget (${budget.rule}): it needs at least ${sci(ops)} operations ≈ ${sec(ops)}, of which ${top.what} ${sci(top.ops)}`);
  }
}

/** Number of blocks of the reduced dynamics (spiked: signal, spike, bulk; powerlaw / diagonal: d). */
export function blockCount(config: ExperimentConfig): number {
  return config.model.covariance.kind === 'spiked' ? 3 : config.model.d;
}

/** Number of recorded steps of a run (record.ts), without building the grid. */
export function recordCount(steps: number, mode: ExperimentConfig['record']): number {
  const all = mode === 'all' || (mode === 'auto' && steps <= DEFAULTS.recordAllMaxSteps);
  if (all) return steps + 1;
  if (typeof mode === 'number') return Math.min(mode, steps) + 1;
  return Math.min(steps, DEFAULTS.recordDenseEarly + DEFAULTS.recordLogPoints) + 2;
}

/** The model spec: one block index (int32) and one eigenvalue (float64) per dimension. */
function specTerm(config: ExperimentConfig): CostTerm {
  return { field: 'model.d', value: config.model.d, what: 'the model spec (12 bytes per dimension)', bytes: 12 * config.model.d, ops: config.model.d };
}

/**
 * Matrix-block derivation (θ over K ≥ 2 eigen-directions, symbolic/matrix-block-derive.ts): time ≈
 * K⁵ · MATRIX_BLOCK_SECONDS_PER_K5 (K² gradient entries, each a sum over K products with T's ~K² terms). Measured
 * there (derive + compile on the 2-core machine under load): 1.0 / 2.8 / 7.4 s at K = 5 / 7 / 9; the smallest
 * ratio, 7.4 s / 9⁵ = 1.25e-4 s, is charged so the estimate stays a lower bound. (The fuzz suite found a K = 8
 * `derive` taking 15–43 s while the budget charged only the 9 direction blocks.)
 */
export const MATRIX_BLOCK_SECONDS_PER_K5 = 1.25e-4;

/** K: the number of eigen-directions the signal θ touches (0 when it spans one rank-1 block), from the config. */
export function signalDirectionCount(config: ExperimentConfig): number {
  const cov = config.model.covariance;
  if (cov.kind === 'spiked') return Math.sin((cov.signalSpikeAngle as number | undefined) ?? 0) !== 0 ? 2 : 0;
  const signal = cov.signal as unknown[] | undefined;
  if (!Array.isArray(signal)) return 0;
  const K = signal.filter((w) => typeof w !== 'number' || w !== 0).length;
  return K >= 2 ? K : 0;
}

/** The symbolic derivation of the reduced dynamics (derive, theory, thresholds). */
export function derivationTerms(config: ExperimentConfig): CostTerm[] {
  const terms = derivationTermsForBlocks(blockCount(config), config.model.d);
  const K = signalDirectionCount(config);
  if (K >= 2) terms.push({ field: 'model.covariance.signal', value: `${K} eigen-directions`, what: `the matrix-block derivation for θ over K = ${K} eigen-directions (~K⁵)`, bytes: 0, ops: K ** 5 * MATRIX_BLOCK_SECONDS_PER_K5 * OPS_PER_SECOND });
  return terms;
}

/** The symbolic derivation of B blocks of a model of dimension d (a model spec's `blocks.length` and `d`). */
export function derivationTermsForBlocks(B: number, d: number): CostTerm[] {
  const spec: CostTerm = { field: 'model.d', value: d, what: 'the model spec (12 bytes per dimension)', bytes: 12 * d, ops: d };
  if (B <= 3) return [spec];
  return [
    spec,
    { field: 'model.d', value: d, what: `the symbolic derivation of ${B} blocks (${B}² Jacobian entries)`, bytes: B * B * DERIVE_BYTES_PER_PAIR, ops: (B ** 3 / DERIVE_TERMS_PER_SECOND) * OPS_PER_SECOND },
  ];
}

/** odex's step limit for the reduced flows (dynamics/theory.ts). */
export const FLOW_MAX_STEPS = 2_000_000;
/**
 * An explicit extrapolation method (odex, Gragg–Bulirsch–Stoer) stays stable only for steps h ≲ C/μ with μ the
 * stiffness (largest Jacobian eigenvalue magnitude); C = FLOW_STABILITY_INTERVAL is taken generously (the
 * stability intervals of the extrapolated midpoint rule are a few units), so the step count stays a lower bound.
 */
export const FLOW_STABILITY_INTERVAL = 20;

/** Is the registry flow `id` a smoothing of a discontinuous limit (its stiffness grows like 1/ε)? */
function smoothedFlow(id: string): boolean {
  return ALGORITHMS.find((a) => a.flow?.id === id)?.flow?.smoothed === true;
}

/** The flows a theory run integrates: the kind, its time span t_end = η·steps and (sign flow) its ε. */
export interface FlowRequest {
  /** Flow id of the registry (`Algorithm.flow.id`); "sign-flow" is the smoothed one (divided by ε). */
  kind: string;
  tEnd: number;
  epsilon?: number;
}

/**
 * A reduced flow: odex steps ≥ min(FLOW_MAX_STEPS, t_end · μ / C) with the stiffness μ ≥ 4κ·λ_max² (the block
 * gradient g_k = 4κ·a_k(λ_k T + 2λ_k² e_k)/4 has ∂g_k/∂a_k ≥ 4κλ_k² near the optimum), divided by ε for the
 * smoothed sign flow −tanh(g/ε).
 */
function flowTerm(config: ExperimentConfig, f: FlowRequest): CostTerm {
  const cov = config.model.covariance;
  const lambdaMax = cov.kind === 'spiked' ? Math.max(cov.signalVariance, cov.spikeVariance, cov.bulkVariance) : cov.kind === 'diagonal' ? Math.max(...cov.eigenvalues) : 1;
  const mu = (4 * config.model.lossScale * lambdaMax * lambdaMax) / (smoothedFlow(f.kind) ? (f.epsilon ?? DEFAULTS.signFlowEpsilon) : 1);
  const steps = Math.min(FLOW_MAX_STEPS, Math.max(1, (f.tEnd * mu) / FLOW_STABILITY_INTERVAL));
  const B = blockCount(config);
  return {
    field: smoothedFlow(f.kind) ? '--sign-flow' : '--flow',
    value: true,
    what: `the ${f.kind} (≥ ${sci(steps)} odex steps: stiffness ${sci(mu)} over t = ${sci(f.tEnd)})`,
    bytes: 0,
    ops: steps * FLOW_STEP_OPS * Math.max(1, B / 3),
  };
}

/**
 * The flows a theory run of `config` integrates (`flows` of TheoryOptions): t_end = η·steps with η of the config's
 * first algorithm owning the flow in the registry, else that algorithm's default η (as runTheory does).
 */
export function theoryFlowRequests(config: ExperimentConfig, flows: readonly string[], epsilon?: number): FlowRequest[] {
  return flows.map((kind) => {
    const owner = ALGORITHMS.find((a) => a.flow?.id === kind); // dynamics/flows.ts flowOwner (not imported: config/ sits left of dynamics/)
    const eta = config.algorithms.find((a) => algorithmOf(a) === owner)?.eta ?? owner?.defaults.eta ?? 0;
    return { kind, tEnd: eta * config.steps, epsilon };
  });
}

/** The registry's cost hint of an algorithm config (Algorithm.stepCost; nothing beyond the gradient when absent). */
function stepCostOf(a: AlgorithmConfig, m: number, d: number): StepCost {
  return algorithmOf(a).stepCost?.(a, { m, d }) ?? { reducedPasses: 0, fullOps: 0, reason: 'no cost beyond the gradient' };
}

/** The field a step cost is charged to: `algorithms[i].<field>` when the hint names one, else `steps`. */
const costField = (c: StepCost, i: number) => (c.field !== undefined ? `algorithms[${i}].${c.field}` : 'steps');

export function theoryTerms(config: ExperimentConfig, flowRequests: FlowRequest[] = [], outputs: OutputRequest = {}): CostTerm[] {
  const B = blockCount(config);
  const runs = config.algorithms.length + flowRequests.length;
  const R = recordCount(config.steps, config.record);
  const terms: CostTerm[] = [
    ...derivationTerms(config),
    // One map evaluation per block, step and run (a flow's own cost is its odex steps, below).
    { field: 'steps', value: config.steps, what: `${config.steps} steps of ${runs} reduced run(s) over ${B} blocks`, bytes: 0, ops: THEORY_BLOCK_STEP_OPS * config.steps * B * runs },
    { field: config.record === 'auto' ? 'steps' : 'record', value: config.record === 'auto' ? config.steps : config.record, what: `${R} recorded steps × ${B + 4} series × ${runs} run(s)`, bytes: R * (B + 4) * runs * BYTES_PER_RECORDED_NUMBER, ops: 0 },
  ];
  // The algorithm's further inner passes per block and step (its registry cost hint), charged to its field.
  config.algorithms.forEach((a, i) => {
    const c = stepCostOf(a, config.model.student.kind === 'matrix' ? config.model.d : 1, config.model.d);
    if (c.reducedPasses > 0) {
      const field = costField(c, i);
      terms.push({ field, value: c.field !== undefined ? a[c.field] : config.steps, what: `${c.reason} (${c.reducedPasses} further reduced pass(es) per block and step)`, bytes: 0, ops: THEORY_BLOCK_STEP_OPS * config.steps * B * c.reducedPasses });
    }
  });
  for (const f of flowRequests) terms.push(flowTerm(config, f));
  terms.push(...ensembleTerms(config, B));
  terms.push(...csvTerm(R * (B + 4) * runs, outputs));
  return terms;
}

/**
 * The corrected theory's source ensemble per GD-type algorithm (registry `linearResponse: 'gradient'`) of a
 * finite-sample config with the matrix student from αI (the configs dynamics/response/corrected.ts corrects; the
 * further exclusions there only lower the cost), charged to `steps`.
 */
function ensembleTerms(config: ExperimentConfig, B: number): CostTerm[] {
  if (config.data.mode === 'population' || config.model.student.kind !== 'matrix' || config.model.init.kind !== 'scaled-identity') return [];
  const gd = config.algorithms.filter((a) => algorithmOf(a).linearResponse === 'gradient').length;
  if (gd === 0) return [];
  const draws = ensembleDraws(B);
  const terms: CostTerm[] = [{ field: 'steps', value: config.steps, what: `finite-sample corrected theory: ${draws} source-ensemble draws × ${config.steps} steps × ${gd} GD algorithm(s) over ${B} blocks`, bytes: 0, ops: ENSEMBLE_DRAW_STEP_K4_OPS * draws * config.steps * B ** 4 * gd }];
  const S = config.seeds.length;
  if (S >= 2) {
    // the compared series: the block magnitudes, the loss and the magnitudes' ratio (corrected.ts finiteSampleSeries)
    const G = B + 2;
    const R = recordCount(config.steps, config.record);
    // the resamples scale with the seeds; the kept draws, the resampled maxima and the reference replicates with the
    // recorded steps alone (a replicate's pass over the draws is a resample's pass over its seeds: the same unit cost)
    terms.push({ field: 'seeds', value: S, what: `the comparison's family-wise critical values: ${FAMILY_RESAMPLES} resamples of ${S} seeds × ${R} recorded steps × ${G} series × ${gd} GD algorithm(s)`, bytes: 0, ops: FAMILY_RESAMPLE_OPS * FAMILY_RESAMPLES * S * R * G * gd });
    terms.push({ field: 'record', value: config.record, what: `the family-wise critical values' kept theory draws and reference: ${draws} draws × ${R} recorded steps × ${G} series (${FAMILY_REFERENCE_REPLICATES} bootstrap replicates) × ${gd} GD algorithm(s)`, bytes: draws * R * G * 8 + FAMILY_RESAMPLES * R * 8 + 2 * FAMILY_REFERENCE_REPLICATES * R * G * 8, ops: FAMILY_RESAMPLE_OPS * FAMILY_REFERENCE_REPLICATES * draws * R * G * gd });
  }
  return terms;
}

/**
 * Full-dimensional runs: W (m×d) with its gradient and update (3·m·d doubles), the sample (n·d doubles) or one
 * mini-batch; per step the population gradient needs WᵀW-type products (≥ m·d² multiply-adds), a sample gradient
 * ≥ 2·n·m·d, the exact polar factor an SVD (≥ m·d·min(m, d)); × steps × seeds × algorithms.
 */
export function simulationTerms(config: ExperimentConfig, seeds = config.seeds.length, outputs: OutputRequest = {}): CostTerm[] {
  const d = config.model.d;
  const m = config.model.student.kind === 'matrix' ? d : 1;
  const data = config.data;
  const rows = data.mode === 'full-batch' ? data.n : data.mode === 'online' ? data.batch : 0;
  let perStep = 0;
  // The algorithms' own per-step work (registry cost hints): charged to the field a hint names, else folded into
  // the per-step cost of `steps`.
  const ownTerms: CostTerm[] = [];
  config.algorithms.forEach((a, i) => {
    perStep += SIM_STEP_OPS;
    perStep += data.mode === 'population' ? m * d * d : 2 * rows * m * d;
    const c = stepCostOf(a, m, d);
    if (c.field === undefined) perStep += c.fullOps;
    else if (c.fullOps > 0) ownTerms.push({ field: costField(c, i), value: a[c.field], what: `${c.reason} × ${config.steps} steps × ${seeds} seed(s)`, bytes: 0, ops: config.steps * seeds * c.fullOps });
  });
  const B = blockCount(config);
  const R = recordCount(config.steps, config.record);
  const series = 2 * B + 5;
  const dataField = data.mode === 'full-batch' ? 'data.n' : 'data.batch';
  return [
    specTerm(config),
    { field: 'model.d', value: d, what: `W, its gradient and update (3·${m}·${d} doubles)`, bytes: 3 * m * d * 8, ops: 0 },
    { field: rows > d ? dataField : 'model.d', value: rows > d ? rows : d, what: `the sample (${rows}·${d} doubles)`, bytes: rows * (d + 1) * 8, ops: 0 },
    { field: 'steps', value: config.steps, what: `${config.steps} steps × ${seeds} seed(s) × ${config.algorithms.length} algorithm(s) at ≥ ${sci(perStep)} operations per step`, bytes: 0, ops: config.steps * seeds * perStep },
    { field: config.record === 'auto' ? 'steps' : 'record', value: config.record === 'auto' ? config.steps : config.record, what: `${R} recorded steps × ${series} series × ${seeds} seed(s) × ${config.algorithms.length} algorithm(s)`, bytes: R * series * (seeds + 2) * config.algorithms.length * BYTES_PER_RECORDED_NUMBER, ops: 0 },
    ...ownTerms,
    // One CSV row per recorded number: per seed, mean and se.
    ...csvTerm(R * series * (seeds + 2) * config.algorithms.length, outputs),
  ];
}

/** Largest number of values of one sweep axis (each adds at least a row of points). */
export function maxSweepAxis(budget: Budget = currentBudget()): number {
  return Math.floor(budget.memoryBytes / BYTES_PER_SWEEP_POINT);
}

/** A sweep of `points` grid points of `steps` reduced steps over 3 blocks for `algorithms` algorithms. */
export function sweepTerms(points: number, steps: number, algorithms: number, maxD: number, csv: { path: string; rows: number } | null = null): CostTerm[] {
  return [
    ...(csv ? csvTerm(csv.rows, { csv: csv.path }) : []),
    { field: '--lambda-v/--eta/--d/--alpha', value: points, what: `${points} grid points`, bytes: points * algorithms * BYTES_PER_SWEEP_POINT, ops: 0 },
    { field: '--steps', value: steps, what: `${points} points × ${algorithms} algorithm(s) × ${steps} steps`, bytes: 0, ops: points * algorithms * steps * 3 * THEORY_BLOCK_STEP_OPS },
    { field: '--d', value: maxD, what: 'the model spec of the largest d (12 bytes per dimension)', bytes: 12 * maxD, ops: 0 },
  ];
}

/**
 * A stability report per λ_v: the bisection of the largest stable η̃ (a halving scan of ≤ 64 steps plus
 * log₂(1/resolution) bisection steps, from W₀ and near the optimum) of `steps` GD steps each, and the end cycle
 * (max(steps, 4/η + 1000) steps) of the config's algorithm `runs.endCycle`, plus the trajectory of the config's
 * steps of algorithm `runs.linearized` (linearization along it); indices into `config.algorithms`, −1 when absent
 * (dynamics/stability.ts `stabilityRuns` says which).
 */
export function thresholdsTerms(config: ExperimentConfig, lambdas: number, steps: number, resolution: number, runs: { linearized: number; endCycle: number }): CostTerm[] {
  const B = blockCount(config);
  const bisection = 2 * (64 + Math.ceil(Math.log2(1 / resolution)));
  const cycled = runs.endCycle >= 0 ? config.algorithms[runs.endCycle] : undefined;
  const cycle = cycled ? Math.max(config.steps, Math.ceil(4 / cycled.eta) + 1000) : 0;
  return [
    ...derivationTerms(config),
    { field: '--steps', value: steps, what: `${lambdas} λ_v × ${bisection} bisection runs × ${steps} steps × ${B} blocks`, bytes: 0, ops: lambdas * bisection * steps * B * THEORY_BLOCK_STEP_OPS },
    // The linearization along the trajectory iterates the config's own steps once per λ_v.
    ...(runs.linearized >= 0 ? [{ field: 'steps', value: config.steps, what: `${lambdas} λ_v × the ${config.algorithms[runs.linearized].name} trajectory of ${config.steps} steps × ${B} blocks`, bytes: 0, ops: lambdas * config.steps * B * THEORY_BLOCK_STEP_OPS }] : []),
    ...(cycled ? [{ field: `algorithms[${runs.endCycle}].eta`, value: cycled.eta, what: `${lambdas} × the ${cycled.name} end cycle of ${sci(cycle)} steps (4/η + 1000)`, bytes: 0, ops: lambdas * cycle * B * THEORY_BLOCK_STEP_OPS }] : []),
  ];
}
