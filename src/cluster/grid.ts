/**
 * A grid of experiment configs for `specgd simulate`: a list of base configs (`--configs FILE`, a JSON array of
 * configs; default the one `--preset`/`--config`) times the Cartesian product of `--grid KEY=v1,v2,...` axes
 * (repeatable). Points are in row-major order: the base config varies slowest, then the axes in the order given.
 * Every point is validated as a config (a bad value names the axis and the field).
 *
 * Keys (each sets one config field):
 *   lambda-v → model.covariance.spikeVariance, lambda-theta → signalVariance, sigma2 → bulkVariance (spiked);
 *   d → model.d (a matrix student's width follows); alpha → model.init.alpha (std for a gaussian init);
 *   n → data.n (full-batch); batch → data.batch (online); steps → steps;
 *   eta-gd / eta-specgd → eta of every algorithm of that name.
 */
import { parseConfig, readJsonFile, type ExperimentConfig } from '../config/config.js';
import { ConfigError } from '../core/errors.js';

export interface GridAxis {
  key: GridKey;
  values: number[];
}

export interface ConfigGrid {
  /** Base configs (one unless --configs). */
  bases: ExperimentConfig[];
  /** True when the bases came from a --configs list (the point parameters then name the base by index). */
  fromList: boolean;
  axes: GridAxis[];
}

export interface GridPoint {
  index: number;
  /** The axis values of this point (and `config`, the base index, for a --configs list). */
  parameters: Record<string, number>;
  config: ExperimentConfig;
}

type Raw = Record<string, unknown> & { model: Record<string, unknown> & { covariance: Record<string, unknown>; init: Record<string, unknown>; student: Record<string, unknown> }; data: Record<string, unknown>; algorithms: Record<string, unknown>[] };

const KEYS = {
  'lambda-v': { integer: false, apply: (c: Raw, v: number) => need(c.model.covariance, 'kind', 'spiked', 'model.covariance.kind', () => (c.model.covariance.spikeVariance = v)) },
  'lambda-theta': { integer: false, apply: (c: Raw, v: number) => need(c.model.covariance, 'kind', 'spiked', 'model.covariance.kind', () => (c.model.covariance.signalVariance = v)) },
  sigma2: { integer: false, apply: (c: Raw, v: number) => need(c.model.covariance, 'kind', 'spiked', 'model.covariance.kind', () => (c.model.covariance.bulkVariance = v)) },
  d: {
    integer: true,
    apply: (c: Raw, v: number) => {
      c.model.d = v;
      if (c.model.student.kind === 'matrix') c.model.student.width = v;
    },
  },
  alpha: {
    integer: false,
    apply: (c: Raw, v: number) => {
      if (c.model.init.kind === 'gaussian') c.model.init.std = v;
      else c.model.init.alpha = v;
    },
  },
  n: { integer: true, apply: (c: Raw, v: number) => need(c.data, 'mode', 'full-batch', 'data.mode', () => (c.data.n = v)) },
  batch: { integer: true, apply: (c: Raw, v: number) => need(c.data, 'mode', 'online', 'data.mode', () => (c.data.batch = v)) },
  steps: { integer: true, apply: (c: Raw, v: number) => void (c.steps = v) },
  'eta-gd': { integer: false, apply: (c: Raw, v: number) => setEta(c, 'gd', v) },
  'eta-specgd': { integer: false, apply: (c: Raw, v: number) => setEta(c, 'specgd', v) },
} as const;

export type GridKey = keyof typeof KEYS;
export const GRID_KEYS = Object.keys(KEYS) as GridKey[];

class NotApplicable extends Error {}

function need(obj: Record<string, unknown>, key: string, want: string, field: string, set: () => unknown): void {
  if (obj[key] !== want) throw new NotApplicable(`${field} = ${JSON.stringify(obj[key])} (needs "${want}")`);
  set();
}

function setEta(c: Raw, name: string, v: number): void {
  const algs = c.algorithms.filter((a) => a.name === name);
  if (algs.length === 0) throw new NotApplicable(`no ${name} algorithm in the config`);
  for (const a of algs) a.eta = v;
}

