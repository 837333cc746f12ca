/**
 * The `Algorithm` interface: everything specgd knows about one optimizer lives in one file of `src/algorithms/`
 * that exports `algorithm: Algorithm` (the registry, `index.ts`, finds it). Each file holds
 *  - its config schema (a strict zod object with a `name` literal), defaults and the resolved config;
 *  - its label in outputs and its time map t = η̃k or ηk (`timeStep`);
 *  - the full-dimensional step W ← step(W, ∇L(W)) with an explicit optimizer state (momentum buffers live there);
 *  - the reduced map on the block manifold W = Σ_k a_k P_k (model.md §4), with its own state, where the algorithm
 *    reduces (`reducible(spec)`), and the continuous-time flow where one exists;
 *  - its LaTeX.
 * Stages (theory, simulate, sweep, stability, figures, claims, reproduce) iterate the registry; they never name an
 * algorithm.
 *
 * This module sits at the left of the pipeline: it imports only `core/` (and zod), so the config schema can be
 * built from the registry.
 */
import type { z } from 'zod';
import type { LinalgBackend } from '../core/linalg.js';
import type { MatrixBlockLayout } from '../core/matrix-block.js';

/** The resolved config of one algorithm: its `name` (the config's discriminator), step size and settings. */
export interface AlgorithmConfig {
  name: string;
  /** η̃ for gradient methods (`timeStep: "etaTilde"`), η for normalized / spectral methods. */
  eta: number;
  [setting: string]: unknown;
}

/** What a reduced map needs of the compiled system (symbolic/compiled.ts's `CompiledSystem` satisfies it). */
export interface ReducedSystem {
  /** Number of blocks n. */
  readonly n: number;
  /** Ranks r_k (‖Σ_k x_k P_k‖_F² = Σ_k r_k x_k²). */
  readonly ranks: Float64Array;
  readonly student: 'matrix' | 'vector';
  /** Block gradients g_k(a) (∇L = Σ_k g_k P_k). */
  grad(a: Float64Array, out: Float64Array): void;
  loss(a: Float64Array): number;
  /**
   * Present for the matrix-block coordinates (issue 13): coordinates 0..K²−1 are the K×K block M on S (row-major,
   * rank 1 each), the rest one scalar per remaining block; `grad` gives ∇L's coordinates (G_S, g).
   */
  readonly matrixBlock?: MatrixBlockLayout;
}

/** One reduced map with its optimizer state (block coefficients), created per run. */
export interface ReducedStepper {
  /**
   * One step from `a` given its block gradients `g`: writes a_{k+1} into `aNext` and the update direction u into
   * `dir` (a_{k+1} = a − η u for the methods here; the sign-switch events read sgn(u_k)). Allocation-free.
   */
  step(a: Float64Array, g: Float64Array, aNext: Float64Array, dir: Float64Array): void;
}

/** What a full-dimensional step needs to know of the run. */
export interface FullContext {
  /** Rows m and columns d of W (row-major). */
  readonly m: number;
  readonly d: number;
  readonly backend: LinalgBackend;
  /** Relative tolerance of the numerical rank (DEFAULTS.signTieRelTol). */
  readonly tieRelTol: number;
}

/** One full-dimensional optimizer with its state (workspaces, momentum buffers), created per run. */
export interface FullStepper {
  /** W ← W − update(G) in place (G = ∇L(W), m×d row-major). Returns null, or why the step could not be taken. */
  step(W: Float64Array, G: Float64Array): string | null;
}

/** A continuous-time limit of the reduced map (integrated with odex in dynamics/). */
export interface FlowDefinition {
  /** Id of the flow trajectory: "gradient-flow", "sign-flow". */
  readonly id: string;
  /** Name in labels: "gradient flow", "smoothed sign flow". */
  readonly title: string;
  /**
   * true when the flow regularizes a discontinuous limit (the sign flow's tanh(g/ε)): theory then reports the
   * flow's distance to the map, and the flow reports sign-switch events of its velocity.
   */
  readonly smoothed: boolean;
  /** ȧ = rhs(a); allocation-free closure. `epsilon` is the smoothing of discontinuous right-hand sides. */
  rhs(sys: ReducedSystem, epsilon: number): (t: number, y: Float64Array, out: Float64Array) => void;
}

/** The part of a model spec a `reducible` predicate looks at. */
export interface ReducibilityQuery {
  readonly student: 'matrix' | 'vector';
  /** "canonical": Σ's eigenbasis is the coordinate basis; "random": a seeded rotation (simulation only). */
  readonly basis: 'canonical' | 'random';
  /**
   * Number K of eigen-directions the signal touches (default 1). K ≥ 2: the state is the matrix-block coordinates
   * (issue 13, `ReducedSystem.matrixBlock`), on which only rules that act on the whole gradient as the algebra
   * allows (linear rules; the polar factor) reduce.
   */
  readonly signalDirections?: number;
}

/**
 * The cost of one step of an algorithm beyond what every algorithm pays (the gradient, the update a ← a − ηu),
 * for the resource budget (config/budget.ts multiplies it by steps, seeds and blocks; it never names an
 * algorithm). Lower bounds, in multiply-adds; 0 where the step adds nothing of note.
 */
