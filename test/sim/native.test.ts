/**
 * The native (OpenBLAS via koffi) backend against the portable one: every kernel, the finite-sample gradient, the
 * polar factor and whole runs agree to rounding; the fallback and the forced choices of SPECGD_BACKEND.
 *
 * When the native backend cannot load, these comparisons are skipped with the reason printed — except under CI or
 * with SPECGD_BACKEND=native, where a missing native backend is a failure (.ci/run installs it).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import type { ExperimentConfigInput } from '../../src/config/schema.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { loadNativeLinalg, portableLinalg as P, type LinalgBackend } from '../../src/core/linalg.js';
import { createRng } from '../../src/core/rng.js';
import { buildModelSpec } from '../../src/model/spec.js';
import { drawSamples, sampleBuffers } from '../../src/sim/data.js';
import { sampleGradient, sampleWorkspace } from '../../src/sim/gradient.js';
import { buildProblem } from '../../src/sim/problem.js';
import { runSimulation } from '../../src/sim/simulate.js';
import { maxAbs, normalArrays, relDiff } from '../helpers/arrays.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const load = loadNativeLinalg();
const required = Boolean(process.env.CI) || process.env.SPECGD_BACKEND === 'native';
if (!load.ok && !required) console.warn(`native backend tests skipped: ${load.reason}`);
const N: LinalgBackend | null = load.ok ? load.backend : null;
const itNative = N || required ? it : it.skip;
function native(): LinalgBackend {
  if (!load.ok) throw new Error(`native backend unavailable: ${load.reason}`);
  return load.backend;
}

const rng = createRng(99, 5);
const randn = normalArrays(rng);
/** upper triangle of an n×n row-major matrix */
function upper(n: number, C: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) out.push(C[i * n + j]);
  return out;
}

// Kernel tolerance: a computed inner product of length K has error ≤ γ_K Σ|a_k b_k| (Higham, Accuracy and Stability
// §3.1), γ_K ≈ Kε; with K ≤ 300 and Gaussian entries Σ|a_k b_k| ≤ ~3·max|C| here, so both backends are within
// ~300·1.1e-16·3 ≈ 1e-13 of the exact product, relative to max|C|.
const KERNEL_TOL = 1e-13;

