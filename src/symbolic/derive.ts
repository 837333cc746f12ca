/**
 * `derive(spec)`: the exact reduced population dynamics of GD and SpecGD on the block coordinates (model.md §4),
 * derived from the model with the Gaussian-moment calculus over the projector algebra (`algebra.ts`).
 *
 * Everything is derived with the variances (lambda_theta, lambda_v, sigma2 or lambda_j), the bulk rank (via d) and
 * the loss scale κ (kappa) symbolic; the config's κ is then substituted exactly (κ = 1/4 in model.md), and numeric
 * presets are substitutions of the general result (fixed points, numeric growth factors, compiled closures).
 *
 * Matrix student (m = d), W = Σ_k a_k P_k:  f − y = xᵀDx, D = WᵀW − θθᵀ = WᵀW − P_s;
 *   L = κ E[(xᵀDx)²] = κ [tr(DΣ)² + 2 tr(DΣDΣ)],
 *   ∇L(W) = 2κ E[(xᵀDx) ∇_W(xᵀWᵀWx)] = 4κ W E[(xᵀDx) x xᵀ] = 4κ W [tr(DΣ)Σ + 2ΣDΣ] = Σ_k g_k P_k.
 * Vector student, w = Σ_k a_k P_k 𝟙:  D = w wᵀ − P_s;  ∇L(w) = 4κ E[(xᵀDx) x xᵀ] w = Σ_k g_k P_k 𝟙.
 * In both cases ∂L/∂a_k = r_k g_k, which the engine verifies exactly.
 */
import type { ModelSpec } from '../model/spec.js';
import { ConfigError } from '../core/errors.js';
import { ProjectorAlgebra, type Elem } from './algebra.js';
import { ex, type Expr } from './expr.js';
import { Poly, Rational } from './poly.js';
import { gradSymbol, symbolLatex } from './symbols.js';
import { collected } from './present.js';
import { computeFixedPoints, type FixedPoints } from './fixedpoints.js';
import { runChecks, type Check } from './checks.js';
import type { DerivationStep, ParamInfo, SpecgdDerivation, SymbolicDerivation, Threshold } from './derivation.js';

export type { BlockInfo, DerivationStep, ParamInfo, SpecgdDerivation, SymbolicDerivation, Threshold } from './derivation.js';

/** A derivation with, unless disabled, its fixed points and the checks that were run on it. */
export interface Derivation extends SymbolicDerivation {
  /** Filled by `derive` unless disabled: fixed points and checks (see fixedpoints.ts, checks.ts). */
  fixedPoints: FixedPoints | null;
  checks: Check[];
}

const VARIANCE_MEANING: Record<string, string> = {
  lambda_theta: 'variance along the signal θ',
  lambda_v: 'variance along the spike v ⊥ θ',
  sigma2: 'bulk variance (rank d − 2)',
};

/** Symbolic rank of a block: coef · d + offset. */
export function rankPoly(b: { rankInD: { coef: number; offset: number } }): Poly {
  return Poly.sym('d').scale(b.rankInD.coef).add(Poly.constant(b.rankInD.offset));
}

export interface DeriveCore {
  alg: ProjectorAlgebra;
  Sigma: Elem;
  D: Elem;
  steps: DerivationStep[];
  T: Poly;
  lossUnit: Poly;
  gradUnit: Poly[];
}

/**
 * Loss and block gradients per unit κ (L = κ · lossUnit, g_k = κ · gradUnit_k), from the moment calculus.
 * Depends only on the block structure (student kind, ranks, signal block), not on numeric values.
 */
