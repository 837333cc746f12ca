/** The tidy CSV of specgd simulate: per-seed rows beside mean and se, parameters as columns, exact numbers. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvCell, csvNumber, metaPath } from '../../src/core/csv.js';
import { mean, standardError } from '../../src/core/stats.js';
import { runCli, writeTemp } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'specgd-tidy-'));

/** Minimal RFC 4180 line split (quoted cells may hold commas and doubled quotes; no newlines in these files). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') out.push(cur), (cur = '');
    else cur += ch;
  }
  out.push(cur);
  return out;
}

describe('tidy CSV', () => {
  it('cells: shortest round-trip numbers, RFC 4180 quoting, empty for none; NaN refused', () => {
    for (const x of [0.1 + 0.2, 1e-300, 5e-324, 123456789.123, -2.5e21]) expect(Number(csvNumber(x))).toBe(x);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "x"')).toBe('"say ""x"""');
    expect(csvCell(null)).toBe('');
    expect(() => csvNumber(Number.NaN)).toThrow(/non-finite/);
    expect(metaPath('out/sim.csv')).toBe('out/sim.meta.json');
  });

  it('simulate --csv: K seed rows, then mean and se (computed from exactly those seed values), per run, step and statistic', async () => {
    const cfg = writeTemp(dir, 'c.json', {
      model: { d: 5, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 4, bulkVariance: 1 }, init: { kind: 'scaled-identity', alpha: 0.01 } },
      algorithms: [{ name: 'gd', eta: 0.05 }, { name: 'gd', eta: 0.02 }],
      steps: 15,
      data: { mode: 'full-batch', n: 50 },
      seeds: [4, 5, 6],
    });
    const csvFile = join(dir, 'sim.csv');
    const r = await runCli(['simulate', '--config', cfg, '--csv', csvFile, '--out', join(dir, 'sim.json'), '--no-progress']);
    expect(r.code, r.err).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'sim.json'), 'utf8'));
    const lines = readFileSync(csvFile, 'utf8').trim().split('\n');
    const head = cells(lines[0]);
    const col = (name: string) => head.indexOf(name);
    const rows = lines.slice(1).map(cells);
    const meta = JSON.parse(readFileSync(join(dir, 'sim.meta.json'), 'utf8'));
    expect(meta.rows).toBe(rows.length);
    expect(meta.columns.map((c: { name: string }) => c.name)).toEqual(head);
    expect(meta.provenance).toEqual(json.trajectories[0].provenance);
    // two GD runs, told apart by η (column and label)
    expect([...new Set(rows.map((x) => x[col('label')]))]).toEqual(['gd eta=0.05', 'gd eta=0.02']);
    expect([...new Set(rows.map((x) => x[col('eta')]))]).toEqual(['0.05', '0.02']);
    for (const name of ['lambda_v', 'd', 'n', 'data_mode']) expect(col(name)).toBeGreaterThan(-1);
    expect(new Set(rows.map((x) => x[col('n')]))).toEqual(new Set(['50']));
    // group by (run, step, statistic)
    const groups = new Map<string, string[][]>();
    for (const x of rows) {
      const k = `${x[col('run_id')]}|${x[col('step')]}|${x[col('statistic')]}`;
      groups.set(k, [...(groups.get(k) ?? []), x]);
    }
    const K = 3;
    expect(groups.size).toBe(json.trajectories.length * json.trajectories[0].step.length * Object.keys(json.trajectories[0].series).length);
    for (const [k, g] of groups) {
      expect(g.map((x) => x[col('estimate')]), k).toEqual([...Array(K).fill('seed'), 'mean', 'se']);
      expect(g.slice(0, K).map((x) => x[col('seed')])).toEqual(['4', '5', '6']);
      const seeds = g.slice(0, K).map((x) => Number(x[col('value')]));
      expect(Number(g[K][col('value')])).toBe(mean(seeds));
      expect(Number(g[K + 1][col('value')])).toBe(standardError(seeds));
      // and the mean/se rows are the JSON's numbers exactly
      const [run, step, stat] = k.split('|');
      const t = json.trajectories[Number(run)];
      const i = t.step.indexOf(Number(step));
      expect(Number(g[K][col('value')])).toBe(t.series[stat].mean[i]);
      expect(Number(g[K + 1][col('value')])).toBe(t.series[stat].se[i]);
    }
  });
});
