/**
 * `compileSystem(derivation, spec)`: the numeric face of a derivation (the `CompiledSystem` contract in
 * compiled.ts). Every symbol but the block coefficients is substituted with the spec's numbers (variances, d, κ);
 * loss, block gradients g_k and their Jacobian ∂g_i/∂a_j become generated straight-line closures (Horner form,
 * no allocation per call). The update rules on top of the gradients live in the algorithm registry
 * (src/algorithms/, each file's `reduced`).
 */
import type { ModelSpec } from '../model/spec.js';
import { compilePoly, compilePolys } from './codegen.js';
import type { Poly } from './poly.js';
import type { CompiledSystem } from './compiled.js';
import { derive, type Derivation } from './derive.js';
import { matrixBlockSystemFor } from './matrix-block-derive.js';

/** Numeric values of the derivation's parameters for `spec` (κ from the spec's loss scale). */
export function paramValues(derivation: Derivation, spec: ModelSpec): Record<string, number> {
  const env: Record<string, number> = {};
  for (const b of spec.blocks) env[b.varianceSymbol] = b.variance;
  env.d = spec.d;
  env.kappa = spec.lossScale;
  for (const p of derivation.params) if (!(p.name in env)) env[p.name] = p.value.toNumber();
  return env;
}

function structureMatches(derivation: Derivation, spec: ModelSpec): boolean {
  const student = spec.student.kind === 'vector' ? 'vector' : 'matrix';
  return (
    derivation.model.student === student &&
    derivation.model.signalBlock === spec.signalBlock &&
    derivation.blocks.length === spec.blocks.length &&
    derivation.blocks.every((b, k) => b.symbol === spec.blocks[k].symbol && b.varianceSymbol === spec.blocks[k].varianceSymbol && b.rank.evaluate({ d: spec.d }) === spec.blocks[k].rank)
  );
}

/**
 * Compile a derivation for `spec`. The derivation may come from another spec with the same block structure (the
 * symbolic forms do not depend on numeric values): the loss and gradients are re-derived with κ symbolic and
 * every number is taken from `spec`.
 */
export function compileSystem(derivation: Derivation, spec: ModelSpec): CompiledSystem {
  if (!structureMatches(derivation, spec)) throw new Error('compileSystem: the derivation was made for a different block structure than this spec');
  const env = paramValues(derivation, spec);
  const vars = derivation.stateVars;
  const n = vars.length;
  // General (κ-symbolic) forms so that the spec's κ is used even if the derivation substituted another one.
  const loss = derivation.general.loss;
  const grads = derivation.general.gradients;
  const gradJac: Poly[] = [];
  for (const g of grads) for (const v of vars) gradJac.push(g.diff(v));
  const lossFn = compilePoly(loss, vars, env);
  const gradFn = compilePolys(grads, vars, env);
  const jacFn = compilePolys(gradJac, vars, env);
  const ranks = Float64Array.from(spec.blocks.map((b) => b.rank));
  const student = derivation.model.student;
  return {
    n,
    symbols: [...vars],
    ranks,
    student,
    loss: lossFn,
    grad: gradFn,
    gradJacobian: jacFn,
  };
}

/** Symbolic derivations per block structure (they do not depend on numeric values). */
const derivationCache = new Map<string, Derivation>();
const systemCache = new WeakMap<ModelSpec, CompiledSystem>();
/** Compiled systems per (block structure, numbers), so sweeps that rebuild equal specs do not recompile. */
const numericCache = new Map<string, CompiledSystem>();
const NUMERIC_CACHE_SIZE = 64;
/** Symbolic derivations kept (per block structure); the oldest is dropped first. */
const DERIVATION_CACHE_SIZE = 32;

function structureKey(spec: ModelSpec): string {
  return JSON.stringify([spec.student.kind, spec.signalBlock, spec.blocks.map((b) => [b.symbol, b.varianceSymbol, b.rankInD.coef, b.rankInD.offset])]);
}

/**
 * compileSystem(derive(spec), spec), memoized: the symbolic derivation per block structure, the compiled system per
 * spec object and per (structure, d, κ, variances) — the closures are pure, so equal numbers can share them.
 */
export function systemFor(spec: ModelSpec): CompiledSystem {
  // θ over several eigen-directions: the matrix-block coordinates (issue 13).
  if (spec.coordinates) return matrixBlockSystemFor(spec);
  const hit = systemCache.get(spec);
  if (hit) return hit;
  const key = structureKey(spec);
  const numericKey = JSON.stringify([key, spec.d, spec.lossScale, spec.blocks.map((b) => b.variance)]);
  let sys = numericCache.get(numericKey);
  if (!sys) {
    let d = derivationCache.get(key);
    if (!d) {
      d = derive(spec, { checks: false, fixedPoints: false });
      // bounded like the numeric cache: a long-lived process (tests, fuzzing, a server) meets many structures
      if (derivationCache.size >= DERIVATION_CACHE_SIZE) derivationCache.delete(derivationCache.keys().next().value!);
      derivationCache.set(key, d);
    }
    sys = compileSystem(d, spec);
    if (numericCache.size >= NUMERIC_CACHE_SIZE) numericCache.delete(numericCache.keys().next().value!);
    numericCache.set(numericKey, sys);
  }
  systemCache.set(spec, sys);
  return sys;
}
