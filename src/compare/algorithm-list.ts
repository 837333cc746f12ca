/**
 * The algorithms of a config as the pipeline, the claims and the figures iterate them (no hand-written
 * `['gd', 'specgd']` list anywhere else): id (the trajectory's `algorithm`), display label, step size and the time
 * map of its step (t = η̃k for GD, t = ηk for the spectral methods).
 *
 * Everything comes from the algorithm registry (`src/algorithms/`): id = the config's label, label = its
 * `displayLabel` (default the title), timeSymbol = `timeStep`.
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

/** Display label of a config: the registry's `displayLabel` ("Muon (NS5)"), else its title. */
function labelOf(alg: AlgorithmConfig): string {
  const def = algorithmOf(alg);
  return def.displayLabel?.(alg) ?? def.title;
}

/**
 * Display label of a trajectory id ("gd" → "GD", "specgd-ns5" → "Muon (NS5)"): the registry entry whose defaults
 * carry that label, or which maps the id back to a config (`configOfLabel`); unknown ids are shown as they are.
 */
export function labelOfId(id: string): string {
  for (const a of ALGORITHMS) {
    const config = a.configOfLabel?.(id) ?? (a.label(a.defaults) === id ? a.defaults : null);
    if (config) return a.displayLabel?.(config) ?? a.title;
  }
  return id;
}
