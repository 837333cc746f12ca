/**
 * Loading and resolving an `ExperimentConfig`: parse (zod), check cross-field rules, merge defaults (`DEFAULTS`,
 * with `??`). Every failure is a one-line `ConfigError` naming the field path, the value and what is valid.
 */
import { readFileSync, existsSync, statSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import { DEFAULTS } from './defaults.js';
import { ExperimentConfigSchema, type ExperimentConfigInput } from './schema.js';
import { describeJsonProblem, parseJsonStrict } from './json.js';
import { currentBudget } from './budget.js';
import { PRESETS, presetNames } from './presets.js';
import { ALGORITHMS, algorithmOf } from '../algorithms/index.js';
import { COVARIANCE_FAMILIES, covarianceFamily } from '../model/covariance/index.js';
import type { CovarianceConfigBase } from '../model/covariance/types.js';
import type { AlgorithmConfig } from '../algorithms/types.js';

export type { CovarianceConfig } from '../model/covariance/index.js';
import type { CovarianceConfig } from '../model/covariance/index.js';
export type InitConfig = NonNullable<ExperimentConfigInput['model']['init']>;
export type StudentConfig = { kind: 'matrix'; width: number } | { kind: 'vector' };
export type { AlgorithmConfig } from '../algorithms/types.js';
export type { GdConfig } from '../algorithms/gd.js';
export type { SpecgdConfig } from '../algorithms/specgd.js';
export type DataConfig = NonNullable<ExperimentConfigInput['data']>;

/** A config with every default filled in: what every stage consumes. */
export interface ExperimentConfig {
  model: {
    d: number;
    covariance: CovarianceConfig;
    student: StudentConfig;
    init: InitConfig;
    lossScale: number;
    labelNoise: number;
  };
  algorithms: AlgorithmConfig[];
  steps: number;
  data: DataConfig;
  seeds: number[];
  /** "auto": every step when steps ≤ 10⁴, else dense-early/log grid; "all"; "log"; or a number of points. */
  record: 'auto' | 'all' | 'log' | number;
  events: { escapeLevel: number; lossLevel?: number };
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function pathString(path: ReadonlyArray<PropertyKey>): string {
  let s = '';
  for (const key of path) s += typeof key === 'number' ? `[${key}]` : s ? `.${String(key)}` : String(key);
  return s || '(config)';
}

/** Validate raw JSON (already parsed) and resolve defaults. Throws `ConfigError` on the first problem. */
export function parseConfig(input: unknown, fieldPrefix = ''): ExperimentConfig {
  const result = ExperimentConfigSchema.safeParse(input);
  const prefix = (p: string) => (fieldPrefix ? `${fieldPrefix}${p === '(config)' ? '' : `.${p}`}` : p);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') {
      const key = (issue as { keys: string[] }).keys[0];
      const parent = valueAt(input, path) as Record<string, unknown>;
      const allowed = allowedKeys(path, input);
      throw new ConfigError(
        prefix(pathString([...path, key])),
        parent?.[key],
        `no such key${allowed ? ` (allowed here: ${allowed})` : ''}`,
      );
    }
    const value = valueAt(input, path);
    let valid = issue.message;
    // zod's generic type message ("Invalid input: expected object, received number") → the object's keys.
    if (issue.code === 'invalid_type' && issue.expected === 'object') {
      const keys = allowedKeys(path, input);
      if (keys) valid = `a JSON object with the keys ${keys}`;
    }
    if (issue.code === 'invalid_type' && value === undefined) valid = `a value (required): ${valid}`;
    throw new ConfigError(prefix(pathString(path)), value, valid);
  }
  const c = result.data;
  const d = c.model.d;
  // The covariance family's own rules (src/model/covariance/).
  const family = covarianceFamily(String((c.model.covariance as CovarianceConfigBase).kind), prefix('model.covariance.kind'));
  const cov = family.resolve(c.model.covariance as CovarianceConfigBase) as CovarianceConfig;
  if (d < family.minD.value) {
    throw new ConfigError(prefix('model.d'), d, `an integer ≥ ${family.minD.value} for a ${family.kind} covariance${family.minD.why ? ` (${family.minD.why})` : ''}`);
  }
  const bad = family.check(cov, d);
  if (bad) throw new ConfigError(prefix(`model.covariance.${bad[0]}`), bad[1], bad[2]);
  if (c.seeds) {
    const seen = new Set<number>();
    c.seeds.forEach((seed, i) => {
      if (seen.has(seed)) throw new ConfigError(prefix(`seeds[${i}]`), seed, `distinct seeds (${seed} appears twice; a repeated seed repeats a run and makes the standard error wrong)`);
      seen.add(seed);
    });
  }
  const studentIn = c.model.student ?? DEFAULTS.student;
  let student: StudentConfig;
  if (studentIn.kind === 'matrix') {
    const width = 'width' in studentIn && studentIn.width !== undefined ? studentIn.width : d;
    if (width !== d) throw new ConfigError(prefix('model.student.width'), width, `the dimension d = ${d} (the block reduction of model.md §4 needs m = d)`);
    student = { kind: 'matrix', width };
  } else student = { kind: 'vector' };
  const data = c.data ?? DEFAULTS.data;
  // Each algorithm object is resolved by the registry file that owns its schema (src/algorithms/).
  const algorithms: AlgorithmConfig[] = ((c.algorithms ?? DEFAULTS.algorithms) as Record<string, unknown>[]).map((a, i) => {
    const owner = ALGORITHMS.find((x) => x.configName === a.name);
    if (!owner) throw new ConfigError(prefix(`algorithms[${i}].name`), a.name, 'a registered algorithm name');
    const resolved = owner.resolve(a);
    algorithmOf(resolved, prefix(`algorithms[${i}].name`));
    return resolved;
  });
  return {
    model: {
      d,
      covariance: cov,
      student,
      init: c.model.init ?? { ...DEFAULTS.init },
      lossScale: c.model.lossScale ?? DEFAULTS.lossScale,
      labelNoise: c.model.labelNoise ?? DEFAULTS.labelNoise,
    },
    algorithms,
    steps: c.steps ?? DEFAULTS.steps,
    data,
    seeds: c.seeds ?? [...DEFAULTS.seeds],
    record: c.record ?? DEFAULTS.record,
    events: { escapeLevel: c.events?.escapeLevel ?? DEFAULTS.events.escapeLevel, lossLevel: c.events?.lossLevel },
  };
}

