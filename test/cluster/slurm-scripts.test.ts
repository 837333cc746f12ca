/** specgd slurm without a cluster: the scripts it writes, and bad input refused before anything is written. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellQuote, taskCount } from '../../src/cluster/slurm.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'specgd-slurm-scripts-'));

describe('specgd slurm (scripts only)', () => {
  it('writes the array job, the merge job and submit.sh with the resources asked for', async () => {
    const out = join(dir, 'plan');
    const r = await runCli(['slurm', '--out', out, '--shards', '3', '--partition', 'short', '--time', '01:30:00', '--cpus-per-task', '2', '--mem', '4G', '--csv', '--', 'sweep', '--lambda-v', '1:10:3', '--eta', '0.01:0.1:2', '--steps', '100']);
    expect(r.code, r.err).toBe(0);
    const array = readFileSync(join(out, 'array.sbatch'), 'utf8');
    for (const line of ['#SBATCH --array=0-2', '#SBATCH --partition=short', '#SBATCH --time=01:30:00', '#SBATCH --cpus-per-task=2', '#SBATCH --mem=4G', `#SBATCH --chdir=${process.cwd()}`]) expect(array).toContain(line);
    expect(array).toContain(`${process.execPath} `);
    expect(array).toMatch(/\/bin\/specgd\.mjs sweep --lambda-v 1:10:3 --eta 0\.01:0\.1:2 --steps 100 --shard-count 3 --no-progress --out ".*\/shards\/shard-\$\{SLURM_ARRAY_TASK_ID\}\.json"/);
    const merge = readFileSync(join(out, 'merge.sbatch'), 'utf8');
    expect(merge).toContain(`merge ${[0, 1, 2].map((i) => join(out, 'shards', `shard-${i}.json`)).join(' ')} --out ${join(out, 'result.json')} --csv ${join(out, 'result.csv')}`);
    const submit = readFileSync(join(out, 'submit.sh'), 'utf8');
    expect(submit).toContain('--dependency=afterok:$array');
    expect(submit).toContain('sbatch --parsable');
  });

  it('quotes words for bash and counts array task ranges', () => {
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('--eta=0.1:0.2:3')).toBe('--eta=0.1:0.2:3');
    expect([taskCount(''), taskCount('3'), taskCount('[0-3]'), taskCount('1,3-5'), taskCount('0-7%2')]).toEqual([1, 1, 4, 4, 8]);
  });

  const bad: [string, string[], RegExp][] = [
    ['not a grid command', ['--', 'theory'], /invalid command: got "theory"; expected sweep or simulate/],
    ['an option the jobs set', ['--', 'sweep', '--out', 'x.json'], /invalid sweep option --out/],
    ["a bad option of the command", ['--', 'sweep', '--lambda-v', '1:2'], /invalid --lambda-v: got "1:2"/],
    ['a bad grid point', ['--', 'simulate', '--preset', 'spiked', '--grid', 'n=10'], /invalid --grid n/],
    ['a bad time limit', ['--time', '1h', '--', 'sweep'], /invalid --time: got "1h"/],
    ['a bad memory size', ['--mem', 'lots', '--', 'sweep'], /invalid --mem: got "lots"/],
    ['zero shards', ['--shards', '0', '--', 'sweep'], /invalid --shards: got "0"/],
  ];
  for (const [what, args, msg] of bad) {
    it(`bad input: ${what} → one line, exit 2, nothing written`, async () => {
      const out = join(dir, `bad-${what.replace(/\W/g, '_')}`);
      const r = await runCli(['slurm', '--out', out, ...args]);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(msg);
      expect(existsSync(out)).toBe(false);
    });
  }
});
