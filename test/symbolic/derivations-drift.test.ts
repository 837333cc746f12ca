import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMITTED_DERIVATIONS } from '../../src/report/derivation-doc.js';
import { deriveDocuments } from '../../src/cli/commands/derive.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('committed derivations/ match the code (regenerate with `npx tsx scripts/generate-derivations.ts`)', () => {
  for (const { stem, preset } of COMMITTED_DERIVATIONS) {
    it(`derivations/${stem}.md and .json`, () => {
      const docs = deriveDocuments({ preset }, ['md', 'json']);
      for (const format of ['md', 'json'] as const) {
        const file = `${root}derivations/${stem}.${format}`;
        expect(existsSync(file), `${file} is missing`).toBe(true);
        expect(readFileSync(file, 'utf8') === docs[format], `derivations/${stem}.${format} drifted from the code`).toBe(true);
      }
    });
  }
});
