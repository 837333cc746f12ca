/**
 * Renderings of a `Derivation` (symbolic/derive.ts): Markdown with LaTeX (`$…$`, `$$…$$`), a standalone TeX
 * document, and JSON holding, for the loss, each block gradient, the maps, the flows, the Jacobian and the growth
 * factors, `latex` and a plain `infix` string (mathjs and sympy parse it; symbol names as in symbolic/symbols.ts),
 * plus the fixed points and the checks with their measured errors. Documents are deterministic: no timestamps,
 * timings or git commit inside, so the committed derivations/ can be compared byte for byte.
 *
 * The spiked matrix student also gets the closed form of the misalignment peak (symbolic/misalignment.ts, from the
 * dynamics helper) evaluated at the model's λ_θ, λ_v, α and κ.
 */
import { toolVersion } from '../core/provenance.js';
import type { Derivation } from '../symbolic/derive.js';
import { substituteGradients } from '../symbolic/derive.js';
import { exprInfix, exprLatex, type Expr } from '../symbolic/expr.js';
import type { FixedPoint } from '../symbolic/fixedpoints.js';
import { misalignmentPeakClosedForm, type MisalignmentPeak } from '../symbolic/misalignment.js';
import { Poly, Rational } from '../symbolic/poly.js';
import { symbolLatex } from '../symbolic/symbols.js';
import { collected } from '../symbolic/present.js';
import { momentExpansions, momentSteps } from '../symbolic/moments8.js';
import { wickTermsLatex } from '../symbolic/wick.js';

export type DerivationFormat = 'md' | 'json' | 'tex';

export interface ExprOut {
  latex: string;
  infix: string;
}

const polyOut = (p: Poly, primary: readonly string[] = []): ExprOut => (primary.length ? collected(p, primary) : { latex: p.toLatex(), infix: p.toInfix() });
const exprOut = (e: Expr, primary: readonly string[] = []): ExprOut => ({ latex: exprLatex(e, primary), infix: exprInfix(e, primary) });
const ratOut = (r: Rational): ExprOut => ({ latex: r.toLatex(), infix: r.toString() });

/** Title of the model, e.g. "spiked covariance, matrix student (m = d)". */
export function derivationTitle(der: Derivation): string {
  const cov = der.model.covarianceKind === 'spiked' ? 'spiked covariance' : der.model.covarianceKind === 'powerlaw' ? 'power-law covariance' : 'diagonal covariance';
  return `${cov}, ${der.model.student === 'matrix' ? 'matrix student (m = d)' : 'vector student (m = 1)'}`;
}

export interface MisalignmentSection {
  params: { lambdaTheta: number; lambdaV: number; alpha: number; lossScale: number };
  peak: MisalignmentPeak;
}

/** The misalignment-peak section applies to the spiked matrix student with W₀ = αI. */
export function misalignmentSection(der: Derivation, alpha: number | null): MisalignmentSection | null {
  if (der.model.covarianceKind !== 'spiked' || der.model.student !== 'matrix' || alpha === null) return null;
  const value = (sym: string) => der.params.find((p) => p.name === sym)!.value.toNumber();
  const params = { lambdaTheta: value('lambda_theta'), lambdaV: value('lambda_v'), alpha, lossScale: der.model.lossScale };
  return { params, peak: misalignmentPeakClosedForm(params) };
}

function fixedPointOut(der: Derivation, p: FixedPoint) {
  return {
    support: p.support.map((k) => der.stateVars[k]),
    squares: p.squares.map(ratOut),
    a: p.a.map((x, k) =>
      x.exact
        ? { ...ratOut(x.exact), value: x.value }
        : { latex: `\\sqrt{${p.squares[k].toLatex()}}`, infix: `sqrt(${p.squares[k].toString()})`, value: x.value },
    ),
    loss: { ...ratOut(p.loss), value: p.loss.toNumber() },
    kind: p.kind,
    hessianEigenvalues: p.hessianEigenvalues,
  };
}

