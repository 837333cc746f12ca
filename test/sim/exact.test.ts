/**
 * Exactness of the block reduction (model.md §4): full-dimensional population runs from W₀ = αI against the
 * reduced maps derived symbolically (helper A's `systemFor`), over 1000 steps.
 *
 * Error measure per block coefficient: max_t |a_k^sim(t) − a_k^map(t)| / max_t |a_k^map(t)| (relative to the
 * series' scale; a pointwise ratio is meaningless where a coefficient crosses 0).
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type ExperimentConfig } from '../../src/config/config.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import type { ExperimentConfigInput } from '../../src/config/schema.js';
import { buildModelSpec, initialBlockCoefficients } from '../../src/model/spec.js';
import { systemFor } from '../../src/symbolic/compile.js';
import type { CompiledSystem } from '../../src/symbolic/compiled.js';
import { runSimulationSeeds } from '../../src/sim/simulate.js';

interface Reduced {
  a: number[][];
  /**
   * Inverse condition number of the polar factor of G = Σ_k g_k P_k at each step: (σ_n + σ_{n−1}) / (2σ_1) over
   * the singular values |g_k| counted with multiplicity r_k (Higham: polar(G + ΔG) − polar(G) ≲ 2‖ΔG‖/(σ_n + σ_{n−1})).
   */
  polarConditioning: number[];
}

/**
 * An independent transcription of model.md §4 (not the registry's code): the reduced GD map a ← a − η̃ g(a), or the
 * SpecGD map a ← a − η·u(g(a)) with u_k = sgn(g_k) and |g_k| ≤ signTieRelTol·max_j|g_j| counted as 0 (matrix
 * student), u = g/√(Σ_j r_j g_j²) (vector student).
 */
function reducedMap(sys: CompiledSystem, alg: ExperimentConfig['algorithms'][number], a0: Float64Array, steps: number): Reduced {
  const a = Float64Array.from(a0);
  const g = new Float64Array(sys.n);
  const dir = new Float64Array(sys.n);
  const out: Reduced = { a: [Array.from(a)], polarConditioning: [] };
  for (let t = 0; t < steps; t++) {
    sys.grad(a, g);
    const sv = Array.from(g, Math.abs).flatMap((x, k) => Array<number>(sys.ranks[k]).fill(x)).sort((x, y) => x - y);
    out.polarConditioning.push((sv[0] + sv[1]) / (2 * sv[sv.length - 1]));
    if (alg.name === 'gd') for (let k = 0; k < sys.n; k++) a[k] -= alg.eta * g[k];
    else {
      if (sys.student === 'matrix') {
        const cut = DEFAULTS.signTieRelTol * Math.max(...Array.from(g, Math.abs));
        for (let k = 0; k < sys.n; k++) dir[k] = Math.abs(g[k]) <= cut ? 0 : Math.sign(g[k]);
      } else {
        let s2 = 0;
        for (let k = 0; k < sys.n; k++) s2 += sys.ranks[k] * g[k] * g[k];
        for (let k = 0; k < sys.n; k++) dir[k] = s2 === 0 ? 0 : g[k] / Math.sqrt(s2);
      }
      for (let k = 0; k < sys.n; k++) a[k] -= alg.eta * dir[k];
    }
    out.a.push(Array.from(a));
  }
  return out;
}

/** max over blocks of the relative error, for steps ≤ upTo */
function compare(config: ExperimentConfig, upTo = config.steps): { errors: number[][]; reduced: Reduced[] } {
  const spec = buildModelSpec(config);
  const sys = systemFor(spec);
  const a0 = initialBlockCoefficients(spec)!;
  const runs = runSimulationSeeds(config);
  const errors: number[][] = [];
  const reduced: Reduced[] = [];
  config.algorithms.forEach((alg, ai) => {
    const red = reducedMap(sys, alg, a0, config.steps);
    reduced.push(red);
    const run = runs[ai][0];
    expect(run.status).toBe('ok');
    expect(run.step.length).toBe(config.steps + 1);
    errors.push(
      sys.symbols.map((sym, k) => {
        let maxDiff = 0;
        let scale = 0;
        for (let i = 0; i < run.step.length && run.step[i] <= upTo; i++) {
          maxDiff = Math.max(maxDiff, Math.abs(run.series[sym][i] - red.a[run.step[i]][k]));
          scale = Math.max(scale, Math.abs(red.a[run.step[i]][k]));
        }
        return maxDiff / scale;
      }),
    );
  });
  return { errors, reduced };
}