describe('native kernels = portable kernels', () => {
  itNative('gemm, all four transpositions, β = 0 over NaN and β ≠ 0', () => {
    const B = native();
    for (const [tA, tB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      for (const [M, Nn, K] of [
        [7, 5, 9],
        [64, 48, 300],
        [1, 33, 17],
      ]) {
        const A = randn(M * K);
        const Bm = randn(K * Nn);
        const c0 = randn(M * Nn);
        for (const beta of [0, 0.5]) {
          const C1 = beta === 0 ? new Float64Array(M * Nn).fill(Number.NaN) : c0.slice();
          const C2 = C1.slice();
          P.gemm(tA, tB, M, Nn, K, 0.7, A, Bm, beta, C1);
          B.gemm(tA, tB, M, Nn, K, 0.7, A, Bm, beta, C2);
          expect(relDiff(C2, C1)).toBeLessThan(KERNEL_TOL);
        }
      }
    }
  });

  itNative('syrk (upper triangle), gemv (both), symv (upper triangle read only)', () => {
    const B = native();
    for (const trans of [false, true]) {
      const n = 37;
      const K = 120;
      const A = randn(n * K);
      const c0 = randn(n * n);
      const C1 = c0.slice();
      const C2 = c0.slice();
      P.syrk(trans, n, K, 0.3, A, 0.5, C1);
      B.syrk(trans, n, K, 0.3, A, 0.5, C2);
      expect(relDiff(upper(n, C2), upper(n, C1))).toBeLessThan(KERNEL_TOL);
      const x = randn(trans ? n : K);
      const y1 = randn(trans ? K : n);
      const y2 = y1.slice();
      P.gemv(trans, n, K, 1.5, A, x, 0.25, y1);
      B.gemv(trans, n, K, 1.5, A, x, 0.25, y2);
      expect(relDiff(y2, y1)).toBeLessThan(KERNEL_TOL);
    }
    const n = 50;
    const S = randn(n * n);
    const S2 = S.slice();
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) S2[i * n + j] = Number.NaN; // the lower triangle is never read
    const x = randn(n);
    const y1 = randn(n);
    const y2 = y1.slice();
    P.symv(n, 2, S2, x, -1, y1);
    B.symv(n, 2, S2, x, -1, y2);
    expect(maxAbs(y1)).toBeLessThan(Infinity);
    expect(relDiff(y2, y1)).toBeLessThan(KERNEL_TOL);
  });

  itNative('symEigen and symEigenProject: the same eigenvalues, eigenvectors equal up to sign, |v_jᵀx| equal', () => {
    const B = native();
    const n = 40;
    const R = randn(n * n);
    const A = new Float64Array(n * n);
    P.gemm(true, false, n, n, n, 1 / n, R, R, 0, A);
    const v1 = new Float64Array(n);
    const v2 = new Float64Array(n);
    const V1 = new Float64Array(n * n);
    const V2 = new Float64Array(n * n);
    const work = new Float64Array(n);
    expect(P.symEigen(n, A, v1, V1, work)).toBe(true);
    expect(B.symEigen(n, A, v2, V2, work)).toBe(true);
    // eigenvalues to ~nε‖A‖ (backward-stable solvers, Weyl)
    expect(relDiff(v2, v1)).toBeLessThan(1e-13);
    // eigenvectors: |v_jᵀv'_j| = 1 up to ε‖A‖/gap_j (Davis–Kahan); the smallest relative gap of this Wishart
    // spectrum is ~1e-3 here, so 1e-9 has room
    let minGap = Infinity;
    for (let j = 1; j < n; j++) minGap = Math.min(minGap, (v1[j] - v1[j - 1]) / v1[n - 1]);
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += V1[j * n + k] * V2[j * n + k];
      expect(Math.abs(Math.abs(dot) - 1)).toBeLessThan((1e-15 / minGap) * 10);
    }
    const x = randn(n);
    const c1 = new Float64Array(n);
    const c2 = new Float64Array(n);
    expect(P.symEigenProject(n, A, x, v1, c1, V1, work)).toBe(true);
    expect(B.symEigenProject(n, A, x, v2, c2, V2, work)).toBe(true);
    expect(relDiff(Array.from(c2, Math.abs), Array.from(c1, Math.abs))).toBeLessThan((1e-15 / minGap) * 10);
    A[3] = Number.NaN;
    expect(B.symEigen(n, A, v2, V2, work)).toBe(false);
  });

  itNative('polar factor: tall, wide, square, rank-deficient and graded G; G = 0; NaN is "not converged"', () => {
    const B = native();
    const tol = DEFAULTS.signTieRelTol;
    const cases: [number, number, Float64Array][] = [];
    for (const [m, n] of [
      [30, 12],
      [12, 30],
      [25, 25],
      [1, 9],
      [9, 1],
    ]) cases.push([m, n, randn(m * n)]);
    // rank 3 (30×20) and graded singular values 1 … 1e-10 (above the cut) times 1e-14 (below it)
    const L = randn(30 * 3);
    const Rr = randn(3 * 20);
    const low = new Float64Array(30 * 20);
    P.gemm(false, false, 30, 20, 3, 1, L, Rr, 0, low);
    cases.push([30, 20, low]);
    const n = 16;
    const Q1 = randn(n * n);
    const graded = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) graded[i * n + j] = Q1[i * n + j] * (j < n - 2 ? 10 ** (-(10 * j) / (n - 3)) : 1e-14);
    cases.push([n, n, graded]);
    for (const [m, k, G] of cases) {
      const w1 = P.svdWorkspace(m, k);
      const w2 = B.svdWorkspace(m, k);
      const p1 = new Float64Array(m * k);
      const p2 = new Float64Array(m * k);
      const r1 = P.thinSvdPolar(G, w1, tol, p1);
      const r2 = B.thinSvdPolar(G, w2, tol, p2);
      expect(r2.converged).toBe(true);
      expect(r2.rank).toBe(r1.rank);
      // σ to ~ε·s_max absolute on both; the polar factor to ε/σ_r (its condition number, Higham)
      const sigmaR = w1.sigma[r1.rank - 1];
      expect(relDiff(w2.sigma, w1.sigma)).toBeLessThan(1e-13);
      expect(relDiff(p2, p1)).toBeLessThan((1e-14 * r1.sMax) / sigmaR);
    }
    const zero = new Float64Array(6 * 4);
    const out = new Float64Array(6 * 4).fill(1);
    const r0 = B.thinSvdPolar(zero, B.svdWorkspace(6, 4), tol, out);
    expect(r0.rank).toBe(0);
    expect(maxAbs(out)).toBe(0);
    const bad = randn(6 * 4);
    bad[5] = Number.NaN;
    expect(B.thinSvdPolar(bad, B.svdWorkspace(6, 4), tol, out).converged).toBe(false);
    expect(() => P.thinSvdPolar(bad, B.svdWorkspace(6, 4), tol, out)).toThrow(/workspace of backend openblas/);
  });
});