/**
 * LaTeX and infix of the T-form g_k = a_k (c_k T + R_k) found by the engine (`Derivation.gradientsT`). R_k is shown
 * as ρ (a_k² + t) when it is ρ a_k² plus a constant multiple t·ρ (e.g. 2λ_θ²(a² − 1)), else collected in a_k.
 */
export function gradientTForm(der: Derivation, k: number): ExprOut | null {
  const form = der.gradientsT?.[k];
  if (!form) return null;
  const v = der.stateVars[k];
  const a = Poly.sym(v);
  const rho = form.remainder.diff(v).diff(v).scale(Rational.of(1n, 2n));
  const shift = rho.isZero() ? null : form.remainder.sub(rho.mul(a.mul(a))).divide(rho)?.asConstant() ?? null;
  const wrap = (latex: string) => (/^[\\\w{}^ ]+$/.test(latex) ? latex : `\\left(${latex}\\right)`);
  const coefLatex = form.coefficient.equals(Poly.ONE) ? '' : `${wrap(form.coefficient.toLatex())}\\,`;
  const coefInfix = form.coefficient.equals(Poly.ONE) ? '' : `(${form.coefficient.toInfix()})*`;
  let remLatex: string;
  let remInfix: string;
  if (shift !== null && !shift.isZero()) {
    const sq = a.mul(a).add(Poly.constant(shift));
    remLatex = `${wrap(rho.toLatex())}\\left(${sq.toLatex()}\\right)`;
    remInfix = `(${rho.toInfix()})*(${sq.toInfix()})`;
  } else {
    remLatex = collected(form.remainder, [v]).latex;
    remInfix = `(${form.remainder.toInfix()})`;
  }
  const sign = remLatex.startsWith('-') ? ' ' : ' + ';
  return {
    latex: `${symbolLatex(v)}\\left(${coefLatex}T${form.remainder.isZero() ? '' : `${sign}${remLatex}`}\\right)`,
    infix: `${v}*(${coefInfix}T${form.remainder.isZero() ? '' : ` + ${remInfix}`})`,
  };
}

