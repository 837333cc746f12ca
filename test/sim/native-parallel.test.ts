/**
 * Seed-parallel ensembles (sim/parallel.ts): worker-thread runs are identical to the sequential ones (bit for bit),
 * on the default backend (CI runs this file under SPECGD_BACKEND=portable and =native), for every data mode.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import type { ExperimentConfigInput } from '../../src/config/schema.js';
import { ConfigError } from '../../src/core/errors.js';
import { defaultBackend } from '../../src/core/linalg.js';
import { runSeedsParallel, workerCount } from '../../src/sim/parallel.js';
import { runSimulation, runSimulationSeeds } from '../../src/sim/simulate.js';

const B = defaultBackend();
const base = (data: ExperimentConfigInput['data']): ExperimentConfigInput => ({
  model: { d: 10, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 4, bulkVariance: 1, basis: 'random' }, init: { kind: 'scaled-identity', alpha: 0.01 } },
  algorithms: [
    { name: 'gd', eta: 0.05 },
    { name: 'specgd', eta: 0.005 },
  ],
  steps: 150,
  seeds: [1, 2, 3, 4, 5],
  data,
});

describe('seed ensembles on worker threads', () => {
  for (const data of [{ mode: 'population' }, { mode: 'full-batch', n: 300 }, { mode: 'online', batch: 32 }] as ExperimentConfigInput['data'][]) {
    it(`${data!.mode}: 2 workers give exactly the sequential runs (5 seeds, GD and SpecGD)`, () => {
      const cfg = parseConfig(base(data));
      const seq = runSimulationSeeds(cfg, { backend: B, workers: 1 });
      const seen: number[] = [];
      const par = runSimulationSeeds(cfg, { backend: B, workers: 2, onProgress: (done) => seen.push(done) });
      expect(par).toEqual(seq);
      expect(seen[seen.length - 1]).toBe(cfg.steps * 2 * 5);
      // the parallel path really ran (not the sequential fallback)
      expect(runSeedsParallel(cfg, B, 2)).toEqual(cfg.seeds.map((_, si) => seq.map((alg) => alg[si])));
    });
  }

  it('runSimulation output (trajectories with provenance) is the same with and without workers', () => {
    const cfg = parseConfig(base({ mode: 'full-batch', n: 200 }));
    expect(runSimulation(cfg, { backend: B, workers: 2 })).toEqual(runSimulation(cfg, { backend: B, workers: 1 }));
  });

  it('worker count: one seed or little work → sequential; SPECGD_WORKERS is validated', () => {
    const one = parseConfig({ ...base({ mode: 'population' }), seeds: [1] });
    expect(workerCount(one, 4)).toBe(1);
    expect(workerCount(parseConfig(base({ mode: 'population' })), 3)).toBe(3);
    expect(workerCount(parseConfig({ ...base({ mode: 'population' }), steps: 5 }))).toBe(1);
    const saved = process.env.SPECGD_WORKERS;
    process.env.SPECGD_WORKERS = 'many';
    try {
      expect(() => workerCount(parseConfig(base({ mode: 'population' })))).toThrow(ConfigError);
    } finally {
      if (saved === undefined) delete process.env.SPECGD_WORKERS;
      else process.env.SPECGD_WORKERS = saved;
    }
  });
});

describe('seed workers from the CLI (tsx loads the sources; worker boot through parallel-boot.mjs)', () => {
  it('specgd simulate with SPECGD_WORKERS=2 writes the same bytes as with SPECGD_WORKERS=1', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'specgd-par-'));
    const cfg = join(dir, 'cfg.json');
    writeFileSync(cfg, JSON.stringify({ ...base({ mode: 'full-batch', n: 200 }), steps: 40, seeds: [1, 2, 3] }));
    const out = (workers: string): string => {
      const file = join(dir, `out-${workers}.json`);
      const r = spawnSync(process.execPath, ['bin/specgd.mjs', 'simulate', '--config', cfg, '--no-progress', '--out', file], {
        cwd: root,
        env: { ...process.env, SPECGD_WORKERS: workers, SPECGD_BACKEND: B.name === 'openblas' ? 'native' : 'portable' },
        encoding: 'utf8',
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return readFileSync(file, 'utf8');
    };
    expect(out('2')).toBe(out('1'));
  });
});
