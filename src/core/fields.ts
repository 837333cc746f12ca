/**
 * zod field builders shared by the config schema and the registries (algorithms, covariance families): each
 * carries the one-line "what is valid" text that `parseConfig` puts in its `ConfigError`.
 */
import { z } from 'zod';

/** A finite number > 0. */
export const positive = (what: string) =>
  z.number({ error: `a finite number > 0 (${what})` }).finite().gt(0, { error: `a finite number > 0 (${what})` });

/** An integer ≥ 1. */
export const posInt = (what: string) =>
  z.number({ error: `an integer ≥ 1 (${what})` }).int({ error: `an integer ≥ 1 (${what})` }).gte(1, { error: `an integer ≥ 1 (${what})` });

/** A number in [lo, hi). */
export const inRange = (what: string, lo: number, hi: number, closedHi = false) => {
  const msg = `a number in [${lo}, ${hi}${closedHi ? ']' : ')'} (${what})`;
  const base = z.number({ error: msg }).finite({ error: msg }).gte(lo, { error: msg });
  return closedHi ? base.lte(hi, { error: msg }) : base.lt(hi, { error: msg });
};