const spiked = (over: Partial<ExperimentConfigInput['model']> = {}, rest: Partial<ExperimentConfigInput> = {}): ExperimentConfig =>
  parseConfig({
    model: { d: 20, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 }, init: { kind: 'scaled-identity', alpha: 1e-3 }, ...over },
    algorithms: [
      { name: 'gd', eta: 0.01 },
      { name: 'specgd', eta: 0.002 },
    ],
    steps: 1000,
    data: { mode: 'population' },
    seeds: [1],
    ...rest,
  });

describe('population runs from W₀ = αI follow the derived reduced maps', () => {
  it('spiked matrix student (d = 20, λ_v = 10): GD and SpecGD within 1e-12 over 1000 steps', () => {
    const cfg = spiked();
    const { errors, reduced } = compare(cfg);
    for (const e of errors) for (const x of e) expect(x).toBeLessThanOrEqual(1e-12);
    // the runs are not trivial: GD's signal escapes, and SpecGD reaches its O(η) cycle near a = 1
    expect(reduced[0].a[1000][0]).toBeGreaterThan(0.9);
    expect(Math.abs(reduced[1].a[1000][0] - 1)).toBeLessThan(5 * cfg.algorithms[1].eta);
  });

  it('anisotropic spiked model with unequal signal / bulk variance and κ = 1/2', () => {
    const cfg = spiked({ covariance: { kind: 'spiked', signalVariance: 1.5, spikeVariance: 6, bulkVariance: 0.5 }, lossScale: 0.5 });
    for (const e of compare(cfg).errors) for (const x of e) expect(x).toBeLessThanOrEqual(1e-12);
  });

  it('power-law covariance (d = 8, λ_j = j^-1, signal on direction 3): GD and SpecGD within 1e-12', () => {
    const cfg = parseConfig({
      model: { d: 8, covariance: { kind: 'powerlaw', exponent: 1, signalIndex: 3 }, init: { kind: 'scaled-identity', alpha: 1e-3 } },
      algorithms: [
        { name: 'gd', eta: 0.05 },
        { name: 'specgd', eta: 0.002 },
      ],
      steps: 1000,
      seeds: [1],
    });
    for (const e of compare(cfg).errors) for (const x of e) expect(x).toBeLessThanOrEqual(1e-12);
  });

  it('vector student (w₀ = α𝟙): GD over 1000 steps and normalized GD over the escaping stage within 1e-12', () => {
    const cfg = spiked({ student: { kind: 'vector' } });
    const { errors, reduced } = compare(cfg, 500);
    for (const e of errors) for (const x of e) expect(x).toBeLessThanOrEqual(1e-12);
    expect(reduced[1].a[500][0]).toBeGreaterThan(cfg.events.escapeLevel);
  });

  it('random orthonormal θ, v (basis "random"): GD over 1000 steps; SpecGD over the escape, until a ≥ 0.99', () => {
    // In a random basis the dense products leave rounding ~ε off the block manifold W = Σ a_k P_k. Once SpecGD
    // reaches its O(η) cycle near the optimum the block gradients are small and the exact-polar update is
    // transversally unstable there: an off-manifold perturbation δ of W rotates the polar factor of a block with
    // small |g_k| by ~δ/|g_k|, so the rounding grows (measured: 1e-14 at step 507, ×~1e3 per step after). This is
    // a property of the update, not of the reduction; the comparison therefore covers the escape, up to the first
    // step where the reduced signal coefficient reaches 0.99 (the canonical-basis test above covers all 1000 steps).
    const cfg = spiked({ covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1, basis: 'random' } });
    const gd = compare({ ...cfg, algorithms: [cfg.algorithms[0]] });
    for (const x of gd.errors[0]) expect(x).toBeLessThanOrEqual(1e-12);
    const specCfg = { ...cfg, algorithms: [cfg.algorithms[1]] };
    const spec = buildModelSpec(specCfg);
    const upTo = reducedMap(systemFor(spec), specCfg.algorithms[0], initialBlockCoefficients(spec)!, cfg.steps).a.findIndex((a) => a[0] >= 0.99);
    expect(upTo).toBeGreaterThan(0);
    for (const x of compare(specCfg, upTo).errors[0]) expect(x).toBeLessThanOrEqual(1e-12);
  });
});
