/**
 * A small expression tree over exact polynomials for the non-polynomial parts of the derivation (the SpecGD map
 * a_k − η sgn(g_k), normalized GD g_k/√(Σ_j r_j g_j²), sign flow), printed as LaTeX and as plain infix that mathjs
 * and sympy both parse (`sign`, `sqrt`, `abs`, `*`, `/`, `^`, parentheses).
 */
import { joinSigned, Poly } from './poly.js';
import { collected } from './present.js';

export type Expr =
  | { k: 'poly'; p: Poly }
  | { k: 'sum'; terms: { sign: 1 | -1; e: Expr }[] }
  | { k: 'prod'; fs: Expr[] }
  | { k: 'div'; num: Expr; den: Expr }
  | { k: 'call'; fn: 'sgn' | 'sqrt' | 'abs'; arg: Expr };

export const ex = {
  poly: (p: Poly): Expr => ({ k: 'poly', p }),
  sym: (name: string): Expr => ({ k: 'poly', p: Poly.sym(name) }),
  sub: (a: Expr, b: Expr): Expr => ({ k: 'sum', terms: [{ sign: 1, e: a }, { sign: -1, e: b }] }),
  add: (a: Expr, b: Expr): Expr => ({ k: 'sum', terms: [{ sign: 1, e: a }, { sign: 1, e: b }] }),
  neg: (a: Expr): Expr => ({ k: 'sum', terms: [{ sign: -1, e: a }] }),
  mul: (...fs: Expr[]): Expr => ({ k: 'prod', fs }),
  div: (num: Expr, den: Expr): Expr => ({ k: 'div', num, den }),
  sgn: (arg: Expr): Expr => ({ k: 'call', fn: 'sgn', arg }),
  sqrt: (arg: Expr): Expr => ({ k: 'call', fn: 'sqrt', arg }),
  abs: (arg: Expr): Expr => ({ k: 'call', fn: 'abs', arg }),
};

/** Does this need parentheses as a factor or as the right operand of a minus? */
function isCompound(e: Expr): boolean {
  if (e.k === 'poly') return e.p.size > 1 || (e.p.size === 1 && e.p.terms()[0].coef.sign() < 0) || (e.p.size === 1 && !e.p.terms()[0].coef.isInteger());
  return e.k === 'sum' || e.k === 'div';
}

/** LaTeX; polynomials are printed collected in `primary` (the block coefficients) when given. */
export function exprLatex(e: Expr, primary: readonly string[] = []): string {
  const exprLatexP = (x: Expr) => exprLatex(x, primary);
  switch (e.k) {
    case 'poly':
      return primary.length ? collected(e.p, primary).latex : e.p.toLatex();
    case 'sum':
      return joinSigned(e.terms.map((t) => ({ neg: t.sign < 0, body: t.sign < 0 && isCompound(t.e) && t.e.k !== 'div' ? `\\left(${exprLatexP(t.e)}\\right)` : exprLatexP(t.e) })));
    case 'prod':
      return e.fs.map((f) => (isCompound(f) && f.k !== 'div' ? `\\left(${exprLatexP(f)}\\right)` : exprLatexP(f))).join(' \\, ');
    case 'div':
      return `\\frac{${exprLatexP(e.num)}}{${exprLatexP(e.den)}}`;
    case 'call':
      if (e.fn === 'sqrt') return `\\sqrt{${exprLatexP(e.arg)}}`;
      if (e.fn === 'abs') return `\\left|${exprLatexP(e.arg)}\\right|`;
      return `\\operatorname{sgn}\\left(${exprLatexP(e.arg)}\\right)`;
  }
}

/** Plain infix; polynomials collected in `primary` when given. */
export function exprInfix(e: Expr, primary: readonly string[] = []): string {
  const exprInfixP = (x: Expr) => exprInfix(x, primary);
  const wrap = (f: Expr) => (isCompound(f) ? `(${exprInfixP(f)})` : exprInfixP(f));
  switch (e.k) {
    case 'poly':
      return primary.length ? collected(e.p, primary).infix : e.p.toInfix();
    case 'sum':
      return joinSigned(e.terms.map((t) => ({ neg: t.sign < 0, body: t.sign < 0 ? wrap(t.e) : exprInfixP(t.e) })));
    case 'prod':
      return e.fs.map(wrap).join('*');
    case 'div':
      return `${wrap(e.num)}/(${exprInfixP(e.den)})`;
    case 'call':
      return `${e.fn === 'sgn' ? 'sign' : e.fn}(${exprInfixP(e.arg)})`;
  }
}

/** Numeric evaluation (sgn(0) = 0). */
export function exprEvaluate(e: Expr, env: Readonly<Record<string, number>>): number {
  switch (e.k) {
    case 'poly':
      return e.p.evaluate(env);
    case 'sum':
      return e.terms.reduce((s, t) => s + t.sign * exprEvaluate(t.e, env), 0);
    case 'prod':
      return e.fs.reduce((s, f) => s * exprEvaluate(f, env), 1);
    case 'div':
      return exprEvaluate(e.num, env) / exprEvaluate(e.den, env);
    case 'call': {
      const x = exprEvaluate(e.arg, env);
      return e.fn === 'sqrt' ? Math.sqrt(x) : e.fn === 'abs' ? Math.abs(x) : Math.sign(x);
    }
  }
}
