/**
 * Exact sparse multivariate polynomials over the rationals (BigInt numerators and denominators), in canonical form:
 * every coefficient a reduced fraction with a positive denominator, no zero terms, each monomial's variables sorted
 * (`compareSymbols`), terms listed in a fixed graded order. Two polynomials are equal iff their canonical forms are.
 *
 * Why not nerdamer or mathjs for this algebra: both were measured to return wrong `factor`/`simplify` results and to
 * hang on polynomial expansion at this problem's sizes (stack.md, "Symbolic algebra"); mathjs has no expansion at
 * all. They are used only in tests, to parse and evaluate the infix this module prints (an independent check).
 */
import { symbolLatex } from './symbols.js';

// ---------------------------------------------------------------------------------------------------------------
// Rationals
// ---------------------------------------------------------------------------------------------------------------

function bigAbs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

function bigGcd(a: bigint, b: bigint): bigint {
  a = bigAbs(a);
  b = bigAbs(b);
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** An exact rational p/q, q > 0, gcd(p, q) = 1. Immutable. */
export class Rational {
  readonly num: bigint;
  readonly den: bigint;

  private constructor(num: bigint, den: bigint) {
    this.num = num;
    this.den = den;
  }

  static readonly ZERO = new Rational(0n, 1n);
  static readonly ONE = new Rational(1n, 1n);

  /** p/q reduced to lowest terms. */
  static of(num: bigint | number, den: bigint | number = 1n): Rational {
    let n = typeof num === 'bigint' ? num : BigInt(num);
    let d = typeof den === 'bigint' ? den : BigInt(den);
    if (d === 0n) throw new RangeError('Rational: zero denominator');
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    if (n === 0n) return Rational.ZERO;
    const g = bigGcd(n, d);
    return g === 1n ? new Rational(n, d) : new Rational(n / g, d / g);
  }

  /** The exact value of a finite double (m·2^e). */
  static exact(x: number): Rational {
    if (!Number.isFinite(x)) throw new RangeError(`Rational.exact: ${x} is not finite`);
    if (Number.isInteger(x)) return Rational.of(BigInt(x));
    let e = 0;
    let m = x;
    while (!Number.isInteger(m)) {
      m *= 2;
      e++;
    }
    return Rational.of(BigInt(m), 1n << BigInt(e));
  }

  /**
   * The simplest rational whose nearest double is `x` (continued-fraction convergents, denominators ≤ 10⁶), so a
   * double written as 0.25, 0.1 or 3^(−1) becomes 1/4, 1/10, 1/3; if none exists (an irrational such as 2^(−1/2)),
   * the exact binary value of the double.
   */
  static fromNumber(x: number): Rational {
    if (!Number.isFinite(x)) throw new RangeError(`Rational.fromNumber: ${x} is not finite`);
    if (Number.isInteger(x)) return Rational.of(BigInt(x));
    const sign = x < 0 ? -1n : 1n;
    const ax = Math.abs(x);
    let [h0, h1, k0, k1] = [0n, 1n, 1n, 0n];
    let r = ax;
    for (let i = 0; i < 40; i++) {
      const aInt = Math.floor(r);
      const a = BigInt(aInt);
      [h0, h1] = [h1, a * h1 + h0];
      [k0, k1] = [k1, a * k1 + k0];
      if (k1 > 1_000_000n) break;
      if (Number(h1) / Number(k1) === ax) return Rational.of(sign * h1, k1);
      const frac = r - aInt;
      if (frac === 0) break;
      r = 1 / frac;
      // 1/frac overflows for a tiny (e.g. denormal) remainder: no simple convergent exists, use the exact value.
      if (!Number.isFinite(r)) break;
    }
    return Rational.exact(x);
  }

  isZero(): boolean {
    return this.num === 0n;
  }
  isOne(): boolean {
    return this.num === 1n && this.den === 1n;
  }
  isInteger(): boolean {
    return this.den === 1n;
  }
  sign(): number {
    return this.num > 0n ? 1 : this.num < 0n ? -1 : 0;
  }
  neg(): Rational {
    return new Rational(-this.num, this.den);
  }
  abs(): Rational {
    return this.num < 0n ? this.neg() : this;
  }
  add(o: Rational): Rational {
    if (this.den === o.den) return Rational.of(this.num + o.num, this.den);
    return Rational.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }
  sub(o: Rational): Rational {
    return this.add(o.neg());
  }
  mul(o: Rational): Rational {
    if (this.num === 0n || o.num === 0n) return Rational.ZERO;
    return Rational.of(this.num * o.num, this.den * o.den);
  }
  inv(): Rational {
    if (this.num === 0n) throw new RangeError('Rational: division by zero');
    return Rational.of(this.den, this.num);
  }
  div(o: Rational): Rational {
    return this.mul(o.inv());
  }
  pow(n: number): Rational {
    if (!Number.isInteger(n)) throw new RangeError('Rational.pow: integer exponent required');
    if (n < 0) return this.inv().pow(-n);
    const e = BigInt(n);
    return Rational.of(this.num ** e, this.den ** e);
  }
  equals(o: Rational): boolean {
    return this.num === o.num && this.den === o.den;
  }
  compare(o: Rational): number {
    const l = this.num * o.den;
    const r = o.num * this.den;
    return l < r ? -1 : l > r ? 1 : 0;
  }
  /** Nearest double (exact division for big operands via scaling). */
  toNumber(): number {
    const n = Number(this.num);
    const d = Number(this.den);
    if (Number.isFinite(n) && Number.isFinite(d) && Math.abs(n) < 2 ** 53 && d < 2 ** 53) return n / d;
    // Scale to keep 64 significant bits of the quotient.
    const shift = BigInt(Math.max(0, this.den.toString(2).length - this.num.toString(2).length + 64));
    // Divide by 2^shift in factors of at most 2^1000: 2^shift itself overflows for shift > 1023 (denormal results).
    let x = Number((this.num << shift) / this.den);
    for (let s = Number(shift); s > 0; s -= 1000) x /= 2 ** Math.min(s, 1000);
    return x;
  }
  /** If this is the square of a rational, its non-negative square root; else null. */
  sqrt(): Rational | null {
    if (this.num < 0n) return null;
    const n = bigSqrt(this.num);
    const d = bigSqrt(this.den);
    return n * n === this.num && d * d === this.den ? Rational.of(n, d) : null;
  }
  /** "3", "-3/2". */
  toString(): string {
    return this.den === 1n ? this.num.toString() : `${this.num}/${this.den}`;
  }
  /** "3", "-\\frac{3}{2}". */
  toLatex(): string {
    if (this.den === 1n) return this.num.toString();
    const s = this.num < 0n ? '-' : '';
    return `${s}\\frac{${bigAbs(this.num)}}{${this.den}}`;
  }
}

function bigSqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  // Newton correction (Number(n) may have lost precision).
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x && x * x <= n && (x + 1n) * (x + 1n) > n) return x;
    x = y === x ? x - 1n : y;
    if (x <= 0n) x = 1n;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Symbols and monomials
