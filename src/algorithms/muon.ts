/**
 * Muon (model.md §3) as practitioners run it: K. Jordan et al., "Muon: An optimizer for hidden layers in neural
 * networks" (2024), reference implementation github.com/KellerJordan/Muon `muon.py` at commit
 * 857d1adc159e098212f828d927460782d3da59e9 (`muon_update`, `SingleDeviceMuon.step`). One step, G = ∇L(W):
 *
 *   m ← β m + (1 − β) G                          (`momentum.lerp_(grad, 1 − β)`, m₀ = 0)
 *   u = (1 − β) G + β m   (Nesterov)  or  u = m  (`grad.lerp_(momentum, β) if nesterov else momentum`)
 *   O = NS(u): Newton–Schulz on u/(s‖u‖_F + ε) with a coefficient schedule (newton-schulz.ts), or the exact polar
 *       factor U Vᵀ (`nsCoefficients: "exact"`, the SpecGD operator, specgd.ts)
 *   W ← W (1 − η·wd) − η·ρ·O                     (decoupled weight decay `p.mul_(1 − lr·wd)`, then `p.add_(·, −lr)`)
 *
 * with the learning-rate scale ρ (`lrScaling`): "keller" ρ = √max(1, rows/cols) (muon.py: `update *= max(1,
 * grad.size(-2)/grad.size(-1))**0.5`; rows = m, cols = d, so ρ = 1 for the square and the vector student here),
 * "moonlight" ρ = 0.2·√max(m, d) (J. Liu et al., "Muon is Scalable for LLM Training", arXiv:2502.16982, 2025;
 * github.com/MoonshotAI/Moonlight `examples/toy_train.py` at commit abaa96ec0096e095b3195f7c0f1b3ffed945b281,
 * `adjust_lr_for_muon`; weight decay there also uses the unscaled lr), "none" ρ = 1. The lerps are evaluated as
 * torch does (`lerp` below). Time t = ηk.
 *
 * Defaults are the reference's: β = 0.95, Nesterov, Keller's quintic, 5 iterations, ε = 1e-7, wd = 0, "keller"
 * scaling — except two, on purpose: η = 0.002 (this model's SpecGD step size; the reference's lr = 0.02 is a
 * network-training value) and precision "float64" (the reference runs Newton–Schulz in bfloat16; here that is the
 * opt-in `precision: "bfloat16"`, simulation only, because the reduced map does not model rounding).
 *
 * Reduced map (model.md §4): G = Σ_k g_k P_k and m₀ = 0 stay in the block algebra, so the buffer is block
 * coefficients m_k (m_k ← β m_k + (1 − β) g_k, u_k likewise), Newton–Schulz acts per block on u_k/(s‖u‖_F + ε) with
 * ‖u‖_F = √(Σ_k r_k u_k²) (the ε included), and a_k ← a_k(1 − η·wd) − η ρ x_k. Exact on the manifold in any basis
 * (the iteration is a polynomial in u uᵀ: rotation-equivariant). It does not model precision: a config with
 * precision ≠ "float64" has no reduced map (`configReducible`, and `reduced` throws a ConfigError saying so).
 *
 * The earlier form `{ name: "specgd", polar: "newton-schulz", nsSteps }` (label `specgd-ns<k>`) is this file with
 * β = 0, Keller's quintic, ε = 0, wd = 0, ρ = 1 in float64, computed with the same arithmetic as before (bit for bit).
 *
 * Labels: `muon` for the defaults; otherwise `muon(<changes>)` listing, in this order, only the settings that differ
 * from the defaults: `β=<v>`, `heavy-ball` / `nesterov` (only when β > 0), `coef=polar-express` / `coef=exact` /
 * `coef=custom:<8 hex digits of the FNV-1a hash of the list's JSON>`, `ns=<steps>`, `ε=<v>`, `wd=<v>`,
 * `lr=none` / `lr=moonlight`, `float32` / `bfloat16` (steps, ε and precision are omitted for `coef=exact`, which
 * ignores them). Example: `muon(β=0,ns=3)`. η is not in the label (as for every algorithm).
 */
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { inRange, posInt, positive } from '../core/fields.js';
import { SIGN_TIE_REL_TOL } from '../core/tolerances.js';
import {
  KELLER_SCHEDULE,
  POLAR_EXPRESS_SCHEDULE,
  newtonSchulzBlocksSchedule,
  newtonSchulzIterate,
  newtonSchulzWorkspace,
  type NewtonSchulzSchedule,
  type NsPrecision,
} from './newton-schulz.js';
import { DEFAULT_NS_STEPS } from './specgd.js';
import type { Algorithm, AlgorithmConfig } from './types.js';

