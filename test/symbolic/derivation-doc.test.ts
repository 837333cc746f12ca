import { describe, expect, it } from 'vitest';
import katex from 'katex';
import { evaluate as mathEvaluate } from 'mathjs';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseConfig, presetConfig } from '../../src/config/config.js';
import { PRESETS } from '../../src/config/presets.js';
import { buildModelSpec, type ModelSpec } from '../../src/model/spec.js';
import { derive, type Derivation } from '../../src/symbolic/derive.js';
import { exprEvaluate, type Expr } from '../../src/symbolic/expr.js';
import { substituteGradients } from '../../src/symbolic/derive.js';
import { Poly, Rational } from '../../src/symbolic/poly.js';
import { COMMITTED_DERIVATIONS, derivationJson, renderDerivation } from '../../src/report/derivation-doc.js';
import { createRng } from '../../src/core/rng.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function diagonalSpec(n: number, student: 'matrix' | 'vector'): ModelSpec {
  const raw = structuredClone(PRESETS.powerlaw) as any;
  raw.model.d = n;
  raw.model.student = { kind: student };
  raw.model.covariance = { kind: 'diagonal', eigenvalues: Array.from({ length: n }, (_, j) => [4, 0.5, 1, 2.5][j % 4]), signalIndex: 3 };
  return buildModelSpec(parseConfig(raw));
}

const cases: [string, ModelSpec][] = [
  ['spiked', buildModelSpec(presetConfig('spiked'))],
  ['spiked-vector', buildModelSpec(presetConfig('spiked-vector'))],
  ['isotropic', buildModelSpec(presetConfig('isotropic'))],
  ['powerlaw', buildModelSpec(presetConfig('powerlaw'))],
  ['diagonal-vector-4', diagonalSpec(4, 'vector')],
];
const derived = new Map<string, { der: Derivation; spec: ModelSpec }>(cases.map(([name, spec]) => [name, { der: derive(spec), spec }]));
const alphaOf = (spec: ModelSpec) => (spec.init.kind === 'scaled-identity' ? spec.init.alpha : null);

/** Every LaTeX string in a rendered document. */
function latexOf(format: 'md' | 'tex' | 'json', text: string): { latex: string; display: boolean }[] {
  const out: { latex: string; display: boolean }[] = [];
  if (format === 'md') {
    const withoutDisplay = text.replace(/\$\$\n([\s\S]*?)\n\$\$/g, (_, m: string) => {
      out.push({ latex: m, display: true });
      return '';
    });
    for (const m of withoutDisplay.matchAll(/\$([^$\n]+)\$/g)) out.push({ latex: m[1], display: false });
  } else if (format === 'tex') {
    for (const m of text.matchAll(/\\begin\{multline\*\}\n([\s\S]*?)\n\\end\{multline\*\}/g)) out.push({ latex: m[1], display: true });
    for (const m of text.matchAll(/\$([^$\n]+)\$/g)) out.push({ latex: m[1], display: false });
  } else {
    const walk = (v: unknown, key: string): void => {
      if (typeof v === 'string' && key === 'latex') out.push({ latex: v, display: true });
      else if (Array.isArray(v)) v.forEach((x) => (key === 'latex' && typeof x === 'string' ? out.push({ latex: x, display: true }) : walk(x, '')));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
    };
    walk(JSON.parse(text), '');
  }
  return out;
}

