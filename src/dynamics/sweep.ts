/**
 * `runSweep(spec, opts)`: grids over (λ_v, η̃), (λ_v, d) or (λ_v, α) of the reduced maps of registry algorithms, reporting per
 * point the escape step, the peak of b/a, the final loss and divergence (`sweep-point.ts`). Points are handed out in
 * chunks to worker threads (default: one per core, at most the available parallelism), and the results are put back
 * in index order, so the output does not depend on the number of workers or on scheduling.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ConfigError } from '../core/errors.js';
import { ALGORITHMS, algorithmById } from '../algorithms/index.js';
import { INIT_SCALE_MAX, VARIANCE_MAX, VARIANCE_MIN } from '../config/schema.js';
import { provenance } from '../core/provenance.js';
import type { Provenance } from '../core/trajectory.js';
import { jobSize, runPoint, type SweepAlgorithm, type SweepGrid, type SweepJob, type SweepPoint } from './sweep-point.js';

export type { SweepAlgorithm, SweepGrid, SweepJob, SweepPoint } from './sweep-point.js';
export type SweepSpec = SweepJob;

export interface SweepOptions {
  /** Worker threads; 0 = run in this thread. Default min(2, cores) — and in-process for tiny sweeps. */
  workers?: number;
  /** Called after each chunk with (points done, total). */
  onProgress?: (done: number, total: number) => void;
  command?: string;
}

export interface SweepResult {
  grid: SweepGrid;
  axes: { lambdaV: number[]; x: { name: 'eta' | 'd' | 'alpha'; values: number[] } };
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
  const axis = spec.grid === 'lambda-eta' ? '--eta' : spec.grid === 'lambda-d' ? '--d' : '--alpha';
  if (spec.values.length === 0 || spec.values.some((v) => !(Number.isFinite(v) && v > 0))) throw new ConfigError(axis, spec.values, 'finite values > 0');
  if (spec.grid === 'lambda-alpha' && spec.values.some((v) => v > INIT_SCALE_MAX)) throw new ConfigError('--alpha', spec.values, `values in (0, ${INIT_SCALE_MAX}] (larger is diverged from the start)`);
  if (spec.grid === 'lambda-d' && spec.values.some((v) => !Number.isInteger(v) || v < 3)) throw new ConfigError('--d', spec.values, 'integers ≥ 3 (signal, spike and a bulk of rank d − 2 ≥ 1)');
  if (!Number.isInteger(spec.steps) || spec.steps < 1) throw new ConfigError('--steps', spec.steps, 'an integer ≥ 1');
  const ids = ALGORITHMS.map((a) => a.id);
  if (spec.algorithms.length === 0 || spec.algorithms.some((a) => !ids.includes(a))) throw new ConfigError('--algorithms', spec.algorithms, `a non-empty list of ${ids.join(', ')}`);
  for (const id of spec.algorithms) {
    const why = algorithmById(id).reducible({ student: spec.base.model.student.kind, basis: spec.base.model.covariance.kind === 'spiked' ? (spec.base.model.covariance.basis ?? 'canonical') : 'canonical' });
    if (why !== null) throw new ConfigError('--algorithms', id, `algorithms that reduce to the block manifold (sweeps run the reduced maps; ${id}: ${why})`);
  }
}

function inProcess(job: SweepJob, total: number, onProgress?: (d: number, t: number) => void): SweepPoint[] {
  const out: SweepPoint[] = [];
  for (let i = 0; i < total; i++) {
    out.push(runPoint(job, i));
    if (onProgress && (i % 64 === 63 || i === total - 1)) onProgress(i + 1, total);
  }
  return out;
}

/** Run a sweep (see the module comment). */
export async function runSweep(spec: SweepSpec, opts: SweepOptions = {}): Promise<SweepResult> {
  validateSweep(spec);
  const total = jobSize(spec);
  const nWorkers = Math.min(opts.workers ?? (total < 64 ? 0 : Math.min(2, availableParallelism())), total);
  let points: SweepPoint[];
  if (nWorkers <= 0) points = inProcess(spec, total, opts.onProgress);
  else points = await withWorkers(spec, total, nWorkers, opts.onProgress);
  const xName = spec.grid === 'lambda-eta' ? 'eta' : spec.grid === 'lambda-d' ? 'd' : 'alpha';
  return {
    grid: spec.grid,
    axes: { lambdaV: [...spec.lambdaV], x: { name: xName, values: [...spec.values] } },
    algorithms: [...spec.algorithms],
    steps: spec.steps,
    points,
    provenance: provenance(opts.command ?? 'sweep', spec.base, { seeds: spec.base.seeds, settings: { grid: spec.grid, steps: spec.steps, lambdaV: spec.lambdaV, values: spec.values, algorithms: spec.algorithms } }),
  };
}

function withWorkers(job: SweepJob, total: number, nWorkers: number, onProgress?: (d: number, t: number) => void): Promise<SweepPoint[]> {
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
      w.postMessage({ type: 'chunk', start, end: next });
    };
    for (let k = 0; k < nWorkers; k++) {
      const w = new Worker(boot, { workerData: { entry } });
      workers.push(w);
      w.on('message', (m: { type: string; start?: number; points?: SweepPoint[]; message?: string }) => {
        if (m.type === 'ready') {
          w.postMessage({ type: 'job', job });
          give(w);
        } else if (m.type === 'results') {
          m.points!.forEach((p, i) => (results[m.start! + i] = p));
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

/** A CSV cell for free text: quoted, inner quotes doubled (RFC 4180). */
function csvText(s: string | null): string {
  return s === null ? '' : `"${s.replace(/"/g, '""')}"`;
}

/** CSV of a sweep: one row per point; empty cells for "none" (no escape, final loss of a diverged run, message of an ok run). */
export function sweepCsv(r: SweepResult): string {
  const head = ['algorithm', 'lambda_v', r.axes.x.name, 'eta_used', 'status', 'diverged_at', 'escape_step', 'peak_ratio', 'peak_step', 'final_loss', 'last_finite_loss', 'message'];
  const rows = r.points.map((p) =>
    [p.algorithm, p.lambdaV, p.x, p.eta, p.status, p.divergedAt ?? '', p.escapeStep ?? '', p.peakRatio, p.peakStep, p.finalLoss ?? '', p.lastFiniteLoss, csvText(p.message)].join(','),
  );
  return `${head.join(',')}\n${rows.join('\n')}\n`;
}