/** Parse one `--grid KEY=v1,v2,...` value. */
export function parseGridAxis(value: string): GridAxis {
  const eq = value.indexOf('=');
  const key = value.slice(0, eq).trim();
  if (eq < 0 || !(key in KEYS)) throw new ConfigError('--grid', value, `KEY=v1,v2,... with KEY one of ${GRID_KEYS.join(', ')} (e.g. lambda-v=1,10)`);
  const k = key as GridKey;
  const parts = value.slice(eq + 1).split(',').map((s) => s.trim());
  const values = parts.map(Number);
  const integer = KEYS[k].integer;
  if (parts.some((p) => p === '') || values.some((v) => !Number.isFinite(v) || (integer && !Number.isInteger(v)))) {
    throw new ConfigError(`--grid ${k}`, value.slice(eq + 1), `a comma-separated list of ${integer ? 'integers' : 'finite numbers'} (e.g. ${k}=${integer ? '2000,8000' : '1,10'})`);
  }
  if (new Set(values).size !== values.length) throw new ConfigError(`--grid ${k}`, value.slice(eq + 1), 'distinct values');
  return { key: k, values };
}

/** Read `--configs FILE`: a non-empty JSON array of configs, each validated (errors name `--configs[i]`). */
export function loadConfigList(file: string): ExperimentConfig[] {
  const raw = readJsonFile('--configs', file, 'a path to an existing JSON file holding an array of configs');
  if (!Array.isArray(raw) || raw.length === 0) throw new ConfigError('--configs', file, 'a file holding a non-empty JSON array of experiment configs');
  return raw.map((c, i) => parseConfig(c, `--configs[${i}]`));
}

/** Build the grid from its parts; checks every axis applies to every base. */
export function buildGrid(bases: ExperimentConfig[], fromList: boolean, gridOptions: string[]): ConfigGrid {
  const axes = gridOptions.map(parseGridAxis);
  const dup = axes.find((a, i) => axes.findIndex((b) => b.key === a.key) !== i);
  if (dup) throw new ConfigError('--grid', dup.key, 'each KEY at most once');
  return { bases, fromList, axes };
}

/** Number of points of the grid. */
export function gridSize(g: ConfigGrid): number {
  return g.bases.length * g.axes.reduce((n, a) => n * a.values.length, 1);
}

/** Point `index` of the grid (row-major), validated. */
export function gridPoint(g: ConfigGrid, index: number): GridPoint {
  let rest = index;
  const picks: number[] = new Array(g.axes.length);
  for (let j = g.axes.length - 1; j >= 0; j--) {
    const n = g.axes[j].values.length;
    picks[j] = rest % n;
    rest = Math.floor(rest / n);
  }
  const b = rest;
  const raw = JSON.parse(JSON.stringify(g.bases[b])) as Raw;
  const parameters: Record<string, number> = {};
  if (g.fromList) parameters.config = b;
  const where = g.fromList ? ` (--configs[${b}])` : '';
  g.axes.forEach((a, j) => {
    const v = a.values[picks[j]];
    parameters[a.key] = v;
    try {
      KEYS[a.key].apply(raw, v);
    } catch (e) {
      if (e instanceof NotApplicable) throw new ConfigError(`--grid ${a.key}`, v, `an axis that applies to the config${where}: ${e.message}`);
      throw e;
    }
  });
  // A resolved config is not always valid input (record "auto" is only a default): leave such defaults out.
  if (raw.record === 'auto') delete raw.record;
  let config: ExperimentConfig;
  try {
    config = parseConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) {
      const at = Object.entries(parameters).map(([k, v]) => `${k}=${v}`).join(' ');
      throw new ConfigError(`--grid point ${at}${where}: ${e.field}`, e.value, e.valid);
    }
    throw e;
  }
  return { index, parameters, config };
}

/** Validate every point of the grid (ConfigError on the first bad one) without running anything. */
export function validateGrid(g: ConfigGrid): void {
  const n = gridSize(g);
  for (let i = 0; i < n; i++) gridPoint(g, i);
}