describe('derivation documents', () => {
  it.each(cases.map(([n]) => n))('%s: every LaTeX string renders in KaTeX with throwOnError', (name) => {
    const { der, spec } = derived.get(name)!;
    let count = 0;
    for (const format of ['md', 'tex', 'json'] as const) {
      const items = latexOf(format, renderDerivation(der, format, { alpha: alphaOf(spec), name }));
      expect(items.length).toBeGreaterThan(10);
      for (const { latex, display } of items) {
        expect(() => katex.renderToString(latex, { throwOnError: true, displayMode: display, strict: 'error' }), latex).not.toThrow();
        count++;
      }
    }
    expect(count).toBeGreaterThan(50);
  });

  it.each(cases.map(([n]) => n))('%s: every infix parses in mathjs to the engine\'s value at random points', (name) => {
    const { der, spec } = derived.get(name)!;
    const json = derivationJson(der, { alpha: alphaOf(spec) });
    const rng = createRng(9);
    for (let trial = 0; trial < 2; trial++) {
      const env: Record<string, number> = { d: spec.d, kappa: 0.3 + rng.uniform(), eta: 0.1, eta_tilde: 0.05 };
      for (const p of der.params) if (p.name !== 'd' && p.name !== 'kappa') env[p.name] = 0.5 + 2 * rng.uniform();
      for (const v of der.stateVars) env[v] = rng.normal();
      const full = (e: Expr) => substituteGradients(e, der.gradSymbols, der.gradients);
      const pairs: [string, string, number][] = [
        ['loss', json.loss.infix, der.loss.evaluate(env)],
        ['general.loss', json.general.loss.infix, der.general.loss.evaluate(env)],
        ['T', json.T.infix, der.T.evaluate(env)],
        ...der.gradients.map((g, k) => [`g${k}`, json.gradients[k].infix, g.evaluate(env)] as [string, string, number]),
        ...der.gdMap.map((g, k) => [`gd${k}`, json.gdMap[k].infix, g.evaluate(env)] as [string, string, number]),
        ...der.gradientFlow.map((g, k) => [`gf${k}`, json.gradientFlow[k].infix, g.evaluate(env)] as [string, string, number]),
        ...der.specgd.map.map((e, k) => [`spec${k}`, json.specgdMap[k].infix, exprEvaluate(full(e), env)] as [string, string, number]),
        ...der.specgd.flow.map((e, k) => [`sf${k}`, json.signFlow[k].infix, exprEvaluate(full(e), env)] as [string, string, number]),
        ...der.linearization.growthFactors.map((g, k) => [`gr${k}`, json.growthFactors[k].infix, g.evaluate(env)] as [string, string, number]),
        ...der.jacobianGd.flatMap((row, i) => row.map((g, j) => [`J${i}${j}`, json.jacobianGd[i][j].infix, g.evaluate(env)] as [string, string, number])),
      ];
      for (const [label, infix, exact] of pairs) {
        const v = mathEvaluate(infix, { ...env }) as number;
        expect(Math.abs(v - exact), `${label}: ${infix}`).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(exact)));
      }
    }
  });

  it('infix parses in sympy to the engine\'s exact value (fixture from scripts/sympy-infix-fixture.py)', () => {
    const fixture = JSON.parse(readFileSync(`${root}test/fixtures/sympy-infix.json`, 'utf8')) as {
      point: Record<string, string>;
      documents: Record<string, { path: string; infix: string; value: string }[]>;
    };
    const point = Object.fromEntries(Object.entries(fixture.point).map(([k, v]) => {
      const [n, m] = v.split('/');
      return [k, Rational.of(BigInt(n), BigInt(m ?? '1'))];
    }));
    const numeric = Object.fromEntries(Object.entries(point).map(([k, v]) => [k, v.toNumber()]));
    for (const { stem, preset } of COMMITTED_DERIVATIONS) {
      const rows = fixture.documents[`${stem}.json`];
      expect(rows, stem).toBeDefined();
      const spec = buildModelSpec(presetConfig(preset));
      const der = derive(spec, { checks: false, fixedPoints: false });
      const json = derivationJson(der, { alpha: alphaOf(spec) });
      const full = (e: Expr) => substituteGradients(e, der.gradSymbols, der.gradients);
      const exactOf = (path: string): { infix: string; value: number } => {
        const poly = (p: Poly) => p.subs(point).asConstant()!.toNumber();
        const m = /^(\w+(?:\.\w+)?)(?:\[(\d+)\])?(?:\[(\d+)\])?$/.exec(path)!;
        const [, key, i, j] = m;
        const k = Number(i);
        switch (key) {
          case 'T': return { infix: json.T.infix, value: poly(der.T) };
          case 'loss': return { infix: json.loss.infix, value: poly(der.loss) };
          case 'general.loss': return { infix: json.general.loss.infix, value: poly(der.general.loss) };
          case 'general.gradients': return { infix: json.general.gradients[k].infix, value: poly(der.general.gradients[k]) };
          case 'gradients': return { infix: json.gradients[k].infix, value: poly(der.gradients[k]) };
          case 'gdMap': return { infix: json.gdMap[k].infix, value: poly(der.gdMap[k]) };
          case 'gradientFlow': return { infix: json.gradientFlow[k].infix, value: poly(der.gradientFlow[k]) };
          case 'growthFactors': return { infix: json.growthFactors[k].infix, value: poly(der.linearization.growthFactors[k]) };
          case 'jacobianGd': return { infix: json.jacobianGd[k][Number(j)].infix, value: poly(der.jacobianGd[k][Number(j)]) };
          case 'specgdMap': return { infix: json.specgdMap[k].infix, value: exprEvaluate(full(der.specgd.map[k]), numeric) };
          case 'signFlow': return { infix: json.signFlow[k].infix, value: exprEvaluate(full(der.specgd.flow[k]), numeric) };
          default: throw new Error(`unknown fixture path ${path}`);
        }
      };
      for (const row of rows) {
        const mine = exactOf(row.path);
        expect(row.infix, `${stem} ${row.path}: fixture out of date (run scripts/sympy-infix-fixture.py)`).toBe(mine.infix);
        const sympyValue = Number(row.value);
        expect(Math.abs(sympyValue - mine.value), `${stem} ${row.path}`).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(mine.value)));
      }
    }
  });

  it('JSON has the documented fields, finite numbers, and no timestamps', () => {
    const { der, spec } = derived.get('spiked')!;
    const json = derivationJson(der, { alpha: alphaOf(spec) });
    for (const key of ['model', 'symbols', 'blocks', 'loss', 'gradients', 'gdMap', 'specgdMap', 'gradientFlow', 'signFlow', 'jacobianGd', 'growthFactors', 'fixedPoints', 'checks'] as const) expect(json[key], key).toBeDefined();
    expect(json.gradients[0]).toHaveProperty('latex');
    expect(json.gradients[0]).toHaveProperty('infix');
    expect(json.jacobianGd.length).toBe(3);
    expect(json.misalignmentPeak?.interior).toBe(true);
    expect(json.thresholds[0].inequality?.infix).toBe('lambda_v > 3*lambda_theta');
    const text = renderDerivation(der, 'json', { alpha: alphaOf(spec) });
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    expect(renderDerivation(der, 'md')).toBe(renderDerivation(derive(spec), 'md'));
  });
});
