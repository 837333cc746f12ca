/**
 * The algorithms of a config as the pipeline, the claims and the figures iterate them (no hand-written
 * `['gd', 'specgd']` list anywhere else): id (the trajectory's `algorithm`), display label, step size and the time
 * map of its step (t = η̃k for GD, t = ηk for the spectral methods).
 *
 * Until the algorithm registry (`src/algorithms/index.ts`, `ALGORITHMS` with `id`, `label(config)`, `timeSymbol`)
 * lands, this is the one place that knows the labels; switching is a change of this file only.
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

/** Display label of an algorithm config. */
export function algorithmLabel(alg: AlgorithmConfig): string {
  const rule = updateRule(alg);
  if (rule.name === 'gd') return 'GD';
  return rule.direction === 'newton-schulz' ? `Muon (NS${rule.nsSteps})` : 'SpecGD';
}

/** The algorithms of a config, in config order. */
export function algorithmsOf(config: ExperimentConfig): PlannedAlgorithm[] {
  return config.algorithms.map((alg) => ({ id: updateRule(alg).label, label: algorithmLabel(alg), eta: alg.eta, timeSymbol: alg.name === 'gd' ? 'etaTilde' : 'eta', config: alg }));
}

/** Display label of a trajectory's algorithm id (ids that no config names are shown as they are). */
export function labelOfId(id: string, configs: ExperimentConfig[] = []): string {
  for (const c of configs) for (const a of algorithmsOf(c)) if (a.id === id) return a.label;
  if (id === 'gd') return 'GD';
  if (id === 'specgd') return 'SpecGD';
  const ns = /^specgd-ns(\d+)$/.exec(id);
  return ns ? `Muon (NS${ns[1]})` : id;
}

/** The algorithm ids present in a set of trajectories, in first-seen order. */
export function algorithmIds(...lists: { algorithm: string }[][]): string[] {
  const seen: string[] = [];
  for (const l of lists) for (const t of l) if (!seen.includes(t.algorithm)) seen.push(t.algorithm);
  return seen;
}
