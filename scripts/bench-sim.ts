/**
 * Node half of scripts/bench-sim.py (run it through that script, which times numpy on the same work in the same
 * run and prints the ratios). Runs on the backend SPECGD_BACKEND selects and prints one JSON line of rows
 * { case, d, ms, setupMs, path, backend, core }: the fastest of the repetitions after a warm-up (ms per call; on
 * a shared machine the minimum is the estimate least affected by other load), for
 *  - fb-gd / fb-specgd: one full-batch step on a fixed sample (n rows, spiked covariance λ_v = 10, canonical
 *    basis, m = d): the gradient by the path specgd picks for a default run (steps = DEFAULTS.steps, GD and SpecGD
 *    sharing the sample), then W ← W − η̃G (GD) or W ← W − η polar(G) (SpecGD, thin SVD truncated at the numerical
 *    rank). `setupMs` is the one-time cost of that path (the moment operator Q; 0 for the direct path);
 *  - online-gd / online-specgd: one online step: draw a batch (the data stream), its gradient, the update;
 *  - polar: the polar factor alone of a Gaussian d×d matrix;
 *  - ensemble: `runSimulation` end to end (4 seeds, GD and SpecGD, full batch), seeds on one worker thread per
 *    core: timed on the already started pool (`ms`; `setupMs` = the first run's extra time, the pool's start-up);
 *  - ensemble-seq: the same ensemble with workers: 1 (seeds one after another on this thread).
 * Usage: npx tsx scripts/bench-sim.ts '<json args, see bench-sim.py>'
 */
import { availableParallelism } from 'node:os';
import { parseConfig } from '../src/config/config.js';
import { DEFAULTS } from '../src/config/defaults.js';
import { defaultBackend } from '../src/core/linalg.js';
import { createRng } from '../src/core/rng.js';
import { buildModelSpec } from '../src/model/spec.js';
import { drawSamples, sampleBuffers } from '../src/sim/data.js';
import { fullBatchGradient, sampleGradient, sampleWorkspace } from '../src/sim/gradient.js';
import { buildProblem } from '../src/sim/problem.js';
import { runSimulation } from '../src/sim/simulate.js';

interface Args {
  n: number;
  dims: number[];
  batch: number;
  polarDims: number[];
  /** repetitions per case: [d threshold, reps] pairs, the first whose threshold ≥ d */
  reps: [number, number][];
  ensemble: { d: number; n: number; steps: number; seeds: number } | null;
}
const args = JSON.parse(process.argv[2]) as Args;
const B = defaultBackend();
const repsFor = (d: number): number => (args.reps.find(([t]) => d <= t) ?? args.reps[args.reps.length - 1])[1];
/** Fastest wall-clock and fastest CPU time (this process, all its threads) per call, in ms, after a warm-up. */
function time(f: () => void, reps: number): { ms: number; cpuMs: number } {
  f(); // warm-up (JIT, workspaces)
  let ms = Infinity;
  let cpuMs = Infinity;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    ms = Math.min(ms, performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMs = Math.min(cpuMs, (c.user + c.system) / 1000);
  }
  return { ms, cpuMs };
}
const spiked = (d: number) => ({ d, covariance: { kind: 'spiked' as const, signalVariance: 1, spikeVariance: 10, bulkVariance: 1 } });

interface Row {
  case: string;
  d: number;
  ms: number;
  /** fastest CPU time per call (single-step cases) */
  cpuMs?: number;
  setupMs: number;
  path: string;
  backend: string;
  /** worker threads (ensemble rows) */
  workers?: number;
}
const rows: Row[] = [];
const eta = 1e-6; // tiny steps keep W (and so the work) the same across repetitions
const uses = DEFAULTS.steps * 2;

