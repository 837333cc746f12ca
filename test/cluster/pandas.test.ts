/**
 * The README's pandas snippet on a real `specgd simulate` CSV, and the exact round trip of every number with
 * `float_precision="round_trip"` (pandas' default C parser is not correctly rounded: the count it changes is
 * printed, not asserted). Runs when Python with pandas is present (python3 on PATH or Debian's /usr/bin/python3);
 * skipped with a note otherwise — Python is never required by the suite.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, writeTemp } from '../helpers/cli.js';

const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0);
if (python === undefined) console.warn('test/cluster/pandas.test.ts skipped: no Python with pandas here (Debian: apt-get install python3-pandas)');

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const snippet = /<!-- pandas-snippet:start -->\n```python\n([\s\S]*?)```\n<!-- pandas-snippet:end -->/.exec(readme)?.[1];

describe.skipIf(python === undefined)('pandas reads specgd CSVs', () => {
  it('the README snippet pivots simulate output by η̃ and seed; round_trip reads every value exactly', async () => {
    expect(snippet).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'specgd-pandas-'));
    const cfg = writeTemp(dir, 'my.json', {
      model: { d: 6, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 }, init: { kind: 'scaled-identity', alpha: 0.001 } },
      algorithms: [{ name: 'gd', eta: 0.01 }, { name: 'specgd', eta: 0.002 }],
      steps: 60,
      data: { mode: 'full-batch', n: 200 },
      seeds: [1, 2, 3],
    });
    const r = await runCli(['simulate', '--config', cfg, '--grid', 'eta-gd=0.005,0.01', '--csv', join(dir, 'sim.csv'), '--out', join(dir, 'sim.json'), '--no-progress']);
    expect(r.code, r.err).toBe(0);
    // the exact doubles of the value column, in file order, from the CSV text through a correctly rounded parser
    const lines = readFileSync(join(dir, 'sim.csv'), 'utf8').trim().split('\n');
    const vcol = lines[0].split(',').indexOf('value');
    writeFileSync(join(dir, 'truth.json'), JSON.stringify(lines.slice(1).map((l) => Number(l.split(',')[vcol]))));
    const check = `${snippet}
import json
truth = json.load(open("truth.json"))
default = pd.read_csv("sim.csv")["value"].tolist()
exact = df["value"].tolist()
print(json.dumps({"n": len(truth), "default_changed": sum(1 for x, y in zip(default, truth) if x != y),
                  "roundtrip_changed": sum(1 for x, y in zip(exact, truth) if x != y),
                  "shape": list(wide.shape), "etas": sorted({float(c[0]) for c in wide.columns}), "seeds": sorted({int(c[1]) for c in wide.columns})}))
`;
    const p = spawnSync(python!, ['-c', check], { cwd: dir, encoding: 'utf8' });
    expect(p.status, p.stderr).toBe(0);
    const res = JSON.parse(p.stdout.trim().split('\n').at(-1)!);
    console.log(`pandas ${python}: default parser changed ${res.default_changed} of ${res.n} values; round_trip changed ${res.roundtrip_changed}`);
    expect(res.n).toBe(lines.length - 1);
    expect(res.roundtrip_changed).toBe(0);
    const sim = JSON.parse(readFileSync(join(dir, 'sim.json'), 'utf8'));
    expect(res.etas).toEqual([0.005, 0.01]);
    expect(res.seeds).toEqual([1, 2, 3]);
    expect(res.shape).toEqual([sim.runs[0].trajectories[0].step.length, 2 * 3]);
  });
});
