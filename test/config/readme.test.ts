import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withDefaultsTable } from '../../src/config/docs.js';

describe('README', () => {
  it('defaults table matches DEFAULTS (run `npm run readme-tables` after changing defaults)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(withDefaultsTable(readme)).toBe(readme);
  });
});
