/** The exact-identity check recomputes ∂L/∂a_k = r_k g_k: it passes on a derivation and fails on a tampered one. */
import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../src/config/config.js';
import { buildModelSpec } from '../../src/model/spec.js';
import { runChecks } from '../../src/symbolic/checks.js';
import { deriveSymbolic } from '../../src/symbolic/derive.js';

describe('exact-identities check', () => {
  const der = deriveSymbolic(buildModelSpec(presetConfig('spiked')));
  it('passes on the derived loss and gradients', () => {
    const c = runChecks(der, 1).find((x) => x.id === 'exact-identities')!;
    expect(c.passed).toBe(true);
    expect(c.error).toBe(0);
  });
  it('negative control: fails when one block gradient is off by a factor 2', () => {
    const tampered = { ...der, gradients: der.gradients.map((g, k) => (k === 1 ? g.scale(2) : g)) };
    const c = runChecks(tampered, 1).find((x) => x.id === 'exact-identities')!;
    expect(c.passed).toBe(false);
    expect(c.error).toBe(1);
    expect(c.toleranceRule).toContain('b');
  });
});