export type NsCoefficients = 'keller' | 'polar-express' | 'exact' | number[][];
export type LrScaling = 'none' | 'keller' | 'moonlight';

export interface MuonConfig extends AlgorithmConfig {
  name: 'muon' | 'specgd';
  eta: number;
  nsSteps: number;
  momentum?: number;
  nesterov?: boolean;
  nsCoefficients?: NsCoefficients;
  nsEpsilon?: number;
  weightDecay?: number;
  lrScaling?: LrScaling;
  precision?: NsPrecision;
  /** Present (and "newton-schulz") on the earlier `specgd` form. */
  polar?: 'newton-schulz';
}

/** Every setting of a Muon config, filled (the earlier `specgd` form included). */
export interface MuonSettings {
  eta: number;
  momentum: number;
  nesterov: boolean;
  nsCoefficients: NsCoefficients;
  nsSteps: number;
  nsEpsilon: number;
  weightDecay: number;
  lrScaling: LrScaling;
  precision: NsPrecision;
}

/** The defaults (module comment: the reference's, η and precision excepted). */
export const MUON_DEFAULTS = {
  name: 'muon',
  eta: 0.002,
  momentum: 0.95,
  nesterov: true,
  nsCoefficients: 'keller',
  nsSteps: DEFAULT_NS_STEPS,
  nsEpsilon: 1e-7,
  weightDecay: 0,
  lrScaling: 'keller',
  precision: 'float64',
} as const satisfies MuonConfig;

/** The settings of a resolved config (the `specgd` + newton-schulz form is plain Keller NS, see the module comment). */
export function muonSettings(c: MuonConfig): MuonSettings {
  if (c.name === 'specgd') {
    return { eta: c.eta, momentum: 0, nesterov: false, nsCoefficients: 'keller', nsSteps: c.nsSteps, nsEpsilon: 0, weightDecay: 0, lrScaling: 'none', precision: 'float64' };
  }
  const D = MUON_DEFAULTS;
  return {
    eta: c.eta,
    momentum: c.momentum ?? D.momentum,
    nesterov: c.nesterov ?? D.nesterov,
    nsCoefficients: c.nsCoefficients ?? D.nsCoefficients,
    nsSteps: c.nsSteps ?? D.nsSteps,
    nsEpsilon: c.nsEpsilon ?? D.nsEpsilon,
    weightDecay: c.weightDecay ?? D.weightDecay,
    lrScaling: c.lrScaling ?? D.lrScaling,
    precision: c.precision ?? D.precision,
  };
}

/** The Newton–Schulz schedule of a coefficient setting (null for "exact"). */
export function scheduleOf(coeffs: NsCoefficients): NewtonSchulzSchedule | null {
  if (coeffs === 'exact') return null;
  if (coeffs === 'keller') return KELLER_SCHEDULE;
  if (coeffs === 'polar-express') return POLAR_EXPRESS_SCHEDULE;
  return { coefficients: coeffs.map(([a, b, c]) => ({ a, b, c })), normScale: 1 };
}

/** ρ of a scaling convention for an m×d parameter (module comment). */
export function lrScale(scaling: LrScaling, m: number, d: number): number {
  if (scaling === 'keller') return Math.sqrt(Math.max(1, m / d));
  if (scaling === 'moonlight') return 0.2 * Math.sqrt(Math.max(m, d));
  return 1;
}

/** torch's `a.lerp_(b, w)` (aten lerp kernel): a + w(b − a) for |w| < 0.5, else b − (b − a)(1 − w). */
export function lerp(a: number, b: number, w: number): number {
  return Math.abs(w) < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w);
}

/** FNV-1a 32-bit hash of a string, as 8 hex digits (labels of custom coefficient lists). */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Label of a config (module comment). */
export function muonLabel(c: MuonConfig): string {
  if (c.name === 'specgd') return `specgd-ns${c.nsSteps}`;
  const s = muonSettings(c);
  const D = MUON_DEFAULTS;
  const parts: string[] = [];
  const exact = s.nsCoefficients === 'exact';
  if (s.momentum !== D.momentum) parts.push(`β=${s.momentum}`);
  if (s.momentum > 0 && s.nesterov !== D.nesterov) parts.push(s.nesterov ? 'nesterov' : 'heavy-ball');
  if (typeof s.nsCoefficients !== 'string') parts.push(`coef=custom:${fnv1a(JSON.stringify(s.nsCoefficients))}`);
  else if (s.nsCoefficients !== D.nsCoefficients) parts.push(`coef=${s.nsCoefficients}`);
  if (!exact && s.nsSteps !== D.nsSteps) parts.push(`ns=${s.nsSteps}`);
  if (!exact && s.nsEpsilon !== D.nsEpsilon) parts.push(`ε=${s.nsEpsilon}`);
  if (s.weightDecay !== D.weightDecay) parts.push(`wd=${s.weightDecay}`);
  if (s.lrScaling !== D.lrScaling) parts.push(`lr=${s.lrScaling}`);
  if (!exact && s.precision !== D.precision) parts.push(s.precision);
  return parts.length === 0 ? 'muon' : `muon(${parts.join(',')})`;
}