export function deriveCore(student: 'matrix' | 'vector', blocks: readonly { symbol: string; varianceSymbol: string; rankInD: { coef: number; offset: number } }[], signalBlock: number): DeriveCore {
  const ranks = blocks.map(rankPoly);
  const alg = new ProjectorAlgebra(ranks);
  const lambdas = blocks.map((b) => Poly.sym(b.varianceSymbol));
  const a = blocks.map((b) => Poly.sym(b.symbol));
  const Sigma = alg.diag(lambdas);
  const thetaTheta = alg.P(signalBlock);
  const steps: DerivationStep[] = [];
  let D: Elem;
  let gradUnit: Poly[];
  const Tpoly = (x: Elem) => alg.trace(alg.mul(x, Sigma));
  if (student === 'matrix') {
    const W = alg.diag(a);
    D = alg.sub(alg.mul(alg.transpose(W), W), thetaTheta);
    const M = alg.expectQuadOuter(D, Sigma);
    const G = alg.scale(alg.mul(W, M), Poly.constant(4));
    const coefs = alg.diagCoefficients(G);
    if (!coefs) throw new Error('derive: the matrix gradient left the span of the block projectors');
    gradUnit = coefs;
    steps.push(
      {
        text: 'Student and target as quadratic forms: f − y = xᵀDx with D = WᵀW − θθᵀ, reduced in the projector algebra (P_j P_k = δ_jk P_k, θθᵀ = P_s).',
        latex: [`W = ${blocks.map((b) => `${symbolLatex(b.symbol)} P_{${symbolLatex(b.symbol)}}`).join(' + ')}`, `D = W^\\top W - P_{${symbolLatex(blocks[signalBlock].symbol)}} = ${elemLatex(D, blocks)}`],
      },
      {
        text: 'Gradient of the student: ∇_W (xᵀWᵀWx) = 2 W x xᵀ, so ∇L(W) = 2κ E[(xᵀDx) ∇_W f] = 4κ W E[(xᵀDx) x xᵀ] = 4κ W [tr(DΣ)Σ + 2ΣDΣ].',
        latex: ['\\nabla L(W) = 4\\kappa\\, W\\left[\\operatorname{tr}(D\\Sigma)\\,\\Sigma + 2\\,\\Sigma D \\Sigma\\right] = \\sum_k g_k P_k'],
      },
    );
  } else {
    const w = a;
    D = alg.sub(alg.outer(w, w), thetaTheta);
    const M = alg.expectQuadOuter(D, Sigma);
    gradUnit = alg.apply(M, w).map((p) => p.scale(4));
    steps.push(
      {
        text: 'Vector student w = Σ_k a_k P_k 𝟙 (𝟙 the all-ones vector in the eigenbasis): f − y = xᵀDx with D = w wᵀ − θθᵀ, w wᵀ = Σ a_j a_k Q_jk, Q_jk = P_j 𝟙𝟙ᵀ P_k, 𝟙ᵀP_k𝟙 = r_k.',
        latex: [`w = ${blocks.map((b) => `${symbolLatex(b.symbol)} P_{${symbolLatex(b.symbol)}} \\mathbf{1}`).join(' + ')}`, `D = w w^\\top - P_{${symbolLatex(blocks[signalBlock].symbol)}}`],
      },
      {
        text: 'Gradient: ∇_w (wᵀx)² = 2 x xᵀ w, so ∇L(w) = 4κ E[(xᵀDx) x xᵀ] w = 4κ [tr(DΣ)Σ + 2ΣDΣ] w = Σ_k g_k P_k 𝟙.',
        latex: ['\\nabla L(w) = 4\\kappa\\left[\\operatorname{tr}(D\\Sigma)\\,\\Sigma + 2\\,\\Sigma D \\Sigma\\right] w = \\sum_k g_k P_k \\mathbf{1}'],
      },
    );
  }
  const T = Tpoly(D);
  const lossUnit = alg.expectQuadQuad(D, D, Sigma);
  steps.splice(1, 0, {
    text: 'Loss by the fourth-moment identity E[(xᵀAx)(xᵀBx)] = tr(AΣ)tr(BΣ) + 2tr(AΣBΣ) with A = B = D; traces through the ranks r_k.',
    latex: ['L = \\kappa\\,\\mathbb{E}\\left[(x^\\top D x)^2\\right] = \\kappa\\left[\\operatorname{tr}(D\\Sigma)^2 + 2\\operatorname{tr}(D\\Sigma D\\Sigma)\\right]', `T = \\operatorname{tr}(D\\Sigma) = ${collected(T, blocks.map((b) => b.symbol)).latex}`],
  });
  return { alg, Sigma, D, steps, T, lossUnit, gradUnit };
}

