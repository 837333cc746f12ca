/**
 * Newton–Schulz iterations for an approximate polar factor (Muon, muon.ts), full-dimensional and per block.
 *
 *   X₀ = G/(s‖G‖_F + ε) (transposed first when m > n, as in the Muon reference, so A = XXᵀ is the smaller Gram
 *   matrix), then for i = 1..steps with the i-th coefficients (a_i, b_i, c_i) of a schedule:
 *   X ← a_i X + (b_i A + c_i A²) X,  A = X Xᵀ.
 * It maps each singular value x ↦ p_steps ∘ … ∘ p_1(x), p_i(x) = a_i x + b_i x³ + c_i x⁵, approximating U S' Vᵀ
 * (S' ≈ 0.7–1.1 for Keller's quintic), not U Vᵀ. G = 0 gives 0. s is the schedule's normalization safety factor
 * (1 for Keller's quintic, 1.01 for Polar Express); ε is the Muon reference's 1e-7 (`nsEpsilon`; 0 reproduces the
 * earlier exact division by ‖G‖_F).
 *
 * On the block manifold (model.md §4) X₀ = Σ_k (g_k/(s‖G‖_F + ε)) P_k with ‖G‖_F² = Σ_k r_k g_k², and the iteration
 * commutes with the block algebra: each block scalar x_k follows the scalar maps x ← p_i(x). For the vector
 * student XXᵀX = ‖X‖²X, so X stays along g and only its norm ‖X₀‖ = ‖g‖/(s‖g‖ + ε) is iterated.
 *
 * Precision (full-dimensional only, `rounding`): "float32" / "bfloat16" emulate running the iteration in that
 * format, as the reference does (`G.bfloat16()`, muon.py): X₀ is rounded to the format, and so is the output of
 * every product (A, A², BX) and every elementwise combination (B = bA + cA², X = aX + BX), with round-to-nearest-
 * even (torch's cast). Products accumulate in float64 before their one rounding (a GPU accumulates bf16 matmuls in
 * float32: the emulation is that, up to the accumulator's own rounding). Deterministic: no stochastic rounding, so
 * no seed is needed. The norm ‖X‖_F is taken in float64 on the rounded X₀ (torch reduces in float32).
 * The reduced map does not model precision (muon.ts refuses a reduced map for precision ≠ float64).
 */
import type { LinalgBackend } from '../core/linalg.js';

/**
 * Muon reference quintic coefficients (a, b, c) = (3.4445, −4.7750, 2.0315), the same at every iteration:
 * K. Jordan et al., "Muon: An optimizer for hidden layers in neural networks" (2024), `zeropower_via_newtonschulz5`
 * in github.com/KellerJordan/Muon, muon.py at commit 857d1adc159e098212f828d927460782d3da59e9.
 */
export const MUON_NS_COEFFS = { a: 3.4445, b: -4.775, c: 2.0315 } as const;

export interface NewtonSchulzCoefficients {
  a: number;
  b: number;
  c: number;
}

/**
 * Polar Express (N. Amsel, D. Persson, C. Musco, R. M. Gower, "The Polar Express: Optimal Matrix Sign Methods and
 * Their Application to the Muon Algorithm", arXiv:2505.16932, 2025): the hard-coded per-iteration quintics of the
 * authors' self-contained implementation, github.com/NoahAmsel/PolarExpress `polar_express/basic.py` at commit
 * 7f0fb5730e3d5946f96b07404bbe476515f2caec (the paper's Algorithm 1 listing; generated there by
 * `optimal_composition(l=1e-3, num_iters=8, cushion=0.02)`). These are the raw triples; the safety factor is
 * applied by `POLAR_EXPRESS_SCHEDULE`.
 */
export const POLAR_EXPRESS_RAW: readonly NewtonSchulzCoefficients[] = [
  { a: 8.28721201814563, b: -23.595886519098837, c: 17.300387312530933 },
  { a: 4.107059111542203, b: -2.9478499167379106, c: 0.5448431082926601 },
  { a: 3.9486908534822946, b: -2.908902115962949, c: 0.5518191394370137 },
  { a: 3.3184196573706015, b: -2.488488024314874, c: 0.51004894012372 },
  { a: 2.300652019954817, b: -1.6689039845747493, c: 0.4188073119525673 },
  { a: 1.891301407787398, b: -1.2679958271945868, c: 0.37680408948524835 },
  { a: 1.8750014808534479, b: -1.2500016453999487, c: 0.3750001645474248 },
  { a: 1.875, b: -1.25, c: 0.375 },
];