/** Why a config has no reduced map (null when it has one): precision is simulation-only. */
export function muonConfigReducible(c: MuonConfig): string | null {
  const s = muonSettings(c);
  if (s.precision !== 'float64') return `precision "${s.precision}" is emulated in the full-dimensional simulation only; the reduced map does not model rounding`;
  return null;
}

const finite = (what: string) => z.number({ error: `a finite number (${what})` }).finite({ error: `a finite number (${what})` });
const nonNegative = (what: string) => finite(what).gte(0, { error: `a finite number ≥ 0 (${what})` });
const COEFF_MSG = '"keller", "polar-express", "exact" or a non-empty list of [a, b, c] triples of finite numbers';

const SCHEMA = z.strictObject({
  name: z.literal('muon'),
  eta: positive('step size η'),
  momentum: inRange('momentum β', 0, 1).optional(),
  nesterov: z.boolean({ error: 'true or false (Nesterov momentum)' }).optional(),
  nsCoefficients: z
    .union([z.enum(['keller', 'polar-express', 'exact']), z.array(z.tuple([finite('a'), finite('b'), finite('c')]), { error: COEFF_MSG }).min(1, { error: COEFF_MSG })], { error: COEFF_MSG })
    .optional(),
  nsSteps: posInt('Newton–Schulz iterations').optional(),
  nsEpsilon: nonNegative('normalization ε of ‖G‖_F + ε').optional(),
  weightDecay: nonNegative('decoupled weight decay').optional(),
  lrScaling: z.enum(['none', 'keller', 'moonlight'], { error: '"none", "keller" or "moonlight"' }).optional(),
  precision: z.enum(['float64', 'float32', 'bfloat16'], { error: '"float64", "float32" or "bfloat16"' }).optional(),
});

const KEYS = ['name', 'eta', 'momentum', 'nesterov', 'nsCoefficients', 'nsSteps', 'nsEpsilon', 'weightDecay', 'lrScaling', 'precision'] as const;

