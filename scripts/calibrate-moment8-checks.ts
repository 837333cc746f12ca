/**
 * False-alarm calibration of the order-8 Monte Carlo checks (symbolic/moments8-checks.ts) on correct moments: over
 * seeds 1..S, per check, how often it fails under the committed rule (self-normalized, exact σ) and, on the same
 * samples, under the two normal rules it replaced, k·σ̂/√N (σ̂ the sample standard deviation) and k·σ/√N (σ exact),
 * k the two-sided normal quantile at MC_ALPHA/m; the nominal rate is MC_ALPHA = 1e-4 per check. Also, over every
 * entry, the mean and median of σ̂²/σ² (the sample variance is unbiased: the mean tends to 1 if σ is right) and the
 * tail of z = (Ȳ − μ)/(σ/√N) against the normal one.
 * Run: `npx tsx scripts/calibrate-moment8-checks.ts [MODEL] [S]`, MODEL one of diag6 (6 rank-1 blocks, signal on
 * direction 5), diag40, or a preset name (default diag6; S default 200).
 */
import { parseConfig, presetConfig } from '../src/config/config.js';
import { PRESETS } from '../src/config/presets.js';
import { twoSidedNormalQuantile } from '../src/core/stats.js';
import { buildModelSpec } from '../src/model/spec.js';
import { deriveSymbolic } from '../src/symbolic/derive.js';
import { comparisonTolerances, moment8Comparisons } from '../src/symbolic/moments8-checks.js';

const MC_ALPHA = 1e-4;
const model = process.argv[2] ?? 'diag6';
const S = Number(process.argv[3] ?? 200);
function specOf(name: string) {
  if (name === 'diag6' || name === 'diag40') {
    const d = name === 'diag6' ? 6 : 40;
    const raw = structuredClone(PRESETS.powerlaw) as any;
    raw.model.d = d;
    raw.model.covariance = { kind: 'diagonal', eigenvalues: Array.from({ length: d }, (_, j) => d - j), signalIndex: 5 };
    return buildModelSpec(parseConfig(raw));
  }
  return buildModelSpec(presetConfig(name));
}
const der = deriveSymbolic(specOf(model));
interface Tally { runs: number; fail: number; failSigmaHat: number; failSigma: number; varRatio: number[]; z: number[] }
const tally = new Map<string, Tally>();
for (let seed = 1; seed <= S; seed++) {
  for (const c of moment8Comparisons(der, seed)) {
    const t = tally.get(c.id) ?? { runs: 0, fail: 0, failSigmaHat: 0, failSigma: 0, varRatio: [], z: [] };
    tally.set(c.id, t);
    const m = c.expected.length;
    const k = twoSidedNormalQuantile(MC_ALPHA / m);
    const { tolerance } = comparisonTolerances(c);
    let fail = false;
    let failHat = false;
    let failExact = false;
    for (let i = 0; i < m; i++) {
      const err = Math.abs(c.measured[i] - c.expected[i]);
      const s2hat = Math.max(0, c.meanSquare[i] - err * err); // sample variance about the sample mean
      fail ||= !(err <= tolerance[i]);
      failHat ||= !(err <= (k * Math.sqrt(s2hat)) / Math.sqrt(c.samples - 1));
      failExact ||= !(err <= (k * c.sigma[i]) / Math.sqrt(c.samples));
      if (c.sigma[i] > 0) {
        t.varRatio.push(s2hat / c.sigma[i] ** 2);
        t.z.push((c.measured[i] - c.expected[i]) / (c.sigma[i] / Math.sqrt(c.samples)));
      }
    }
    t.runs++;
    t.fail += +fail;
    t.failSigmaHat += +failHat;
    t.failSigma += +failExact;
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const tail = (zs: number[], x: number) => zs.filter((z) => Math.abs(z) > x).length / zs.length;
/** The two-sided normal tail P(|Z| > x), by bisection on log p of the quantile function (decreasing in p). */
function normalTail(x: number): number {
  let lo = -40;
  let hi = 0;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (twoSidedNormalQuantile(Math.exp(mid)) > x) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}
process.stdout.write(`${model}: seeds 1..${S}, nominal false-alarm rate ${MC_ALPHA} per check\n`);
process.stdout.write(`check                        fails: self-normalized  k·σ̂/√N  k·σ/√N   σ̂²/σ² mean  median   P(|z|>3) [normal ${normalTail(3).toExponential(1)}]  P(|z|>4) [${normalTail(4).toExponential(1)}]  entries\n`);
for (const [id, t] of tally) {
  const mean = t.varRatio.reduce((a, b) => a + b, 0) / t.varRatio.length;
  process.stdout.write(`${id.padEnd(28)} ${`${t.fail}/${t.runs}`.padStart(20)} ${`${t.failSigmaHat}/${t.runs}`.padStart(9)} ${`${t.failSigma}/${t.runs}`.padStart(8)}   ${mean.toFixed(3).padStart(10)}  ${median(t.varRatio).toFixed(3)}   ${tail(t.z, 3).toExponential(2).padStart(9)}                ${tail(t.z, 4).toExponential(2).padStart(9)}        ${t.z.length}\n`);
}