// ---------------------------------------------------------------------------------------------------------------

/** Natural order of symbol names ("a_2" < "a_10"). */
export function compareSymbols(x: string, y: string): number {
  if (x === y) return 0;
  const rx = /^(.*?)(\d+)$/.exec(x);
  const ry = /^(.*?)(\d+)$/.exec(y);
  if (rx && ry && rx[1] === ry[1]) return Number(rx[2]) - Number(ry[2]);
  return x < y ? -1 : 1;
}

/** A monomial: sorted distinct variables with positive integer exponents. */
export interface Monomial {
  readonly vars: readonly string[];
  readonly exps: readonly number[];
}

export interface Term {
  readonly mono: Monomial;
  readonly coef: Rational;
}

const ONE_MONO: Monomial = { vars: [], exps: [] };

function monoKey(m: Monomial): string {
  let s = '';
  for (let i = 0; i < m.vars.length; i++) s += (i ? '*' : '') + m.vars[i] + (m.exps[i] === 1 ? '' : `^${m.exps[i]}`);
  return s;
}

export function monoDegree(m: Monomial): number {
  let s = 0;
  for (const e of m.exps) s += e;
  return s;
}

function monoMul(x: Monomial, y: Monomial): Monomial {
  const vars: string[] = [];
  const exps: number[] = [];
  let i = 0;
  let j = 0;
  while (i < x.vars.length || j < y.vars.length) {
    const c = i >= x.vars.length ? 1 : j >= y.vars.length ? -1 : compareSymbols(x.vars[i], y.vars[j]);
    if (c < 0) {
      vars.push(x.vars[i]);
      exps.push(x.exps[i++]);
    } else if (c > 0) {
      vars.push(y.vars[j]);
      exps.push(y.exps[j++]);
    } else {
      vars.push(x.vars[i]);
      exps.push(x.exps[i++] + y.exps[j++]);
    }
  }
  return { vars, exps };
}

