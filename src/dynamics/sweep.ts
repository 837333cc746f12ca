/**
 * `runSweep(spec, opts)`: grids over (λ_v, η̃), (λ_v, d), (λ_v, α) or (λ_v, φ) (issue 13: φ = signalSpikeAngle) of the reduced maps of registry algorithms, reporting per
 * point the escape step, the peak of b/a, the final loss and divergence (`sweep-point.ts`). Points are handed out in
 * chunks to worker threads (default: one per core, at most the available parallelism), and the results are put back
 * in index order, so the output does not depend on the number of workers or on scheduling.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AlgorithmConfig, ExperimentConfig } from '../config/config.js';
import { ALGORITHM_COLUMNS, algorithmParameters, MODEL_COLUMNS, modelParameters } from '../config/parameters.js';
import { tidyCsv, type Cell, type Column, type TidyTable } from '../core/csv.js';
import { ConfigError } from '../core/errors.js';
import { ALGORITHMS, algorithmById } from '../algorithms/index.js';
import { INIT_SCALE_MAX, VARIANCE_MAX, VARIANCE_MIN } from '../config/schema.js';
import { provenance } from '../core/provenance.js';
import type { Provenance } from '../core/trajectory.js';
import { jobSize, pointConfig, runPoint, type SweepAlgorithm, type SweepGrid, type SweepJob, type SweepPoint } from './sweep-point.js';

export type { SweepAlgorithm, SweepGrid, SweepJob, SweepPoint } from './sweep-point.js';
export type SweepSpec = SweepJob;

export interface SweepOptions {
  /** Worker threads; 0 = run in this thread. Default min(2, cores) — and in-process for tiny sweeps. */
  workers?: number;
  /** Called after each chunk with (points done, total). */
  onProgress?: (done: number, total: number) => void;
  command?: string;
  /** Run only the points with index in [start, end) (a shard, src/cluster/); default all. */
  range?: { start: number; end: number };
}

export interface SweepResult {
  grid: SweepGrid;
  axes: { lambdaV: number[]; x: { name: 'eta' | 'd' | 'alpha' | 'phi'; values: number[] } };
  algorithms: SweepAlgorithm[];
  steps: number;
  /** In index order: algorithm-major, then λ_v, then x. */
  points: SweepPoint[];
  provenance: Provenance;
}

/** Validate a sweep spec at the boundary (ConfigError naming the option). */
export function validateSweep(spec: SweepSpec): void {
  if (spec.base.model.covariance.kind !== 'spiked') throw new ConfigError('model.covariance.kind', spec.base.model.covariance.kind, '"spiked" for a sweep over λ_v');
  if (spec.base.model.init.kind !== 'scaled-identity') throw new ConfigError('model.init.kind', spec.base.model.init.kind, '"scaled-identity" for the reduced theory');
  if (spec.lambdaV.length === 0 || spec.lambdaV.some((v) => !(v >= VARIANCE_MIN && v <= VARIANCE_MAX))) throw new ConfigError('--lambda-v', spec.lambdaV, `values in [${VARIANCE_MIN}, ${VARIANCE_MAX}] (the supported variance range)`);
  const axis = spec.grid === 'lambda-eta' ? '--eta' : spec.grid === 'lambda-d' ? '--d' : spec.grid === 'lambda-phi' ? '--phi' : '--alpha';
  if (spec.grid === 'lambda-phi') {
    if (spec.values.length === 0 || spec.values.some((v) => !(Number.isFinite(v) && v >= -Math.PI && v <= Math.PI))) throw new ConfigError(axis, spec.values, 'angles φ in radians within [−π, π] (θ = cos φ·u + sin φ·v)');
  } else if (spec.values.length === 0 || spec.values.some((v) => !(Number.isFinite(v) && v > 0))) throw new ConfigError(axis, spec.values, 'finite values > 0');
  if (spec.grid === 'lambda-alpha' && spec.values.some((v) => v > INIT_SCALE_MAX)) throw new ConfigError('--alpha', spec.values, `values in (0, ${INIT_SCALE_MAX}] (larger is diverged from the start)`);
  if (spec.grid === 'lambda-d' && spec.values.some((v) => !Number.isInteger(v) || v < 3)) throw new ConfigError('--d', spec.values, 'integers ≥ 3 (signal, spike and a bulk of rank d − 2 ≥ 1)');
  if (!Number.isInteger(spec.steps) || spec.steps < 1) throw new ConfigError('--steps', spec.steps, 'an integer ≥ 1');
  const ids = ALGORITHMS.map((a) => a.id);
  if (spec.algorithms.length === 0 || spec.algorithms.some((a) => !ids.includes(a))) throw new ConfigError('--algorithms', spec.algorithms, `a non-empty list of ${ids.join(', ')}`);
  for (const id of spec.algorithms) {
    // θ off the signal-variance direction (a φ grid, or a base angle ≠ 0) puts the state on the 2×2 matrix block (issue 13).
    const cov = spec.base.model.covariance;
    const spread = spec.grid === 'lambda-phi' || (cov.kind === 'spiked' && (cov.signalSpikeAngle ?? 0) !== 0);
    const why = algorithmById(id).reducible({ student: spec.base.model.student.kind, basis: cov.kind === 'spiked' ? (cov.basis ?? 'canonical') : 'canonical', signalDirections: spread ? 2 : 1 });
    if (why !== null) throw new ConfigError('--algorithms', id, `algorithms that reduce to the block manifold (sweeps run the reduced maps; ${id}: ${why})`);
  }
}

