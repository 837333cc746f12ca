/** The ConfigError that parseConfig throws for `raw` (any other outcome fails the test). */
import { ConfigError } from '../../src/core/errors.js';
import { parseConfig } from '../../src/config/config.js';

export function errorOf(raw: unknown): ConfigError {
  try {
    parseConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}
