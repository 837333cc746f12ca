/**
 * Print the measured agreement of the reduced matrix-block maps with full-dimensional population runs (issue 13),
 * the figures behind test/algorithms/matrix-block-exactness.test.ts: per case and algorithm the window (steps where
 * the map is insensitive to η(1 + 4u), ≤ 1e-13 of each series' scale), the escape step (‖Wθ‖ ≥ 0.1) and the worst
 * relative error max_t |sim − theory| / max_t |theory| over the coordinates, loss and alignment in that window.
 * Run: `npx tsx scripts/matrix-block-exactness.ts`.
 */
import { parseConfig } from '../src/config/config.js';
import { runTheory } from '../src/dynamics/theory.js';
import { runSimulation } from '../src/sim/simulate.js';

const U = 2 ** -53;
const cases: [string, Record<string, unknown>][] = [];
for (const phi of [0, 0.1, Math.PI / 4, 1.4]) for (const spike of [1, 10]) cases.push([`spiked φ=${phi.toFixed(4)} λ_v=${spike}`, { kind: 'spiked', signalVariance: 1, spikeVariance: spike, bulkVariance: 1, signalSpikeAngle: phi }]);
cases.push(['powerlaw θ on 1,4,9', { kind: 'powerlaw', exponent: 1, signal: [{ index: 1, weight: 1 }, { index: 4, weight: 0.6 }, { index: 9, weight: -0.8 }] }]);
const algs: [Record<string, unknown>, number][] = [
  [{ name: 'gd', eta: 0.02 }, 1500],
  [{ name: 'specgd', eta: 0.005 }, 400],
];
const cfg = (cov: Record<string, unknown>, alg: Record<string, unknown>, steps: number) =>
  parseConfig({ model: { d: 20, covariance: cov, init: { kind: 'scaled-identity', alpha: 1e-3 } }, algorithms: [alg], steps, record: 'all', data: { mode: 'population' }, seeds: [1], events: { escapeLevel: 0.1 } });
for (const [name, cov] of cases) {
  for (const [a0, steps] of algs) {
    const alg = a0.name === 'gd' ? { ...a0, eta: (a0.eta as number) / ((cov.spikeVariance as number | undefined) ?? 1) } : a0;
    const [th] = runTheory(cfg(cov, alg, steps));
    const [pe] = runTheory(cfg(cov, { ...alg, eta: (alg.eta as number) * (1 + 4 * U) }, steps));
    const [si] = runSimulation(cfg(cov, alg, steps));
    const T = th.series as Record<string, number[]>;
    const P = pe.series as Record<string, number[]>;
    const S = si.series as Record<string, { mean: number[] }>;
    const names = Object.keys(T).filter((s) => s !== 'ratio');
    const scale = Object.fromEntries(names.map((s) => [s, Math.max(...T[s].map(Math.abs))]));
    let w = 0;
    while (w < th.step.length && names.every((s) => Math.abs(P[s][w] - T[s][w]) <= 1e-13 * scale[s])) w++;
    let worst = 0;
    let at = '';
    for (const s of names) {
      let e = 0;
      for (let i = 0; i < w; i++) e = Math.max(e, Math.abs(S[s].mean[i] - T[s][i]));
      if (e / scale[s] > worst) [worst, at] = [e / scale[s], s];
    }
    const escape = th.events.find((e) => e.name === 'escape')?.step ?? null;
    console.log(`${name.padEnd(26)} ${String(alg.name).padEnd(7)} η=${String(alg.eta).padEnd(6)} window ${String(w).padStart(5)} of ${th.step.length} recorded steps  escape ${String(escape).padStart(5)}  worst rel. error ${worst.toExponential(2)} (${at})`);
  }
}
