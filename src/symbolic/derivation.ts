/**
 * The shape of a derivation (architecture.md `Derivation`): blocks, parameters, the exact reduced loss, gradients,
 * maps, flows and Jacobians. Types only, shared by derive.ts (which builds it) and by checks.ts / fixedpoints.ts
 * (which work on it), so that none of them imports another in a cycle.
 */
import type { ModelSpec } from '../model/spec.js';
import type { Expr } from './expr.js';
import type { Poly, Rational } from './poly.js';

export interface DerivationStep {
  /** One sentence saying what the step does. */
  text: string;
  /** The step's equation(s) in LaTeX. */
  latex: string[];
}

export interface ParamInfo {
  name: string;
  latex: string;
  meaning: string;
  /** Exact value in this model (variances and κ from the config via `Rational.fromNumber`, d an integer). */
  value: Rational;
}

export interface BlockInfo {
  name: string;
  symbol: string;
  gradSymbol: string;
  role: string;
  varianceSymbol: string;
  variance: number;
  /** Symbolic rank r_k (1 or d − 2). */
  rank: Poly;
  rankNumeric: number;
}

export interface Threshold {
  /** Block whose early growth is compared with the signal's. */
  block: number;
  /** Growth-factor difference (block − signal), exact. */
  difference: Poly;
  /** The reduced factor R with sgn(difference) = sgn(R) (positive symbols and content divided out). */
  reduced: Poly;
  /** "outgrows the signal iff <variance> > <bound>", or null when R is not linear in the block's variance. */
  variable: string | null;
  bound: Poly | null;
  /** Numeric verdict for this model: does the block outgrow the signal at a = 0? */
  holds: boolean;
}

export interface SpecgdDerivation {
  rule: 'sign' | 'normalized';
  /** The steps that establish polar(∇L) in block coordinates. */
  steps: DerivationStep[];
  /** SpecGD direction per block (polar factor's block coefficient). */
  direction: Expr[];
  /** a_k − η · direction_k. */
  map: Expr[];
  /** ȧ_k = −direction_k. */
  flow: Expr[];
}

/** The symbolic part of a derivation (derive.ts adds the fixed points and the checks run on it). */
export interface SymbolicDerivation {
  model: {
    covarianceKind: ModelSpec['covarianceKind'];
    student: 'matrix' | 'vector';
    d: number;
    signalBlock: number;
    lossScale: number;
  };
  blocks: BlockInfo[];
  stateVars: string[];
  gradSymbols: string[];
  params: ParamInfo[];
  /** κ as an exact rational (config's loss scale). */
  kappa: Rational;
  /** Derivation steps of the loss and gradient (moment calculus). */
  steps: DerivationStep[];
  /** General forms with κ symbolic. */
  general: { T: Poly; loss: Poly; gradients: Poly[] };
  /** T = tr(DΣ) (κ-free). */
  T: Poly;
  /** Reduced loss with the config's κ substituted. */
  loss: Poly;
  /** ∂L/∂a_k. */
  lossPartials: Poly[];
  /** Block gradients g_k = (1/r_k) ∂L/∂a_k (block coefficient of the full gradient). */
  gradients: Poly[];
  /**
   * The block gradients in terms of T = tr(DΣ), found and verified by the engine (see `gradientsInT`):
   * g_k = a_k (c_k T + R_k(a_k)), or null when the gradients have no such form.
   */
  gradientsT: { coefficient: Poly; remainder: Poly }[] | null;
  /** ∂g_i/∂a_j. */
  gradJacobian: Poly[][];
  /** GD map a_k − η̃ g_k. */
  gdMap: Poly[];
  /** Jacobian of the GD map, δ_ij − η̃ ∂g_i/∂a_j. */
  jacobianGd: Poly[][];
  /** Gradient flow ȧ_k = −g_k. */
  gradientFlow: Poly[];
  specgd: SpecgdDerivation;
  /** Linearization at a = 0. */
  linearization: {
    /** True if ∂g_i/∂a_j(0) = 0 for i ≠ j (derived). */
    diagonalAtZero: boolean;
    /** Per-block growth factors 1 − η̃ ∂g_k/∂a_k(0). */
    growthFactors: Poly[];
    /** Growth factors with the model's numbers substituted (η̃ kept). */
    growthFactorsNumeric: Poly[];
    thresholds: Threshold[];
  };
}