/** Canonical term order: total degree descending, then variables lexicographically (higher power first). */
export function compareMono(x: Monomial, y: Monomial): number {
  const dx = monoDegree(x);
  const dy = monoDegree(y);
  if (dx !== dy) return dy - dx;
  const n = Math.min(x.vars.length, y.vars.length);
  for (let i = 0; i < n; i++) {
    const c = compareSymbols(x.vars[i], y.vars[i]);
    if (c !== 0) return c;
    if (x.exps[i] !== y.exps[i]) return y.exps[i] - x.exps[i];
  }
  return y.vars.length - x.vars.length;
}

// ---------------------------------------------------------------------------------------------------------------
// Polynomials
// ---------------------------------------------------------------------------------------------------------------

/** Values for numeric evaluation: a record or a map from symbol name to number. */
export type Env = Readonly<Record<string, number>> | ReadonlyMap<string, number>;

function lookup(env: Env, name: string): number {
  const v = env instanceof Map ? env.get(name) : (env as Record<string, number>)[name];
  if (v === undefined) throw new RangeError(`Poly.evaluate: no value for symbol ${name}`);
  return v;
}

/** An exact polynomial with rational coefficients. Immutable; build with `Poly.sym`, `Poly.const` and operations. */
export class Poly {
  /** Terms keyed by the monomial's canonical key; no zero coefficients. */
  private readonly map: ReadonlyMap<string, Term>;
  private sortedCache: Term[] | undefined;

  private constructor(map: ReadonlyMap<string, Term>) {
    this.map = map;
  }

  static readonly ZERO = new Poly(new Map());
  static readonly ONE = Poly.constant(Rational.ONE);

  static constant(q: Rational | number | bigint): Poly {
    const r = q instanceof Rational ? q : typeof q === 'bigint' ? Rational.of(q) : Rational.fromNumber(q);
    if (r.isZero()) return Poly.ZERO;
    return new Poly(new Map([['', { mono: ONE_MONO, coef: r }]]));
  }

  static sym(name: string): Poly {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new RangeError(`Poly.sym: bad symbol name ${JSON.stringify(name)}`);
    const mono: Monomial = { vars: [name], exps: [1] };
    return new Poly(new Map([[name, { mono, coef: Rational.ONE }]]));
  }

  private static fromTerms(terms: Iterable<Term>): Poly {
    const m = new Map<string, Term>();
    for (const t of terms) {
      if (t.coef.isZero()) continue;
      const k = monoKey(t.mono);
      const prev = m.get(k);
      if (prev) {
        const c = prev.coef.add(t.coef);
        if (c.isZero()) m.delete(k);
        else m.set(k, { mono: prev.mono, coef: c });
      } else m.set(k, t);
    }
    return new Poly(m);
  }

  /** Terms in canonical order. */
  terms(): readonly Term[] {
    if (!this.sortedCache) this.sortedCache = [...this.map.values()].sort((x, y) => compareMono(x.mono, y.mono));
    return this.sortedCache;
  }

