/**
 * The algorithm registry: every module of this folder that exports `algorithm` (an `Algorithm`, types.ts) is
 * registered, in ascending `order`. Adding an optimizer is adding one file here (plus its test): the config schema,
 * theory, simulate, sweep, thresholds, compare, figures and reproduce all iterate `ALGORITHMS`.
 *
 * The folder is listed at load time (top-level await), so the registry works the same from `src/` (tsx, vitest)
 * and from the built `dist/`.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError } from '../core/errors.js';
import type { Algorithm, AlgorithmConfig, ReducibilityQuery } from './types.js';

export type { Algorithm, AlgorithmConfig, AlgorithmOption, FullContext, FullStepper, ReducedStepper, ReducedSystem, FlowDefinition, ReducibilityQuery } from './types.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const moduleFiles = readdirSync(here)
  .filter((f) => /\.(ts|js)$/.test(f) && !/\.d\.ts$/.test(f) && !/^(index|types)\./.test(f))
  .sort();

const loaded: Algorithm[] = [];
for (const f of moduleFiles) {
  const mod = (await import(pathToFileURL(here + f).href)) as { algorithm?: Algorithm };
  if (mod.algorithm) loaded.push(mod.algorithm);
}
loaded.sort((x, y) => x.order - y.order || x.id.localeCompare(y.id));

/** Every registered algorithm, in `order`. */
export const ALGORITHMS: readonly Algorithm[] = Object.freeze(loaded);

/** The registry entry handling a resolved config (throws a ConfigError naming the field when none does). */
export function algorithmOf(config: AlgorithmConfig, field = 'algorithms[].name'): Algorithm {
  const alg = ALGORITHMS.find((a) => a.accepts(config));
  if (!alg) throw new ConfigError(field, config.name, `one of ${configNames().map((n) => JSON.stringify(n)).join(', ')}`);
  return alg;
}

/** The entry with registry id `id`, or a ConfigError listing the ids. */
export function algorithmById(id: string, field = 'algorithm'): Algorithm {
  const alg = ALGORITHMS.find((a) => a.id === id);
  if (!alg) throw new ConfigError(field, id, `one of ${ALGORITHMS.map((a) => a.id).join(', ')}`);
  return alg;
}

/** The distinct config names (`algorithms[].name` values). */
export function configNames(): string[] {
  return [...new Set(ALGORITHMS.map((a) => a.configName))];
}

/** Label of a resolved config in outputs. */
export function algorithmLabel(config: AlgorithmConfig): string {
  return algorithmOf(config).label(config);
}

/** Name of the step size of a config's algorithm in messages: "η̃" or "η". */
export function etaName(config: AlgorithmConfig): string {
  return algorithmOf(config).timeStep === 'etaTilde' ? 'η̃' : 'η';
}

/** Registered algorithms that reduce exactly for this model. */
export function reducibleAlgorithms(query: ReducibilityQuery): Algorithm[] {
  return ALGORITHMS.filter((a) => a.reducible(query) === null);
}