function elemLatex(x: Elem, blocks: readonly { symbol: string }[]): string {
  const parts: string[] = [];
  for (const t of x.terms.values()) {
    const b = t.basis.kind === 'P' ? `P_{${symbolLatex(blocks[t.basis.k].symbol)}}` : `Q_{${symbolLatex(blocks[t.basis.j].symbol)}${symbolLatex(blocks[t.basis.k].symbol)}}`;
    const c = t.coef.size > 1 ? `\\left(${t.coef.toLatex()}\\right)` : t.coef.toLatex();
    parts.push(c === '1' ? b : c === '-1' ? `-${b}` : `${c}\\, ${b}`);
  }
  return parts.join(' + ').replace(/\+ -/g, '- ') || '0';
}

/** The SpecGD step derived from the block structure: the polar factor of the gradient in block coordinates. */
export function deriveSpecgd(student: 'matrix' | 'vector', alg: ProjectorAlgebra, blocks: readonly { symbol: string }[]): SpecgdDerivation {
  const n = blocks.length;
  const gs = blocks.map((b) => Poly.sym(gradSymbol(b.symbol)));
  const gl = blocks.map((b) => symbolLatex(gradSymbol(b.symbol)));
  const steps: DerivationStep[] = [];
  const direction: Expr[] = [];
  if (student === 'matrix') {
    const G = alg.diag(gs);
    const GtG = alg.mul(alg.transpose(G), G);
    const sq = alg.diagCoefficients(GtG);
    if (!sq || sq.some((c, k) => !c.equals(gs[k].pow(2)))) throw new Error('derive: GᵀG is not Σ g_k² P_k; the polar factor does not reduce blockwise');
    // (Σ s_k P_k)² = Σ s_k² P_k: the square root acts blockwise (s_k = |g_k| ≥ 0).
    const s = blocks.map((b) => Poly.sym(`s_${b.symbol.replace('_', '')}`));
    const S2 = alg.diagCoefficients(alg.mul(alg.diag(s), alg.diag(s)));
    if (!S2 || S2.some((c, k) => !c.equals(s[k].pow(2)))) throw new Error('derive: blockwise square root failed');
    // G · (Σ t_k P_k) = Σ g_k t_k P_k with t_k = |g_k|⁺ (pseudo-inverse: 1/|g_k| if g_k ≠ 0, else 0).
    const t = blocks.map((b) => Poly.sym(`t_${b.symbol.replace('_', '')}`));
    const GT = alg.diagCoefficients(alg.mul(G, alg.diag(t)));
    if (!GT || GT.some((c, k) => !c.equals(gs[k].mul(t[k])))) throw new Error('derive: blockwise pseudo-inverse failed');
    // U = Σ u_k P_k with u_k = sgn(g_k) ∈ {−1, 0, 1}: UᵀU U = Σ u_k³ P_k = U (partial isometry), U |G| = Σ u_k|g_k| P_k = G.
    const u = blocks.map((b) => Poly.sym(`u_${b.symbol.replace('_', '')}`));
    const UUU = alg.diagCoefficients(alg.mul(alg.mul(alg.transpose(alg.diag(u)), alg.diag(u)), alg.diag(u)));
    if (!UUU || UUU.some((c, k) => !c.equals(u[k].pow(3)))) throw new Error('derive: partial isometry check failed');
    const sum = (f: (k: number) => string) => Array.from({ length: n }, (_, k) => f(k)).join(' + ');
    const P = (k: number) => `P_{${symbolLatex(blocks[k].symbol)}}`;
    steps.push(
      { text: 'The gradient lies in the commutative algebra of the block projectors.', latex: [`G = \\nabla L = ${sum((k) => `${gl[k]} ${P(k)}`)}`] },
      { text: 'Products of orthogonal projectors collapse (P_j P_k = δ_jk P_k), so GᵀG is block-diagonal with the squares of the block gradients.', latex: [`G^\\top G = ${sum((k) => `${gl[k]}^{2} ${P(k)}`)}`] },
      { text: 'Its square root acts blockwise, since (Σ_k s_k P_k)² = Σ_k s_k² P_k: take s_k = |g_k|.', latex: [`(G^\\top G)^{1/2} = ${sum((k) => `\\left|${gl[k]}\\right| ${P(k)}`)}`] },
      { text: 'The pseudo-inverse inverts the nonzero blocks, and G times it multiplies blockwise: g_k |g_k|⁺ = sgn(g_k), with sgn(0) = 0.', latex: [`\\operatorname{polar}(G) = G\\,\\left((G^\\top G)^{1/2}\\right)^{+} = ${sum((k) => `\\operatorname{sgn}(${gl[k]})\\, ${P(k)}`)}`] },
      { text: 'Check: U = Σ_k sgn(g_k) P_k is a partial isometry (UUᵀU = Σ u_k³ P_k = U) with U|G| = G, which characterizes the polar factor on the range of G.', latex: ['U U^\\top U = U, \\qquad U\\,(G^\\top G)^{1/2} = G'] },
      { text: 'SpecGD W ← W − η polar(∇L) is therefore an exact sign update of the block coefficients.', latex: [`W - \\eta\\,\\operatorname{polar}(\\nabla L) = ${sum((k) => `\\left(${symbolLatex(blocks[k].symbol)} - \\eta\\,\\operatorname{sgn}(${gl[k]})\\right) ${P(k)}`)}`] },
    );
    for (let k = 0; k < n; k++) direction.push(ex.sgn(ex.sym(gradSymbol(blocks[k].symbol))));
  } else {
    const norm2 = alg.dot(gs, gs);
    steps.push(
      { text: 'The gradient of the vector student is a vector in the span of the P_k 𝟙.', latex: [`g = \\nabla L = ${gl.map((g, k) => `${g} P_{${symbolLatex(blocks[k].symbol)}}\\mathbf{1}`).join(' + ')}`] },
      { text: 'gᵀg reduces with (P_j𝟙)ᵀ(P_k𝟙) = δ_jk r_k.', latex: [`g^\\top g = ${collected(norm2, gs.map((g) => g.variables()[0])).latex}`] },
      { text: 'For a d×1 matrix the polar factor is g (gᵀg)^{−1/2}: SpecGD is normalized GD.', latex: [`\\operatorname{polar}(g) = \\frac{g}{\\sqrt{g^\\top g}}`] },
    );
    for (let k = 0; k < n; k++) direction.push(ex.div(ex.sym(gradSymbol(blocks[k].symbol)), ex.sqrt(ex.poly(norm2))));
  }
  const map = blocks.map((b, k) => ex.sub(ex.sym(b.symbol), ex.mul(ex.sym('eta'), direction[k])));
  const flow = direction.map((dir) => ex.neg(dir));
  return { rule: student === 'matrix' ? 'sign' : 'normalized', steps, direction, map, flow };
}

