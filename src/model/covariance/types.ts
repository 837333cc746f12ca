/**
 * The `CovarianceFamily` interface: one file of `src/model/covariance/` per family of input covariances
 * Σ = Σ_k λ_k P_k (model.md §4), exporting `family: CovarianceFamily`. A family owns its config schema (a strict zod
 * object with a `kind` literal), its cross-field rules against d, the block decomposition it produces and its LaTeX.
 * The config schema, the list of allowed keys in error messages and `buildModelSpec` are built from the registry.
 *
 * Imports only `core/` (and zod), so `config/` can build its schema from it.
 */
import type { z } from 'zod';

export type BlockRole = 'signal' | 'spike' | 'bulk' | 'direction';

export interface Block {
  /** Human name: "signal", "spike", "bulk", or "direction 3". */
  name: string;
  /** Coefficient symbol: a, b, c (spiked) or a_1 ... a_d (diagonal / power-law). */
  symbol: string;
  role: BlockRole;
  /** Numeric variance λ_k. */
  variance: number;
  /** Symbol of the variance: lambda_theta, lambda_v, sigma2 (spiked) or lambda_1 ... (diagonal). */
  varianceSymbol: string;
  /** Numeric rank r_k. */
  rank: number;
  /**
   * The rank as an affine expression in d: r_k = rankInD.coef · d + rankInD.offset (bulk: d − 2; others: 1).
   * Symbolic derivations keep it symbolic.
   */
  rankInD: { coef: number; offset: number };
  /** Label of a rank-1 block's direction in matrix-block symbols (spiked: u, v; default: the 1-based index). */
  axis?: string;
}

/** The blocks of a covariance in its eigenbasis. */
export interface BlockDecomposition {
  blocks: Block[];
  /** Index (into `blocks`) of the signal block s. */
  signalBlock: number;
  /** Index of the spike block, or −1. */
  spikeBlock: number;
  /** For each eigen-direction j = 0..d−1, the block it belongs to. */
  blockOf: Int32Array;
  /** "canonical": the eigenbasis is the coordinate basis; "random": a seeded rotation (simulation only). */
  basis: 'canonical' | 'random';
  /**
   * The signal θ = Σ_i weight_i q_{direction_i} over eigen-directions (0-based, ascending, non-zero weights of unit
   * norm). One component (weight ±1): θ spans its own rank-1 block, the commuting-block case of model.md §4; several:
   * the matrix-block reduction of issue 13 (symbolic/matrix-block*.ts).
   */
  signal: { direction: number; weight: number }[];
}

/** A parsed covariance config object of some family (its `kind` plus the family's fields). */
export interface CovarianceConfigBase {
  kind: string;
  [field: string]: unknown;
}

export interface CovarianceFamily<C extends CovarianceConfigBase = CovarianceConfigBase> {
  /** The config's `kind`. */
  readonly kind: string;
  /** Position in listings: ascending. */
  readonly order: number;
  readonly schema: z.ZodType;
  /** Keys allowed in this family's config object (error messages). */
  readonly keys: readonly string[];
  /** Smallest d the family supports, and why. */
  readonly minD: { value: number; why: string };
  /** Cross-field rules against d: returns [field, value, what is valid] for the first violation, else null. */
  check(cov: C, d: number): [string, unknown, string] | null;
  /** Fill defaults (e.g. the basis) of a parsed config. */
  resolve(cov: C): C;
  /** The block decomposition for dimension d. */
  blocks(cov: C, d: number): BlockDecomposition;
  /** LaTeX of Σ. */
  latex(cov: C): string;
}
