/**
 * Gradient descent (model.md §3): W ← W − η̃ ∇L(W); time t = η̃k.
 * Reduced map (model.md §4): on W = Σ_k a_k P_k the gradient is Σ_k g_k P_k, so a_k ← a_k − η̃ g_k.
 * Flow: the gradient flow ȧ_k = −g_k.
 */
import { z } from 'zod';
import { positive } from '../core/fields.js';
import type { Algorithm, AlgorithmConfig } from './types.js';

export interface GdConfig extends AlgorithmConfig {
  name: 'gd';
  /** η̃ */
  eta: number;
}

export const algorithm: Algorithm<GdConfig> = {
  id: 'gd',
  title: 'GD',
  order: 0,
  configName: 'gd',
  /** GD: W ← W − η̃ ∇L(W). `eta` is η̃. */
  schema: z.strictObject({ name: z.literal('gd'), eta: positive('step size η̃') }),
  keys: ['name', 'eta'],
  accepts: (c) => c.name === 'gd',
  resolve: (p) => ({ name: 'gd', eta: p.eta as number }),
  defaults: { name: 'gd', eta: 0.01 },
  options: [{ key: 'eta', meaning: 'step size η̃ (t = η̃k): W ← W − η̃∇L' }],
  label: () => 'gd',
  timeStep: 'etaTilde',
  linearResponse: 'gradient',
  latex: () => 'W \\leftarrow W - \\tilde\\eta\\,\\nabla L(W)',
  describe: (c) => `GD, η̃ = ${c.eta}`,
  full(config, { m, d }) {
    const eta = config.eta;
    const size = m * d;
    return {
      step(W, G) {
        for (let i = 0; i < size; i++) W[i] -= eta * G[i];
        return null;
      },
    };
  },
  reducible: () => null,
  reduced(config, sys) {
    const { n } = sys;
    const eta = config.eta;
    return {
      step(a, g, aNext, dir) {
        for (let j = 0; j < n; j++) {
          aNext[j] = a[j] - eta * g[j];
          dir[j] = g[j];
        }
      },
    };
  },
  reducedLatex: (_c, s) => s.map((x) => `${x} \\leftarrow ${x} - \\tilde\\eta\\, g_{${x}}`).join(',\\quad '),
  flow: {
    id: 'gradient-flow',
    title: 'gradient flow',
    smoothed: false,
    /** ȧ_k = −g_k(a). */
    rhs(sys) {
      const g = new Float64Array(sys.n);
      return (_t, y, out) => {
        sys.grad(y, g);
        for (let k = 0; k < sys.n; k++) out[k] = -g[k];
      };
    },
  },
  gradientMap: true,
  signSwitchEvents: false,
};
