/**
 * Regressions found by the fuzz suite (cli.fuzz.test.ts) whose fix lives in the CLI's argument parsing: each
 * refusal names the field, the value and what is valid — and the example it gives is itself valid.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, writeTemp } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'specgd-fuzzreg-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('fuzz regressions: sweep --grid lambda-phi --phi', () => {
  it('a malformed --phi is refused with the [−π, π] range and an example that is itself accepted (it used to suggest 1:50:20)', async () => {
    const cfg = writeTemp(root, 'c.json', { model: { d: 4, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 } }, algorithms: [{ name: 'gd', eta: 0.05 }], steps: 5 });
    const argv = (phi: string, out?: string) => ['sweep', '--config', cfg, '--grid', 'lambda-phi', '--lambda-v', '1:20:2', '--workers', '0', '--no-progress', '--steps', '5', '--phi', phi, ...(out ? ['--out', out] : [])];
    for (const bad of ['NaN:1:2', '0:Infinity:2', '1:0:2', 'x']) {
      const r = await runCli(argv(bad));
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      const m = /^specgd: invalid --phi: got "([^"]*)"; expected LO:HI:N with LO ≤ HI, both within \[(\S+), (\S+)\] and N an integer ≥ 1 \(e\.g\. (\S+)\)$/.exec(r.err.trim());
      expect(m, r.err).not.toBeNull();
      expect([m![1], Number(m![2]), Number(m![3])]).toEqual([bad, -Math.PI, Math.PI]);
      const ok = await runCli(argv(m![4], join(root, 'ok.json')));
      expect(ok.code, ok.err).toBe(0);
    }
  });
});

describe('fuzz regressions: signal components whose square underflows', () => {
  // Found by the 1000-case run after integration: thresholds at φ = 9.4e-323 (sin φ denormal) wrote NaN Jacobian
  // eigenvalues and ended in an internal error. θ enters the reduction through θθᵀ, so such a component is refused.
  const base = { algorithms: [{ name: 'gd', eta: 0.01 }], steps: 5 };
  it.each([
    ['thresholds', { kind: 'spiked', signalVariance: 0.55, spikeVariance: 40, bulkVariance: 0.1, signalSpikeAngle: 9.4e-323 }, 'model.covariance.signalSpikeAngle', '9.4e-323'],
    ['theory', { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1, signalSpikeAngle: -1e-200 }, 'model.covariance.signalSpikeAngle', '-1e-200'],
    ['theory', { kind: 'diagonal', eigenvalues: [1, 2, 3, 4], signal: [1, 1e-160, 0, 0] }, 'model.covariance.signal[1]', '1e-160'],
  ])('%s on %o: exit 2 naming the field and the value, nothing written', async (cmd, covariance, field, value) => {
    const cfg = writeTemp(root, `u-${field}-${value}.json`, { model: { d: 4, covariance }, ...base });
    const out = join(root, `u-${value}.json`);
    const r = await runCli([cmd, '--config', cfg, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(`invalid ${field}: got ${value}`);
    expect(r.err).toContain('underflows');
  });
  it('the smallest accepted components still run (φ = 1e-150: sin φ² is a normal float64)', async () => {
    const cfg = writeTemp(root, 'u-ok.json', { model: { d: 4, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1, signalSpikeAngle: 1e-150 } }, ...base });
    const r = await runCli(['theory', '--config', cfg, '--out', join(root, 'u-ok-out.json')]);
    expect(r.code, r.err).toBe(0);
  });
});