function inProcess(job: SweepJob, start: number, end: number, onProgress?: (d: number, t: number) => void): SweepPoint[] {
  const out: SweepPoint[] = [];
  const total = end - start;
  for (let i = 0; i < total; i++) {
    out.push(runPoint(job, start + i));
    if (onProgress && (i % 64 === 63 || i === total - 1)) onProgress(i + 1, total);
  }
  return out;
}

/** Run a sweep (see the module comment). */
export async function runSweep(spec: SweepSpec, opts: SweepOptions = {}): Promise<SweepResult> {
  validateSweep(spec);
  const start = opts.range?.start ?? 0;
  const end = opts.range?.end ?? jobSize(spec);
  const total = end - start;
  const nWorkers = Math.min(opts.workers ?? (total < 64 ? 0 : Math.min(2, availableParallelism())), total);
  let points: SweepPoint[];
  if (nWorkers <= 0) points = inProcess(spec, start, end, opts.onProgress);
  else points = await withWorkers(spec, start, end, nWorkers, opts.onProgress);
  const xName = spec.grid === 'lambda-eta' ? 'eta' : spec.grid === 'lambda-d' ? 'd' : spec.grid === 'lambda-phi' ? 'phi' : 'alpha';
  return {
    grid: spec.grid,
    axes: { lambdaV: [...spec.lambdaV], x: { name: xName, values: [...spec.values] } },
    algorithms: [...spec.algorithms],
    steps: spec.steps,
    points,
    provenance: provenance(opts.command ?? 'sweep', spec.base, { seeds: spec.base.seeds, settings: { grid: spec.grid, steps: spec.steps, lambdaV: spec.lambdaV, values: spec.values, algorithms: spec.algorithms } }),
  };
}

