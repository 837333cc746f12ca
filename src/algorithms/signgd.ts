/**
 * Sign gradient descent (J. Bernstein et al., "signSGD: Compressed Optimisation for Non-Convex Problems", ICML
 * 2018): W ← W − η sign(∇L(W)), the sign of each entry (sign(0) = 0). Time t = ηk.
 *
 * Reduced map (canonical basis only; why it closes there: coordinatewise.ts): a_k ← a_k − η sgn(g_k), exact
 * (no tie tolerance: both sides take the exact sign). For the matrix student in the canonical basis this is
 * SpecGD's sign map up to SpecGD's tie rule (polar of a diagonal matrix = entrywise sign); for the vector student
 * it is not normalized GD. In basis "random" it does not reduce (`reducible` says why): simulation only.
 */
import { z } from 'zod';
import { positive } from '../core/fields.js';
import { coordinatewiseReducible } from './coordinatewise.js';
import type { Algorithm, AlgorithmConfig } from './types.js';

export interface SigngdConfig extends AlgorithmConfig {
  name: 'signgd';
  eta: number;
}

export const algorithm: Algorithm<SigngdConfig> = {
  id: 'signgd',
  title: 'signGD',
  order: 5,
  configName: 'signgd',
  schema: z.strictObject({ name: z.literal('signgd'), eta: positive('step size η') }),
  keys: ['name', 'eta'],
  accepts: (c) => c.name === 'signgd',
  resolve: (p) => ({ name: 'signgd', eta: p.eta as number }),
  /** η: SpecGD's default step size (no reference value exists for this model). */
  defaults: { name: 'signgd', eta: 0.002 },
  options: [{ key: 'eta', meaning: 'step size η (t = ηk); W ← W − η sign(∇L) entrywise' }],
  label: () => 'signgd',
  timeStep: 'eta',
  latex: () => 'W_{ij} \\leftarrow W_{ij} - \\eta\\,\\operatorname{sign}(\\nabla L(W)_{ij})',
  describe: (c) => `signGD (entrywise sign), η = ${c.eta}`,
  full(config, { m, d }) {
    const eta = config.eta;
    const size = m * d;
    return {
      step(W, G) {
        for (let i = 0; i < size; i++) W[i] -= eta * Math.sign(G[i]);
        return null;
      },
    };
  },
  reducible: coordinatewiseReducible,
  reduced(config, sys) {
    const eta = config.eta;
    return {
      step(a, g, aNext, dir) {
        for (let k = 0; k < sys.n; k++) {
          dir[k] = Math.sign(g[k]);
          aNext[k] = a[k] - eta * dir[k];
        }
      },
    };
  },
  reducedLatex: (_c, s) => s.map((x) => `${x} \\leftarrow ${x} - \\eta\\,\\operatorname{sgn}(g_{${x}})`).join(',\\quad '),
  gradientMap: false,
  signSwitchEvents: true,
};