/** Polar Express safety factor (basic.py): every triple but the last becomes (a/1.01, b/1.01³, c/1.01⁵), and X₀ = G/(1.01‖G‖_F + ε). */
export const POLAR_EXPRESS_SAFETY = 1.01;

/** A coefficient schedule: the i-th iteration uses coefficients[min(i, length − 1)] (the last one repeats). */
export interface NewtonSchulzSchedule {
  readonly coefficients: readonly NewtonSchulzCoefficients[];
  /** s in X₀ = G/(s‖G‖_F + ε). */
  readonly normScale: number;
}

export const KELLER_SCHEDULE: NewtonSchulzSchedule = { coefficients: [MUON_NS_COEFFS], normScale: 1 };

export const POLAR_EXPRESS_SCHEDULE: NewtonSchulzSchedule = {
  coefficients: POLAR_EXPRESS_RAW.map((q, i) =>
    i < POLAR_EXPRESS_RAW.length - 1 ? { a: q.a / POLAR_EXPRESS_SAFETY, b: q.b / POLAR_EXPRESS_SAFETY ** 3, c: q.c / POLAR_EXPRESS_SAFETY ** 5 } : q,
  ),
  normScale: POLAR_EXPRESS_SAFETY,
};

/** The coefficients of iteration i (0-based) of a schedule. */
export function scheduleAt(schedule: NewtonSchulzSchedule, i: number): NewtonSchulzCoefficients {
  const cs = schedule.coefficients;
  return cs[Math.min(i, cs.length - 1)];
}

/** Rounding of the full-dimensional iteration (module comment). */
export type NsPrecision = 'float64' | 'float32' | 'bfloat16';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Round to bfloat16 (8 significand bits), round-to-nearest-even on the float32 value; NaN stays NaN. */
export function roundBfloat16(x: number): number {
  f32[0] = x; // float64 → float32 (RNE)
  const bits = u32[0];
  if ((bits & 0x7f800000) === 0x7f800000) return f32[0];
  const lsb = (bits >>> 16) & 1;
  u32[0] = ((bits + 0x7fff + lsb) & 0xffff0000) >>> 0;
  return f32[0];
}

/** The rounding function of a precision (null for float64: no rounding). */
export function rounder(precision: NsPrecision): ((x: number) => number) | null {
  return precision === 'float32' ? Math.fround : precision === 'bfloat16' ? roundBfloat16 : null;
}

export interface NewtonSchulzWorkspace {
  readonly m: number;
  readonly n: number;
  readonly x: Float64Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly bx: Float64Array;
}

export function newtonSchulzWorkspace(m: number, n: number): NewtonSchulzWorkspace {
  const p = Math.min(m, n);
  const q = Math.max(m, n);
  return { m, n, x: new Float64Array(p * q), a: new Float64Array(p * p), b: new Float64Array(p * p), bx: new Float64Array(p * q) };
}

/** Options of the generalized iteration. */
export interface NewtonSchulzOptions {
  schedule: NewtonSchulzSchedule;
  steps: number;
  /** ε in X₀ = G/(s‖G‖_F + ε). */
  epsilon: number;
  precision: NsPrecision;
}

function roundAll(r: (x: number) => number, v: Float64Array, len: number): void {
  for (let i = 0; i < len; i++) v[i] = r(v[i]);
}