describe('native finite-sample gradient and runs = portable', () => {
  const model = (d: number, over: Partial<ExperimentConfigInput['model']> = {}): ExperimentConfigInput['model'] => ({
    d,
    covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 4, bulkVariance: 1, basis: 'random' },
    ...over,
  });
  itNative('sampleGradient (matrix and vector student, random basis, n = 1000): gradient and loss to 1e-13', () => {
    const B = native();
    for (const student of ['matrix', 'vector'] as const) {
      const p = buildProblem(buildModelSpec(parseConfig({ model: model(24, { student: { kind: student } }) })), 2);
      const n = 1000;
      const buf = sampleBuffers(p, n);
      drawSamples(p, createRng(2, 2), buf);
      const bufN = sampleBuffers(p, n);
      drawSamples(p, createRng(2, 2), bufN, B);
      expect(relDiff(bufN.X, buf.X)).toBeLessThan(KERNEL_TOL);
      const W = randn(p.m * p.d);
      const G1 = new Float64Array(p.m * p.d);
      const G2 = new Float64Array(p.m * p.d);
      const l1 = sampleGradient(p, P, W, buf.X, buf.y, n, G1, sampleWorkspace(n, p.m));
      const l2 = sampleGradient(p, B, W, buf.X, buf.y, n, G2, sampleWorkspace(n, p.m));
      expect(relDiff(G2, G1)).toBeLessThan(KERNEL_TOL);
      expect(Math.abs(l2 - l1) / l1).toBeLessThan(KERNEL_TOL);
    }
  });

  /**
   * max over algorithms and series of max_t |native − portable| / max_t |portable|. SpecGD is compared over its
   * escape (signal coefficient a < 0.9, at least 50 recorded steps): once it reaches the minimum its direction is
   * the polar factor of a gradient near 0, whose rank and signs are decided by rounding (exact.test.ts compares
   * against the reduced map over the same window for the same reason). `alignment` |⟨θ, u₁⟩| is left out: u₁ is
   * determined only to ε‖WᵀW‖/(λ₁ − λ₂) (Davis–Kahan) and from W₀ = αI the top eigenvalues start tied, so it
   * resolves rounding, not the backend; W itself is compared through every other series. Off the block manifold
   * (finite samples) SpecGD's polar factor has small singular values that amplify rounding once they near the
   * cut: `specgdSteps` limits the window (for the runs below, measured: native − portable ≈ 1e-16 up to step 80,
   * 4e-14 at step 100, 1e-9 at step 150 on either gradient path — the same growth between two portable runs on
   * the two paths).
   */
  function runDiff(input: ExperimentConfigInput, specgdSteps = Infinity): number {
    const config = parseConfig(input);
    const a = runSimulation(config, { backend: P });
    const b = runSimulation(config, { backend: native() });
    let worst = 0;
    a.forEach((ta, i) => {
      const tb = b[i];
      expect(tb.status).toBe(ta.status);
      expect(tb.step).toEqual(ta.step);
      const series = ta.series as Record<string, { mean: number[] }>;
      let len = ta.step.length;
      if (ta.algorithm !== 'gd') {
        const escaped = series.a.mean.findIndex((v) => Math.abs(v) >= 0.9);
        len = Math.min(escaped < 0 ? len : escaped, specgdSteps + 1);
        expect(len).toBeGreaterThan(50);
      }
      for (const [name, s] of Object.entries(series)) {
        if (name === 'alignment') continue;
        const sa = s.mean.slice(0, len);
        const sb = (tb.series as Record<string, { mean: number[] }>)[name].mean.slice(0, len);
        if (maxAbs(sa) === 0) expect(maxAbs(sb)).toBeLessThan(1e-300);
        else worst = Math.max(worst, relDiff(sb, sa));
      }
    });
    return worst;
  }
  const algorithms = [
    { name: 'gd' as const, eta: 0.05 },
    { name: 'specgd' as const, eta: 0.005 },
  ];
  // Runs: rounding differences of ~1e-16 per step, carried by a contracting (or slowly escaping) map over ≤ 300
  // steps, stay ≤ 1e-12 relative to each series' scale (the issue's agreement target).
  itNative('population, full batch (moment and direct paths) and online runs agree to 1e-12', () => {
    const base = { model: model(12, { init: { kind: 'scaled-identity', alpha: 0.01 } }), algorithms, steps: 300, seeds: [1, 2] };
    expect(runDiff({ ...base, data: { mode: 'population' } })).toBeLessThan(1e-12);
    expect(runDiff({ ...base, data: { mode: 'full-batch', n: 400 } }, 80)).toBeLessThan(1e-12);
    const saved = process.env.SPECGD_MOMENT_BUDGET_MB;
    process.env.SPECGD_MOMENT_BUDGET_MB = '0';
    try {
      expect(runDiff({ ...base, data: { mode: 'full-batch', n: 400 } }, 80)).toBeLessThan(1e-12);
    } finally {
      if (saved === undefined) delete process.env.SPECGD_MOMENT_BUDGET_MB;
      else process.env.SPECGD_MOMENT_BUDGET_MB = saved;
    }
    expect(runDiff({ ...base, steps: 100, data: { mode: 'online', batch: 64 } }, 80)).toBeLessThan(1e-12);
  });

  itNative('provenance records the backend, the OpenBLAS core name and the gradient path', () => {
    const cfg = parseConfig({ model: model(8), algorithms, steps: 20, data: { mode: 'full-batch', n: 300 } });
    const s = runSimulation(cfg, { backend: native() })[0].provenance.settings!;
    expect(s.backend).toBe('openblas');
    expect(typeof s.openblasCore).toBe('string');
    expect(String(s.openblasCore).length).toBeGreaterThan(0);
    expect(s.blasThreads).toBe(1);
    expect(['moment', 'direct']).toContain(s.gradientPath);
    expect(runSimulation(cfg, { backend: P })[0].provenance.settings!.backend).toBe('portable-float64');
  });
});

