/**
 * The committed matrix-block derivation (issue 13) matches the code: derivations/spiked-angle.{md,json} are what
 * `specgd derive --config examples/spiked-angle.json` renders (regenerate with
 * `npx tsx scripts/generate-matrix-block-derivation.ts`), and the JSON's infix polynomials evaluate (mathjs) to the
 * compiled system's gradients.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluate } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { deriveDocuments } from '../../src/cli/commands/derive.js';
import { loadConfigFile } from '../../src/config/config.js';
import { buildModelSpec } from '../../src/model/spec.js';
import { systemFor } from '../../src/symbolic/compile.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const config = `${root}examples/spiked-angle.json`;

describe('derivations/spiked-angle (matrix-block reduction)', () => {
  const docs = deriveDocuments({ config }, ['md', 'json']);
  it.each(['md', 'json'] as const)('the committed .%s matches the code', (format) => {
    expect(readFileSync(`${root}derivations/spiked-angle.${format}`, 'utf8') === docs[format], `derivations/spiked-angle.${format} drifted`).toBe(true);
  });

  it('its infix gradients (mathjs) equal the compiled system at a point', () => {
    const j = JSON.parse(docs.json) as { coordinates: { symbols: string[] }; params: { name: string; value: number }[]; gradients: Record<string, string>; checks: { passed: boolean }[] };
    expect(j.checks.every((c) => c.passed)).toBe(true);
    const sys = systemFor(buildModelSpec(loadConfigFile(config)));
    const x = Float64Array.from([0.3, -0.2, 0.5, 0.7, 0.1]);
    const g = new Float64Array(5);
    sys.grad(x, g);
    const scope: Record<string, number> = Object.fromEntries(j.params.map((p) => [p.name, p.value]));
    j.coordinates.symbols.forEach((s, i) => (scope[s] = x[i]));
    j.coordinates.symbols.forEach((s, i) => {
      const v = evaluate(j.gradients[s], { ...scope }) as number;
      expect(Math.abs(v - g[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(g[i])));
    });
  });
});
