/**
 * Seed ensembles on worker threads: each seed's runs (every algorithm of the config, `runSeedAlgorithms`) on a
 * pool of `worker_threads`, one BLAS thread per worker (native.ts sets OpenBLAS to 1 thread), results identical
 * to the sequential run (the same code on the same backend per seed; doubles cross threads by structured clone,
 * exactly).
 *
 * Synchronous on purpose (runSimulation is synchronous): the caller's thread blocks in `Atomics.wait` on a shared
 * counter that workers bump after each message, and reads the messages with `receiveMessageOnPort`. The pool is
 * created on first use and kept (unref'd, so it never holds the process open) for later ensembles in the same
 * process, so the worker start-up (module loading through tsx) is paid once.
 *
 * Worker count: `workers` option, else SPECGD_WORKERS, else one per core (os.availableParallelism()), capped by the
 * number of seeds; ensembles estimated below PARALLEL_MIN_WORK multiply-adds run sequentially (the start-up and
 * messaging would dominate).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { ExperimentConfig } from '../config/config.js';
import { ConfigError } from '../core/errors.js';
import { NATIVE_NAME, portableLinalg, type LinalgBackend } from '../core/linalg.js';
import type { SeedRun } from './simulate.js';

/** Below this estimated work (multiply-adds over the ensemble, ~0.2–0.5 s on one core) seeds run sequentially. */
export const PARALLEL_MIN_WORK = 5e8;

/** Environment a task carries to its worker (a worker's process.env is a copy taken at its start). */
const TASK_ENV = ['SPECGD_MOMENT_BUDGET_MB'] as const;

export interface SeedTask {
  type: 'task';
  id: number;
  config: ExperimentConfig;
  seed: number;
  backend: 'portable' | 'native';
  /** null = unset in the parent */
  env: Record<string, string | null>;
}

export type WorkerMessage =
  | { type: 'progress'; id: number; done: number }
  | { type: 'result'; id: number; runs: SeedRun[] }
  | { type: 'error'; id: number; name: string; message: string; field?: string; value?: unknown; valid?: string };

interface PoolWorker {
  worker: Worker;
  port: MessagePort;
  busy: boolean;
}

let pool: PoolWorker[] = [];
let counter: Int32Array | null = null;
let nextId = 0;

/** Rough multiply-adds of one step (gradient + direction) of one algorithm, for the sequential/parallel choice. */
function stepWork(config: ExperimentConfig): number {
  const d = config.model.d;
  const m = config.model.student.kind === 'vector' ? 1 : d;
  const data = config.data;
  const grad = data.mode === 'population' ? 3 * m * d * d : 2 * (data.mode === 'full-batch' ? data.n : data.batch) * m * d;
  return grad + (m > 1 ? 10 * m * d * d : 0);
}

/** Worker count for this ensemble (1 = run sequentially). */
export function workerCount(config: ExperimentConfig, requested?: number): number {
  const env = process.env.SPECGD_WORKERS;
  let n = requested;
  if (n === undefined && env !== undefined && env !== '') {
    n = Number(env);
    if (!(Number.isInteger(n) && n >= 1)) throw new ConfigError('SPECGD_WORKERS', env, 'an integer ≥ 1 (1 = seeds one after another)');
  }
  if (n === undefined) {
    const work = stepWork(config) * config.steps * config.algorithms.length * config.seeds.length;
    n = work < PARALLEL_MIN_WORK ? 1 : availableParallelism();
  }
  return Math.max(1, Math.min(n, config.seeds.length));
}

function backendTag(backend: LinalgBackend): 'portable' | 'native' | null {
  if (backend === portableLinalg) return 'portable';
  if (backend.name === NATIVE_NAME) return 'native';
  return null; // a caller's own backend object cannot be rebuilt in a worker
}

