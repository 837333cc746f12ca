/**
 * Compilation of exact polynomials to allocation-free numeric closures: the parameters (variances, ranks, d, κ, ...)
 * are substituted as doubles, and each polynomial in the state variables is emitted as straight-line JavaScript in a
 * greedy multivariate Horner form (p = v·q + r with v the variable occurring in most terms, recursively), then
 * turned into a function with `new Function`. The generated code reads its inputs from a Float64Array and writes
 * into a caller-provided Float64Array: no allocation per call.
 */
import type { Env, Poly } from './poly.js';

/** A polynomial in the state variables with double coefficients: exps[i] is the exponent of state variable i. */
export interface NumericTerm {
  exps: number[];
  coef: number;
}

/**
 * Substitute the parameter values into `p` (every non-state symbol must be in `params`) and collect by the state
 * monomials; coefficients are evaluated from the exact rational forms.
 */
export function numericTerms(p: Poly, stateVars: readonly string[], params: Env): NumericTerm[] {
  const index = new Map(stateVars.map((v, i) => [v, i]));
  const out: NumericTerm[] = [];
  for (const { mono, coef } of p.collect(stateVars).values()) {
    const c = coef.evaluate(params);
    if (c === 0) continue;
    const exps = new Array<number>(stateVars.length).fill(0);
    for (let i = 0; i < mono.vars.length; i++) exps[index.get(mono.vars[i])!] = mono.exps[i];
    out.push({ exps, coef: c });
  }
  return out;
}

function literal(x: number): string {
  const s = String(x);
  return x < 0 ? `(${s})` : s;
}

/** Greedy Horner scheme; `names[i]` is the JS identifier of state variable i. */
export function hornerCode(terms: NumericTerm[], names: readonly string[]): string {
  if (terms.length === 0) return '0';
  const n = names.length;
  const count = new Array<number>(n).fill(0);
  for (const t of terms) for (let i = 0; i < n; i++) if (t.exps[i] > 0) count[i]++;
  let best = -1;
  for (let i = 0; i < n; i++) if (count[i] > 0 && (best < 0 || count[i] > count[best])) best = i;
  if (best < 0) {
    let c = 0;
    for (const t of terms) c += t.coef;
    return literal(c);
  }
  const withV: NumericTerm[] = [];
  const without: NumericTerm[] = [];
  for (const t of terms) {
    if (t.exps[best] > 0) {
      const exps = [...t.exps];
      exps[best]--;
      withV.push({ exps, coef: t.coef });
    } else without.push(t);
  }
  const inner = hornerCode(withV, names);
  const head = inner === '1' ? names[best] : `${names[best]}*(${inner})`;
  return without.length === 0 ? head : `${head} + ${hornerCode(without, names)}`;
}

/**
 * Compile polynomials in the state variables into `(x, out) => void` writing out[i] = p_i(x).
 * (`x` and `out` are Float64Arrays; nothing is allocated per call.)
 */
export function compilePolys(polys: readonly Poly[], stateVars: readonly string[], params: Env): (x: Float64Array, out: Float64Array) => void {
  const names = stateVars.map((_, i) => `x${i}`);
  let body = "'use strict';\n";
  for (let i = 0; i < stateVars.length; i++) body += `const x${i} = x[${i}];\n`;
  polys.forEach((p, i) => {
    body += `out[${i}] = ${hornerCode(numericTerms(p, stateVars, params), names)};\n`;
  });
  return new Function('x', 'out', body) as (x: Float64Array, out: Float64Array) => void;
}

/** Compile one polynomial into `(x) => number`. */
export function compilePoly(p: Poly, stateVars: readonly string[], params: Env): (x: Float64Array) => number {
  const names = stateVars.map((_, i) => `x${i}`);
  let body = "'use strict';\n";
  for (let i = 0; i < stateVars.length; i++) body += `const x${i} = x[${i}];\n`;
  body += `return ${hornerCode(numericTerms(p, stateVars, params), names)};\n`;
  return new Function('x', body) as (x: Float64Array) => number;
}

// ---------------------------------------------------------------------------------------------------------------
// Parameter-symbolic emission (the explorer page, src/report/explore/): the model parameters stay named inputs.
// ---------------------------------------------------------------------------------------------------------------

/** A state monomial's exponents with its coefficient kept as an exact polynomial in the parameters. */
export interface SymbolicTerm {
  exps: number[];
  coef: Poly;
}

/**
 * `p` collected by the state monomials with the coefficients left symbolic: the same terms, in the same order, as
 * `numericTerms(p, stateVars, params)` before substitution (both iterate `p.collect(stateVars)`).
 */
export function symbolicTerms(p: Poly, stateVars: readonly string[]): SymbolicTerm[] {
  const index = new Map(stateVars.map((v, i) => [v, i]));
  const out: SymbolicTerm[] = [];
  for (const { mono, coef } of p.collect(stateVars).values()) {
    const exps = new Array<number>(stateVars.length).fill(0);
    for (let i = 0; i < mono.vars.length; i++) exps[index.get(mono.vars[i])!] = mono.exps[i];
    out.push({ exps, coef });
  }
  return out;
}

/**
 * A JavaScript expression computing `coef.evaluate(env)` with the same floating-point operations in the same
 * order: s = 0; for each term (Poly's own term order) s += q · v₁^e₁ · v₂^e₂ ⋯ with q the nearest double to the
 * rational coefficient (`Rational.toNumber`) and `**` for the powers — so it is bit-identical to the substitution
 * `numericTerms` performs. `ident(name)` is the JS identifier holding parameter `name`.
 */