/** The JSON document (a plain object; `JSON.stringify` it). */
export function derivationJson(der: Derivation, opts: { alpha?: number | null } = {}) {
  const g = der.gradients;
  const full = (e: Expr) => substituteGradients(e, der.gradSymbols, g);
  const mis = misalignmentSection(der, opts.alpha ?? null);
  const sv = der.stateVars;
  const P = (p: Poly) => polyOut(p, sv);
  return {
    tool: { name: 'specgd', version: toolVersion() },
    model: { ...der.model, title: derivationTitle(der) },
    symbols: [
      ...der.blocks.map((b) => ({ name: b.symbol, latex: symbolLatex(b.symbol), meaning: `coefficient of the ${b.name} block` })),
      ...der.blocks.map((b) => ({ name: b.gradSymbol, latex: symbolLatex(b.gradSymbol), meaning: `block gradient of ${b.symbol}` })),
      ...der.params.map((p) => ({ name: p.name, latex: p.latex, meaning: p.meaning, value: ratOut(p.value) })),
      { name: 'eta_tilde', latex: '\\tilde\\eta', meaning: 'GD step size' },
      { name: 'eta', latex: '\\eta', meaning: 'SpecGD step size' },
    ],
    blocks: der.blocks.map((b) => ({ name: b.name, symbol: b.symbol, gradSymbol: b.gradSymbol, role: b.role, varianceSymbol: b.varianceSymbol, variance: b.variance, rank: polyOut(b.rank), rankValue: b.rankNumeric })),
    steps: der.steps,
    T: P(der.T),
    general: { loss: P(der.general.loss), gradients: der.general.gradients.map(P) },
    loss: P(der.loss),
    gradients: g.map(P),
    /** g_k = a_k (c_k T + R_k) with T as in `T` (infix uses the symbol T); null when no such form exists. */
    gradientsInT: der.gradientsT ? der.stateVars.map((_, k) => gradientTForm(der, k)) : null,
    gdMap: der.gdMap.map(P),
    specgdRule: der.specgd.rule,
    specgdSteps: der.specgd.steps,
    specgdMap: der.specgd.map.map((e) => ({ ...exprOut(full(e), sv), short: exprOut(e, [...sv, ...der.gradSymbols]) })),
    gradientFlow: der.gradientFlow.map(P),
    signFlow: der.specgd.flow.map((e) => ({ ...exprOut(full(e), sv), short: exprOut(e, [...sv, ...der.gradSymbols]) })),
    jacobianGd: der.jacobianGd.map((row) => row.map(P)),
    growthFactors: der.linearization.growthFactors.map((x) => polyOut(x, ['eta_tilde'])),
    growthFactorsNumeric: der.linearization.growthFactorsNumeric.map((x) => polyOut(x, ['eta_tilde'])),
    jacobianDiagonalAtZero: der.linearization.diagonalAtZero,
    thresholds: der.linearization.thresholds.map((t) => ({
      block: der.stateVars[t.block],
      difference: polyOut(t.difference, ['eta_tilde']),
      reduced: t.variable ? polyOut(t.reduced, [t.variable]) : polyOut(t.reduced),
      inequality: t.variable && t.bound ? { latex: `${symbolLatex(t.variable)} > ${t.bound.toLatex()}`, infix: `${t.variable} > ${t.bound.toInfix()}` } : null,
      holds: t.holds,
    })),
    fixedPoints: der.fixedPoints
      ? { status: der.fixedPoints.status, message: der.fixedPoints.message, enumeration: der.fixedPoints.enumeration, factors: der.fixedPoints.factors.map(P), points: der.fixedPoints.points.map((p) => fixedPointOut(der, p)) }
      : null,
    misalignmentPeak: mis ? { params: mis.params, t: mis.peak.t, value: mis.peak.value, logValue: mis.peak.logValue, qStar: mis.peak.qStar, interior: mis.peak.interior, latex: mis.peak.latex } : null,
    /** The Wick expansions of the order-8 moments (symbolic/moments8.ts), their matching counts and LaTeX. */
    gaussianMoments: momentExpansions().map((x) => ({ id: x.id, matchings: x.matchings, latex: `${x.lhs} = ${wickTermsLatex(x.terms, x.names)}` })),
    checks: der.checks,
  };
}

/** r in a growth factor 1 + η̃ r with numeric r (NaN if not of that form). */
function rateOf(g: Poly): number {
  const r = g.sub(Poly.ONE).divideByPower('eta_tilde');
  return r?.asConstant()?.toNumber() ?? Number.NaN;
}

function fmt(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e5 ? String(Number(x.toPrecision(6))) : x.toExponential(2);
}

/**
 * The derivation document as an ordered list of blocks — headings, paragraphs, displayed equations, tables — shared
 * by the Markdown and TeX renderings here and by the HTML/Markdown reports (`derivationBlocks`, stored in the results
 * bundle), so the document is written once.
 */
export type DerivationBlock = { kind: 'h'; text: string } | { kind: 'p'; text: string } | { kind: 'math'; latex: string } | { kind: 'table'; head: string[]; rows: string[][] };