function allowedKeys(path: ReadonlyArray<PropertyKey>, input: unknown): string {
  const p = path.filter((k) => typeof k !== 'number').join('.');
  const kind = (valueAt(input, path) as { kind?: string; name?: string; mode?: string } | undefined) ?? {};
  const table: Record<string, string> = {
    '': 'model, algorithms, steps, data, seeds, record, events',
    model: 'd, covariance, student, init, lossScale, labelNoise',
    'model.covariance': (COVARIANCE_FAMILIES.find((f) => f.kind === kind.kind) ?? COVARIANCE_FAMILIES[COVARIANCE_FAMILIES.length - 1]).keys.join(', '),
    'model.student': kind.kind === 'matrix' ? 'kind, width' : 'kind',
    'model.init': kind.kind === 'gaussian' ? 'kind, std' : 'kind, alpha',
    algorithms: (ALGORITHMS.find((a) => a.configName === kind.name) ?? ALGORITHMS[0]).keys.join(', '),
    data: kind.mode === 'full-batch' ? 'mode, n' : kind.mode === 'online' ? 'mode, batch' : 'mode',
    events: 'escapeLevel, lossLevel',
  };
  return table[p] ?? '';
}

/**
 * Read a JSON file named by a CLI option: a missing file, a file larger than a quarter of the memory budget
 * (JSON.parse needs several times the text's size), bad JSON, a duplicate key or too deep a nesting (json.ts) is a
 * one-line `ConfigError` on `option` (`existing` says what the option expects, e.g. "a path to an existing JSON
 * config file").
 */
export function readJsonFile(option: string, file: string, existing: string): unknown {
  if (!existsSync(file) || !statSync(file).isFile()) throw new ConfigError(option, file, existing);
  const budget = currentBudget();
  const size = statSync(file).size;
  if (size > budget.memoryBytes / 4) throw new ConfigError(option, file, `a JSON file of at most a quarter of the memory budget (${budget.rule}); it has ${size} bytes`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(option, file, `a readable file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const r = parseJsonStrict(text);
  if (!r.ok) throw new ConfigError(option, file, describeJsonProblem(r.problem));
  return r.value;
}

/** Read and parse a JSON config file; a missing file or bad JSON is a `ConfigError` on `--config`. */
export function loadConfigFile(file: string): ExperimentConfig {
  return parseConfig(readJsonFile('--config', file, 'a path to an existing JSON config file'));
}

/** Resolve a preset by name; unknown names list the valid ones. */
export function presetConfig(name: string): ExperimentConfig {
  const raw = PRESETS[name];
  if (!raw) throw new ConfigError('--preset', name, `one of ${presetNames().join(', ')}`);
  return parseConfig(raw);
}

/** `--preset NAME` xor `--config FILE` (default: the spiked preset). */
export function resolveConfigOption(opts: { preset?: string; config?: string }): ExperimentConfig {
  if (opts.preset !== undefined && opts.config !== undefined) {
    throw new ConfigError('--preset/--config', `${opts.preset} and ${opts.config}`, 'only one of --preset NAME or --config FILE');
  }
  if (opts.config !== undefined) return loadConfigFile(opts.config);
  return presetConfig(opts.preset ?? 'spiked');
}
