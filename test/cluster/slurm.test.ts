/**
 * End to end on a real Slurm: installs slurm-wlm + munge from Debian (scripts/slurm-local.sh install), starts a
 * single-node cluster (munged, slurmctld, slurmd), runs a 4-shard sweep and a 4-shard finite-sample simulation
 * grid through `specgd slurm --submit` (array job + dependent merge job), checks the merged results are
 * byte-identical to the single-machine runs, and stops the daemons it started (by PID).
 * Skipped, with a message, only when Slurm is missing and cannot be installed (not root, or no apt-get).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, writeTemp } from '../helpers/cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const script = join(root, 'scripts', 'slurm-local.sh');
const bin = join(root, 'bin', 'specgd.mjs');

const install = spawnSync('bash', [script, 'install'], { encoding: 'utf8' });
const available = install.status === 0;
if (!available) {
  const why = install.status === 3 ? install.stderr.trim() : `slurm-local.sh install exited ${install.status}: ${install.stderr.trim()}`;
  console.warn(`test/cluster/slurm.test.ts skipped: Slurm is not installed and cannot be installed here (${why})`);
  if (install.status !== 3) throw new Error(why);
}

const work = mkdtempSync(join(tmpdir(), 'specgd-slurm-test-'));
// slurmctld runs as user slurm: its state folder under `work` must be reachable.
chmodSync(work, 0o755);
const env = {
  ...process.env,
  SPECGD_SLURM_DIR: join(work, 'cluster'),
  // A port pair of its own, so a cluster started by hand (default 16817) does not collide.
  SPECGD_SLURM_PORT: String(20000 + (process.pid % 4000) * 2),
  SLURM_CONF: join(work, 'cluster', 'slurm.conf'),
};

function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { cwd: work, env });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

describe.skipIf(!available)('specgd slurm on a single-node Slurm cluster', () => {
  let started = false;
  beforeAll(() => {
    const s = spawnSync('bash', [script, 'start'], { env, encoding: 'utf8' });
    expect(s.status, s.stderr).toBe(0);
    started = true;
  }, 60_000);
  afterAll(() => {
    if (started) {
      const s = spawnSync('bash', [script, 'stop'], { env, encoding: 'utf8' });
      expect(s.status, s.stderr).toBe(0);
      expect(existsSync(join(work, 'cluster', 'started.pids'))).toBe(false);
    }
    rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('a 4-shard sweep and a 4-shard finite-sample simulation grid merge to exactly the single-machine results', async () => {
    const sweepArgs = ['sweep', '--lambda-v', '1:50:4', '--eta', '0.01:0.3:5', '--steps', '300'];
    const cfg = writeTemp(work, 'fs.json', {
      model: { d: 6, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 4, bulkVariance: 1 }, init: { kind: 'scaled-identity', alpha: 0.01 } },
      algorithms: [{ name: 'gd', eta: 0.05 }, { name: 'specgd', eta: 0.01 }],
      steps: 40,
      data: { mode: 'full-batch', n: 100 },
      seeds: [1, 2],
    });
    const simArgs = ['simulate', '--config', cfg, '--grid', 'lambda-v=1,10', '--grid', 'n=100,300'];
    const [sw, sim] = await Promise.all([
      run(['slurm', '--out', join(work, 'sweep'), '--shards', '4', '--csv', '--submit', '--poll', '1', '--', ...sweepArgs]),
      run(['slurm', '--out', join(work, 'sim'), '--shards', '4', '--csv', '--submit', '--poll', '1', '--cpus-per-task', '1', '--', ...simArgs]),
    ]);
    expect(sw.code, sw.err).toBe(0);
    expect(sim.code, sim.err).toBe(0);
    // progress came from squeue/scontrol, ending with the merge job's completion
    expect(sw.err).toMatch(/shards 4\/4 done.*merge COMPLETED/);
    // the same commands on this machine, unsharded
    const local = (name: string, args: string[]) => runCli([...args, '--out', join(work, `${name}.json`), '--csv', join(work, `${name}.csv`), '--no-progress']);
    expect((await local('sweep-local', sweepArgs.map((a) => a))).code).toBe(0);
    expect((await local('sim-local', simArgs)).code).toBe(0);
    for (const [dir, name] of [['sweep', 'sweep-local'], ['sim', 'sim-local']]) {
      const merged = readFileSync(join(work, dir, 'result.json'), 'utf8');
      expect(merged).toBe(readFileSync(join(work, `${name}.json`), 'utf8'));
      expect(readFileSync(join(work, dir, 'result.csv'), 'utf8')).toBe(readFileSync(join(work, `${name}.csv`), 'utf8'));
      // each shard held a part: 4 shard files, none of them the whole
      for (let i = 0; i < 4; i++) expect(readFileSync(join(work, dir, 'shards', `shard-${i}.json`), 'utf8')).toContain(`"index": ${i}`);
    }
    // a submission Slurm refuses is reported with sbatch's own message, exit 1
    const refused = await run(['slurm', '--out', join(work, 'refused'), '--partition', 'no-such-partition', '--submit', '--', 'sweep', '--steps', '10']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/sbatch --parsable .*array\.sbatch failed: sbatch: error: .*partition/);
    const sims = JSON.parse(readFileSync(join(work, 'sim', 'result.json'), 'utf8'));
    expect(sims.runs.map((r: { parameters: unknown }) => r.parameters)).toEqual([
      { 'lambda-v': 1, n: 100 },
      { 'lambda-v': 1, n: 300 },
      { 'lambda-v': 10, n: 100 },
      { 'lambda-v': 10, n: 300 },
    ]);
  }, 240_000);
});