for (const d of args.dims) {
  const p = buildProblem(buildModelSpec(parseConfig({ model: spiked(d) })), 1);
  const reps = repsFor(d);
  const W = new Float64Array(d * d);
  createRng(2).fillNormal(W);
  for (let i = 0; i < W.length; i++) W[i] /= Math.sqrt(d);
  const G = new Float64Array(d * d);
  const P = new Float64Array(d * d);
  const svd = B.svdWorkspace(d, d);
  // full batch
  const data = sampleBuffers(p, args.n);
  drawSamples(p, createRng(1, 2), data, B);
  const t0 = performance.now();
  const fb = fullBatchGradient(p, B, data.X, data.y, args.n, uses);
  const setupMs = performance.now() - t0;
  const fbGd = (): void => {
    fb.evaluate(W, G, false);
    for (let i = 0; i < d * d; i++) W[i] -= eta * G[i];
  };
  const fbSpec = (): void => {
    fb.evaluate(W, G, false);
    B.thinSvdPolar(G, svd, DEFAULTS.signTieRelTol, P);
    for (let i = 0; i < d * d; i++) W[i] -= eta * P[i];
  };
  rows.push({ case: 'fb-gd', d, ...time(fbGd, reps), setupMs, path: fb.path, backend: B.name });
  rows.push({ case: 'fb-specgd', d, ...time(fbSpec, reps), setupMs, path: fb.path, backend: B.name });
  // online
  const batch = sampleBuffers(p, args.batch);
  const bws = sampleWorkspace(args.batch, d);
  const rng = createRng(1, 2);
  const onGd = (): void => {
    drawSamples(p, rng, batch, B);
    sampleGradient(p, B, W, batch.X, batch.y, args.batch, G, bws);
    for (let i = 0; i < d * d; i++) W[i] -= eta * G[i];
  };
  const onSpec = (): void => {
    drawSamples(p, rng, batch, B);
    sampleGradient(p, B, W, batch.X, batch.y, args.batch, G, bws);
    B.thinSvdPolar(G, svd, DEFAULTS.signTieRelTol, P);
    for (let i = 0; i < d * d; i++) W[i] -= eta * P[i];
  };
  rows.push({ case: 'online-gd', d, ...time(onGd, reps * 4), setupMs: 0, path: 'direct', backend: B.name });
  rows.push({ case: 'online-specgd', d, ...time(onSpec, reps * 4), setupMs: 0, path: 'direct', backend: B.name });
}

for (const d of args.polarDims) {
  const G = new Float64Array(d * d);
  createRng(3).fillNormal(G);
  const P = new Float64Array(d * d);
  const svd = B.svdWorkspace(d, d);
  rows.push({ case: 'polar', d, ...time(() => B.thinSvdPolar(G, svd, DEFAULTS.signTieRelTol, P), repsFor(d) * 2), setupMs: 0, path: '-', backend: B.name });
}

if (args.ensemble) {
  const e = args.ensemble;
  const cfg = parseConfig({
    model: { ...spiked(e.d), init: { kind: 'scaled-identity', alpha: 1e-3 } },
    algorithms: [
      { name: 'gd', eta: 0.01 },
      { name: 'specgd', eta: 0.002 },
    ],
    steps: e.steps,
    seeds: Array.from({ length: e.seeds }, (_, i) => i + 1),
    data: { mode: 'full-batch', n: e.n },
    record: 2,
  });
  const workers = availableParallelism();
  // cold: the first ensemble of the process starts the worker pool (loading specgd in each worker); warm: the
  // same ensemble again on the started pool (what every later ensemble of a long run pays)
  let t0 = performance.now();
  const out = runSimulation(cfg, { backend: B, workers });
  const cold = performance.now() - t0;
  t0 = performance.now();
  runSimulation(cfg, { backend: B, workers });
  const warm = performance.now() - t0;
  const path = String(out[0].provenance.settings?.gradientPath);
  rows.push({ case: 'ensemble', d: e.d, ms: warm, setupMs: cold - warm, path, backend: B.name, workers });
  const c0 = process.cpuUsage();
  t0 = performance.now();
  runSimulation(cfg, { backend: B, workers: 1 });
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  rows.push({ case: 'ensemble-seq', d: e.d, ms, cpuMs: (c.user + c.system) / 1000, setupMs: 0, path, backend: B.name, workers: 1 });
}
const core = String(B.info.openblasCore ?? '-');
process.stdout.write(`${JSON.stringify(rows.map((r) => ({ ...r, core })))}\n`);
