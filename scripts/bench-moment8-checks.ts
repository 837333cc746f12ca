/**
 * Time added to `derive` by the order-8 moment checks (symbolic/moments8-checks.ts): per committed preset, the
 * median of R runs of derive(spec) (all checks) and of moment8Checks alone, and their ratio, in one process under
 * the same load; and a 40-block diagonal model (d = 40, the largest case of test/symbolic/moments8-checks.test.ts; its
 * exact tolerances cost the most: 36 block pairs, 60 matrix entries). Run: `npx tsx scripts/bench-moment8-checks.ts [R]`
 * (default R = 5).
 */
import { parseConfig, presetConfig } from '../src/config/config.js';
import { PRESETS } from '../src/config/presets.js';
import { buildModelSpec } from '../src/model/spec.js';
import { derive, deriveSymbolic } from '../src/symbolic/derive.js';
import { moment8Checks } from '../src/symbolic/moments8-checks.js';

const R = Number(process.argv[2] ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (f: () => void) => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};
const diag40 = () => {
  const raw = structuredClone(PRESETS.powerlaw) as any;
  raw.model.d = 40;
  raw.model.covariance = { kind: 'diagonal', eigenvalues: Array.from({ length: 40 }, (_, j) => 1 + j / 8), signalIndex: 5 };
  return buildModelSpec(parseConfig(raw));
};
for (const preset of ['spiked', 'spiked-vector', 'powerlaw', 'diagonal-40']) {
  const spec = preset === 'diagonal-40' ? diag40() : buildModelSpec(presetConfig(preset));
  const der = deriveSymbolic(spec);
  derive(spec);
  moment8Checks(der, 1);
  const full: number[] = [];
  const m8: number[] = [];
  for (let r = 0; r < R; r++) {
    full.push(time(() => derive(spec)));
    m8.push(time(() => moment8Checks(der, 1)));
  }
  const f = median(full);
  const m = median(m8);
  process.stdout.write(`${preset.padEnd(14)} derive (all checks) ${f.toFixed(0).padStart(5)} ms   order-8 checks ${m.toFixed(0).padStart(5)} ms   share ${(m / f).toFixed(2)}   derive without them ≈ ${(f - m).toFixed(0)} ms (×${(f / (f - m)).toFixed(2)} added)\n`);
}
