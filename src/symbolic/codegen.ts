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
