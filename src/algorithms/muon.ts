/**
 * Muon-style SpecGD (model.md §3): W ← W − η NS_k(∇L(W)), the polar factor replaced by k quintic Newton–Schulz
 * iterations on G/‖G‖_F (newton-schulz.ts, Muon reference coefficients). A named variant that approximates U S' Vᵀ,
 * never a silent substitute for the exact polar factor. Time t = ηk.
 *
 * Config: `{ name: "muon", eta, nsSteps }`, or the earlier form `{ name: "specgd", polar: "newton-schulz", nsSteps }`
 * (label `specgd-ns<k>`), which this file also accepts.
 * Reduced map: a_k ← a_k − η x_k with x = the per-block Newton–Schulz iterate of g/‖G‖_F (exact on the manifold).
 */
import { z } from 'zod';
import { posInt, positive } from '../core/fields.js';
import { MUON_NS_COEFFS, newtonSchulz, newtonSchulzBlocks, newtonSchulzWorkspace } from './newton-schulz.js';
import { DEFAULT_NS_STEPS } from './specgd.js';
import type { Algorithm, AlgorithmConfig } from './types.js';

export interface MuonConfig extends AlgorithmConfig {
  name: 'muon' | 'specgd';
  eta: number;
  nsSteps: number;
  /** Present (and "newton-schulz") on the earlier `specgd` form. */
  polar?: 'newton-schulz';
}

export const algorithm: Algorithm<MuonConfig> = {
  id: 'muon',
  title: 'Muon',
  order: 2,
  configName: 'muon',
  schema: z.strictObject({
    name: z.literal('muon'),
    eta: positive('step size η'),
    nsSteps: posInt('Newton–Schulz iterations').optional(),
  }),
  keys: ['name', 'eta', 'nsSteps'],
  accepts: (c) => c.name === 'muon' || (c.name === 'specgd' && c.polar === 'newton-schulz'),
  resolve: (p) => ({ name: 'muon', eta: p.eta as number, nsSteps: (p.nsSteps as number | undefined) ?? DEFAULT_NS_STEPS }),
  defaults: { name: 'muon', eta: 0.002, nsSteps: DEFAULT_NS_STEPS },
  label: (c) => (c.name === 'specgd' ? `specgd-ns${c.nsSteps}` : c.nsSteps === DEFAULT_NS_STEPS ? 'muon' : `muon-ns${c.nsSteps}`),
  timeStep: 'eta',
  latex: (c) => `W \\leftarrow W - \\eta\\,\\mathrm{NS}_{${c.nsSteps}}\\!\\left(\\nabla L(W)/\\lVert \\nabla L(W)\\rVert_F\\right)`,
  describe: (c) => `Muon (${c.nsSteps} quintic Newton–Schulz iterations), η = ${c.eta}`,
  full(config, { m, d, backend }) {
    const eta = config.eta;
    const size = m * d;
    const ws = newtonSchulzWorkspace(m, d);
    const P = new Float64Array(size);
    return {
      step(W, G) {
        newtonSchulz(backend, G, ws, config.nsSteps, MUON_NS_COEFFS, P);
        for (let i = 0; i < size; i++) W[i] -= eta * P[i];
        return null;
      },
    };
  },
  reducible: () => null,
  reduced(config, sys) {
    const { n, ranks, student } = sys;
    const eta = config.eta;
    return {
      step(a, g, aNext, dir) {
        newtonSchulzBlocks(student, ranks, g, dir, config.nsSteps, MUON_NS_COEFFS);
        for (let k = 0; k < n; k++) aNext[k] = a[k] - eta * dir[k];
      },
    };
  },
  reducedLatex: (c, s) => s.map((x) => `${x} \\leftarrow ${x} - \\eta\\, p^{\\circ ${c.nsSteps}}\\!\\left(g_{${x}}/\\lVert G\\rVert_F\\right)`).join(',\\quad '),
  gradientMap: false,
  signSwitchEvents: true,
};
