/** What the two finite-sample claims read: the population theory and the full-batch seed ensembles at several n. */
import { finitePopulationConfig, finiteSampleConfigs, type ReproduceParams } from './params.js';
import type { RunRequest } from './runs.js';

export function finiteSampleRuns(p: ReproduceParams): RunRequest[] {
  return [{ config: finitePopulationConfig(p), purpose: 'population theory' }, ...finiteSampleConfigs(p).map((r) => ({ config: r.config, purpose: `full batch n = ${r.n}` }))];
}
