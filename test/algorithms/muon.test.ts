/**
 * The Muon family (src/algorithms/muon.ts): every reducible variant's reduced map (block coefficients, momentum
 * buffer as block coefficients, Newton–Schulz per block on u_k/(s‖u‖_F + ε)) equals its full-dimensional population
 * run to 1e-12 over the window the test measures (test/algorithms/exactness.ts), for the matrix and the vector
 * student and in a random basis (Muon is rotation-equivariant); labels; precision is simulation-only.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { runTheory } from '../../src/dynamics/theory.js';
import { algorithm as muon, muonLabel } from '../../src/algorithms/muon.js';
import { roundBfloat16 } from '../../src/algorithms/newton-schulz.js';
import { measureExactness, relativeDistance, simulatedSeries, spikedConfig } from './exactness.js';

const ETA = 0.005;
const VARIANTS: Array<[string, Record<string, unknown>, number]> = [
  // [what, config, minimum window the measured window must reach (not trivial)]
  ['reference defaults (β = 0.95 Nesterov, Keller, ε = 1e-7)', { name: 'muon', eta: ETA }, 20],
  ['heavy-ball momentum β = 0.9', { name: 'muon', eta: ETA, momentum: 0.9, nesterov: false }, 20],
  ['no momentum, ε = 0 (the earlier Muon)', { name: 'muon', eta: ETA, momentum: 0, nsEpsilon: 0 }, 20],
  ['decoupled weight decay 0.1', { name: 'muon', eta: ETA, weightDecay: 0.1 }, 20],
  ['Polar Express coefficients', { name: 'muon', eta: ETA, nsCoefficients: 'polar-express' }, 20],
  ['exact polar factor with momentum', { name: 'muon', eta: ETA, nsCoefficients: 'exact' }, 100],
  ['Moonlight lr scaling', { name: 'muon', eta: ETA / 2, lrScaling: 'moonlight' }, 20],
  ['custom coefficients (cubic Newton–Schulz 1.5, −0.5, 0), 8 steps', { name: 'muon', eta: ETA, nsCoefficients: [[1.5, -0.5, 0]], nsSteps: 8 }, 20],
];

describe('Muon family: reduced map = full-dimensional population run to 1e-12 over the measured window', () => {
  for (const [what, alg, minWindow] of VARIANTS) {
    for (const student of ['matrix', 'vector'] as const) {
      it(`${what} (${student} student)`, () => {
        const r = measureExactness(alg, { student });
        expect(r.window, `window of ${r.label}`).toBeGreaterThanOrEqual(minWindow);
        for (const [s, e] of Object.entries(r.err)) expect(e, `${r.label} ${s} over ${r.window} steps`).toBeLessThanOrEqual(1e-12);
      });
    }
  }

  it('in a random basis too (rotation-equivariant): the reduced map equals the rotated full run', () => {
    for (const alg of [{ name: 'muon', eta: ETA }, { name: 'muon', eta: ETA, nsCoefficients: 'exact', weightDecay: 0.1 }]) {
      const r = measureExactness(alg, { basis: 'random', capAtSignSwitch: alg.nsCoefficients === 'exact' });
      expect(r.window).toBeGreaterThanOrEqual(20);
      for (const [s, e] of Object.entries(r.err)) expect(e, `${r.label} ${s} over ${r.window} steps`).toBeLessThanOrEqual(1e-12);
    }
  });

  it('the settings change the dynamics (each variant differs from the defaults by more than the exactness tolerance)', () => {
    const ref = simulatedSeries({ name: 'muon', eta: ETA }, { steps: 100 });
    for (const [, alg] of VARIANTS.slice(1)) {
      if (alg.lrScaling) continue; // a different η: compared below
      expect(relativeDistance(ref, simulatedSeries(alg, { steps: 100 })), JSON.stringify(alg)).toBeGreaterThan(1e-9);
    }
  });
});

describe('Muon labels', () => {
  const label = (p: Record<string, unknown>) => muonLabel(muon.resolve({ name: 'muon', eta: ETA, ...p }));
  it('`muon` for the defaults, a short list of the changed settings otherwise, unique per variant', () => {
    expect(label({})).toBe('muon');
    expect(label({ momentum: 0, nsSteps: 3 })).toBe('muon(β=0,ns=3)');
    const labels = VARIANTS.map(([, a]) => muonLabel(muon.resolve(a)));
    expect(new Set(labels).size).toBe(labels.length);
    expect(label({ nsCoefficients: [[1.5, -0.5, 0]] })).not.toBe(label({ nsCoefficients: [[1.5, -0.5, 0.1]] }));
  });
  it('the earlier `specgd` + newton-schulz form keeps its label', () => {
    expect(runTheory(spikedConfig({ name: 'specgd', eta: ETA, polar: 'newton-schulz', nsSteps: 3 }, { steps: 5 }))[0].algorithm).toBe('specgd-ns3');
  });
});

describe('Newton–Schulz precision (simulation only)', () => {
  it('bfloat16 rounding is round-to-nearest-even with 8 significand bits', () => {
    expect(roundBfloat16(1 + 2 ** -7)).toBe(1 + 2 ** -7);
    expect(roundBfloat16(1 + 2 ** -8)).toBe(1); // tie → even
    expect(roundBfloat16(1 + 3 * 2 ** -8)).toBe(1 + 2 ** -6); // tie → even
    expect(roundBfloat16(1 + 2 ** -8 + 2 ** -12)).toBe(1 + 2 ** -7);
    expect(roundBfloat16(-3.0)).toBe(-3);
  });

  it('the reduced map refuses precision ≠ float64 with a ConfigError naming the field', () => {
    expect(() => runTheory(spikedConfig({ name: 'muon', eta: ETA, precision: 'bfloat16' }))).toThrow(ConfigError);
    expect(() => runTheory(spikedConfig({ name: 'muon', eta: ETA, precision: 'bfloat16' }))).toThrow(/precision.*simulate/);
  });

  it('emulated rounding moves the full run: bfloat16 further from float64 than float32, float32 further than the 1e-12 exactness level', () => {
    const f64 = simulatedSeries({ name: 'muon', eta: ETA }, { steps: 100 });
    const f32 = relativeDistance(f64, simulatedSeries({ name: 'muon', eta: ETA, precision: 'float32' }, { steps: 100 }));
    const bf16 = relativeDistance(f64, simulatedSeries({ name: 'muon', eta: ETA, precision: 'bfloat16' }, { steps: 100 }));
    expect(f32).toBeGreaterThan(1e-12);
    expect(bf16).toBeGreaterThan(f32);
  });

  it('precision with the exact polar factor is a ConfigError', () => {
    expect(() => spikedConfig({ name: 'muon', eta: ETA, nsCoefficients: 'exact', precision: 'float32' })).toThrow(/precision/);
  });
});
