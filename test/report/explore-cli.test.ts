/**
 * `specgd explore` from the CLI: it writes one self-contained page (chart.js and the page script inline, a CSP
 * without 'unsafe-eval', no eval/new Function in its scripts, no external URL to load), the same bytes for the same
 * config apart from nothing (no time stamp); bad input is a one-line error, exit 2, and no file.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, writeTemp } from '../helpers/cli.js';
import { presetConfig } from '../../src/config/config.js';

const root = mkdtempSync(join(tmpdir(), 'specgd-explore-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('specgd explore', () => {
  it('writes a self-contained page, identical for the same config', async () => {
    const out = join(root, 'explore.html');
    const r = await runCli(['explore', '--out', out]);
    expect(r.code, r.err).toBe(0);
    const html = readFileSync(out, 'utf8');
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    // chart.js, the page script, and the JSON data block; none loads a src.
    expect(scripts.map((m) => m[1].trim())).toEqual(['type="application/json" id="specgd-data"', '', 'id="specgd-bundle"']);
    const code = scripts.filter((m) => !m[1].includes('application/json')).map((m) => m[2]).join('\n');
    expect(code).not.toMatch(/\bnew Function\b|\beval\(/);
    // Outside the scripts: no element that loads anything.
    const markup = html.replace(/<script[^>]*>[\s\S]*?<\/script>/g, '');
    expect(markup).not.toMatch(/<(link|img|iframe|object|embed)\b|\s(src|href)=/i);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)![1];
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).not.toMatch(/unsafe-eval/);
    // The page script is the registry's own code: every algorithm file's reduced map is in it.
    for (const id of ['gd', 'specgd', 'muon', 'heavy-ball']) expect(html).toContain(`id: "${id}"`);
    const again = join(root, 'again.html');
    expect((await runCli(['explore', '--preset', 'spiked', '--out', again])).code).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(html);
  });

  it('takes --config (a vector student)', async () => {
    const raw = presetConfig('spiked-vector');
    const { record: _record, ...rest } = raw;
    const file = writeTemp(root, 'vector.json', rest);
    const out = join(root, 'vector.html');
    const r = await runCli(['explore', '--config', file, '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('(vector student)');
  });

  it.each([
    [['--preset', 'powerlaw'], 'invalid model.covariance.kind: got "powerlaw"; expected "spiked" for `specgd explore`'],
    [['--preset', 'nope'], 'invalid --preset: got "nope"'],
  ])('bad input %j: one line, exit 2, no file', async (args, message) => {
    const dir = join(root, `bad-${args[1]}`);
    mkdirSync(dir);
    const r = await runCli(['explore', ...args, '--out', join(dir, 'x.html')]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(message);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('--out naming a folder is bad input', async () => {
    const r = await runCli(['explore', '--out', root]);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(`specgd: invalid --out: got ${JSON.stringify(root)}; expected a file path (it is an existing folder)`);
    expect(existsSync(join(root, 'explore.html'))).toBe(true); // only the first test's file
  });
});