export function derivationBlocks(der: Derivation, opts: { alpha?: number | null } = {}): DerivationBlock[] {
  const out: DerivationBlock[] = [];
  const n = der.stateVars.length;
  const L = (s: string) => symbolLatex(s);
  const h = (text: string) => out.push({ kind: 'h', text });
  const p = (text: string) => out.push({ kind: 'p', text });
  const m = (latex: string) => out.push({ kind: 'math', latex });
  const gl = der.gradSymbols.map(L);
  const sv = der.stateVars;
  const C = (q: Poly, primary: readonly string[] = sv) => collected(q, primary).latex;

  h('Model');
  p(`Blocks of Σ = Σ_k λ_k P_k (model.md §4); the signal θθᵀ = P_s is block ${der.stateVars[der.model.signalBlock]}. Coordinates: ${der.model.student === 'matrix' ? 'W = Σ_k a_k P_k' : 'w = Σ_k a_k P_k 𝟙 (𝟙 the all-ones vector in the eigenbasis)'}. Variances, the bulk rank (through d) and the loss scale κ are symbols; this model's values are substitutions.`);
  out.push({
    kind: 'table',
    head: ['block', 'coefficient', 'variance', 'value', 'rank', `rank (d = ${der.model.d})`],
    rows: der.blocks.map((b) => [b.name, `$${L(b.symbol)}$`, `$${L(b.varianceSymbol)}$`, fmt(b.variance), `$${b.rank.toLatex()}$`, String(b.rankNumeric)]),
  });
  out.push({ kind: 'table', head: ['symbol', 'meaning', 'value'], rows: der.params.map((q) => [`$${q.latex}$`, q.meaning, `$${q.value.den > 1_000_000n ? `${fmt(q.value.toNumber())}` : q.value.toLatex()}$`]) });

  h('Moment calculus');
  for (const s of der.steps) {
    p(s.text);
    for (const l of s.latex) m(l);
  }

  h('Reduced loss');
  p('General form (κ symbolic):');
  m(`L = ${C(der.general.loss)}`);
  p(`With this model's loss scale κ = ${der.kappa.toString()}:`);
  m(`L = ${C(der.loss)}`);

  h('Block gradients');
  p(`g_k = (1/r_k) ∂L/∂a_k, the block coefficient of the full gradient (∇L = Σ_k g_k P_k${der.model.student === 'vector' ? '𝟙' : ''}); the identity ∂L/∂a_k = r_k g_k is verified exactly.`);
  der.gradients.forEach((g, k) => m(`${gl[k]} = ${C(g)}`));
  if (der.gradientsT) {
    p('Through T = tr(DΣ): each block gradient is a_k(c_k T + R_k) with R_k a function of a_k alone — found by exact division and verified by recombination in the engine:');
    der.stateVars.forEach((_, k) => m(`${gl[k]} = ${gradientTForm(der, k)!.latex}`));
  }

  h('GD map and gradient flow');
  der.gdMap.forEach((g, k) => m(`${L(der.stateVars[k])} \\leftarrow ${C(g)}`));
  der.gradientFlow.forEach((g, k) => m(`\\dot ${L(der.stateVars[k])} = ${C(g)}`));

  h(`SpecGD map (${der.specgd.rule === 'sign' ? 'exact sign update' : 'normalized GD'})`);
  for (const s of der.specgd.steps) {
    p(s.text);
    for (const l of s.latex) m(l);
  }
  der.specgd.map.forEach((e, k) => m(`${L(der.stateVars[k])} \\leftarrow ${exprLatex(e, [...sv, ...der.gradSymbols])}`));
  p(der.specgd.rule === 'sign' ? 'Sign flow (continuous-time limit, t = ηk; discontinuous right-hand side, so the discrete map is the reference):' : 'Normalized gradient flow (t = ηk):');
  der.specgd.flow.forEach((e, k) => m(`\\dot ${L(der.stateVars[k])} = ${exprLatex(e, [...sv, ...der.gradSymbols])}`));

  h('Jacobian of the GD map');
  if (n <= 10) {
    p('J_ij = δ_ij − η̃ ∂g_i/∂a_j:');
    der.jacobianGd.forEach((row, i) => row.forEach((e, j) => m(`J_{${L(der.stateVars[i])},${L(der.stateVars[j])}} = ${C(e)}`)));
  } else p(`J_ij = δ_ij − η̃ ∂g_i/∂a_j for the ${n}×${n} entries: see the JSON document (jacobianGd).`);

  h('Linearization at a = 0');
  p(`∂g_i/∂a_j vanishes at a = 0 for i ≠ j: ${der.linearization.diagonalAtZero ? 'yes' : 'no'} (derived). Per-block growth factors per GD step, 1 − η̃ ∂g_k/∂a_k(0):`);
  der.linearization.growthFactors.forEach((g, k) => m(`${L(der.stateVars[k])}:\\quad ${C(g, ['eta_tilde'])}${der.linearization.growthFactorsNumeric[k].equals(g) ? '' : ` \\;=\\; ${C(der.linearization.growthFactorsNumeric[k], ['eta_tilde'])}`}`));
  p('A block outgrows the signal in the early stage iff its growth factor is larger. Dividing the difference by its positive factors (η̃, κ, variances and the numeric content):');
  for (const t of der.linearization.thresholds) {
    const s = der.model.signalBlock;
    const ineq = t.variable && t.bound ? ` \\iff ${L(t.variable)} > ${t.bound.toLatex()}` : '';
    m(`\\text{${der.blocks[t.block].name} outgrows signal} \\iff ${t.variable ? C(t.reduced, [t.variable]) : t.reduced.toLatex()} > 0${ineq}`);
    p(`In this model: ${t.holds ? 'yes' : 'no'} — early growth rate per unit η̃ of the ${der.blocks[t.block].name} block ${fmt(rateOf(der.linearization.growthFactorsNumeric[t.block]))} vs ${fmt(rateOf(der.linearization.growthFactorsNumeric[s]))} for the signal.`);
  }

  h('Fixed points (this model)');
  const fp = der.fixedPoints;
  if (!fp) p('Not computed.');
  else if (fp.status !== 'ok') p(`Not reduced to linear systems: ${fp.message}.`);
  else {
    p(`${fp.message}. Each block gradient factors as g_k = a_k h_k(a²):`);
    fp.factors.forEach((f, k) => m(`h_{${L(der.stateVars[k])}} = ${C(f)}`));
    p('Fixed points up to the signs of the coefficients (a_k ≥ 0 shown), exact squares; classified by the eigenvalues of the loss Hessian ∂²L/∂a_i∂a_j = r_i ∂g_i/∂a_j:');
    out.push({
      kind: 'table',
      head: ['support', ...der.stateVars.map((v) => `$${L(v)}^2$`), 'loss', 'type'],
      rows: fp.points.map((q) => [q.support.length ? q.support.map((k) => `$${L(der.stateVars[k])}$`).join(', ') : '∅', ...q.squares.map((u) => `$${u.toLatex()}$`), `$${q.loss.toLatex()}$`, q.kind]),
    });
  }

  const mis = misalignmentSection(der, opts.alpha ?? null);
  if (mis) {
    h('Misalignment peak under gradient flow (two-block limit)');
    p('Closed form from symbolic/misalignment.ts (early-stage limit with the bulk dropped and a² ≪ 1; see that module for its derivation and validity):');
    for (const l of mis.peak.latex) m(l);
    p(
      mis.peak.interior
        ? `At λ_θ = ${fmt(mis.params.lambdaTheta)}, λ_v = ${fmt(mis.params.lambdaV)}, α = ${fmt(mis.params.alpha)}, κ = ${fmt(mis.params.lossScale)}: peak of b/a = ${fmt(mis.peak.value)} at t* = ${fmt(mis.peak.t)} (q* = ${fmt(mis.peak.qStar)}).`
        : `At λ_θ = ${fmt(mis.params.lambdaTheta)}, λ_v = ${fmt(mis.params.lambdaV)}, α = ${fmt(mis.params.alpha)}: no interior peak (b/a ≤ 1).`,
    );
  }

  // Gaussian moments to order 8 for the finite-sample / online theory (issue 11; symbolic/moments8.ts).
  h('Gaussian moments to order 8 (finite-sample and online theory)');
  for (const s of momentSteps()) {
    p(s.text);
    for (const l of s.latex) m(l);
  }

  h('Checks');
  out.push({
    kind: 'table',
    head: ['check', 'method', 'error', 'tolerance', 'passed'],
    rows: der.checks.map((c) => [c.title, `${c.method}; ${c.samples ? `${c.samples} ${c.id.startsWith('moment') ? 'samples' : 'points'}; ` : ''}tolerance: ${c.toleranceRule}`, fmt(c.error), fmt(c.tolerance), c.passed ? 'yes' : '**NO**']),
  });
  return out;
}

function mdEscapeCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

export function derivationMarkdown(der: Derivation, opts: { alpha?: number | null; name?: string } = {}): string {
  const lines: string[] = [];
  lines.push(`# Derivation: ${derivationTitle(der)}${opts.name ? ` (preset \`${opts.name}\`)` : ''}`, '');
  lines.push(`Generated by \`specgd derive\` (specgd ${toolVersion()}) from the model; every formula below is produced by the symbolic engine (exact rational polynomials), none is typed in. Symbols in the JSON/infix form: ${[...der.stateVars.slice(0, 3), ...der.params.map((q) => q.name), 'eta_tilde', 'eta'].join(', ')}.`, '');
  let sec = 0;
  for (const b of derivationBlocks(der, opts)) {
    if (b.kind === 'h') lines.push(`## ${++sec}. ${b.text}`, '');
    else if (b.kind === 'p') lines.push(b.text, '');
    else if (b.kind === 'math') lines.push('$$', b.latex, '$$', '');
    else {
      lines.push(`| ${b.head.map(mdEscapeCell).join(' | ')} |`, `|${b.head.map(() => '---').join('|')}|`);
      for (const r of b.rows) lines.push(`| ${r.map(mdEscapeCell).join(' | ')} |`);
      lines.push('');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Escape text for LaTeX outside math ($…$ segments are passed through). */
function texText(s: string): string {
  return s
    .split(/(\$[^$]*\$)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\\/g, '\\textbackslash{}').replace(/([&%#_{}])/g, '\\$1').replace(/\*\*(.*?)\*\*/g, '\\textbf{$1}').replace(/\^/g, '\\^{}').replace(/~/g, '\\~{}')))
    .join('');
}

export function derivationTex(der: Derivation, opts: { alpha?: number | null; name?: string } = {}): string {
  const lines: string[] = [];
  lines.push(
    '% Generated by specgd derive. Compile with LuaLaTeX or XeLaTeX (the text uses Unicode symbols).',
    '\\documentclass[10pt]{article}',
    '\\usepackage{amsmath,amssymb}',
    '\\usepackage{fontspec}',
    '\\usepackage[margin=2cm]{geometry}',
    '\\usepackage{longtable}',
    '\\allowdisplaybreaks',
    `\\title{Derivation: ${texText(derivationTitle(der))}${opts.name ? ` (preset ${texText(opts.name)})` : ''}}`,
    `\\author{specgd ${toolVersion()}}`,
    '\\date{}',
    '\\begin{document}',
    '\\maketitle',
  );
  for (const b of derivationBlocks(der, opts)) {
    if (b.kind === 'h') lines.push(`\\section{${texText(b.text)}}`);
    else if (b.kind === 'p') lines.push(texText(b.text), '');
    else if (b.kind === 'math') lines.push('\\begin{multline*}', b.latex, '\\end{multline*}');
    else {
      // Text-heavy columns wrap (p{…}); short ones stay left-aligned.
      const wide = b.head.map((_, j) => Math.max(...b.rows.map((r) => r[j].length)) > 40);
      const nWide = wide.filter(Boolean).length;
      const spec = wide.map((w) => (w ? `p{${(0.6 / nWide).toFixed(2)}\\textwidth}` : 'l')).join('');
      lines.push(`\\begin{longtable}{${spec}}`, `${b.head.map(texText).join(' & ')} \\\\ \\hline`);
      for (const r of b.rows) lines.push(`${r.map(texText).join(' & ')} \\\\`);
      lines.push('\\end{longtable}');
    }
  }
  lines.push('\\end{document}');
  return `${lines.join('\n')}\n`;
}

/** Render in the requested format. */
export function renderDerivation(der: Derivation, format: DerivationFormat, opts: { alpha?: number | null; name?: string } = {}): string {
  if (format === 'json') return `${JSON.stringify(derivationJson(der, opts), null, 2)}\n`;
  if (format === 'tex') return derivationTex(der, opts);
  return derivationMarkdown(der, opts);
}

/** The presets whose derivations are committed under derivations/ (file stem → preset). */
export const COMMITTED_DERIVATIONS: readonly { stem: string; preset: string }[] = [
  { stem: 'spiked-matrix', preset: 'spiked' },
  { stem: 'spiked-vector', preset: 'spiked-vector' },
  { stem: 'powerlaw-small', preset: 'powerlaw' },
];