/** Replace the gradient symbols g_k in an expression by the derived polynomials. */
export function substituteGradients(e: Expr, gradSyms: readonly string[], gradients: readonly Poly[]): Expr {
  const values = new Map(gradSyms.map((s, k) => [s, gradients[k]]));
  const rec = (x: Expr): Expr => {
    switch (x.k) {
      case 'poly':
        return { k: 'poly', p: x.p.subs(values) };
      case 'sum':
        return { k: 'sum', terms: x.terms.map((t) => ({ sign: t.sign, e: rec(t.e) })) };
      case 'prod':
        return { k: 'prod', fs: x.fs.map(rec) };
      case 'div':
        return { k: 'div', num: rec(x.num), den: rec(x.den) };
      case 'call':
        return { k: 'call', fn: x.fn, arg: rec(x.arg) };
    }
  };
  return rec(e);
}

/** Params of a spec: variance symbols, d (if a rank uses it) and κ, with exact values. */
export function paramsOf(spec: ModelSpec): ParamInfo[] {
  const out: ParamInfo[] = [];
  for (const b of spec.blocks) {
    out.push({ name: b.varianceSymbol, latex: symbolLatex(b.varianceSymbol), meaning: VARIANCE_MEANING[b.varianceSymbol] ?? `variance of ${b.name}`, value: Rational.fromNumber(b.variance) });
  }
  if (spec.blocks.some((b) => b.rankInD.coef !== 0)) out.push({ name: 'd', latex: 'd', meaning: 'dimension', value: Rational.of(spec.d) });
  out.push({ name: 'kappa', latex: '\\kappa', meaning: 'loss scale, L = κ E[(f − y)²]', value: Rational.fromNumber(spec.lossScale) });
  return out;
}

