/**
 * Import boundaries (docs/architecture.md): data flows one way, so a stage imports only from the stages to its left
 * and from `core/`. The tiers below are the rule; amend them when a stage is added. Every relative import under src/ (static, `import type`, re-exports and dynamic imports) is
 * resolved to the stage folder it lands in and checked against the table. `src/index.ts` (the public API) may
 * re-export anything.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/**
 * The stages, left to right; stages in one tier are parallel (neither imports the other). A stage may import any
 * stage of an earlier tier, except the pairs in NOT. Amend here when a stage is added.
 *  - the registries `algorithms/`, `statistics/` and `model/covariance/` import only `core/`: the config schema
 *    (`config/`) and the model (`model/`) are built from them;
 *  - `dynamics/` and `sim/` are parallel, and `sim/` (full-dimensional runs) does not use the symbolic engine;
 *  - `claims/` (the claims registry and the run-set contract it measures from) sits between `compare/` and
 *    `report/`; the figures (`report/figures/`) read it; `pipeline/` runs plans of both and sits below `cli/`.
 */
const TIERS: string[][] = [['core'], ['algorithms', 'statistics', 'model/covariance'], ['config'], ['model'], ['symbolic'], ['dynamics', 'sim'], ['compare'], ['claims'], ['report'], ['pipeline'], ['cluster'], ['cli']];
const NOT: Record<string, string[]> = { sim: ['symbolic'] };
/** Sub-folders that are stages of their own (the longest matching prefix wins). */
const SUBSTAGES = ['model/covariance'];

/** Allowed imports per stage, from the tiers. */
const LEFT: Record<string, string[]> = Object.fromEntries(
  TIERS.flatMap((tier, i) => tier.map((stage) => [stage, TIERS.slice(0, i).flat().filter((s) => !(NOT[stage] ?? []).includes(s))])),
);

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

/** The stage a path lands in (its first folder under src/, or a sub-stage folder); null for files directly in src/. */
function stageOf(file: string): string | null {
  const rel = relative(SRC, file).split(sep);
  if (rel.length < 2) return null;
  const sub = SUBSTAGES.find((s) => rel.slice(0, -1).join('/').startsWith(s));
  return sub ?? rel[0];
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

  it('the table: every stage has a tier, core imports nothing, the CLI may import every other stage', () => {
    expect(LEFT.core).toEqual([]);
    expect(LEFT.cli.sort()).toEqual(TIERS.flat().filter((s) => s !== 'cli').sort());
    expect(LEFT.sim).not.toContain('symbolic');
    expect(LEFT.config).toEqual(['core', 'algorithms', 'statistics', 'model/covariance']);
  });

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

  it('the table is acyclic: no stage may import a stage that may import it', () => {
    for (const [stage, allowed] of Object.entries(LEFT)) {
      expect(allowed, stage).not.toContain(stage);
      for (const a of allowed) expect(LEFT[a], `${stage} → ${a}`).not.toContain(stage);
    }
  });
});
