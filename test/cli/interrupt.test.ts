/**
 * SIGINT / SIGTERM during the write phase: the handler of core/output.ts exits with 130 / 143 and no temporary
 * path is left (the signal is delivered after the synchronous write phase: the outputs are then complete, or —
 * when the write failed — exactly as before).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'specgd-interrupt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const script = fileURLToPath(new URL('../fixtures/robust/interrupt-write.ts', import.meta.url));

function run(signal: 'SIGINT' | 'SIGTERM', mode: 'staged' | 'fail') {
  const case_ = join(root, `${signal}-${mode}`);
  mkdirSync(case_);
  const dir = join(case_, 'report');
  mkdirSync(dir);
  writeFileSync(join(dir, 'stale.txt'), 'old');
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, dir, join(case_, 'a.json'), join(case_, 'b.csv'), signal, mode], { encoding: 'utf8', timeout: 60_000, cwd: fileURLToPath(new URL('../../', import.meta.url)) });
  return { r, case_, dir };
}

describe('interrupted writes', () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} while the report folder is staged: exit ${code}, the folder replaced wholly, no temporary left`, () => {
      const { r, case_, dir } = run(signal, 'staged');
      expect(r.status, r.stderr).toBe(code);
      expect(readdirSync(dir).sort()).toEqual(['figures', 'index.html']);
      expect(readFileSync(join(dir, 'index.html'), 'utf8')).toBe('new');
      expect(readdirSync(case_).sort()).toEqual(['a.json', 'b.csv', 'report']);
    }, 60_000);
    it(`${signal}, then the write fails: exit ${code}, the old folder intact, no temporary left`, () => {
      const { r, case_, dir } = run(signal, 'fail');
      expect(r.status, r.stderr).toBe(code);
      expect(readdirSync(dir)).toEqual(['stale.txt']);
      expect(readdirSync(case_).filter((f) => f.includes('.tmp-'))).toEqual([]);
      expect(existsSync(join(case_, 'a.json'))).toBe(true);
    }, 60_000);
  }
});
