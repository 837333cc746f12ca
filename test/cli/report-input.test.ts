/**
 * `specgd report --in FILE`: a results bundle whose sections have the wrong shape (hand-edited, truncated) is bad
 * input — one-line error naming --in and the section, exit 2, no output folder — not an internal error.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadResults } from '../../src/cli/commands/report.js';
import { runCli } from '../helpers/cli.js';
import { syntheticBundle } from '../helpers/synthetic.js';

const root = mkdtempSync(join(tmpdir(), 'specgd-report-in-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('specgd report --in: malformed bundles', () => {
  const cases: [string, (b: any) => void, RegExp][] = [
    ['groups is a number', (b) => (b.groups = 5), /"groups" is an object/],
    ['a spiked group without theory', (b) => delete b.groups.spiked[0].theory, /"groups\.spiked" is a list of run groups/],
    ['a claim without a statement', (b) => (b.claims = [{ id: 'x', measured: 1, tolerance: 1, verdict: 'pass' }]), /"claims" is a list of \{ id, statement/],
    ['escape is null', (b) => (b.escape = null), /"escape" is an object/],
    ['a trajectory without series', (b) => (b.groups.spiked[0].theory[0].series = null), /drawing the report from it failed/],
  ];
  it('the unmodified synthetic bundle passes the checks (so each failure below is due to its mutation)', () => {
    const file = join(root, 'good.json');
    writeFileSync(file, JSON.stringify(syntheticBundle()));
    expect(() => loadResults(file)).not.toThrow();
  });
  for (const [what, mutate, valid] of cases) {
    it(what, async () => {
      const b = JSON.parse(JSON.stringify(syntheticBundle()));
      mutate(b);
      const file = join(root, `${what.replace(/\W/g, '_')}.json`);
      writeFileSync(file, JSON.stringify(b));
      const out = join(root, `out-${what.replace(/\W/g, '_')}`);
      const r = await runCli(['report', '--in', file, '--out', out]);
      expect(r.code, r.err).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(`invalid --in: got ${JSON.stringify(file)}`);
      expect(r.err).toMatch(valid);
      expect(existsSync(out)).toBe(false);
    });
  }
});
