/**
 * Issue 13, the matrix-block reduction: the closed-form 2×2 polar factor and the small-SVD polar factor against
 * the backend's SVD; the derivation's exact identities and checks; the general path at φ = 0 against today's
 * commuting-block path.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { createRng } from '../../src/core/rng.js';
import { portableLinalg } from '../../src/core/linalg.js';
import { blockPolar, matrixBlockPolar, matrixBlockTopProjection2 } from '../../src/core/matrix-block.js';
import { ConfigError } from '../../src/core/errors.js';
import { iterateMap } from '../../src/dynamics/maps.js';
import { statContext } from '../../src/dynamics/statistics.js';
import { runTheory } from '../../src/dynamics/theory.js';
import { buildModelSpec, initialBlockCoefficients, withMatrixBlock } from '../../src/model/spec.js';
import { derive } from '../../src/symbolic/derive.js';
import { deriveMatrixBlock, matrixBlockSystemFor } from '../../src/symbolic/matrix-block-derive.js';
import { recordSteps } from '../../src/config/record.js';

const U = 2 ** -53;
const TOL = DEFAULTS.signTieRelTol;

/** polar(G) of a K×K matrix by the backend's thin SVD (the full-dimensional path). */
function svdPolar(G: Float64Array, K: number): Float64Array {
  const out = new Float64Array(K * K);
  const r = portableLinalg.thinSvdPolar(Float64Array.from(G), portableLinalg.svdWorkspace(K, K), TOL, out);
  if (!r.converged) throw new Error('svd did not converge');
  return out;
}

function maxDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < x.length; i++) e = Math.max(e, Math.abs(x[i] - y[i]));
  return e;
}

