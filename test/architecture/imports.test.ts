/**
 * Import boundaries (docs/architecture.md): data flows one way, so a stage imports only from the stages to its left
 * and from `core/`. The table below is the rule — one line per stage listing what it may import; amend it there
 * when a stage is added. Every relative import under src/ (static, `import type`, re-exports and dynamic imports) is
 * resolved to the stage folder it lands in and checked against the table. `src/index.ts` (the public API) may
 * re-export anything.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/**
 * Allowed imports per stage, left to right: core, config, model, {algorithms, statistics}, symbolic, {dynamics |
 * sim}, compare, claims, report, pipeline, cli. `algorithms` and `statistics` sit right after `model` (the lead's
 * registries; `model/covariance/` is inside `model`). `dynamics` and `sim` are parallel: neither imports the other,
 * and `sim` does not need the symbolic engine. `claims` (registry of claims, with the run-set contract they measure
 * from) sits between `compare` and `report`; the figures (report/figures/) read it.
 */
const LEFT: Record<string, string[]> = {
  core: [],
  config: ['core'],
  model: ['core', 'config'],
  algorithms: ['core', 'config', 'model'],
  statistics: ['core', 'config', 'model'],
  symbolic: ['core', 'config', 'model', 'algorithms', 'statistics'],
  dynamics: ['core', 'config', 'model', 'algorithms', 'statistics', 'symbolic'],
  sim: ['core', 'config', 'model', 'algorithms', 'statistics'],
  compare: ['core', 'config', 'model', 'algorithms', 'statistics', 'symbolic', 'dynamics', 'sim'],
  claims: ['core', 'config', 'model', 'algorithms', 'statistics', 'symbolic', 'dynamics', 'sim', 'compare'],
  report: ['core', 'config', 'model', 'algorithms', 'statistics', 'symbolic', 'dynamics', 'sim', 'compare', 'claims'],
  pipeline: ['core', 'config', 'model', 'algorithms', 'statistics', 'symbolic', 'dynamics', 'sim', 'compare', 'claims', 'report'],
  cli: ['core', 'config', 'model', 'algorithms', 'statistics', 'symbolic', 'dynamics', 'sim', 'compare', 'claims', 'report', 'pipeline'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Relative module specifiers of a file: import/export … from '…', import('…'), side-effect imports. */
export function relativeImports(source: string): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;
  for (const m of source.matchAll(re)) out.push(m[1]);
  return out;
}

/** The stage (first folder under src/) a path lands in; null for files directly in src/. */
function stageOf(file: string): string | null {
  const rel = relative(SRC, file).split(sep);
  return rel.length > 1 ? rel[0] : null;
}

/** Every cross-stage import that the table does not allow, as "src/a/x.ts → src/b/y.js". */
export function violations(files: string[], left: Record<string, string[]>, read: (file: string) => string = (f) => readFileSync(f, 'utf8')): string[] {
  const bad: string[] = [];
  for (const file of files) {
    const from = stageOf(file);
    if (from === null) continue;
    for (const spec of relativeImports(read(file))) {
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(SRC + sep)) continue;
      const to = stageOf(target);
      if (to === null || to === from) continue;
      if (!(from in left)) bad.push(`${relative(SRC, file)}: stage ${from} is not in the rule table`);
      else if (!left[from].includes(to)) bad.push(`src/${relative(SRC, file)} → src/${relative(SRC, target)} (${from} may import only ${left[from].join(', ') || 'nothing'})`);
    }
  }
  return bad;
}

describe('import boundaries', () => {
  const files = sourceFiles(SRC);

  it('every stage folder under src/ is in the rule table', () => {
    const stages = [...new Set(files.map(stageOf).filter((s): s is string => s !== null))];
    expect(stages.filter((s) => !(s in LEFT))).toEqual([]);
  });

  it('a stage imports only from the stages to its left (and core/)', () => {
    expect(violations(files, LEFT)).toEqual([]);
  });

  it('the check can fail: report/ importing the pipeline, compare/ importing report/, sim/ importing dynamics/ are caught', () => {
    const sources: Record<string, string> = {
      [join(SRC, 'report', 'x.ts')]: "import { runPlan } from '../pipeline/plan.js';\nimport type { Claim } from '../compare/claim.js';",
      [join(SRC, 'compare', 'y.ts')]: "export * from '../report/figures.js';",
      [join(SRC, 'sim', 'z.ts')]: "const m = await import('../dynamics/theory.js');",
      [join(SRC, 'pipeline', 'ok.ts')]: "import { FIGURES } from \"../report/figures/index.js\";\nimport './local.js';",
    };
    const found = violations(Object.keys(sources), LEFT, (f) => sources[f]);
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(/src\/report\/x\.ts → src\/pipeline\/plan\.js/);
    expect(found[1]).toMatch(/src\/compare\/y\.ts → src\/report\/figures\.js/);
    expect(found[2]).toMatch(/src\/sim\/z\.ts → src\/dynamics\/theory\.js/);
  });

  it('each stage only imports what is to its left in the table (the table itself is a strict order plus the dynamics | sim split)', () => {
    for (const [stage, allowed] of Object.entries(LEFT)) {
      expect(allowed, stage).not.toContain(stage);
      for (const a of allowed) expect(LEFT[a], `${stage} → ${a}`).not.toContain(stage);
    }
  });
});