export function coefficientCode(coef: Poly, ident: (name: string) => string): string {
  // collect() over every symbol of `coef` keeps one group per term, in the order evaluate() iterates them.
  const parts: string[] = ['0'];
  for (const { mono, coef: c } of coef.collect(coef.variables()).values()) {
    let t = literal(c.asConstant()!.toNumber());
    for (let i = 0; i < mono.vars.length; i++) t += ` * ${ident(mono.vars[i])} ** ${mono.exps[i]}`;
    parts.push(t);
  }
  return parts.join(' + ');
}

/**
 * The greedy Horner scheme of `hornerCode` on terms whose coefficients are identifiers: the same choice of variable
 * at every level (it depends only on the exponents), so with the identifiers bound to the values `numericTerms`
 * computes, the expression performs the same operations as `hornerCode`'s. Terms whose coefficient vanishes at the
 * given parameters are dropped by `numericTerms` (changing the scheme) but kept here: the two agree bit for bit
 * whenever no state-monomial coefficient evaluates to exactly 0 (for the spiked family: d ≥ 3 and positive variances).
 */
export function hornerCodeSymbolic(terms: readonly { exps: readonly number[]; coef: string }[], names: readonly string[]): string {
  if (terms.length === 0) return '0';
  const n = names.length;
  const count = new Array<number>(n).fill(0);
  for (const t of terms) for (let i = 0; i < n; i++) if (t.exps[i] > 0) count[i]++;
  let best = -1;
  for (let i = 0; i < n; i++) if (count[i] > 0 && (best < 0 || count[i] > count[best])) best = i;
  if (best < 0) return terms.length === 1 ? terms[0].coef : `(${terms.map((t) => t.coef).join(' + ')})`;
  const withV: { exps: number[]; coef: string }[] = [];
  const without: { exps: readonly number[]; coef: string }[] = [];
  for (const t of terms) {
    if (t.exps[best] > 0) {
      const exps = [...t.exps];
      exps[best]--;
      withV.push({ exps, coef: t.coef });
    } else without.push(t);
  }
  const head = `${names[best]}*(${hornerCodeSymbolic(withV, names)})`;
  return without.length === 0 ? head : `${head} + ${hornerCodeSymbolic(without, names)}`;
}

/** A named group of polynomials in the state variables, emitted as one method of the generated object. */
export interface ParametricGroup {
  /** Method name: `loss` style (one polynomial, `(x) => number`) or `grad` style (`(x, out) => void`). */
  name: string;
  polys: readonly Poly[];
  /** "scalar": returns polys[0](x); "vector": writes out[i] = polys[i](x). */
  kind: 'scalar' | 'vector';
}

/**
 * JavaScript source of a factory `function <fnName>(p) { ... }` for polynomials whose coefficients depend on named
 * parameters `params` (λ_θ, λ_v, σ², d, κ, ...): called with `{ [param]: number }` it computes every state-monomial
 * coefficient once (`coefficientCode`, bit-identical to `numericTerms`' substitution) and returns an object whose
 * methods evaluate the groups in Horner form (`hornerCodeSymbolic`), reading x from a Float64Array, allocation-free.
 * `constants` are parameter-only polynomials returned as numbers (e.g. the block ranks r_k(d)). No code is generated
 * at run time: this is plain source for a page or a bundle. A missing or non-finite parameter throws a RangeError.
 */
export function parametricFactorySource(fnName: string, groups: readonly ParametricGroup[], stateVars: readonly string[], params: readonly string[], constants: Readonly<Record<string, readonly Poly[]>> = {}): string {
  const pid = new Map(params.map((p, i) => [p, `p${i}`]));
  const ident = (name: string): string => {
    const id = pid.get(name);
    if (!id) throw new RangeError(`parametricFactorySource: symbol ${name} is neither a state variable nor a parameter`);
    return id;
  };
  const names = stateVars.map((_, i) => `x${i}`);
  let src = `function ${fnName}(p) {\n  'use strict';\n`;
  params.forEach((name, i) => {
    src += `  const p${i} = p[${JSON.stringify(name)}];\n`;
    src += `  if (typeof p${i} !== 'number' || !Number.isFinite(p${i})) throw new RangeError(${JSON.stringify(`${fnName}: parameter ${name} must be a finite number, got `)} + String(p${i}));\n`;
  });
  let nc = 0;
  const methods: string[] = [];
  for (const g of groups) {
    let body = '';
    for (let i = 0; i < stateVars.length; i++) body += `      const x${i} = x[${i}];\n`;
    const exprs = g.polys.map((poly) => {
      const terms = symbolicTerms(poly, stateVars).map((t) => {
        const id = `k${nc++}`;
        src += `  const ${id} = ${coefficientCode(t.coef, ident)};\n`;
        return { exps: t.exps, coef: id };
      });
      return hornerCodeSymbolic(terms, names);
    });
    if (g.kind === 'scalar') {
      body += `      return ${exprs[0]};\n`;
      methods.push(`    ${g.name}(x) {\n${body}    }`);
    } else {
      exprs.forEach((e, i) => (body += `      out[${i}] = ${e};\n`));
      methods.push(`    ${g.name}(x, out) {\n${body}    }`);
    }
  }
  for (const [name, polys] of Object.entries(constants)) methods.push(`    ${name}: [${polys.map((q) => coefficientCode(q, ident)).join(', ')}]`);
  src += `  return {\n${methods.join(',\n')}\n  };\n}\n`;
  return src;
}
