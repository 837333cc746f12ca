import { parseConfig } from '../src/config/config.js';
import { runTheory } from '../src/dynamics/theory.js';
import { correctedTheory } from '../src/dynamics/response/corrected.js';
const B = Number(process.argv[2] ?? 256), d = Number(process.argv[3] ?? 40), lam = Number(process.argv[4] ?? 10);
const config = parseConfig({
  model: { d, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: lam, bulkVariance: 1 }, student: { kind: 'matrix' }, init: { kind: 'scaled-identity', alpha: 1e-3 } },
  algorithms: [{ name: 'specgd', eta: 0.002 }], steps: 100, data: { mode: 'online', batch: B },
  seeds: Array.from({ length: 16 }, (_, i) => i + 1), record: 'all' });
const pop = runTheory(config);
const cor = correctedTheory(config, pop[0].step);
console.log((cor[0].correction as any).message);
