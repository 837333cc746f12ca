/**
 * Measured false-alarm rate of the resampled family-wise rule (dynamics/response/family-critical.ts) when the
 * theory is right: fake seeds are independent draws of the corrected theory's own law (the source ensemble on another
 * stream, its even draws only: the odd ones are antithetic partners), S at a time, compared against reference
 * ensembles of D draws on independent streams by the rule's two statistics over every kept step up to K (the
 * compare window's end) and every compared series. Prints the fraction of comparisons whose mean or spread test
 * fails, against the nominal FAMILY_ALPHA (each test at half of it), per set of fake seeds and as the mean ± SE over
 * the sets. Use several sets: one set's rate is shared by every reference compared with it, and its rare tail draws
 * move it far more than the references do (measured: one set of 2000 groups gave 1.61% with 20 references, ten
 * others 0.92–1.38%).
 *
 *   npx tsx scripts/family-calibration.ts [--mode full-batch|online] [--draws D] [--seeds S] [--refs R] [--groups G] [--to-step K] [--fake-seed F] [--fake-sets M]
 *
 * (fake seeds F, F + 1, …, F + M − 1.)
 * Defaults: full batch d = 8, λ_v = 10, n = 2000, η̃ = 0.01, α = 1e-3, 300 steps, K = 284 (compare's window there);
 * online d = 6, λ_v = 4, α = 0.2, B = 100, η̃ = 0.05, 30 steps. Measured 2026-12-02 (README, Known limitations).
 */
import { parseConfig } from '../src/config/config.js';
import { finiteSampleSeries, responsesOf } from '../src/dynamics/response/corrected.js';
import { runOnlineSourceEnsemble } from '../src/dynamics/response/source-ensemble.js';
import { runRankOneEnsemble } from '../src/dynamics/response/rank-one-ensemble.js';
import { familyCriticalValues } from '../src/dynamics/response/family-critical.js';
import { FAMILY_ALPHA } from '../src/core/tolerances.js';
import { buildModelSpec, initialBlockCoefficients } from '../src/model/spec.js';
import { recordSteps } from '../src/config/record.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};
const mode = arg('mode', 'full-batch');
if (mode !== 'full-batch' && mode !== 'online') {
  console.error(`family-calibration: --mode ${mode}: expected full-batch or online`);
  process.exit(2);
}
const online = mode === 'online';
const count = (name: string, fallback: string, min: number): number => {
  const v = Number(arg(name, fallback));
  if (!Number.isInteger(v) || v < min) {
    console.error(`family-calibration: --${name} ${arg(name, fallback)}: expected an integer ≥ ${min}`);
    process.exit(2);
  }
  return v;
};
const D = count('draws', online ? '256' : '2048', 2);
const S = count('seeds', '16', 2);
const refs = count('refs', '20', 1);
const groups = count('groups', '2000', 1);
const toStep = count('to-step', online ? '30' : '284', 0);
const fakeSeed = count('fake-seed', '101', 0);
const fakeSets = count('fake-sets', '1', 1);
const config = parseConfig(
  online
    ? { model: { d: 6, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 4, bulkVariance: 1 }, init: { kind: 'scaled-identity', alpha: 0.2 } }, algorithms: [{ name: 'gd', eta: 0.05 }], steps: 30, data: { mode: 'online', batch: 100 }, seeds: Array.from({ length: S }, (_, i) => i + 1), record: 'all' }
    : { model: { d: 8, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 }, init: { kind: 'scaled-identity', alpha: 1e-3 } }, algorithms: [{ name: 'gd', eta: 0.01 }], steps: 300, data: { mode: 'full-batch', n: 2000 }, seeds: Array.from({ length: S }, (_, i) => i + 1), record: 'all' },
);
const record = Array.from(recordSteps(config.steps, config.record));
const spec = buildModelSpec(config);
const r = responsesOf(config)[0];
const gram = finiteSampleSeries(config);
const run = (seed: number, draws: number) => {
  const pb = { blocks: r.blocks, signal: r.signal, spike: spec.spikeBlock, escapeLevel: config.events.escapeLevel, a0: initialBlockCoefficients(spec)!, h: r.h, n: online ? 100 : 2000, steps: config.steps, lossScale: spec.lossScale, keep: { names: gram, steps: record }, seed, draws };
  return online ? runOnlineSourceEnsemble(pb, r.symbols) : runRankOneEnsemble(pb, r.symbols);
};
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const rates: number[] = [];
for (let set = 0; set < fakeSets; set++) {
  const fake = run(fakeSeed + set, groups * S * 2).kept!;
  const G = fake.names.length;
  const LG = fake.steps.length * G;
  const L = fake.steps.filter((k) => k <= toStep).length;
  let meanFails = 0;
  let spreadFails = 0;
  let anyFails = 0;
  for (let q = 0; q < refs; q++) {
    const ref = run(1000 + q, D);
    const pick = (m: Record<string, number[]>) => Object.fromEntries(gram.map((n) => [n, record.map((k) => m[n][k])]));
    const mu = pick(ref.mean);
    const sd = pick(ref.sd);
    const mc = pick(ref.mcse);
    const fc = familyCriticalValues(ref.kept!, sd, mc, S, FAMILY_ALPHA);
    if (!fc) throw new Error(`reference ${q}: no finite critical values`);
    for (let g = 0; g < groups; g++) {
      let zmax = 0;
      let vmax = 0;
      for (let k = 0; k < L; k++) {
        for (let gi = 0; gi < G; gi++) {
          const name = gram[gi];
          if (!(sd[name][k] > 0)) continue;
          const x = (i: number) => fake.values[2 * (g * S + i) * LG + k * G + gi];
          let m = 0;
          for (let i = 0; i < S; i++) m += x(i);
          m /= S;
          let v = 0;
          for (let i = 0; i < S; i++) v += (x(i) - m) ** 2;
          v /= S - 1;
          zmax = Math.max(zmax, Math.abs(m - mu[name][k]) / Math.sqrt(Math.max(v, sd[name][k] ** 2) / S + mc[name][k] ** 2));
          vmax = Math.max(vmax, Math.abs(0.5 * Math.log(v / sd[name][k] ** 2)));
        }
      }
      const fm = zmax > fc.z[L - 1];
      const fs = vmax > fc.w[L - 1];
      if (fm) meanFails++;
      if (fs) spreadFails++;
      if (fm || fs) anyFails++;
    }
  }
  const total = refs * groups;
  rates.push(anyFails / total);
  console.log(`fake set ${fakeSeed + set}: ${total} comparisons (${refs} references × ${groups} groups): false alarms ${pct(anyFails / total)} (mean test ${pct(meanFails / total)}, spread test ${pct(spreadFails / total)})`);
}
const m = rates.reduce((a, b) => a + b, 0) / rates.length;
const se = rates.length > 1 ? Math.sqrt(rates.reduce((a, b) => a + (b - m) ** 2, 0) / (rates.length - 1) / rates.length) : NaN;
console.log(`${online ? 'online B = 100' : 'full batch n = 2000'}, D = ${D} draws, S = ${S} seeds, steps ≤ ${toStep}: false alarms ${pct(m)}${rates.length > 1 ? ` ± ${pct(se)} (SE over ${rates.length} fake sets)` : ' (one fake set: no SE)'}; nominal ${100 * FAMILY_ALPHA}% (${50 * FAMILY_ALPHA}% each test)`);
