/**
 * The step-size scan on the matrix-block coordinates (issue 13; src/dynamics/stability/optimum-set.ts): the optimum
 * is the circle {rθᵀ, ‖r‖ = 1}, classified as one target.
 *  - The set's normal bound: the compiled Jacobian at θθᵀ has the eigenvalues of H_S = 8κ[2Σθθᵀ Σ + (θᵀΣθ)Σ] on S
 *    plus zeros, and the same spectrum at every point of the circle.
 *  - φ = 0: the matrix-block system forced on span{u, v} gives the commuting-block scan's stableUpTo (same grid:
 *    bit for bit; its own grid: within the two brackets).
 *  - φ = π/4: stableUpTo agrees with a brute-force full-dimensional population GD (dense W, d × d) at η̃ inside and
 *    outside: inside it ends within the classifier's ε of the optimum set and still approaching it, outside not.
 *  - Control: the same scan with the optimum listed as the isolated point θθᵀ (no set) finds no stable step near
 *    the bound — GD converges to rθᵀ with r ≠ θ.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { theorySetup } from '../../src/dynamics/setup.js';
import { divergenceMessage, gdReducedMap, gdStability, optimumAt, optimumSetBound, scanSettings, stabilityReport, stabilityScan } from '../../src/dynamics/stability.js';
import { statContext } from '../../src/dynamics/statistics.js';
import { initialBlockCoefficients, withMatrixBlock } from '../../src/model/spec.js';
import { denseLossGradient, denseOfCoordinates, matrixBlockSystemFor } from '../../src/symbolic/matrix-block-derive.js';
import type { MatrixBlockLayout } from '../../src/core/matrix-block.js';
import type { CompiledSystem } from '../../src/symbolic/compiled.js';

const angle = (phi: number) =>
  parseConfig({
    model: { d: 20, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1, signalSpikeAngle: phi }, init: { kind: 'scaled-identity', alpha: 1e-3 } },
    algorithms: [{ name: 'gd', eta: 0.002 }],
    steps: 1500,
  });
type MB = CompiledSystem & { matrixBlock: MatrixBlockLayout };

describe('the optimum set {rθᵀ}: normal bound', () => {
  it('J at θθᵀ has H_S’s eigenvalues plus zeros, the same along the circle', () => {
    const { spec, sys } = theorySetup(angle(Math.PI / 4));
    const co = spec.coordinates!;
    const b = optimumSetBound(sys as MB, co.directionBlocks.map((k) => spec.blocks[k].variance), spec.lossScale);
    const nonzero = b.eigenvalues.slice(b.zeroCount);
    const scale = Math.max(...b.eigenvalues.map(Math.abs));
    // tangent sθᵀ, s θ⊥ᵀ (s ⊥ r) and the bulk scalar: K(K − 1) + m = 3 null directions of the 5 coordinates
    expect(b.zeroCount).toBe(co.K * (co.K - 1) + co.scalars.length);
    // rounding of a 5×5 symmetric eigenproblem: a few ulps of the largest eigenvalue
    nonzero.forEach((m, i) => expect(Math.abs(m - b.closedForm![i])).toBeLessThan(64 * Number.EPSILON * scale));
    expect(b.alongSet.maxRelativeDeviation).toBeLessThan(64 * Number.EPSILON);
    expect(b.value).toBe(2 / nonzero[nonzero.length - 1]);
  });
});

describe('thresholds on matrix-block coordinates', () => {
  it('φ = 0: the forced matrix-block scan gives the commuting-block stableUpTo', () => {
    const config = angle(0);
    const ref = stabilityReport(config);
    const { spec } = theorySetup(config);
    expect(spec.coordinates).toBeNull();
    const dirs = [spec.signalBlock, spec.spikeBlock].map((b) => spec.blockOf.indexOf(b));
    const specF = withMatrixBlock(spec, dirs);
    const sysF = matrixBlockSystemFor(specF);
    const ctxF = statContext(sysF, specF, DEFAULTS.signTieRelTol);
    const a0F = initialBlockCoefficients(specF)!;
    const a = ref.analytic;
    const bounds = [a.optimum.value, a.escape?.value, a.optimumDivergence?.value].filter((x): x is number => x != null);
    const same = gdStability(sysF, ctxF, specF, a0F, { anchor: [Math.min(...bounds), Math.max(...bounds)] }).fromInit;
    expect(ref.scan.stableUpTo).not.toBeNull();
    expect(same.stableUpTo).toBe(ref.scan.stableUpTo);
    expect(same.bracket).toEqual(ref.scan.bracket);
    // its own grid: the edge lies in both brackets, so the lower ends differ by at most the wider bracket
    const own = gdStability(sysF, ctxF, specF, a0F).fromInit;
    const w = Math.max(own.bracket![1] - own.bracket![0], ref.scan.bracket![1] - ref.scan.bracket![0]);
    expect(Math.abs(own.stableUpTo! - ref.scan.stableUpTo!)).toBeLessThanOrEqual(w);
  });

  it('φ = π/4: stableUpTo agrees with full-dimensional population GD inside and outside; control without the set', () => {
    const config = angle(Math.PI / 4);
    const rep = stabilityReport(config);
    const s = rep.scan.stableUpTo!;
    expect(rep.scan.firstNonConverging).not.toBeNull();
    const { spec, sys, a0 } = theorySetup(config);
    const co = spec.coordinates!;
    const d = spec.d;
    const theta = new Float64Array(d);
    co.directions.forEach((j, i) => (theta[j] = co.layout.weights[i]));
    const Sigma = new Float64Array(d * d);
    for (let j = 0; j < d; j++) Sigma[j * d + j] = spec.eigenvalues[j];
    const eps = DEFAULTS.stabilityClassifier.convergenceTol;
    /** Dense GD W ← W − η̃∇L(W) from αI for N steps: max over the last two blocks of N/8 steps of ‖W − rθᵀ‖∞, r = Wθ/‖Wθ‖. */
    const dense = (eta: number, N: number): [number, number] => {
      const W = denseOfCoordinates(spec, a0, null);
      const seg = [0, 0];
      for (let k = 0; k < N; k++) {
        const G = denseLossGradient(W, Sigma, theta, d, spec.lossScale).grad;
        for (let i = 0; i < d * d; i++) W[i] -= eta * G[i];
        if (k < N - N / 4) continue;
        const r = new Float64Array(d);
        for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) r[i] += W[i * d + j] * theta[j];
        const nr = Math.hypot(...r);
        let m = 0;
        for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) m = Math.max(m, Math.abs(W[i * d + j] - (r[i] / nr) * theta[j]));
        const q = k < N - N / 8 ? 0 : 1;
        seg[q] = Math.max(seg[q], m);
      }
      return [seg[0], seg[1]];
    };
    const N = 8000;
    for (const f of [0.9, 0.97]) {
      const [early, late] = dense(f * s, N);
      expect(late).toBeLessThanOrEqual(eps);
      expect(late).toBeLessThan(early);
    }
    for (const f of [1.03, 1.1]) expect(dense(f * s, N)[1]).toBeGreaterThan(eps);

    // control: the isolated point θθᵀ as "the optimum", no set
    const settings = scanSettings({ resolution: 1e-3 });
    const control = stabilityScan({
      mapAt: (eta) => gdReducedMap(sys, eta),
      a0,
      start: 'a₀',
      fixedPoints: [
        { label: 'θθᵀ', a: optimumAt(sys as MB, 0), support: [0, 1, 2, 3], optimum: true },
        { label: 'origin', a: new Float64Array(sys.n), support: [], optimum: false },
      ],
      classifier: settings.classifier,
      anchor: [s, s],
      rules: settings.scan,
      extent: 'to-first-edge',
    });
    expect(control.stableUpTo === null || Math.abs(control.stableUpTo / s - 1) > 0.5).toBe(true);

    // a diverged GD run quotes this stableUpTo (the same, memoized computation)
    const msg = divergenceMessage(sys, statContext(sys, spec, DEFAULTS.signTieRelTol), spec, a0, { ...config.algorithms[0], eta: 2 * s }, 9);
    expect(msg).toContain(`stableUpTo = ${s.toPrecision(6)}`);
    expect(msg).toMatch(/exceeds the stable bound/);
  });
});