/** Full-dimensional iteration of G (m×n, row-major) into `out` (see the module comment). */
export function newtonSchulzIterate(backend: LinalgBackend, G: Float64Array, ws: NewtonSchulzWorkspace, opts: NewtonSchulzOptions, out: Float64Array): void {
  const { m, n, x, a: A, b: Bm, bx } = ws;
  const transposed = m > n;
  const r = transposed ? n : m; // rows of X
  const c = transposed ? m : n; // columns of X
  const rnd = rounder(opts.precision);
  // X = G (rounded to the format first, as G.bfloat16() does), then X / (s‖X‖_F + ε); ‖·‖_F summed in G's order
  let norm2 = 0;
  for (let i = 0; i < m * n; i++) {
    const v = rnd ? rnd(G[i]) : G[i];
    norm2 += v * v;
  }
  if (norm2 === 0) {
    out.fill(0, 0, m * n);
    return;
  }
  const inv = 1 / (Math.sqrt(norm2) * opts.schedule.normScale + opts.epsilon);
  if (transposed) {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) x[j * m + i] = (rnd ? rnd(G[i * n + j]) : G[i * n + j]) * inv;
  } else for (let i = 0; i < m * n; i++) x[i] = (rnd ? rnd(G[i]) : G[i]) * inv;
  if (rnd) roundAll(rnd, x, r * c);
  for (let s = 0; s < opts.steps; s++) {
    const q = scheduleAt(opts.schedule, s);
    // A = X Xᵀ (r×r)
    backend.gemm(false, true, r, r, c, 1, x, x, 0, A);
    if (rnd) roundAll(rnd, A, r * r);
    // B = b A + c A A
    backend.gemm(false, false, r, r, r, q.c, A, A, 0, Bm);
    if (rnd) roundAll(rnd, Bm, r * r);
    for (let i = 0; i < r * r; i++) Bm[i] += q.b * A[i];
    if (rnd) roundAll(rnd, Bm, r * r);
    // X ← a X + B X
    backend.gemm(false, false, r, c, r, 1, Bm, x, 0, bx);
    if (rnd) roundAll(rnd, bx, r * c);
    for (let i = 0; i < r * c; i++) x[i] = q.a * x[i] + bx[i];
    if (rnd) roundAll(rnd, x, r * c);
  }
  if (transposed) {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] = x[j * m + i];
  } else for (let i = 0; i < m * n; i++) out[i] = x[i];
}

/**
 * Keller's quintic (fixed coefficients), no ε, float64: the earlier entry point, bit-for-bit the same arithmetic
 * as `newtonSchulzIterate` with { normScale 1, ε 0 } (x·(1/(‖G‖·1 + 0)) = x·(1/‖G‖) exactly).
 */
export function newtonSchulz(backend: LinalgBackend, G: Float64Array, ws: NewtonSchulzWorkspace, steps: number, coeffs: NewtonSchulzCoefficients, out: Float64Array): void {
  newtonSchulzIterate(backend, G, ws, { schedule: { coefficients: [coeffs], normScale: 1 }, steps, epsilon: 0, precision: 'float64' }, out);
}

/** The per-block scalar iteration x ↦ p_steps ∘ … ∘ p_1(x) of a schedule (no normalization). */
export function scheduleComposite(schedule: NewtonSchulzSchedule, steps: number, x0: number): number {
  let x = x0;
  for (let i = 0; i < steps; i++) {
    const q = scheduleAt(schedule, i);
    const x2 = x * x;
    x = q.a * x + q.b * x2 * x + q.c * x2 * x2 * x;
  }
  return x;
}

/**
 * The iteration on the block manifold: block coefficients g of the input (ranks r_k) → the block coefficients of
 * the Newton–Schulz output, into `out` (see the module comment).
 */
export function newtonSchulzBlocksSchedule(student: 'matrix' | 'vector', ranks: Float64Array, g: Float64Array, out: Float64Array, schedule: NewtonSchulzSchedule, steps: number, epsilon: number): void {
  const n = g.length;
  let norm2 = 0;
  for (let k = 0; k < n; k++) norm2 += ranks[k] * g[k] * g[k];
  const norm = Math.sqrt(norm2);
  if (norm === 0) {
    out.fill(0);
    return;
  }
  const den = norm * schedule.normScale + epsilon;
  if (student === 'vector') {
    const s = scheduleComposite(schedule, steps, norm / den);
    for (let k = 0; k < n; k++) out[k] = (s * g[k]) / norm;
    return;
  }
  for (let k = 0; k < n; k++) out[k] = scheduleComposite(schedule, steps, g[k] / den);
}

/** Keller's quintic per block, no ε (the earlier entry point). */
export function newtonSchulzBlocks(student: 'matrix' | 'vector', ranks: Float64Array, g: Float64Array, out: Float64Array, steps: number, coeffs: NewtonSchulzCoefficients): void {
  newtonSchulzBlocksSchedule(student, ranks, g, out, { coefficients: [coeffs], normScale: 1 }, steps, 0);
}
