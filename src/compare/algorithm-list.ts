/**
 * The algorithms of a config as the pipeline, the claims and the figures iterate them (no hand-written
 * `['gd', 'specgd']` list anywhere else): id (the trajectory's `algorithm`), display label, step size and the time
 * map of its step (t = η̃k for GD, t = ηk for the spectral methods).
 *
 * Everything comes from the algorithm registry (`src/algorithms/`): id = the config's label, label = the title,
 * timeSymbol = `timeStep`.
 */
import type { AlgorithmConfig, ExperimentConfig } from '../config/config.js';
import { ALGORITHMS, algorithmOf } from '../algorithms/index.js';

export interface PlannedAlgorithm {
  /** Trajectory id: "gd", "specgd", "specgd-ns5" (the registry's label of the config). */
  id: string;
  /** Display label: "GD", "SpecGD", "Muon" (the registry's title). */
  label: string;
  /** Step size η̃ (gradient methods) or η (normalized / spectral methods). */
  eta: number;
  /** Which step size sets the time map t = (step size)·k. */
  timeSymbol: 'eta' | 'etaTilde';
  config: AlgorithmConfig;
}

/** The algorithms of a config, in config order, from the registry (src/algorithms/). */
export function algorithmsOf(config: ExperimentConfig): PlannedAlgorithm[] {
  return config.algorithms.map((alg) => {
    const def = algorithmOf(alg);
    return { id: def.label(alg), label: labelOf(alg), eta: alg.eta, timeSymbol: def.timeStep, config: alg };
  });
}

/** Display label of a config: the registry title, with the Newton–Schulz count for the `specgd-ns<k>` form. */
function labelOf(alg: AlgorithmConfig): string {
  const def = algorithmOf(alg);
  const id = def.label(alg);
  const ns = /^specgd-ns(\d+)$/.exec(id);
  return ns ? `${def.title} (NS${ns[1]})` : def.title;
}

/** Display label of a trajectory id ("gd" → "GD", "specgd-ns5" → "Muon (NS5)"); unknown ids are shown as they are. */
export function labelOfId(id: string): string {
  const ns = /^specgd-ns(\d+)$/.exec(id);
  if (ns) return `${algorithmOf({ name: 'specgd', eta: 1, polar: 'newton-schulz', nsSteps: Number(ns[1]) }).title} (NS${ns[1]})`;
  const alg = ALGORITHMS.find((a) => a.label(a.defaults) === id);
  return alg ? alg.title : id;
}
