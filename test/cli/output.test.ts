import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trajectoriesCsv } from '../../src/cli/output.js';
import { TRAJECTORY_COLUMNS } from '../../src/report/tidy.js';
import type { Trajectory } from '../../src/core/trajectory.js';
import { runCli, writeTemp } from '../helpers/cli.js';

const traj = (algorithm: string, series: Trajectory['series']): Trajectory =>
  ({ algorithm, status: 'ok', message: '', step: [0, 1], t: [0, 0.5], series, events: {} }) as unknown as Trajectory;

describe('trajectoriesCsv (theory and simulate)', () => {
  it('tidy: one row per (run, step, statistic, estimate); plain series "value", ensembles "mean" and "se"', () => {
    const theory = traj('gd', { a: [1, 2], loss: [3, 4] });
    const sim = traj('specgd', { a: { mean: [5, 6], se: [0.1, 0.2] } } as Trajectory['series']);
    const lines = trajectoriesCsv([theory, sim]).trim().split('\n');
    const head = lines[0].split(',');
    expect(head).toEqual(TRAJECTORY_COLUMNS.map((c) => c.name));
    const pick = (l: string) => {
      const cells = l.split(',');
      return ['run_id', 'estimate', 'step', 't', 'statistic', 'value'].map((k) => cells[head.indexOf(k)]).join(' ');
    };
    expect(lines.slice(1).map(pick)).toEqual([
      '0 value 0 0 a 1',
      '0 value 0 0 loss 3',
      '0 value 1 0.5 a 2',
      '0 value 1 0.5 loss 4',
      '1 mean 0 0 a 5',
      '1 se 0 0 a 0.1',
      '1 mean 1 0.5 a 6',
      '1 se 1 0.5 a 0.2',
    ]);
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