  get size(): number {
    return this.map.size;
  }

  isZero(): boolean {
    return this.map.size === 0;
  }

  /** The constant value if this polynomial is a constant, else null. */
  asConstant(): Rational | null {
    if (this.map.size === 0) return Rational.ZERO;
    if (this.map.size === 1 && this.map.has('')) return this.map.get('')!.coef;
    return null;
  }

  /**
   * Rational content: the positive rational c with p/c having coprime integer coefficients,
   * c = gcd(numerators)/lcm(denominators) of the coefficients (1 for the zero polynomial).
   */
  content(): Rational {
    let num = 0n;
    let den = 1n;
    for (const t of this.map.values()) {
      num = bigGcd(num, t.coef.num);
      den = (den / bigGcd(den, t.coef.den)) * t.coef.den;
    }
    return num === 0n ? Rational.ONE : Rational.of(num, den);
  }

  /** Symbols occurring, sorted. */
  variables(): string[] {
    const s = new Set<string>();
    for (const t of this.map.values()) for (const v of t.mono.vars) s.add(v);
    return [...s].sort(compareSymbols);
  }

  degreeIn(v: string): number {
    let d = 0;
    for (const t of this.map.values()) {
      const i = t.mono.vars.indexOf(v);
      if (i >= 0 && t.mono.exps[i] > d) d = t.mono.exps[i];
    }
    return d;
  }

  totalDegree(): number {
    let d = 0;
    for (const t of this.map.values()) d = Math.max(d, monoDegree(t.mono));
    return d;
  }

  equals(o: Poly): boolean {
    if (this.map.size !== o.map.size) return false;
    for (const [k, t] of this.map) {
      const u = o.map.get(k);
      if (!u || !u.coef.equals(t.coef)) return false;
    }
    return true;
  }

  add(o: Poly): Poly {
    if (o.isZero()) return this;
    if (this.isZero()) return o;
    return Poly.fromTerms([...this.map.values(), ...o.map.values()]);
  }

  sub(o: Poly): Poly {
    return this.add(o.neg());
  }

  neg(): Poly {
    return this.scale(Rational.ONE.neg());
  }

  scale(q: Rational | number): Poly {
    const r = q instanceof Rational ? q : Rational.fromNumber(q);
    if (r.isZero()) return Poly.ZERO;
    if (r.isOne()) return this;
    const m = new Map<string, Term>();
    for (const [k, t] of this.map) m.set(k, { mono: t.mono, coef: t.coef.mul(r) });
    return new Poly(m);
  }

  mul(o: Poly): Poly {
    if (this.isZero() || o.isZero()) return Poly.ZERO;
    const m = new Map<string, Term>();
    for (const s of this.map.values()) {
      for (const t of o.map.values()) {
        const mono = monoMul(s.mono, t.mono);
        const k = monoKey(mono);
        const c = s.coef.mul(t.coef);
        const prev = m.get(k);
        if (prev) m.set(k, { mono: prev.mono, coef: prev.coef.add(c) });
        else m.set(k, { mono, coef: c });
      }
    }
    for (const [k, t] of m) if (t.coef.isZero()) m.delete(k);
    return new Poly(m);
  }

  pow(n: number): Poly {
    if (!Number.isInteger(n) || n < 0) throw new RangeError('Poly.pow: non-negative integer exponent required');
    let result = Poly.ONE;
    let base: Poly = this;
    let e = n;
    while (e > 0) {
      if (e & 1) result = result.mul(base);
      e >>= 1;
      if (e > 0) base = base.mul(base);
    }
    return result;
  }

  /** ∂/∂v. */
  diff(v: string): Poly {
    const out: Term[] = [];
    for (const t of this.map.values()) {
      const i = t.mono.vars.indexOf(v);
      if (i < 0) continue;
      const e = t.mono.exps[i];
      const vars = [...t.mono.vars];
      const exps = [...t.mono.exps];
      if (e === 1) {
        vars.splice(i, 1);
        exps.splice(i, 1);
      } else exps[i] = e - 1;
      out.push({ mono: { vars, exps }, coef: t.coef.mul(Rational.of(e)) });
    }
    return Poly.fromTerms(out);
  }

