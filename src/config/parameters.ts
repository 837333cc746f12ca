/**
 * The parameters of one run as flat, named columns for tidy data (one column per parameter, the same columns for
 * every covariance family: a parameter a run does not have is an empty cell). Used by every long-format CSV
 * (trajectories, sweeps, figures) so that the columns mean the same in every file.
 */
import type { AlgorithmConfig, ExperimentConfig } from './config.js';
import { ALGORITHMS, algorithmOf } from '../algorithms/index.js';

export interface ParameterColumn {
  name: string;
  description: string;
}

/** A config key as a column name: nsSteps → ns_steps. */
const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The settings of the registered algorithms other than name and eta, each once (registry order, then key order). */
const SETTING_KEYS: string[] = [...new Set(ALGORITHMS.flatMap((a) => a.keys.filter((k) => k !== 'name' && k !== 'eta')))];

/**
 * Algorithm columns: the registry id of the update, its output label, its step size, then one column per setting
 * of any registered algorithm (src/algorithms/; empty where the algorithm has no such setting).
 */
export const ALGORITHM_COLUMNS: ParameterColumn[] = [
  { name: 'algorithm', description: `registry id of the update rule (${ALGORITHMS.map((a) => a.id).join(', ')}); flows: their flow id (gradient-flow, sign-flow)` },
  { name: 'variant', description: 'output label of the algorithm (gd, specgd, specgd-ns5 = Muon with 5 Newton–Schulz steps, ...)' },
  { name: 'eta', description: "the algorithm's step size: η̃ for gradient methods, η for normalized / spectral methods (the config's algorithms[].eta)" },
  ...SETTING_KEYS.map((k) => ({ name: snake(k), description: `the algorithm setting \`${k}\` (${ALGORITHMS.filter((a) => a.keys.includes(k)).map((a) => a.id).join(', ')}); empty otherwise` })),
];

/** Model and data columns, from the config. */
export const MODEL_COLUMNS: ParameterColumn[] = [
  { name: 'covariance', description: 'covariance family: spiked, powerlaw or diagonal' },
  { name: 'lambda_theta', description: 'λ_θ, variance along the signal θ (spiked)' },
  { name: 'lambda_v', description: 'λ_v, variance along the spike v ⊥ θ (spiked)' },
  { name: 'sigma2', description: 'σ², bulk variance (spiked)' },
  { name: 'powerlaw_exponent', description: 'exponent p of λ_j = j^(−p) (powerlaw)' },
  { name: 'd', description: 'input dimension d' },
  { name: 'student', description: 'matrix (W ∈ R^{d×d}) or vector (w ∈ R^d)' },
  { name: 'init', description: 'initialization: scaled-identity, orthogonal or gaussian' },
  { name: 'alpha', description: 'initialization scale α (scaled-identity, orthogonal) or entry std (gaussian)' },
  { name: 'loss_scale', description: 'κ in L = κ E[(f − y)²]' },
  { name: 'data_mode', description: 'population (exact gradient), full-batch (fixed sample of size n) or online (fresh batch per step)' },
  { name: 'n', description: 'sample size (full-batch)' },
  { name: 'batch', description: 'mini-batch size (online)' },
  { name: 'steps', description: 'iterations of the run' },
];

type Cell = string | number | null;

/** The model/data cells of a config, in MODEL_COLUMNS order. */
export function modelParameters(config: ExperimentConfig): Cell[] {
  const cov = config.model.covariance;
  const init = config.model.init;
  const data = config.data;
  return [
    cov.kind,
    cov.kind === 'spiked' ? cov.signalVariance : null,
    cov.kind === 'spiked' ? cov.spikeVariance : null,
    cov.kind === 'spiked' ? cov.bulkVariance : null,
    cov.kind === 'powerlaw' ? cov.exponent : null,
    config.model.d,
    config.model.student.kind,
    init.kind,
    init.kind === 'gaussian' ? init.std : init.alpha,
    config.model.lossScale,
    data.mode,
    data.mode === 'full-batch' ? data.n : null,
    data.mode === 'online' ? data.batch : null,
    config.steps,
  ];
}

/** The algorithm cells (ALGORITHM_COLUMNS order) of an algorithm config, or of a named flow with an optional step. */
export function algorithmParameters(alg: AlgorithmConfig | undefined, algorithm: string, variant: string, eta: number | null): Cell[] {
  if (alg === undefined) return [algorithm, variant, eta, ...SETTING_KEYS.map(() => null)];
  const def = algorithmOf(alg);
  const cell = (v: unknown): Cell => (typeof v === 'number' || typeof v === 'string' ? v : typeof v === 'boolean' ? String(v) : v === undefined || v === null ? null : JSON.stringify(v));
  return [def.id, variant, alg.eta, ...SETTING_KEYS.map((k) => cell(alg[k]))];
}

/** Every parameter column (algorithm, then model/data), for a tidy table of runs (e.g. a figure's CSV). */
export const PARAMETER_COLUMNS: ParameterColumn[] = [...ALGORITHM_COLUMNS, ...MODEL_COLUMNS];

/**
 * The PARAMETER_COLUMNS cells of one run: the config and, when the run is one algorithm of it, that algorithm
 * (its output label as `variant`). For a figure's CSV: one row per plotted point with these cells, so that λ_v,
 * η, d, n ... are columns instead of parts of a label string.
 */
export function runParameters(config: ExperimentConfig, alg?: AlgorithmConfig, variant?: string): Cell[] {
  const name = alg?.name ?? variant ?? '';
  return [...algorithmParameters(alg, name, variant ?? name, alg?.eta ?? null), ...modelParameters(config)];
}
