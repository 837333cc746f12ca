/**
 * Node half of scripts/bench-sim.py (run it through that script, which times numpy on the same math in the same
 * run and prints the ratios). Prints one JSON line: for each d, the median time (ms) of
 *  - one finite-sample GD step:     Z = X Wᵀ, r_i = ‖Z_i‖² − y_i, G = (4κ/n)(diag(r) Z)ᵀ X, W ← W − η̃ G
 *  - one finite-sample SpecGD step: the same gradient, then polar(G) by the thin SVD truncated at the numerical rank,
 *    W ← W − η polar(G)
 *  - the statistics of one recorded step (sim/stats.ts `computeStats`: WᵀW, block coefficients, overlap, the
 *    population loss and the alignment ‖P_top θ‖ from `symEigenProject`), and the eigen-solver alone, with the
 *    eigenvectors (`symEigen`) and projected (`symEigenProject`: eigenvalues and v_jᵀθ only)
 * with m = d, n samples from the spiked covariance (λ_v = 10), W a Gaussian matrix. Usage:
 *   npx tsx scripts/bench-sim.ts '{"dims":[64,128,256],"n":8192,"reps":[5,5,3]}'
 */
import { parseConfig } from '../src/config/config.js';
import { DEFAULTS } from '../src/config/defaults.js';
import { portableLinalg as B } from '../src/core/linalg.js';
import { createRng } from '../src/core/rng.js';
import { buildModelSpec } from '../src/model/spec.js';
import { drawSamples, sampleBuffers } from '../src/sim/data.js';
import { sampleGradient, sampleWorkspace } from '../src/sim/gradient.js';
import { buildProblem } from '../src/sim/problem.js';
import { computeStats, statsWorkspace } from '../src/sim/stats.js';

const args = JSON.parse(process.argv[2] ?? '{"dims":[64,128,256],"n":8192,"reps":[5,5,3]}') as { dims: number[]; n: number; reps: number[] };
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const out: { d: number; n: number; gdMs: number; specgdMs: number; gradientMs: number; polarMs: number; statsMs: number; eigMs: number; eigProjectMs: number }[] = [];
args.dims.forEach((d, di) => {
  const cfg = parseConfig({ model: { d, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 } } });
  const p = buildProblem(buildModelSpec(cfg), 1);
  const n = args.n;
  const data = sampleBuffers(p, n);
  drawSamples(p, createRng(1, 2), data);
  const W = new Float64Array(d * d);
  createRng(2).fillNormal(W);
  for (let i = 0; i < W.length; i++) W[i] *= 1 / Math.sqrt(d);
  const G = new Float64Array(d * d);
  const P = new Float64Array(d * d);
  const ws = sampleWorkspace(n, d);
  const svd = B.svdWorkspace(d, d);
  const eta = 1e-6; // tiny steps keep W (and so the work) the same across repetitions
  const gd = (): void => {
    sampleGradient(p, B, W, data.X, data.y, n, G, ws);
    for (let i = 0; i < d * d; i++) W[i] -= eta * G[i];
  };
  const spec = (): void => {
    sampleGradient(p, B, W, data.X, data.y, n, G, ws);
    B.thinSvdPolar(G, svd, DEFAULTS.signTieRelTol, P);
    for (let i = 0; i < d * d; i++) W[i] -= eta * P[i];
  };
  const time = (f: () => void, reps: number): number => {
    f(); // warm-up (JIT)
    const ts: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      f();
      ts.push(performance.now() - t0);
    }
    return median(ts);
  };
  const reps = args.reps[di] ?? 3;
  const gdMs = time(gd, reps);
  const specgdMs = time(spec, reps);
  const gradientMs = time(() => sampleGradient(p, B, W, data.X, data.y, n, G, ws), reps);
  const polarMs = time(() => B.thinSvdPolar(G, svd, DEFAULTS.signTieRelTol, P), reps);
  const sws = statsWorkspace(p);
  const statsMs = time(() => computeStats(p, B, W, sws, DEFAULTS.signTieRelTol), reps);
  const M = new Float64Array(d * d);
  B.gemm(true, false, d, d, d, 1, W, W, 0, M);
  const vals = new Float64Array(d);
  const vecs = new Float64Array(d * d);
  const coords = new Float64Array(d);
  const work = new Float64Array(d);
  const eigMs = time(() => B.symEigen(d, M, vals, vecs, work), reps);
  const eigProjectMs = time(() => B.symEigenProject(d, M, p.theta, vals, coords, vecs, work), reps);
  out.push({ d, n, gdMs, specgdMs, gradientMs, polarMs, statsMs, eigMs, eigProjectMs });
});
process.stdout.write(`${JSON.stringify(out)}\n`);
