/**
 * The covariance-family registry: every module of this folder that exports `family` (types.ts) is registered, in
 * ascending `order`. The config schema, the allowed keys and `buildModelSpec` iterate it.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError } from '../../core/errors.js';
import type { CovarianceFamily } from './types.js';
import type { SpikedCovariance } from './spiked.js';
import type { PowerlawCovariance } from './powerlaw.js';
import type { DiagonalCovariance } from './diagonal.js';

export type { Block, BlockDecomposition, BlockRole, CovarianceFamily } from './types.js';
export { VARIANCE_MAX, VARIANCE_MIN } from './fields.js';
export type { SpikedCovariance, PowerlawCovariance, DiagonalCovariance };

/** The resolved covariance config (a discriminated union over the families, for type narrowing by `kind`). */
export type CovarianceConfig = SpikedCovariance | PowerlawCovariance | DiagonalCovariance;

const here = fileURLToPath(new URL('.', import.meta.url));
const loaded: CovarianceFamily[] = [];
for (const f of readdirSync(here)
  .filter((f) => /\.(ts|js)$/.test(f) && !/\.d\.ts$/.test(f) && !/^(index|types|fields)\./.test(f))
  .sort()) {
  const mod = (await import(pathToFileURL(here + f).href)) as { family?: CovarianceFamily };
  if (mod.family) loaded.push(mod.family);
}
loaded.sort((x, y) => x.order - y.order || x.kind.localeCompare(y.kind));

/** Every registered covariance family, in `order`. */
export const COVARIANCE_FAMILIES: readonly CovarianceFamily[] = Object.freeze(loaded);

/** The family of `kind` (ConfigError listing the kinds when none). */
export function covarianceFamily(kind: string, field = 'model.covariance.kind'): CovarianceFamily {
  const f = COVARIANCE_FAMILIES.find((x) => x.kind === kind);
  if (!f) throw new ConfigError(field, kind, `one of ${COVARIANCE_FAMILIES.map((x) => JSON.stringify(x.kind)).join(', ')}`);
  return f;
}