export const algorithm: Algorithm<MuonConfig> = {
  id: 'muon',
  title: 'Muon',
  order: 2,
  configName: 'muon',
  schema: SCHEMA,
  keys: KEYS,
  accepts: (c) => c.name === 'muon' || (c.name === 'specgd' && c.polar === 'newton-schulz'),
  resolve(p) {
    const D = MUON_DEFAULTS;
    const c: MuonConfig = {
      name: 'muon',
      eta: p.eta as number,
      momentum: (p.momentum as number | undefined) ?? D.momentum,
      nesterov: (p.nesterov as boolean | undefined) ?? D.nesterov,
      nsCoefficients: (p.nsCoefficients as NsCoefficients | undefined) ?? D.nsCoefficients,
      nsSteps: (p.nsSteps as number | undefined) ?? D.nsSteps,
      nsEpsilon: (p.nsEpsilon as number | undefined) ?? D.nsEpsilon,
      weightDecay: (p.weightDecay as number | undefined) ?? D.weightDecay,
      lrScaling: (p.lrScaling as LrScaling | undefined) ?? D.lrScaling,
      precision: (p.precision as NsPrecision | undefined) ?? D.precision,
    };
    if (c.nsCoefficients === 'exact' && c.precision !== 'float64') throw new ConfigError('algorithms[].precision', c.precision, '"float64" with nsCoefficients "exact" (precision applies to the Newton–Schulz iterations only)');
    return c;
  },
  defaults: { ...MUON_DEFAULTS },
  options: [
    { key: 'eta', meaning: 'step size η (t = ηk); the reference lr is 0.02, this model uses the SpecGD scale' },
    { key: 'momentum', meaning: 'β of m ← βm + (1 − β)G (0 = no momentum)' },
    { key: 'nesterov', meaning: 'u = (1 − β)G + βm (true) or u = m (heavy-ball)' },
    { key: 'nsCoefficients', meaning: '`keller` (3.4445, −4.7750, 2.0315), `polar-express` (Amsel et al. 2025, safety 1.01), `exact` (SVD polar UVᵀ) or `[[a, b, c], …]` (last repeats)' },
    { key: 'nsSteps', meaning: 'Newton–Schulz iterations' },
    { key: 'nsEpsilon', meaning: 'ε in u/(s‖u‖_F + ε)' },
    { key: 'weightDecay', meaning: 'decoupled: W ← W(1 − η·wd) − η·ρ·NS(u)' },
    { key: 'lrScaling', meaning: 'ρ: `keller` √max(1, m/d), `moonlight` 0.2√max(m, d), `none` 1' },
    { key: 'precision', meaning: '`float32` / `bfloat16`: emulated rounding of the NS iterations, simulation only (the reference runs bfloat16)' },
  ],
  label: muonLabel,
  displayLabel: (c) => (c.name === 'specgd' ? `Muon (NS${c.nsSteps})` : 'Muon'),
  configOfLabel(id) {
    const ns = /^specgd-ns(\d+)$/.exec(id); // muonLabel's form of the earlier `specgd` + newton-schulz config
    return ns ? { name: 'specgd', eta: MUON_DEFAULTS.eta, polar: 'newton-schulz', nsSteps: Number(ns[1]) } : null;
  },
  stepCost(c, { m, d }) {
    const s = muonSettings(c);
    // exact: one SVD of the m×d update (≥ m·d·min(m, d)); else nsSteps quintic iterations of ≥ m²·d each.
    if (s.nsCoefficients === 'exact') return { reducedPasses: 0, fullOps: m * d * Math.min(m, d), reason: 'an SVD per step (nsCoefficients "exact")' };
    return { reducedPasses: s.nsSteps - 1, fullOps: s.nsSteps * m * m * d, field: 'nsSteps', reason: `${s.nsSteps} Newton–Schulz iterations per step (≥ ${m}²·${d} operations each)` };
  },
  timeStep: 'eta',
  latex(c) {
    const s = muonSettings(c);
    const polar = s.nsCoefficients === 'exact' ? '\\operatorname{polar}(u)' : `\\mathrm{NS}_{${s.nsSteps}}\\!\\left(u/(s\\lVert u\\rVert_F + \\varepsilon)\\right)`;
    const mom = s.momentum === 0 ? 'u = \\nabla L(W)' : `m \\leftarrow \\beta m + (1-\\beta)\\nabla L(W),\\ u = ${s.nesterov ? '(1-\\beta)\\nabla L(W) + \\beta m' : 'm'}`;
    const wd = s.weightDecay === 0 ? 'W' : 'W(1 - \\eta\\lambda_{wd})';
    const rho = s.lrScaling === 'none' ? '' : '\\rho\\,';
    return `${mom},\\quad W \\leftarrow ${wd} - \\eta\\,${rho}${polar}`;
  },
  describe(c) {
    const s = muonSettings(c);
    return `Muon (${s.nsCoefficients === 'exact' ? 'exact polar factor' : `${s.nsSteps} Newton–Schulz iterations, ${typeof s.nsCoefficients === 'string' ? s.nsCoefficients : 'custom'} coefficients, ε = ${s.nsEpsilon}, ${s.precision}`}; β = ${s.momentum}${s.momentum > 0 ? (s.nesterov ? ' Nesterov' : ' heavy-ball') : ''}, wd = ${s.weightDecay}, lr scaling ${s.lrScaling}), η = ${s.eta}`;
  },
  full(config, { m, d, backend, tieRelTol }) {
    const s = muonSettings(config);
    const { eta, momentum: beta, nesterov, weightDecay } = s;
    const size = m * d;
    const rho = lrScale(s.lrScaling, m, d);
    const decay = 1 - eta * weightDecay;
    const schedule = scheduleOf(s.nsCoefficients);
    const ws = schedule ? newtonSchulzWorkspace(m, d) : null;
    const svd = !schedule && m > 1 ? backend.svdWorkspace(m, d) : null;
    const nsOpts = schedule ? { schedule, steps: s.nsSteps, epsilon: s.nsEpsilon, precision: s.precision } : null;
    const buf = new Float64Array(beta > 0 ? size : 0);
    const U = new Float64Array(beta > 0 ? size : 0);
    const P = new Float64Array(size);
    return {
      step(W, G) {
        let u = G;
        if (beta > 0) {
          for (let i = 0; i < size; i++) {
            buf[i] = lerp(buf[i], G[i], 1 - beta);
            U[i] = nesterov ? lerp(G[i], buf[i], beta) : buf[i];
          }
          u = U;
        }
        if (nsOpts) newtonSchulzIterate(backend, u, ws!, nsOpts, P);
        else if (svd) {
          const res = backend.thinSvdPolar(u, svd, tieRelTol, P);
          if (!res.converged) return 'the SVD of the update did not converge (non-finite gradient)';
        } else {
          // vector: polar(u) = u/‖u‖, u = 0 → no move
          let u2 = 0;
          for (let i = 0; i < d; i++) u2 += u[i] * u[i];
          const inv = u2 > 0 ? 1 / Math.sqrt(u2) : 0;
          for (let i = 0; i < d; i++) P[i] = u[i] * inv;
        }
        if (rho !== 1) for (let i = 0; i < size; i++) P[i] *= rho;
        if (weightDecay !== 0) for (let i = 0; i < size; i++) W[i] *= decay;
        for (let i = 0; i < size; i++) W[i] -= eta * P[i];
        return null;
      },
    };
  },
  // The reduced Newton–Schulz map iterates per-block scalars; on the K×K block of a signal over several
  // eigen-directions (issue 13) it would be a matrix iteration, which is not implemented.
  reducible: (q) => ((q.signalDirections ?? 1) > 1 ? 'the reduced Newton–Schulz map acts on block coefficients; the matrix block of a signal over several eigen-directions (issue 13) is not reduced for it' : null),
  configReducible: muonConfigReducible,
  reduced(config, sys) {
    const why = muonConfigReducible(config);
    if (why !== null) throw new ConfigError('algorithms[].precision', muonSettings(config).precision, `"float64" for a reduced map (\`specgd theory\`, sweeps): ${why}; use \`specgd simulate\``);
    const s = muonSettings(config);
    const { n, ranks, student } = sys;
    const { eta, momentum: beta, nesterov, weightDecay } = s;
    let dim = 0;
    for (let k = 0; k < n; k++) dim += ranks[k];
    const rho = lrScale(s.lrScaling, student === 'matrix' ? dim : 1, dim);
    const decay = 1 - eta * weightDecay;
    const schedule = scheduleOf(s.nsCoefficients);
    const buf = new Float64Array(n);
    const u = new Float64Array(n);
    return {
      step(a, g, aNext, dir) {
        let v = g;
        if (beta > 0) {
          for (let k = 0; k < n; k++) {
            buf[k] = lerp(buf[k], g[k], 1 - beta);
            u[k] = nesterov ? lerp(g[k], buf[k], beta) : buf[k];
          }
          v = u;
        }
        if (schedule) newtonSchulzBlocksSchedule(student, ranks, v, dir, schedule, s.nsSteps, s.nsEpsilon);
        else if (student === 'matrix') {
          // polar(Σ u_k P_k) = Σ sgn(u_k) P_k with the SVD's tie rule (specgd.ts)
          let mx = 0;
          for (let k = 0; k < n; k++) mx = Math.max(mx, Math.abs(v[k]));
          const cut = SIGN_TIE_REL_TOL * mx;
          for (let k = 0; k < n; k++) dir[k] = Math.abs(v[k]) <= cut ? 0 : Math.sign(v[k]);
        } else {
          let q = 0;
          for (let k = 0; k < n; k++) q += ranks[k] * v[k] * v[k];
          const inv = q > 0 ? 1 / Math.sqrt(q) : 0;
          for (let k = 0; k < n; k++) dir[k] = v[k] * inv;
        }
        for (let k = 0; k < n; k++) {
          const x = rho !== 1 ? dir[k] * rho : dir[k];
          aNext[k] = (weightDecay !== 0 ? a[k] * decay : a[k]) - eta * x;
        }
      },
    };
  },
  reducedLatex(c, sy) {
    const s = muonSettings(c);
    const x = (k: string) => (s.nsCoefficients === 'exact' ? `\\operatorname{sgn}(u_{${k}})` : `p^{\\circ ${s.nsSteps}}\\!\\left(u_{${k}}/(s\\lVert u\\rVert_F + \\varepsilon)\\right)`);
    const mom = s.momentum === 0 ? '' : `m_{${'k'}} \\leftarrow \\beta m_{k} + (1-\\beta) g_{k},\\ `;
    return mom + sy.map((k) => `${k} \\leftarrow ${s.weightDecay === 0 ? k : `${k}(1-\\eta\\lambda_{wd})`} - \\eta${s.lrScaling === 'none' ? '' : '\\rho'}\\, ${x(k)}`).join(',\\quad ');
  },
  gradientMap: false,
  signSwitchEvents: true,
};