function withWorkers(job: SweepJob, first: number, end: number, nWorkers: number, onProgress?: (d: number, t: number) => void): Promise<SweepPoint[]> {
  const total = end - first;
  const chunk = Math.max(1, Math.min(500, Math.ceil(total / (nWorkers * 16))));
  const results = new Array<SweepPoint>(total);
  // Built (dist/*.js): the worker is plain JavaScript. From the sources (vitest, tsx): worker threads start as plain
  // Node, so worker-boot.mjs loads the TypeScript worker through tsx.
  const fromSource = new URL(import.meta.url).pathname.endsWith('.ts'); // tsx may append a query to the URL
  const boot = new URL(fromSource ? './worker-boot.mjs' : './sweep-worker.js', import.meta.url);
  const entry = new URL('./sweep-worker.ts', import.meta.url).href;
  return new Promise((resolve, reject) => {
    let next = 0;
    let done = 0;
    let failed = false;
    const workers: Worker[] = [];
    const finish = (err?: Error) => {
      if (failed) return;
      if (err) failed = true;
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve(results);
    };
    const give = (w: Worker) => {
      if (next >= total) return;
      const start = next;
      next = Math.min(total, next + chunk);
      w.postMessage({ type: 'chunk', start: first + start, end: first + next });
    };
    for (let k = 0; k < nWorkers; k++) {
      const w = new Worker(boot, { workerData: { entry } });
      workers.push(w);
      w.on('message', (m: { type: string; start?: number; points?: SweepPoint[]; message?: string }) => {
        if (m.type === 'ready') {
          w.postMessage({ type: 'job', job });
          give(w);
        } else if (m.type === 'results') {
          m.points!.forEach((p, i) => (results[m.start! - first + i] = p));
          done += m.points!.length;
          onProgress?.(done, total);
          if (done === total) finish();
          else give(w);
        } else if (m.type === 'error') finish(new Error(`sweep worker failed: ${m.message}`));
      });
      w.on('error', (e) => finish(e));
      w.on('exit', (code) => {
        if (done < total && code !== 0) finish(new Error(`sweep worker exited with code ${code}`));
      });
    }
  });
}

/** Columns of the sweep table (tidy: one row per point and statistic). */
export const SWEEP_COLUMNS: Column[] = [
  { name: 'run_id', description: 'index of the grid point (algorithm-major, then λ_v, then the second axis), 0-based' },
  { name: 'label', description: 'label of the point, unique in this file' },
  ...ALGORITHM_COLUMNS,
  ...MODEL_COLUMNS,
  { name: 'grid', description: 'the sweep grid: lambda-eta, lambda-d, lambda-alpha or lambda-phi' },
  { name: 'status', description: 'ok or diverged' },
  { name: 'statistic', description: 'escape_step, peak_ratio (peak of b/a), peak_step, final_loss, last_finite_loss, diverged_at' },
  { name: 'value', description: 'the value; empty for none (no escape, no divergence, final loss of a diverged run)' },
  { name: 'message', description: 'diverged points: what happened and what to change; empty otherwise' },
];

/** The sweep as a tidy table: one row per (point, statistic), parameters from the point's config. */
export function sweepTable(r: SweepResult): TidyTable {
  const base = r.provenance.config as ExperimentConfig;
  const job: SweepJob = { base, grid: r.grid, lambdaV: r.axes.lambdaV, values: r.axes.x.values, algorithms: r.algorithms, steps: r.steps };
  const rows: Cell[][] = [];
  const offset = (r as SweepResult & { shard?: { start: number } }).shard?.start ?? 0;
  r.points.forEach((p, i) => {
    const id = offset + i;
    const { config } = pointConfig(job, id);
    const alg: AlgorithmConfig = { ...algorithmById(p.algorithm).defaults, eta: p.eta };
    const head: Cell[] = [id, `${p.algorithm} lambda_v=${p.lambdaV} ${r.axes.x.name}=${p.x}`, ...algorithmParameters(alg, p.algorithm, p.algorithm, p.eta), ...modelParameters(config), r.grid, p.status];
    const stats: [string, number | null][] = [
      ['escape_step', p.escapeStep],
      ['peak_ratio', p.peakRatio],
      ['peak_step', p.peakStep],
      ['final_loss', p.finalLoss],
      ['last_finite_loss', p.lastFiniteLoss],
      ['diverged_at', p.divergedAt],
    ];
    for (const [name, value] of stats) rows.push([...head, name, value, p.message]);
  });
  return { columns: SWEEP_COLUMNS, rows };
}

/** Tidy CSV of a sweep (sweepTable; numbers in shortest round-trip form, core/csv.ts). */
export function sweepCsv(r: SweepResult): string {
  return tidyCsv(sweepTable(r));
}
