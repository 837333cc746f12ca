/**
 * The experiment config (`ExperimentConfig`, architecture.md): a zod schema with every object strict (unknown
 * keys are rejected) and every bad value reported by `parseConfig` as a one-line `ConfigError` naming the field,
 * the value and what is valid. Cross-field rules (d ≥ 3 for spiked, signalIndex in range, ...) live in `refine`.
 */
import { z } from 'zod';
import { DEFAULTS } from './defaults.js';
import { ALGORITHMS, configNames } from '../algorithms/index.js';
import { posInt, positive } from '../core/fields.js';
import { COVARIANCE_FAMILIES } from '../model/covariance/index.js';

export { VARIANCE_MAX, VARIANCE_MIN } from '../model/covariance/index.js';
import { VARIANCE_MAX } from '../model/covariance/index.js';
import { variance } from '../model/covariance/fields.js';
/** Largest label-noise standard deviation: σ_ε² is a variance, so σ_ε ≤ √VARIANCE_MAX. */
export const LABEL_NOISE_MAX = Math.sqrt(VARIANCE_MAX);
/** Largest number of steps: steps are int32 indices of the recording grid (record.ts). */
export const MAX_STEPS = 2 ** 31 - 1;
/** Largest initialization scale α (or entry std): DEFAULTS.divergenceBound, beyond which a run has diverged at step 0. */
export const INIT_SCALE_MAX = DEFAULTS.divergenceBound;
/** Smallest initialization scale: α² (in every e_k = a_k² − …) must stay a normal double, α² ≥ 1e-300. */
export const INIT_SCALE_MIN = 1e-150;

const initScale = (what: string) => {
  const msg = `a number in [${INIT_SCALE_MIN}, ${INIT_SCALE_MAX}] (${what}; larger is diverged from the start, smaller underflows when squared)`;
  return z.number({ error: msg }).gte(INIT_SCALE_MIN, { error: msg }).lte(INIT_SCALE_MAX, { error: msg });
};

/** A covariance: the union of the registry's families (src/model/covariance/), told apart by `kind`. */
export const CovarianceSchema = z.discriminatedUnion('kind', COVARIANCE_FAMILIES.map((f) => f.schema) as unknown as [z.ZodObject, ...z.ZodObject[]], {
  error: `a covariance with kind ${COVARIANCE_FAMILIES.map((f) => JSON.stringify(f.kind)).join(', ')}`,
});

export const StudentSchema = z.discriminatedUnion(
  'kind',
  [
    /** W ∈ R^{m×d}; the block reduction (model.md §4) needs m = d, the only width accepted. */
    z.strictObject({ kind: z.literal('matrix'), width: posInt('student width m').optional() }),
    /** w ∈ R^d (m = 1): classic phase retrieval. */
    z.strictObject({ kind: z.literal('vector') }),
  ],
  { error: 'a student with kind "matrix" or "vector"' },
);

export const InitSchema = z.discriminatedUnion(
  'kind',
  [
    /** W₀ = αI (matrix) or w₀ = α𝟙 (vector, 𝟙 the all-ones vector in the eigenbasis). */
    z.strictObject({ kind: z.literal('scaled-identity'), alpha: initScale('initialization scale α') }),
    /** W₀ = αQ with Q a seeded random orthogonal matrix (simulation only). */
    z.strictObject({ kind: z.literal('orthogonal'), alpha: initScale('initialization scale α') }),
    /** W₀ entries i.i.d. N(0, std²) (simulation only). */
    z.strictObject({ kind: z.literal('gaussian'), std: initScale('entry standard deviation') }),
  ],
  { error: 'an init with kind "scaled-identity", "orthogonal" or "gaussian"' },
);

/**
 * An algorithm config: the union of the registry's schemas (src/algorithms/, one file per algorithm), told apart
 * by `name`.
 */
const algorithmSchemas = ALGORITHMS.filter((a, i) => ALGORITHMS.findIndex((b) => b.configName === a.configName) === i).map((a) => a.schema);
export const AlgorithmSchema = z.discriminatedUnion('name', algorithmSchemas as unknown as [z.ZodObject, ...z.ZodObject[]], {
  error: `an algorithm with name ${configNames().map((n) => JSON.stringify(n)).join(', ')}`,
});

export const DataSchema = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({ mode: z.literal('population') }),
    z.strictObject({ mode: z.literal('full-batch'), n: posInt('sample size n') }),
    z.strictObject({ mode: z.literal('online'), batch: posInt('mini-batch size') }),
  ],
  { error: 'data with mode "population", "full-batch" (with n) or "online" (with batch)' },
);

export const ModelSchema = z.strictObject({
  d: posInt('dimension d'),
  covariance: CovarianceSchema,
  student: StudentSchema.optional(),
  init: InitSchema.optional(),
  /** The factor κ in L = κ E[(f − y)²]; model.md uses κ = 1/4. */
  lossScale: variance('loss scale κ; it multiplies λ²-sized terms of the loss and gradient').optional(),
  /** Standard deviation σ_ε of additive label noise (simulation only; 0 = noiseless). */
  labelNoise: z
    .number({ error: `a number in [0, ${LABEL_NOISE_MAX}] (σ_ε² is a variance ≤ ${VARIANCE_MAX})` })
    .gte(0, { error: `a number in [0, ${LABEL_NOISE_MAX}] (σ_ε² is a variance ≤ ${VARIANCE_MAX})` })
    .lte(LABEL_NOISE_MAX, { error: `a number in [0, ${LABEL_NOISE_MAX}] (σ_ε² is a variance ≤ ${VARIANCE_MAX})` })
    .optional(),
});

/** "auto" (the default, as written in every output's provenance config), "all", "log" or a number of points. */
export const RecordSchema = z.union([z.enum(['auto', 'all', 'log']), posInt('number of recorded steps')], {
  error: '"auto", "all", "log" or an integer ≥ 1 (number of recorded steps)',
});

export const EventsSchema = z.strictObject({
  /** Escape: the signal coefficient crosses this level (default 0.5). */
  escapeLevel: z.number({ error: 'a number in (0, 1]' }).gt(0, { error: 'a number in (0, 1]' }).lte(1, { error: 'a number in (0, 1]' }).optional(),
  /** First time the loss goes below this level. */
  lossLevel: positive('loss level').optional(),
});

export const ExperimentConfigSchema = z.strictObject({
  model: ModelSchema,
  algorithms: z.array(AlgorithmSchema, { error: 'a non-empty array of algorithms' }).min(1, { error: 'a non-empty array of algorithms' }).optional(),
  steps: posInt('number of steps').lte(MAX_STEPS, { error: `an integer in 1..${MAX_STEPS} (steps are int32 indices of the recording grid)` }).optional(),
  data: DataSchema.optional(),
  seeds: z.array(z.number({ error: 'integer seeds' }).int({ error: 'integer seeds (safe integers, |seed| < 2^53)' }), { error: 'a non-empty array of integer seeds' }).min(1, { error: 'a non-empty array of integer seeds' }).optional(),
  record: RecordSchema.optional(),
  events: EventsSchema.optional(),
});

/** The config as written in a file: optional fields may be missing (defaults in `defaults.ts`). */
export type ExperimentConfigInput = z.infer<typeof ExperimentConfigSchema>;