  /** Substitute polynomials (or rationals) for symbols, simultaneously. */
  subs(values: Readonly<Record<string, Poly | Rational | number>> | ReadonlyMap<string, Poly | Rational | number>): Poly {
    const get = (name: string): Poly | undefined => {
      const v = values instanceof Map ? values.get(name) : (values as Record<string, Poly | Rational | number>)[name];
      if (v === undefined) return undefined;
      return v instanceof Poly ? v : Poly.constant(v);
    };
    const powCache = new Map<string, Poly>();
    const powOf = (name: string, p: Poly, e: number): Poly => {
      const key = `${name}^${e}`;
      let r = powCache.get(key);
      if (!r) {
        r = p.pow(e);
        powCache.set(key, r);
      }
      return r;
    };
    let acc: Term[] = [];
    const products: Poly[] = [];
    for (const t of this.map.values()) {
      let rest: Monomial = ONE_MONO;
      let factor: Poly | null = null;
      for (let i = 0; i < t.mono.vars.length; i++) {
        const name = t.mono.vars[i];
        const p = get(name);
        if (p === undefined) rest = monoMul(rest, { vars: [name], exps: [t.mono.exps[i]] });
        else {
          const pe = powOf(name, p, t.mono.exps[i]);
          factor = factor ? factor.mul(pe) : pe;
        }
      }
      if (factor === null) acc.push(t);
      else products.push(factor.mul(new Poly(new Map([[monoKey(rest), { mono: rest, coef: t.coef }]]))));
    }
    let result = Poly.fromTerms(acc);
    acc = [];
    for (const p of products) result = result.add(p);
    return result;
  }

  /** Numeric value at `env` (every symbol must have a value). */
  evaluate(env: Env): number {
    let s = 0;
    for (const t of this.map.values()) {
      let m = t.coef.toNumber();
      for (let i = 0; i < t.mono.vars.length; i++) m *= lookup(env, t.mono.vars[i]) ** t.mono.exps[i];
      s += m;
    }
    return s;
  }

