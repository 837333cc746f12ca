/**
 * Display labels come from the registry (`Algorithm.displayLabel`, `configOfLabel`), not from a pattern of label
 * strings in compare/algorithm-list.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALGORITHMS } from '../../src/algorithms/index.js';
import { algorithmsOf, labelOfId } from '../../src/compare/algorithm-list.js';
import { parseConfig } from '../../src/config/config.js';

describe('display labels from the registry', () => {
  it('algorithm-list.ts parses no label string', () => {
    const src = readFileSync(new URL('../../src/compare/algorithm-list.ts', import.meta.url), 'utf8').replace(/\/\*\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(src).not.toMatch(/specgd-ns|RegExp|\.exec\(|\/\^/);
  });

  it('a config and its trajectory id get the same display label (the Newton–Schulz form carries its count)', () => {
    const config = parseConfig({ model: { d: 6, covariance: { kind: 'spiked', signalVariance: 1, spikeVariance: 10, bulkVariance: 1 } }, algorithms: [{ name: 'gd', eta: 0.01 }, { name: 'specgd', eta: 0.002 }, { name: 'specgd', eta: 0.002, polar: 'newton-schulz', nsSteps: 3 }, { name: 'muon', eta: 0.002 }] });
    const planned = algorithmsOf(config);
    expect(planned.map((a) => a.id)).toEqual(['gd', 'specgd', 'specgd-ns3', 'muon']);
    for (const a of planned) expect(labelOfId(a.id), a.id).toBe(a.label);
    const muon = ALGORITHMS.find((a) => a.id === 'muon')!;
    expect(planned[2].label).toBe(`${muon.title} (NS3)`);
    expect(planned[3].label).toBe(muon.title);
    expect(planned[0].label).toBe(ALGORITHMS.find((a) => a.id === 'gd')!.title);
  });

  it('every registry default label maps back to its display label; unknown ids are shown as they are', () => {
    for (const a of ALGORITHMS) expect(labelOfId(a.label(a.defaults)), a.id).toBe(a.displayLabel?.(a.defaults) ?? a.title);
    expect(labelOfId('no-such-algorithm')).toBe('no-such-algorithm');
  });
});
