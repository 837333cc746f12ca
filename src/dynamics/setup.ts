/** The reduced system of a config: compiled by symbolic/ (`systemFor`), its statistics context, the initial point. */
import { ConfigError } from '../core/errors.js';
import type { ExperimentConfig } from '../config/config.js';
import { DEFAULTS } from '../config/defaults.js';
import { buildModelSpec, initialBlockCoefficients, type ModelSpec } from '../model/spec.js';
import type { CompiledSystem } from '../symbolic/compiled.js';
import { systemFor } from '../symbolic/compile.js';
import { statContext, type StatContext } from './statistics.js';

/** The reduced system, its statistics context and initial point for a config (ConfigError off the manifold). */
export function theorySetup(config: ExperimentConfig, system?: CompiledSystem): { spec: ModelSpec; sys: CompiledSystem; ctx: StatContext; a0: Float64Array } {
  const spec = buildModelSpec(config);
  const a0 = initialBlockCoefficients(spec);
  if (!a0) {
    throw new ConfigError('model.init.kind', spec.init.kind, '"scaled-identity" for the reduced theory (other initializations leave the block manifold; use `specgd simulate`)');
  }
  const sys = system ?? systemFor(spec);
  return { spec, sys, ctx: statContext(sys, spec, DEFAULTS.signTieRelTol), a0 };
}