describe('polar factor of the matrix block', () => {
  const rng = createRng(13, 0);
  const cases: [string, Float64Array][] = [];
  for (let i = 0; i < 40; i++) cases.push([`random ${i}`, Float64Array.from({ length: 4 }, () => rng.normal())]);
  // rank-deficient (outer products), negative determinant, a multiple of an orthogonal matrix, zero
  for (let i = 0; i < 10; i++) {
    const u = [rng.normal(), rng.normal()];
    const v = [rng.normal(), rng.normal()];
    cases.push([`rank 1 #${i}`, Float64Array.from([u[0] * v[0], u[0] * v[1], u[1] * v[0], u[1] * v[1]])]);
  }
  cases.push(['reflection', Float64Array.from([0, 2, 2, 0])], ['rotation × 3', Float64Array.from([3 * Math.cos(1), -3 * Math.sin(1), 3 * Math.sin(1), 3 * Math.cos(1)])]);
  cases.push(['near rank 1', Float64Array.from([1, 2, 2, 4 + 1e-14])]);

  it.each(cases)('2×2 closed form = SVD polar (%s)', (_n, G) => {
    const out = new Float64Array(4);
    const smax = Math.max(...svdSingular(G, 2));
    blockPolar(G, 2, TOL * smax, out);
    const ref = svdPolar(G, 2);
    // Both are U_r V_rᵀ: entries ≤ 1; a backward-stable SVD and the closed form agree to a few u over the
    // condition of the kept singular subspace (1/(relative gap), here ≤ 1/1e-14 only in the truncated case,
    // where both drop the small value and the kept u₁v₁ᵀ is well conditioned).
    expect(maxDiff(out, ref)).toBeLessThanOrEqual(64 * U);
  });

  it('zero gives zero', () => {
    const out = new Float64Array(4).fill(7);
    blockPolar(new Float64Array(4), 2, 0, out);
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
  });

  it.each([3, 4, 5])('K = %i: small SVD polar = backend SVD polar', (K) => {
    for (let t = 0; t < 10; t++) {
      const G = Float64Array.from({ length: K * K }, () => rng.normal());
      const out = new Float64Array(K * K);
      blockPolar(G, K, TOL * Math.max(...svdSingular(G, K)), out);
      expect(maxDiff(out, svdPolar(G, K))).toBeLessThanOrEqual(256 * U);
    }
  });

  it.each([3, 4])('K = %i, rank K − 1: the small-SVD polar factor P is the polar factor (PPᵀP = P, PᵀG symmetric, P PᵀG = G)', (K) => {
    // (The backend's Jacobi SVD reports non-convergence on an exactly singular 4×4; the characterization needs no reference.)
    const G = Float64Array.from({ length: K * K }, () => rng.normal());
    for (let j = 0; j < K; j++) G[(K - 1) * K + j] = 0;
    const P = new Float64Array(K * K);
    blockPolar(G, K, 0, P);
    const mul = (A: ArrayLike<number>, B: ArrayLike<number>, ta = false) => {
      const C = new Float64Array(K * K);
      for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) for (let k = 0; k < K; k++) C[i * K + j] += (ta ? A[k * K + i] : A[i * K + k]) * B[k * K + j];
      return C;
    };
    const PtG = mul(P, G, true);
    const PtGt = Float64Array.from({ length: K * K }, (_, r) => PtG[(r % K) * K + Math.floor(r / K)]);
    const scale = Math.max(...Array.from(G, Math.abs));
    expect(maxDiff(mul(P, mul(P, P, true)), P)).toBeLessThanOrEqual(64 * U);
    expect(maxDiff(PtG, PtGt)).toBeLessThanOrEqual(64 * U * scale);
    expect(maxDiff(mul(P, PtG), G)).toBeLessThanOrEqual(64 * U * scale);
    // rank K − 1: P has K − 1 unit singular values, one zero (‖P‖_F² = K − 1)
    expect(Math.abs(P.reduce((s, x) => s + x * x, 0) - (K - 1))).toBeLessThanOrEqual(64 * U * K);
  });

  it('the whole gradient: polar(G_S ⊕ g_k P_k) = polar(G_S) ⊕ sgn(g_k), with the tie rule across both', () => {
    // d = 5: a 2×2 block and three scalar directions (one below the tie threshold of the largest singular value)
    const g = Float64Array.from([0.3, -1.2, 0.7, 0.1, 2.5, -0.4, 2.5 * TOL * 0.5]);
    const layout = { K: 2, weights: Float64Array.from([Math.cos(0.3), Math.sin(0.3)]) };
    const dir = new Float64Array(g.length);
    matrixBlockPolar(g, layout, g.length, TOL, dir);
    const d = 2 + 5 - 2;
    const G = new Float64Array(d * d);
    G.set([g[0], g[1]], 0);
    G.set([g[2], g[3]], d);
    for (let k = 4; k < g.length; k++) G[(k - 2) * d + (k - 2)] = g[k];
    const P = svdPolar(G, d);
    const rebuilt = new Float64Array(d * d);
    rebuilt.set([dir[0], dir[1]], 0);
    rebuilt.set([dir[2], dir[3]], d);
    for (let k = 4; k < g.length; k++) rebuilt[(k - 2) * d + (k - 2)] = dir[k];
    expect(maxDiff(rebuilt, P)).toBeLessThanOrEqual(64 * U);
    expect(dir[6]).toBe(0);
  });

  it('alignment on the block: ‖Π_top θ‖² from the K×K eigenproblem (θ on the top eigenvector of MᵀM ⇒ 1; beaten by a scalar ⇒ 0)', () => {
    const t = Float64Array.from([Math.cos(0.5), Math.sin(0.5)]);
    const layout = { K: 2, weights: t };
    // M = 2 t tᵀ + 0.5 (I − t tᵀ): top eigenvector t
    const M = [0, 1, 2, 3].map((r) => (Math.floor(r / 2) === r % 2 ? 0.5 : 0) + 1.5 * t[Math.floor(r / 2)] * t[r % 2]);
    expect(Math.abs(matrixBlockTopProjection2([...M, 0.1], layout, 5, TOL) - 1)).toBeLessThanOrEqual(8 * U);
    expect(matrixBlockTopProjection2([...M, 3], layout, 5, TOL)).toBe(0);
  });
});

function svdSingular(G: Float64Array, K: number): number[] {
  const ws = portableLinalg.svdWorkspace(K, K);
  portableLinalg.thinSvdPolar(Float64Array.from(G), ws, TOL, null);
  return Array.from((ws as unknown as { sigma: Float64Array }).sigma);
}

