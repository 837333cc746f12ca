/**
 * Named model presets (raw configs, validated like any file). `spiked` is the setting of the analysis:
 * d = 100, λ_v = 10, λ_θ = σ² = 1, W₀ = αI with α = 10⁻³.
 */
import type { ExperimentConfigInput } from './schema.js';

export const PRESETS: Record<string, ExperimentConfigInput> = {
  spiked: {
    model: {
      d: 100,
      covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 },
      student: { kind: 'matrix' },
      init: { kind: 'scaled-identity', alpha: 1e-3 },
      lossScale: 0.25,
    },
    algorithms: [
      { name: 'gd', eta: 0.01 },
      { name: 'specgd', eta: 0.002 },
    ],
    steps: 3000,
    data: { mode: 'population' },
    seeds: [1],
  },
  'spiked-vector': {
    model: {
      d: 100,
      covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 },
      student: { kind: 'vector' },
      init: { kind: 'scaled-identity', alpha: 1e-3 },
      lossScale: 0.25,
    },
    algorithms: [
      { name: 'gd', eta: 0.01 },
      { name: 'specgd', eta: 0.002 },
    ],
    steps: 3000,
    data: { mode: 'population' },
    seeds: [1],
  },
  isotropic: {
    model: {
      d: 100,
      covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 1, bulkVariance: 1 },
      student: { kind: 'matrix' },
      init: { kind: 'scaled-identity', alpha: 1e-3 },
      lossScale: 0.25,
    },
    algorithms: [
      { name: 'gd', eta: 0.01 },
      { name: 'specgd', eta: 0.002 },
    ],
    steps: 3000,
    data: { mode: 'population' },
    seeds: [1],
  },
  powerlaw: {
    model: {
      d: 8,
      // λ_j = j^(−1); the signal sits on the 4th direction (λ_4 = 1/4), so direction 1 has λ_1 = 4λ_4 > 3λ_4: past
      // the early-stage anisotropy threshold, it outgrows the signal under GD (signalIndex 3 would sit exactly on it).
      covariance: { kind: 'powerlaw', exponent: 1, signalIndex: 4 },
      student: { kind: 'matrix' },
      init: { kind: 'scaled-identity', alpha: 1e-3 },
      lossScale: 0.25,
    },
    algorithms: [
      { name: 'gd', eta: 0.05 },
      { name: 'specgd', eta: 0.002 },
    ],
    steps: 3000,
    data: { mode: 'population' },
    seeds: [1],
  },
};

export function presetNames(): string[] {
  return Object.keys(PRESETS);
}