  /**
   * Collect with respect to `vars`: a map from the monomial in `vars` (canonical key, "" for 1) to its coefficient,
   * a polynomial in the remaining symbols.
   */
  collect(vars: readonly string[]): Map<string, { mono: Monomial; coef: Poly }> {
    const set = new Set(vars);
    const groups = new Map<string, { mono: Monomial; terms: Term[] }>();
    for (const t of this.map.values()) {
      const inV: Monomial = { vars: [], exps: [] };
      const rest: Monomial = { vars: [], exps: [] };
      for (let i = 0; i < t.mono.vars.length; i++) {
        const target = set.has(t.mono.vars[i]) ? inV : rest;
        (target.vars as string[]).push(t.mono.vars[i]);
        (target.exps as number[]).push(t.mono.exps[i]);
      }
      const k = monoKey(inV);
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { mono: inV, terms: [] }));
      g.terms.push({ mono: rest, coef: t.coef });
    }
    const out = new Map<string, { mono: Monomial; coef: Poly }>();
    for (const [k, g] of groups) out.set(k, { mono: g.mono, coef: Poly.fromTerms(g.terms) });
    return out;
  }

  /** Exact quotient by the monomial `v^e` if every term is divisible by it, else null. */
  divideByPower(v: string, e = 1): Poly | null {
    const out: Term[] = [];
    for (const t of this.map.values()) {
      const i = t.mono.vars.indexOf(v);
      if (i < 0 || t.mono.exps[i] < e) return null;
      const vars = [...t.mono.vars];
      const exps = [...t.mono.exps];
      if (exps[i] === e) {
        vars.splice(i, 1);
        exps.splice(i, 1);
      } else exps[i] -= e;
      out.push({ mono: { vars, exps }, coef: t.coef });
    }
    return Poly.fromTerms(out);
  }

  /**
   * Exact multivariate division: the polynomial q with this = q · divisor, or null if the division is not exact
   * (leading-term reduction in the canonical order; the remainder is zero iff the divisor divides this).
   */
  divide(divisor: Poly): Poly | null {
    if (divisor.isZero()) throw new RangeError('Poly.divide: division by zero');
    const lead = divisor.terms()[0];
    let rem: Poly = this;
    let q: Poly = Poly.ZERO;
    for (let guard = 0; !rem.isZero(); guard++) {
      if (guard > 100_000) return null;
      const lt = rem.terms()[0];
      const quotMono = monoDiv(lt.mono, lead.mono);
      if (!quotMono) return null;
      const qt = new Poly(new Map([[monoKey(quotMono), { mono: quotMono, coef: lt.coef.div(lead.coef) }]]));
      q = q.add(qt);
      rem = rem.sub(qt.mul(divisor));
    }
    return q;
  }

  /** Plain infix: `*`, `^`, parentheses-free sums of products, rational coefficients as `p/q` (mathjs and sympy parse it). */
  toInfix(): string {
    return this.printTerms((c) => c.toString(), (v, e) => (e === 1 ? v : `${v}^${e}`), '*');
  }

  /** LaTeX with the project's symbol names (λ_θ as \lambda_\theta, sigma2 as \sigma^2, ...). */
  toLatex(): string {
    return this.printTerms((c) => c.toLatex(), powerLatex, ' ');
  }

  /** Signed sum of terms `coef·x^e·…` in canonical order; a unit coefficient is omitted unless the term is constant. */
  private printTerms(coef: (c: Rational) => string, power: (v: string, e: number) => string, times: string): string {
    if (this.isZero()) return '0';
    return joinSigned(
      this.terms().map((t) => {
        const c = t.coef.abs();
        const parts: string[] = [];
        if (!c.isOne() || t.mono.vars.length === 0) parts.push(coef(c));
        for (let i = 0; i < t.mono.vars.length; i++) parts.push(power(t.mono.vars[i], t.mono.exps[i]));
        return { neg: t.coef.sign() < 0, body: parts.join(times) };
      }),
    );
  }

  toString(): string {
    return this.toInfix();
  }
}

/** A printed signed sum: `-x + y - z` (leading minus unspaced, the others spaced); the same in LaTeX and infix. */
export function joinSigned(terms: readonly { neg: boolean; body: string }[]): string {
  return terms.map((t, i) => (i === 0 ? (t.neg ? `-${t.body}` : t.body) : `${t.neg ? ' - ' : ' + '}${t.body}`)).join('');
}

function monoDiv(x: Monomial, y: Monomial): Monomial | null {
  const vars: string[] = [];
  const exps: number[] = [];
  let j = 0;
  for (let i = 0; i < x.vars.length; i++) {
    if (j < y.vars.length && y.vars[j] === x.vars[i]) {
      const e = x.exps[i] - y.exps[j++];
      if (e < 0) return null;
      if (e > 0) {
        vars.push(x.vars[i]);
        exps.push(e);
      }
    } else {
      if (j < y.vars.length && compareSymbols(y.vars[j], x.vars[i]) < 0) return null;
      vars.push(x.vars[i]);
      exps.push(x.exps[i]);
    }
  }
  if (j < y.vars.length) return null;
  return { vars, exps };
}

/** LaTeX of `name^e` (sigma2^e → \sigma^{2e}). */
export function powerLatex(name: string, e: number): string {
  if (name === 'sigma2') return e === 1 ? '\\sigma^2' : `\\sigma^{${2 * e}}`;
  const base = symbolLatex(name);
  if (e === 1) return base;
  return `${base}^{${e}}`;
}

/** Shorthands. */
export const sym = Poly.sym;
export const constant = Poly.constant;
export const rat = Rational.of;
