/**
 * Output paths are checked before any work: `--out`/`--csv` naming an existing folder, or a path under a plain
 * file, is bad input (one-line error naming the option and the path, exit 2), not an internal EISDIR/ENOTDIR
 * error after the run; reproduce/report --out must be a folder path under a folder.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'specgd-out-paths-'));
const folder = join(root, 'a-folder');
const file = join(root, 'a-file');
mkdirSync(folder);
writeFileSync(file, 'x');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const commands: [string[], ('--out' | '--csv')[]][] = [
  [['derive'], ['--out']],
  [['theory'], ['--out', '--csv']],
  [['thresholds'], ['--out']],
  [['sweep', '--lambda-v', '1:2:2', '--eta', '0.01:0.02:2', '--steps', '5'], ['--out', '--csv']],
  [['simulate'], ['--out', '--csv']],
  [['compare'], ['--out']],
];

describe('output file paths', () => {
  for (const [argv, options] of commands) {
    for (const option of options) {
      it(`${argv[0]} ${option} <existing folder> / <path under a file>`, async () => {
        const r1 = await runCli([...argv, option, folder]);
        expect(r1.code, r1.err).toBe(2);
        expect(r1.err.trim()).toBe(`specgd: invalid ${option}: got ${JSON.stringify(folder)}; expected a file path (it is an existing folder)`);
        const under = join(file, 'x.json');
        const r2 = await runCli([...argv, option, under]);
        expect(r2.code, r2.err).toBe(2);
        expect(r2.err.trim().split('\n')).toHaveLength(1);
        expect(r2.err).toContain(`invalid ${option}: got ${JSON.stringify(under)}`);
      });
    }
  }
  it('reproduce --out <path under a file>', async () => {
    const r = await runCli(['reproduce', '--quick', '--out', join(file, 'report')]);
    expect(r.code, r.err).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('a folder path under a folder');
    expect(readdirSync(root).sort()).toEqual(['a-file', 'a-folder']);
  });
});
