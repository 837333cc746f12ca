/**
 * The README's optimizer-options table is generated from the registry (scripts/readme-tables.ts): it is up to
 * date, and every config key of every registered algorithm is documented (so a new option cannot go unlisted).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALGORITHMS } from '../../src/algorithms/index.js';
import { optionsTableMarkdown, undocumentedKeys, withOptionsTable } from '../../src/algorithms/options-table.js';

describe('README optimizer options', () => {
  it('every key of every algorithm has an options line', () => {
    for (const alg of ALGORITHMS) expect(undocumentedKeys(alg), alg.id).toEqual([]);
  });
  it('the table lists each option with the JSON of its default', () => {
    const md = optionsTableMarkdown(ALGORITHMS);
    for (const alg of ALGORITHMS)
      for (const o of alg.options ?? []) {
        const v = (alg.defaults as Record<string, unknown>)[o.key];
        expect(md).toContain(`| \`${o.key}\` | ${v === undefined ? '—' : `\`${JSON.stringify(v)}\``} |`);
      }
  });
  it('the README block matches the registry (run `npm run readme-tables` after changing an option)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(withOptionsTable(readme, ALGORITHMS)).toBe(readme);
  });
});
