/**
 * Presentation of an exact polynomial collected in its primary symbols (the block coefficients): terms ordered by
 * degree in the primaries, each written coefficient × monomial with the coefficient (a polynomial in the
 * parameters) factored as rational content × common monomial × remaining sum, e.g.
 *   3 λ_θ² a³ + λ_θ σ² (d − 2) a c² − 3 λ_θ² a.
 * Purely a printing choice: the canonical form in poly.ts is what equality is decided on; the printed infix parses
 * back (mathjs, sympy) to the same polynomial.
 */
import { compareMono, joinSigned, Poly, powerLatex, Rational, type Monomial } from './poly.js';

export interface Printed {
  latex: string;
  infix: string;
}

function monoLatex(m: Monomial): string {
  return m.vars.map((v, i) => powerLatex(v, m.exps[i])).join(' ');
}

function monoInfix(m: Monomial): string {
  return m.vars.map((v, i) => (m.exps[i] === 1 ? v : `${v}^${m.exps[i]}`)).join('*');
}

/** Factor a coefficient polynomial: sign · content · monomial · rest (rest has coprime integer coefficients, positive lead). */
function factorCoefficient(c: Poly): { neg: boolean; content: Rational; mono: Monomial; rest: Poly } {
  const ts = c.terms();
  const content = c.content();
  // Common monomial: min exponent of each variable present in every term.
  const vars: string[] = [];
  const exps: number[] = [];
  for (const v of ts[0].mono.vars) {
    let e = Infinity;
    for (const t of ts) {
      const i = t.mono.vars.indexOf(v);
      e = Math.min(e, i < 0 ? 0 : t.mono.exps[i]);
    }
    if (e > 0) {
      vars.push(v);
      exps.push(e);
    }
  }
  let rest = c.scale(content.inv());
  vars.forEach((v, i) => (rest = rest.divideByPower(v, exps[i])!));
  const neg = rest.terms()[0].coef.sign() < 0;
  if (neg) rest = rest.neg();
  return { neg, content, mono: { vars, exps }, rest };
}

/** If p = (x + c)^k exactly (univariate, monic, k ≥ 2), its base and k — e.g. d² − 4d + 4 = (d − 2)². */
function linearPower(p: Poly): { base: Poly; k: number } | null {
  const vars = p.variables();
  if (vars.length !== 1) return null;
  const x = vars[0];
  const k = p.degreeIn(x);
  if (k < 2) return null;
  const coll = p.collect([x]);
  const lead = coll.get(k === 1 ? x : `${x}^${k}`)?.coef.asConstant();
  if (!lead || !lead.isOne()) return null;
  const next = coll.get(k - 1 === 1 ? x : `${x}^${k - 1}`)?.coef.asConstant() ?? Rational.ZERO;
  const base = Poly.sym(x).add(Poly.constant(next.div(Rational.of(k))));
  return base.pow(k).equals(p) ? { base, k } : null;
}

/** Print `p` collected in the `primary` symbols. */
export function collected(p: Poly, primary: readonly string[]): Printed {
  if (p.isZero()) return { latex: '0', infix: '0' };
  if (!p.variables().some((v) => primary.includes(v))) return { latex: p.toLatex(), infix: p.toInfix() };
  const groups = [...p.collect(primary).values()].sort((x, y) => compareMono(x.mono, y.mono));
  const latex: { neg: boolean; body: string }[] = [];
  const infix: { neg: boolean; body: string }[] = [];
  for (const g of groups) {
    const { neg, content, mono, rest } = factorCoefficient(g.coef);
    const restIsOne = rest.asConstant()?.isOne() ?? false;
    const lf: string[] = [];
    const inf: string[] = [];
    const primaryEmpty = g.mono.vars.length === 0;
    const coefEmpty = mono.vars.length === 0 && restIsOne;
    if (!content.isOne() || (primaryEmpty && coefEmpty)) {
      lf.push(content.toLatex());
      inf.push(content.toString());
    }
    if (mono.vars.length) {
      lf.push(monoLatex(mono));
      inf.push(monoInfix(mono));
    }
    if (!restIsOne) {
      const power = linearPower(rest);
      if (power) {
        lf.push(`\\left(${power.base.toLatex()}\\right)^{${power.k}}`);
        inf.push(`(${power.base.toInfix()})^${power.k}`);
      } else {
        const single = rest.size === 1;
        lf.push(single ? rest.toLatex() : `\\left(${rest.toLatex()}\\right)`);
        inf.push(single ? rest.toInfix() : `(${rest.toInfix()})`);
      }
    }
    if (!primaryEmpty) {
      lf.push(monoLatex(g.mono));
      inf.push(monoInfix(g.mono));
    }
    latex.push({ neg, body: lf.join(' \\, ') });
    infix.push({ neg, body: inf.join('*') });
  }
  return { latex: joinSigned(latex), infix: joinSigned(infix) };
}