export interface StepCost {
  /**
   * Further evaluations of the reduced map's inner iteration per block and step (Newton–Schulz: nsSteps − 1 more
   * scalar polynomial passes); each costs as much as the one pass every reduced step makes.
   */
  readonly reducedPasses: number;
  /** Multiply-adds of one full-dimensional step beyond the gradient, for an m×d parameter (SVD ≥ m·d·min(m, d)). */
  readonly fullOps: number;
  /**
   * The config key whose value drives the cost ("nsSteps"): a refusal names `algorithms[i].<field>`. Absent when
   * the cost comes with the algorithm itself (the exact polar factor): it is then charged to `steps`.
   */
  readonly field?: string;
  /** Plain words for the refusal: "5 Newton–Schulz iterations per step", "an SVD per step". */
  readonly reason: string;
}

/** One documented config key of an algorithm (its default is `defaults[key]`). */
export interface AlgorithmOption {
  readonly key: string;
  readonly meaning: string;
}

export interface Algorithm<C extends AlgorithmConfig = AlgorithmConfig> {
  /** Registry id ("gd", "specgd", "muon", ...), also the README's name for it. */
  readonly id: string;
  /** Human name in figures and messages ("GD", "SpecGD"). */
  readonly title: string;
  /** Position in listings (sweeps, figures, README): ascending. */
  readonly order: number;
  /** Config schema: a strict object with `name: z.literal(...)`; unknown keys are rejected. */
  readonly schema: z.ZodType;
  /** The config's `name` this schema is for. */
  readonly configName: string;
  /** Keys allowed in this algorithm's config object (error messages). */
  readonly keys: readonly string[];
  /** Does this file handle the (resolved) config? (Several files may share a `configName`: specgd + polar.) */
  accepts(config: AlgorithmConfig): boolean;
  /** Fill the defaults of a parsed config object. */
  resolve(parsed: Record<string, unknown>): C;
  /** The default config (README tables, sweeps over an algorithm the base config lacks). */
  readonly defaults: C;
  /** Label in outputs ("gd", "specgd", "specgd-ns5"): unique per setting that changes the dynamics. */
  label(config: C): string;
  /** Optional: display label in figures and tables ("Muon (NS5)"); default `title`. */
  displayLabel?(config: C): string;
  /**
   * Optional: the config whose `label` is `id`, for ids this file makes beyond `label(defaults)` ("specgd-ns5"), or
   * null; lets a trajectory id be shown by `displayLabel` when its config is not at hand.
   */
  configOfLabel?(id: string): C | null;
  /** Optional: the cost of one step beyond the gradient (StepCost; none when absent), m×d the parameter's shape. */
  stepCost?(config: C, shape: { m: number; d: number }): StepCost;
  /** Time map: t = η̃k ("etaTilde", gradient methods) or t = ηk ("eta", normalized/spectral methods). */
  readonly timeStep: 'etaTilde' | 'eta';
  /**
   * Optional: how the finite-sample linear response (dynamics/response/, sim/spectral-init.ts) treats this rule, when
   * it can: "gradient" — W ← W − η̃∇L_n, the step linear in the empirical gradient (GD: the power-method early stage,
   * h = 4κη̃); "polar" — W ← W − η·polar(∇L_n) with the exact polar factor (SpecGD). Absent: no finite-sample
   * correction for this algorithm (the output says so by leaving it out).
   */
  readonly linearResponse?: 'gradient' | 'polar';
  /** LaTeX of the full-dimensional update rule. */
  latex(config: C): string;
  /** One-line plain description (README, derivation documents). */
  describe(config: C): string;
  /** Full-dimensional optimizer (state created here, before the step loop). */
  full(config: C, ctx: FullContext): FullStepper;
  /** null if the algorithm reduces exactly to the block manifold for this model, else the reason it does not. */
  reducible(query: ReducibilityQuery): string | null;
  /**
   * Optional: null if this particular (resolved) config has a reduced map, else why not (settings the reduced map
   * does not model, e.g. Muon's emulated bfloat16). `reduced` throws a ConfigError with this reason.
   */
  configReducible?(config: C): string | null;
  /** Optional: one line per config key (README option table, scripts/readme-tables.ts); defaults from `defaults`. */
  readonly options?: readonly AlgorithmOption[];
  /** Reduced map on the block coefficients (state created here); defined when `reducible` returns null. */
  reduced(config: C, sys: ReducedSystem): ReducedStepper;
  /** LaTeX of the reduced map a_k ← ... (derivation documents, explorer). */
  reducedLatex(config: C, symbols: readonly string[]): string;
  /** Continuous-time limit, where one exists. */
  readonly flow?: FlowDefinition;
  /**
   * true when the reduced map is exactly a ← a − η g(a) (Jacobian I − η ∂g/∂a): the linearized stability bound
   * 2/μ_max at a fixed point applies to it (dynamics/stability.ts).
   */
  readonly gradientMap: boolean;
  /** Whether runs report `sign-switch:<symbol>` events (the first reversal of each block's update direction). */
  readonly signSwitchEvents: boolean;
}
