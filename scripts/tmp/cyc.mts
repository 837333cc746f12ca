import { theorySetup } from '/work/wt/claims/src/dynamics/setup.js';
import { iterateMap } from '/work/wt/claims/src/dynamics/maps.js';
import { recordSteps } from '/work/wt/claims/src/config/record.js';
import { algorithm as specgdAlgorithm } from "/work/wt/claims/src/algorithms/specgd.js";
import { reproduceParams, spikedConfig } from '/work/wt/claims/src/claims/params.js';
const p = reproduceParams(false);
for (const d of [8, 32, 128]) for (const eta of [0.008, 0.004, 0.002, 0.001, 0.0005]) {
  const cfg = spikedConfig(p, { lambdaV: 10, d, steps: 10, algorithms: [{ name: 'specgd', eta }] });
  const { sys, ctx, a0 } = theorySetup(cfg);
  const alg = { ...specgdAlgorithm.defaults, eta };
  const T = Math.ceil(2 / eta) + 2000;
  const pre = iterateMap(sys, ctx, a0, { algorithm: alg, steps: T, record: new Int32Array(0), escapeLevel: Infinity, divergenceBound: 1e6 });
  const r = iterateMap(sys, ctx, pre.final, { algorithm: alg, steps: 512, record: recordSteps(512, 'all'), escapeLevel: Infinity, divergenceBound: 1e6 });
  const mx = (s: string, f: (x: number) => number) => Math.max(...r.series[s].map(f));
  const c = mx('c', Math.abs);
  console.log(d, eta, 'a-1', mx('a', (x) => Math.abs(x - 1)) / eta, 'b', mx('b', Math.abs) / eta, 'c', c, 'floor', ((d - 2) * c * c) / (2 * eta), 'loss', mx('loss', (x) => x) / eta ** 2);
}