function ensurePool(size: number): void {
  counter ??= new Int32Array(new SharedArrayBuffer(4));
  const self = import.meta.url;
  // running from the TypeScript sources (tsx, vitest; tsx may add a query to the URL) or from built JavaScript
  const fromSource = new URL(self).pathname.endsWith('.ts');
  const entry = new URL(fromSource ? './parallel-worker.ts' : './parallel-worker.js', self).href;
  // a worker whose boot file is missing never runs a line and never answers, and this thread waits for it in
  // Atomics.wait, where no 'error' event can reach it: refuse up front (a dist/ built by plain tsc, not `npm run build`)
  const boot = new URL('./parallel-boot.mjs', self);
  if (pool.length < size && !existsSync(fileURLToPath(boot))) {
    throw new Error(`seed workers cannot start: ${fileURLToPath(boot)} is missing (build dist/ with \`npm run build\`, which copies the worker boot files; plain tsc does not)`);
  }
  while (pool.length < size) {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(boot, {
      workerData: { entry, port: port2, counter: counter.buffer },
      transferList: [port2],
      stdout: false,
      stderr: false,
    });
    worker.unref();
    port1.unref();
    pool.push({ worker, port: port1, busy: false });
  }
}

function rethrow(msg: Extract<WorkerMessage, { type: 'error' }>): never {
  if (msg.name === 'ConfigError') throw new ConfigError(msg.field ?? 'config', msg.value, msg.valid ?? '');
  const e = new Error(`seed worker failed: ${msg.message}`);
  e.name = msg.name;
  throw e;
}

/**
 * The runs of every seed of `config` ([seed][algorithm]) computed on worker threads, or null when the ensemble
 * should run sequentially (one seed, one worker, little work, or a backend a worker cannot rebuild).
 * `onProgress(done, total)` counts steps over all seeds and algorithms, as the sequential loop does.
 */
export function runSeedsParallel(config: ExperimentConfig, backend: LinalgBackend, workers?: number, onProgress?: (done: number, total: number) => void): SeedRun[][] | null {
  const tag = backendTag(backend);
  const n = workerCount(config, workers);
  if (tag === null || n < 2) return null;
  ensurePool(n);
  const seeds = config.seeds;
  const total = config.steps * config.algorithms.length * seeds.length;
  const results: (SeedRun[] | null)[] = seeds.map(() => null);
  const done = new Float64Array(seeds.length);
  const env: SeedTask['env'] = {};
  for (const k of TASK_ENV) env[k] = process.env[k] ?? null;
  const owner = new Map<number, { seedIndex: number; w: PoolWorker }>();
  let next = 0;
  let remaining = seeds.length;
  const dispatch = (w: PoolWorker): void => {
    const si = next++;
    const id = nextId++;
    owner.set(id, { seedIndex: si, w });
    w.busy = true;
    const task: SeedTask = { type: 'task', id, config, seed: seeds[si], backend: tag, env };
    w.port.postMessage(task);
  };
  const active = pool.slice(0, n);
  for (const w of active) if (next < seeds.length) dispatch(w);
  const c = counter!;
  while (remaining > 0) {
    const seen = Atomics.load(c, 0);
    let got = false;
    for (const w of active) {
      for (let r = receiveMessageOnPort(w.port); r; r = receiveMessageOnPort(w.port)) {
        got = true;
        const msg = r.message as WorkerMessage;
        const o = owner.get(msg.id);
        if (msg.type === 'error') {
          // drop the pool: its workers may be mid-task; a later ensemble starts fresh ones
          for (const p of pool) void p.worker.terminate();
          pool = [];
          rethrow(msg);
        }
        if (!o) continue;
        if (msg.type === 'progress') {
          done[o.seedIndex] = msg.done;
        } else {
          results[o.seedIndex] = msg.runs;
          done[o.seedIndex] = config.steps * config.algorithms.length;
          owner.delete(msg.id);
          o.w.busy = false;
          remaining--;
          if (next < seeds.length) dispatch(o.w);
        }
        if (onProgress) {
          let s = 0;
          for (let i = 0; i < done.length; i++) s += done[i];
          onProgress(s, total);
        }
      }
    }
    if (!got && remaining > 0) Atomics.wait(c, 0, seen, 1000);
  }
  return results as SeedRun[][];
}
