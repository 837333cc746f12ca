/**
 * Benchmark: a 200 × 200 (λ_v, η̃) sweep of 10⁴ reduced GD steps per point (spiked preset), run by `runSweep` on
 * worker threads (both cores), against a vectorized numpy version of the same sweep (scripts/bench-sweep-numpy.py)
 * run from this script. Prints both times, their ratio, and the agreement of the results.
 *   npx tsx scripts/bench-sweep.ts [N=200] [STEPS=10000] [WORKERS=2]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { presetConfig } from '../src/config/config.js';
import { DEFAULTS } from '../src/config/defaults.js';
import { runSweep } from '../src/dynamics/sweep.js';

const N = Number(process.argv[2] ?? 200);
const steps = Number(process.argv[3] ?? 10_000);
const workers = Number(process.argv[4] ?? 2);
const lin = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
const base = presetConfig('spiked');
const lambdaV = lin(1, 50, N);
const eta = lin(0.001, 0.3, N);

const t0 = performance.now();
const r = await runSweep({ base, grid: 'lambda-eta', lambdaV, values: eta, algorithms: ['gd'], steps }, { workers });
const tsSeconds = (performance.now() - t0) / 1000;

const cov = base.model.covariance;
if (cov.kind !== 'spiked' || base.model.init.kind !== 'scaled-identity') throw new Error('spiked preset expected');
const job = { lambdaV, eta, steps, d: base.model.d, lambdaTheta: cov.signalVariance, sigma2: cov.bulkVariance, alpha: base.model.init.alpha, lossScale: base.model.lossScale, escapeLevel: base.events.escapeLevel, bound: DEFAULTS.divergenceBound };
const py = spawnSync('python3', [fileURLToPath(new URL('./bench-sweep-numpy.py', import.meta.url))], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 1 << 28 });
if (py.status !== 0) throw new Error(`numpy reference failed: ${py.stderr}`);
const ref = JSON.parse(py.stdout) as { seconds: number; escape: number[]; peak: number[]; diverged: number[] };

// Floating-point operation order differs (generated Horner form vs numpy's formula), and in the chaotic band above
// the spike-saddle bound η̃ λ_v λ_θ > 1 (period doubling, then escape) rounding differences grow: mismatches are
// counted overall and separately for the regular band η̃ λ_v λ_θ ≤ 1.
let regularMismatch = 0;
let regularPeakRel = 0;
let escapeMismatch = 0;
let divergedMismatch = 0;
let peakRel = 0;
r.points.forEach((p, i) => {
  if ((p.escapeStep ?? -1) !== ref.escape[i]) escapeMismatch++;
  if ((p.divergedAt ?? -1) !== ref.diverged[i]) divergedMismatch++;
  const rel = Math.abs(p.peakRatio - ref.peak[i]) / Math.abs(ref.peak[i]);
  peakRel = Math.max(peakRel, rel);
  if (p.eta * p.lambdaV * job.lambdaTheta <= 1) {
    if ((p.escapeStep ?? -1) !== ref.escape[i] || (p.divergedAt ?? -1) !== ref.diverged[i]) regularMismatch++;
    regularPeakRel = Math.max(regularPeakRel, rel);
  }
});
const nDiv = r.points.filter((p) => p.status === 'diverged').length;
console.log(`sweep ${N}×${N} (λ_v ∈ [1, 50], η̃ ∈ [0.001, 0.3]), ${steps} GD steps per point, spiked d = ${base.model.d}; ${nDiv} points diverged (stopped early)`);
console.log(`specgd runSweep (${workers} worker threads): ${tsSeconds.toFixed(2)} s (incl. worker start-up)`);
console.log(`numpy vectorized (1 process):            ${ref.seconds.toFixed(2)} s (loop only)`);
console.log(`ratio specgd / numpy: ${(tsSeconds / ref.seconds).toFixed(2)}`);
console.log(`agreement: escape-step mismatches ${escapeMismatch}, divergence-step mismatches ${divergedMismatch}, max relative peak b/a difference ${peakRel.toExponential(2)}`);
console.log(`  regular band η̃ λ_v λ_θ ≤ 1: escape/divergence mismatches ${regularMismatch}, max relative peak b/a difference ${regularPeakRel.toExponential(2)}`);