const spikedCfg = (phi: number, alg: Record<string, unknown>, d = 20, spike = 10) =>
  parseConfig({ model: { d, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: spike, bulkVariance: 1, signalSpikeAngle: phi }, init: { kind: 'scaled-identity', alpha: 1e-3 } }, algorithms: [alg], steps: 400, record: 'all', data: { mode: 'population' }, seeds: [1] });

describe('matrix-block derivation', () => {
  it.each([
    ['spiked, φ = 0.7', buildModelSpec(spikedCfg(0.7, { name: 'gd', eta: 0.01 }, 12))],
    ['power law, θ over 3 directions', buildModelSpec(parseConfig({ model: { d: 8, covariance: { kind: 'powerlaw', exponent: 1, signal: [{ index: 1, weight: 1 }, { index: 3, weight: -2 }, { index: 6, weight: 0.5 }] } }, algorithms: [{ name: 'gd', eta: 0.01 }], steps: 10 }))],
  ])('%s: exact ∂L/∂x = rank·g, and its checks (Monte Carlo, full gradient, finite differences) pass', (_n, spec) => {
    const der = deriveMatrixBlock(spec, { seed: 3 });
    expect(der.checks.map((c) => c.id)).toEqual(['matrix-block-moments', 'matrix-block-full-gradient', 'matrix-block-finite-differences']);
    for (const c of der.checks) expect(c.passed, `${c.id}: ${c.error} > ${c.tolerance}`).toBe(true);
    expect(der.stateVars.length).toBe(spec.coordinates!.K ** 2 + spec.coordinates!.scalars.length);
  });

  it('names the spiked coordinates a = M_uu, m_uv, m_vu, b = M_vv, c and the weights θ_u, θ_v', () => {
    const der = deriveMatrixBlock(buildModelSpec(spikedCfg(0.3, { name: 'gd', eta: 0.01 }, 10)), { checks: false });
    expect(der.stateVars).toEqual(['a', 'm_uv', 'm_vu', 'b', 'c']);
    expect(der.weightSymbols).toEqual(['theta_u', 'theta_v']);
    expect(der.specgd.direction).not.toBeNull();
  });

  it('the commuting-block derive refuses a spread signal instead of deriving the wrong model', () => {
    expect(() => derive(buildModelSpec(spikedCfg(0.3, { name: 'gd', eta: 0.01 }, 10)))).toThrow(ConfigError);
  });

  it.each([
    ['gd', { name: 'gd', eta: 0.02 }],
    ['specgd', { name: 'specgd', eta: 0.005 }],
  ])('φ = 0: the general 2×2 path on span{u, v} reproduces the commuting-block %s trajectory to 1e-15', (_n, alg) => {
    const config = spikedCfg(0, alg);
    const spec = buildModelSpec(config);
    expect(spec.coordinates).toBeNull(); // φ = 0 takes today's path
    const [today] = runTheory(config);
    const forced = withMatrixBlock(spec, [0, 1]);
    const sys = matrixBlockSystemFor(forced);
    const run = iterateMap(sys, statContext(sys, forced, TOL), initialBlockCoefficients(forced)!, { algorithm: config.algorithms[0], steps: config.steps, record: recordSteps(config.steps, config.record), escapeLevel: config.events.escapeLevel, divergenceBound: DEFAULTS.divergenceBound });
    expect(run.step).toEqual(today.step);
    for (const s of ['a', 'b', 'c', 'loss', 'ratio', 'alignment']) {
      // the matrix-block ratio is the rotation-invariant ‖Wθ⊥‖/‖Wθ‖ = |b/a| at φ = 0
      const x = (today.series[s] as number[]).map((v) => (s === 'ratio' ? Math.abs(v) : v));
      const y = run.series[s];
      const scale = Math.max(...x.map(Math.abs));
      expect(maxDiff(x, y) / scale, s).toBeLessThanOrEqual(1e-15);
    }
    // off-diagonal entries stay exactly 0 (θ has no v component)
    expect(Math.max(...run.series.m_uv.map(Math.abs), ...run.series.m_vu.map(Math.abs))).toBe(0);
    expect((today.series.a as number[]).at(-1)!).toBeGreaterThan(0.5);
  });
});