/** Reduce a positive-symbol polynomial factor: returns [content-and-monomial-free part R] with sgn(p) = sgn(R) when all symbols are positive. */
function stripPositive(p: Poly, positive: ReadonlySet<string>): Poly {
  let r = p;
  // Divide out common positive symbols.
  for (const v of r.variables()) {
    if (!positive.has(v)) continue;
    for (;;) {
      const q = r.divideByPower(v);
      if (!q) break;
      r = q;
    }
  }
  // Divide out the positive rational content: make the coefficients coprime integers with gcd 1 (sign kept).
  return r.scale(r.content().inv());
}

export interface DeriveOptions {
  /** Run the checks (Monte Carlo moments, full-matrix gradient, finite differences). Default true. */
  checks?: boolean;
  /** Compute fixed points for the numeric model. Default true. */
  fixedPoints?: boolean;
  /** Seed of the checks' random points and Monte Carlo samples. Default 1. */
  seed?: number;
}

/**
 * Write each block gradient through T = tr(DΣ): g_k = a_k (c_k T + R_k) with R_k depending on a_k alone.
 * Found, not assumed: h_k = g_k / a_k (exact division), then for another block j the coefficient of a_j² in h_k
 * divided by the coefficient of a_j² in T (exact polynomial division in the parameters) gives c_k, and
 * R_k = h_k − c_k T must be free of every a_j, j ≠ k; the recombination a_k (c_k T + R_k) = g_k is checked
 * exactly. Returns null if any step fails (the gradients then have no such form).
 */
export function gradientsInT(gradients: readonly Poly[], T: Poly, stateVars: readonly string[]): { coefficient: Poly; remainder: Poly }[] | null {
  const zero = Object.fromEntries(stateVars.map((v) => [v, Rational.ZERO]));
  /** Coefficient of x² in a polynomial of degree ≤ 2 in the state variables: ½ ∂²p/∂x² at a = 0. */
  const squareCoefficient = (p: Poly, x: string): Poly => p.diff(x).diff(x).subs(zero).scale(Rational.of(1n, 2n));
  const out: { coefficient: Poly; remainder: Poly }[] = [];
  for (let k = 0; k < gradients.length; k++) {
    const a = Poly.sym(stateVars[k]);
    const h = gradients[k].divide(a);
    if (!h) return null;
    const j = k === 0 ? 1 : 0;
    const cT = squareCoefficient(T, stateVars[j]);
    if (cT.isZero()) return null;
    const coefficient = squareCoefficient(h, stateVars[j]).divide(cT);
    if (!coefficient) return null;
    const remainder = h.sub(coefficient.mul(T));
    if (remainder.variables().some((v) => stateVars.includes(v) && v !== stateVars[k])) return null;
    if (!a.mul(coefficient.mul(T).add(remainder)).equals(gradients[k])) return null;
    out.push({ coefficient, remainder });
  }
  return out;
}

