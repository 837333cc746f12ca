/** specgd merge on sweep shards run in-process: exactly the unsharded output, and every misfit refused. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'specgd-merge-'));
const f = (name: string) => join(dir, name);
const sweep = ['sweep', '--lambda-v', '1:50:3', '--eta', '0.01:0.3:5', '--steps', '200', '--workers', '0'];

async function shards(prefix: string, count: number, args = sweep): Promise<string[]> {
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const out = f(`${prefix}-${i}.json`);
    const r = await runCli([...args, '--shard-index', String(i), '--shard-count', String(count), '--out', out]);
    expect(r.code, r.err).toBe(0);
    files.push(out);
  }
  return files;
}

describe('specgd merge', () => {
  it('3 sweep shards (any order) merge to the unsharded JSON and CSV, byte for byte; a shard holds only its block', async () => {
    expect((await runCli([...sweep, '--out', f('whole.json'), '--csv', f('whole.csv')])).code).toBe(0);
    const files = await shards('s', 3);
    const whole = JSON.parse(readFileSync(f('whole.json'), 'utf8'));
    const first = JSON.parse(readFileSync(files[0], 'utf8'));
    expect(first.points.length).toBeLessThan(whole.points.length);
    expect(first.points).toEqual(whole.points.slice(0, first.points.length));
    const r = await runCli(['merge', files[2], files[0], files[1], '--out', f('merged.json'), '--csv', f('merged.csv')]);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(f('merged.json'), 'utf8')).toBe(readFileSync(f('whole.json'), 'utf8'));
    expect(readFileSync(f('merged.csv'), 'utf8')).toBe(readFileSync(f('whole.csv'), 'utf8'));
    expect(readFileSync(f('merged.meta.json'), 'utf8')).toBe(readFileSync(f('whole.meta.json'), 'utf8'));
  });

  it('refuses missing, repeated, foreign (other config, other version) and non-shard files: one line, exit 2, nothing written', async () => {
    const files = await shards('t', 3);
    const other = await shards('o', 3, sweep.map((a) => (a === '1:50:3' ? '1:40:3' : a)));
    const oldVersion = f('t-old.json');
    const j = JSON.parse(readFileSync(files[1], 'utf8'));
    j.shard.version = '0.0.1';
    writeFileSync(oldVersion, JSON.stringify(j));
    const cases: [string, string[], RegExp][] = [
      ['missing shard', [files[0], files[2]], /missing shard 1/],
      ['repeated shard', [files[0], files[1], files[1], files[2]], /each shard once/],
      ['other config', [files[0], other[1], files[2]], /different config or grid/],
      ['other version', [files[0], oldVersion, files[2]], /different specgd version/],
      ['not a shard', [files[0], f('whole.json')], /without a shard record/],
      ['missing file', [files[0], f('nope.json')], /existing shard JSON file/],
    ];
    for (const [what, args, msg] of cases) {
      const out = f(`bad-${what.replace(/\W/g, '_')}.json`);
      const r = await runCli(['merge', ...args, '--out', out]);
      expect(r.code, what).toBe(2);
      expect(r.err.trim().split('\n'), what).toHaveLength(1);
      expect(r.err, what).toMatch(msg);
      expect(existsSync(out), what).toBe(false);
    }
  });
});
