/**
 * Transitional shim (removed once every caller iterates the registry): the label of a resolved algorithm config,
 * from src/algorithms/.
 */
import { algorithmLabel, type AlgorithmConfig } from '../algorithms/index.js';

export { MUON_NS_COEFFS } from '../algorithms/newton-schulz.js';

/** The config itself with its output label. */
export function updateRule(alg: AlgorithmConfig): AlgorithmConfig & { label: string } {
  return { ...alg, label: algorithmLabel(alg) };
}
