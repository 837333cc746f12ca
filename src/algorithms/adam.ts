/**
 * Adam (D. P. Kingma, J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, Algorithm 1), with bias
 * correction, evaluated as PyTorch's `torch.optim.Adam` does (single-tensor path, weight_decay = 0):
 *
 *   m ← lerp(m, G, 1 − β₁),  v ← β₂ v + (1 − β₂) G ⊙ G,  t ← t + 1,
 *   W ← W − (η/(1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)      (entrywise; m₀ = v₀ = 0)
 *
 * Defaults: η = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8 (Kingma & Ba's Algorithm 1 and PyTorch's `Adam` defaults).
 * Time t = ηk (the update is normalized: ≈ η sgn(G) on the first step).
 *
 * Reduced map (canonical basis only; why it closes there: coordinatewise.ts): the per-entry moments are equal on
 * every entry of a block, so they are block coefficients m_k, v_k with the same recursions on g_k, and
 * a_k ← a_k − (η/(1 − β₁ᵗ)) m_k/(√v_k/√(1 − β₂ᵗ) + ε). Entries off the diagonal keep m = v = 0 and move by
 * 0/(0 + ε) = 0, which needs ε > 0 (the schema requires it). In basis "random" it does not reduce: simulation only.
 */
import { z } from 'zod';
import { inRange, positive } from '../core/fields.js';
import { lerp } from './muon.js';
import { coordinatewiseReducible } from './coordinatewise.js';
import type { Algorithm, AlgorithmConfig } from './types.js';

export interface AdamConfig extends AlgorithmConfig {
  name: 'adam';
  eta: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const ADAM_DEFAULTS = { name: 'adam', eta: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const satisfies AdamConfig;

/** Per-step constants of PyTorch's update at step t (1-based): step size η/(1 − β₁ᵗ) and √(1 − β₂ᵗ). */
function stepConstants(c: AdamConfig, t: number): { stepSize: number; bc2Sqrt: number } {
  return { stepSize: c.eta / (1 - c.beta1 ** t), bc2Sqrt: Math.sqrt(1 - c.beta2 ** t) };
}

export const algorithm: Algorithm<AdamConfig> = {
  id: 'adam',
  title: 'Adam',
  order: 4,
  configName: 'adam',
  schema: z.strictObject({
    name: z.literal('adam'),
    eta: positive('step size η'),
    beta1: inRange('first-moment decay β₁', 0, 1).optional(),
    beta2: inRange('second-moment decay β₂', 0, 1).optional(),
    epsilon: positive('ε in √v̂ + ε').optional(),
  }),
  keys: ['name', 'eta', 'beta1', 'beta2', 'epsilon'],
  accepts: (c) => c.name === 'adam',
  resolve: (p) => ({
    name: 'adam',
    eta: p.eta as number,
    beta1: (p.beta1 as number | undefined) ?? ADAM_DEFAULTS.beta1,
    beta2: (p.beta2 as number | undefined) ?? ADAM_DEFAULTS.beta2,
    epsilon: (p.epsilon as number | undefined) ?? ADAM_DEFAULTS.epsilon,
  }),
  defaults: { ...ADAM_DEFAULTS },
  options: [
    { key: 'eta', meaning: 'step size η (t = ηk)' },
    { key: 'beta1', meaning: 'β₁: m ← β₁m + (1 − β₁)G' },
    { key: 'beta2', meaning: 'β₂: v ← β₂v + (1 − β₂)G⊙G' },
    { key: 'epsilon', meaning: 'ε in m̂/(√v̂ + ε) (> 0)' },
  ],
  label: (c) => {
    const D = ADAM_DEFAULTS;
    const parts: string[] = [];
    if (c.beta1 !== D.beta1) parts.push(`β1=${c.beta1}`);
    if (c.beta2 !== D.beta2) parts.push(`β2=${c.beta2}`);
    if (c.epsilon !== D.epsilon) parts.push(`ε=${c.epsilon}`);
    return parts.length === 0 ? 'adam' : `adam(${parts.join(',')})`;
  },
  timeStep: 'eta',
  latex: () =>
    'm \\leftarrow \\beta_1 m + (1-\\beta_1) G,\\ v \\leftarrow \\beta_2 v + (1-\\beta_2) G\\odot G,\\quad W \\leftarrow W - \\eta\\,\\frac{m/(1-\\beta_1^t)}{\\sqrt{v/(1-\\beta_2^t)} + \\varepsilon}',
  describe: (c) => `Adam (bias-corrected), η = ${c.eta}, β₁ = ${c.beta1}, β₂ = ${c.beta2}, ε = ${c.epsilon}`,
  full(config, { m, d }) {
    const { beta1, beta2, epsilon } = config;
    const size = m * d;
    const mb = new Float64Array(size);
    const vb = new Float64Array(size);
    let t = 0;
    return {
      step(W, G) {
        t++;
        const { stepSize, bc2Sqrt } = stepConstants(config, t);
        for (let i = 0; i < size; i++) {
          const g = G[i];
          mb[i] = lerp(mb[i], g, 1 - beta1);
          vb[i] = vb[i] * beta2 + (1 - beta2) * (g * g);
          W[i] += -stepSize * (mb[i] / (Math.sqrt(vb[i]) / bc2Sqrt + epsilon));
        }
        return null;
      },
    };
  },
  reducible: coordinatewiseReducible,
  reduced(config, sys) {
    const { beta1, beta2, epsilon } = config;
    const n = sys.n;
    const mb = new Float64Array(n);
    const vb = new Float64Array(n);
    let t = 0;
    return {
      step(a, g, aNext, dir) {
        t++;
        const { stepSize, bc2Sqrt } = stepConstants(config, t);
        for (let k = 0; k < n; k++) {
          mb[k] = lerp(mb[k], g[k], 1 - beta1);
          vb[k] = vb[k] * beta2 + (1 - beta2) * (g[k] * g[k]);
          dir[k] = mb[k] / (Math.sqrt(vb[k]) / bc2Sqrt + epsilon);
          aNext[k] = a[k] + -stepSize * dir[k];
        }
      },
    };
  },
  reducedLatex: (_c, s) =>
    s.map((x) => `m_{${x}} \\leftarrow \\beta_1 m_{${x}} + (1-\\beta_1) g_{${x}},\\ v_{${x}} \\leftarrow \\beta_2 v_{${x}} + (1-\\beta_2) g_{${x}}^2,\\ ${x} \\leftarrow ${x} - \\tfrac{\\eta}{1-\\beta_1^t}\\,\\tfrac{m_{${x}}}{\\sqrt{v_{${x}}/(1-\\beta_2^t)}+\\varepsilon}`).join(',\\quad '),
  gradientMap: false,
  signSwitchEvents: false,
};