/** Everything except checks and fixed points. */
export function deriveSymbolic(spec: ModelSpec): Derivation {
  const student = spec.student.kind === 'vector' ? 'vector' : 'matrix';
  const core = deriveCore(student, spec.blocks, spec.signalBlock);
  const n = spec.blocks.length;
  const stateVars = spec.blocks.map((b) => b.symbol);
  const gradSyms = stateVars.map(gradSymbol);
  const params = paramsOf(spec);
  const kappa = Rational.fromNumber(spec.lossScale);
  const kappaSym = Poly.sym('kappa');
  const general = { T: core.T, loss: core.lossUnit.mul(kappaSym), gradients: core.gradUnit.map((g) => g.mul(kappaSym)) };
  const loss = core.lossUnit.scale(kappa);
  const gradients = core.gradUnit.map((g) => g.scale(kappa));
  const lossPartials = stateVars.map((v) => loss.diff(v));
  for (let k = 0; k < n; k++) {
    if (!lossPartials[k].equals(gradients[k].mul(core.alg.ranks[k]))) {
      throw new Error(`derive: ∂L/∂${stateVars[k]} ≠ r_k g_k — the block gradient is not the reduced gradient`);
    }
  }
  const gradJacobian = gradients.map((g) => stateVars.map((v) => g.diff(v)));
  const gradientsT = gradientsInT(gradients, core.T, stateVars);
  const etaTilde = Poly.sym('eta_tilde');
  const gdMap = gradients.map((g, k) => Poly.sym(stateVars[k]).sub(etaTilde.mul(g)));
  const jacobianGd = gdMap.map((m) => stateVars.map((v) => m.diff(v)));
  const gradientFlow = gradients.map((g) => g.neg());
  const specgd = deriveSpecgd(student, core.alg, spec.blocks);

  // Linearization at a = 0.
  const zero = Object.fromEntries(stateVars.map((v) => [v, Rational.ZERO]));
  const J0 = gradJacobian.map((row) => row.map((p) => p.subs(zero)));
  const diagonalAtZero = J0.every((row, i) => row.every((p, j) => i === j || p.isZero()));
  const growthFactors = J0.map((row, k) => Poly.ONE.sub(etaTilde.mul(row[k])));
  const numericValues = Object.fromEntries(params.map((p) => [p.name, p.value]));
  const growthFactorsNumeric = growthFactors.map((g) => g.subs(numericValues));
  const positive = new Set(['eta_tilde', 'eta', 'kappa', ...spec.blocks.map((b) => b.varianceSymbol)]);
  const thresholds: Threshold[] = [];
  const s = spec.signalBlock;
  for (let k = 0; k < n; k++) {
    if (k === s) continue;
    const difference = growthFactors[k].sub(growthFactors[s]);
    const reduced = stripPositive(difference, positive);
    const v = spec.blocks[k].varianceSymbol;
    let variable: string | null = null;
    let bound: Poly | null = null;
    if (reduced.degreeIn(v) === 1) {
      const coll = reduced.collect([v]);
      const lead = coll.get(v)?.coef;
      const rest = coll.get('')?.coef ?? Poly.ZERO;
      const c = lead?.asConstant();
      if (c && c.sign() > 0) {
        variable = v;
        bound = rest.neg().scale(c.inv());
      }
    }
    thresholds.push({ block: k, difference, reduced, variable, bound, holds: reduced.evaluate(Object.fromEntries(params.map((p) => [p.name, p.value.toNumber()]))) > 0 });
  }

  return {
    model: { covarianceKind: spec.covarianceKind, student, d: spec.d, signalBlock: spec.signalBlock, lossScale: spec.lossScale },
    blocks: spec.blocks.map((b, k) => ({ name: b.name, symbol: b.symbol, gradSymbol: gradSyms[k], role: b.role, varianceSymbol: b.varianceSymbol, variance: b.variance, rank: core.alg.ranks[k], rankNumeric: b.rank })),
    stateVars,
    gradSymbols: gradSyms,
    params,
    kappa,
    steps: core.steps,
    general,
    T: core.T,
    loss,
    lossPartials,
    gradients,
    gradientsT,
    gradJacobian,
    gdMap,
    jacobianGd,
    gradientFlow,
    specgd,
    linearization: { diagonalAtZero, growthFactors, growthFactorsNumeric, thresholds },
    fixedPoints: null,
    checks: [],
  };
}

/**
 * Derive the reduced dynamics of `spec` (see the file comment), then, unless disabled, its fixed points for the
 * numeric model and the checks (Monte Carlo moments, full-dimensional gradient, finite differences of the loss).
 */
export function derive(spec: ModelSpec, opts: DeriveOptions = {}): Derivation {
  if (spec.coordinates) {
    // θ over several eigen-directions: the commuting-block derivation does not apply (issue 13); never derive it silently.
    throw new ConfigError('model.covariance', spec.covarianceKind, `a signal on one eigen-direction for this derivation (θ touches ${spec.coordinates.K}; its matrix-block derivation is \`deriveMatrixBlock\` in symbolic/matrix-block-derive.ts, document: derivations/matrix-block.md)`);
  }
  const d = deriveSymbolic(spec);
  if (opts.fixedPoints ?? true) d.fixedPoints = computeFixedPoints(d);
  if (opts.checks ?? true) d.checks = runChecks(d, opts.seed ?? 1);
  return d;
}
