/**
 * The update rules (model.md §3), as pure descriptions shared by the symbolic reduction and the simulator.
 *  - GD:      W ← W − η̃ ∇L(W)
 *  - SpecGD:  W ← W − η polar(∇L(W)),  polar(G) = U Vᵀ from the thin SVD G = U S Vᵀ truncated at the numerical
 *             rank (singular values ≤ signTieRelTol · s_max dropped); for a vector, polar(g) = g/‖g‖.
 *  - Muon:    polar replaced by `nsSteps` quintic Newton–Schulz iterations on G/‖G‖_F,
 *             X ← a X + (b A + c A²) X with A = X Xᵀ, (a, b, c) = (3.4445, −4.7750, 2.0315): a named variant that
 *             approximates U S' Vᵀ, never a silent substitute for the exact polar factor.
 */
import type { AlgorithmConfig } from '../config/config.js';

/** Muon reference quintic Newton–Schulz coefficients (Jordan et al., Muon). */
export const MUON_NS_COEFFS = { a: 3.4445, b: -4.775, c: 2.0315 } as const;

export type UpdateDirection = 'gradient' | 'polar' | 'newton-schulz';

export interface UpdateRule {
  /** Label used in outputs: "gd", "specgd", "specgd-ns5". */
  label: string;
  name: 'gd' | 'specgd';
  eta: number;
  direction: UpdateDirection;
  nsSteps: number;
}

export function updateRule(alg: AlgorithmConfig): UpdateRule {
  if (alg.name === 'gd') return { label: 'gd', name: 'gd', eta: alg.eta, direction: 'gradient', nsSteps: 0 };
  if (alg.polar === 'newton-schulz') {
    return { label: `specgd-ns${alg.nsSteps}`, name: 'specgd', eta: alg.eta, direction: 'newton-schulz', nsSteps: alg.nsSteps };
  }
  return { label: 'specgd', name: 'specgd', eta: alg.eta, direction: 'polar', nsSteps: 0 };
}