describe('backend selection (SPECGD_BACKEND, fallback)', () => {
  const probe = `import { defaultBackend } from './src/core/linalg.js'; console.log(defaultBackend().name);`;
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });

  it('library absent: the portable backend, with exactly one stderr line saying what to install', () => {
    const r = run({ SPECGD_BACKEND: '', SPECGD_OPENBLAS: '/nonexistent/libopenblas.so.0' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('portable-float64');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/portable.*libopenblas0-pthread/);
  });

  it('SPECGD_BACKEND=portable forces portable silently; an unknown value is a ConfigError naming the variable', () => {
    const r = run({ SPECGD_BACKEND: 'portable' });
    expect(r.stdout.trim()).toBe('portable-float64');
    expect(r.stderr.trim()).toBe('');
    const bad = run({ SPECGD_BACKEND: 'cuda' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/invalid SPECGD_BACKEND: got "cuda"/);
  });

  itNative('default with the library present: native, silently', () => {
    const r = run({ SPECGD_BACKEND: '' });
    expect(r.stdout.trim()).toBe('openblas');
    expect(r.stderr.trim()).toBe('');
  });

  it('SPECGD_BACKEND=native without the library: the CLI exits 2 with one line naming what to install', () => {
    const r = spawnSync(process.execPath, ['bin/specgd.mjs', 'simulate', '--preset', 'spiked', '--no-progress', '--out', '/nonexistent-dir/x'], {
      cwd: root,
      env: { ...process.env, SPECGD_BACKEND: 'native', SPECGD_OPENBLAS: '/nonexistent/libopenblas.so.0' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/SPECGD_BACKEND.*libopenblas0-pthread/);
  });
});

