/**
 * The algorithms of a config as the pipeline, the claims and the figures iterate them (no hand-written
 * `['gd', 'specgd']` list anywhere else): id (the trajectory's `algorithm`), display label, step size and the time
 * map of its step (t = η̃k for GD, t = ηk for the spectral methods).
 *
 * This is the one place that names algorithms for display. With the algorithm registry (`src/algorithms/index.ts`)
 * the switch is this file only: id = `algorithmLabel(alg)`, label = `algorithmOf(alg).title`, timeSymbol =
 * `algorithmOf(alg).timeStep` (and the reproduce plan's `FLOW_OF` becomes `algorithmOf(alg).flow`).
 */
import type { AlgorithmConfig, ExperimentConfig } from '../config/config.js';
import { updateRule } from '../model/algorithms.js';

export interface PlannedAlgorithm {
  /** Trajectory id: "gd", "specgd", "specgd-ns5". */
  id: string;
  /** Display label: "GD", "SpecGD", "Muon (NS5)". */
  label: string;
  /** Step size η̃ (GD) or η (spectral). */
  eta: number;
  /** Which step size sets the time map t = (step size)·k. */
  timeSymbol: 'eta' | 'etaTilde';
  config: AlgorithmConfig;
}

/** The algorithms of a config, in config order. */
export function algorithmsOf(config: ExperimentConfig): PlannedAlgorithm[] {
  return config.algorithms.map((alg) => {
    const id = updateRule(alg).label;
    return { id, label: labelOfId(id), eta: alg.eta, timeSymbol: alg.name === 'gd' ? 'etaTilde' : 'eta', config: alg };
  });
}

/** Display label of an algorithm id: "GD", "SpecGD", "Muon (NS5)"; other ids are shown as they are. */
export function labelOfId(id: string): string {
  if (id === 'gd') return 'GD';
  if (id === 'specgd') return 'SpecGD';
  const ns = /^specgd-ns(\d+)$/.exec(id);
  return ns ? `Muon (NS${ns[1]})` : id;
}
