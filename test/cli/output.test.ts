import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trajectoriesCsv } from '../../src/cli/output.js';
import type { Trajectory } from '../../src/core/trajectory.js';
import { runCli, writeTemp } from '../helpers/cli.js';

const traj = (algorithm: string, series: Trajectory['series']): Trajectory =>
  ({ algorithm, status: 'ok', message: '', step: [0, 1], t: [0, 0.5], series, events: {} }) as unknown as Trajectory;

describe('trajectoriesCsv (theory and simulate)', () => {
  it('plain series one column, ensemble series mean and _se, a missing series empty cells', () => {
    const theory = traj('gd', { a: [1, 2], loss: [3, 4] });
    const sim = traj('specgd', { a: { mean: [5, 6], se: [0.1, 0.2] } } as Trajectory['series']);
    expect(trajectoriesCsv([theory, sim]).split('\n')).toEqual([
      'algorithm,status,step,t,a,a_se,loss',
      'gd,ok,0,0,1,,3',
      'gd,ok,1,0.5,2,,4',
      'specgd,ok,0,0,5,0.1,',
      'specgd,ok,1,0.5,6,0.2,',
      '',
    ]);
    expect(trajectoriesCsv([theory]).split('\n')[0]).toBe('algorithm,status,step,t,a,loss');
  });
});

describe('specgd compare --theory/--simulation: unreadable files are bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'specgd-cmp-in-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cases: [string, string | null][] = [
    ['missing file', null],
    ['not JSON', '{ "trajectories": '],
    ['JSON null', 'null'],
    ['a null trajectory', '{ "trajectories": [null] }'],
    ['no trajectories', '{ "trajectories": [] }'],
  ];
  for (const [what, content] of cases) {
    it(what, async () => {
      const file = content === null ? join(dir, 'nope.json') : writeTemp(dir, `${what.replace(/\W/g, '_')}.json`, content);
      const out = join(dir, 'cmp.json');
      const r = await runCli(['compare', '--theory', file, '--simulation', file, '--out', out]);
      expect(r.code, r.err).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(`invalid --theory: got ${JSON.stringify(file)}`);
    });
  }
});
