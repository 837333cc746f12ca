/**
 * Heavy-ball momentum GD (Polyak 1964): v ← β v + ∇L(W), W ← W − η̃ v, v₀ = 0; time t = η̃k.
 * Reduced map: the gradient Σ_k g_k P_k and v₀ = 0 stay in the block algebra, so the buffer is block coefficients
 * v_k and v_k ← β v_k + g_k, a_k ← a_k − η̃ v_k (exact on the manifold). No flow (a second-order ODE).
 */
import { z } from 'zod';
import { inRange, positive } from '../core/fields.js';
import type { Algorithm, AlgorithmConfig } from './types.js';

export interface HeavyBallConfig extends AlgorithmConfig {
  name: 'heavy-ball';
  /** η̃ */
  eta: number;
  /** momentum β ∈ [0, 1) */
  beta: number;
}

export const algorithm: Algorithm<HeavyBallConfig> = {
  id: 'heavy-ball',
  title: 'Heavy-ball GD',
  order: 3,
  configName: 'heavy-ball',
  schema: z.strictObject({ name: z.literal('heavy-ball'), eta: positive('step size η̃'), beta: inRange('momentum β', 0, 1).optional() }),
  keys: ['name', 'eta', 'beta'],
  accepts: (c) => c.name === 'heavy-ball',
  resolve: (p) => ({ name: 'heavy-ball', eta: p.eta as number, beta: (p.beta as number | undefined) ?? 0.9 }),
  defaults: { name: 'heavy-ball', eta: 0.001, beta: 0.9 },
  options: [
    { key: 'eta', meaning: 'step size η̃ (t = η̃k): v ← βv + ∇L, W ← W − η̃v' },
    { key: 'beta', meaning: 'momentum β ∈ [0, 1)' },
  ],
  label: () => 'heavy-ball',
  timeStep: 'etaTilde',
  latex: () => 'v \\leftarrow \\beta v + \\nabla L(W),\\quad W \\leftarrow W - \\tilde\\eta\\, v',
  describe: (c) => `heavy-ball GD, η̃ = ${c.eta}, β = ${c.beta}`,
  full(config, { m, d }) {
    const { eta, beta } = config;
    const size = m * d;
    const v = new Float64Array(size);
    return {
      step(W, G) {
        for (let i = 0; i < size; i++) {
          v[i] = beta * v[i] + G[i];
          W[i] -= eta * v[i];
        }
        return null;
      },
    };
  },
  reducible: () => null,
  reduced(config, sys) {
    const { eta, beta } = config;
    const v = new Float64Array(sys.n);
    return {
      step(a, g, aNext, dir) {
        for (let k = 0; k < sys.n; k++) {
          v[k] = beta * v[k] + g[k];
          dir[k] = v[k];
          aNext[k] = a[k] - eta * v[k];
        }
      },
    };
  },
  reducedLatex: (_c, s) => s.map((x) => `v_{${x}} \\leftarrow \\beta v_{${x}} + g_{${x}},\\ ${x} \\leftarrow ${x} - \\tilde\\eta\\, v_{${x}}`).join(',\\quad '),
  gradientMap: false,
  signSwitchEvents: false,
};
