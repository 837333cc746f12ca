import { describe, expect, it } from 'vitest';
import { presetConfig, parseConfig } from '../../src/config/config.js';
import { PRESETS } from '../../src/config/presets.js';
import { buildModelSpec } from '../../src/model/spec.js';
import { derive, deriveSymbolic, gradientsInT } from '../../src/symbolic/derive.js';
import { derivationJson } from '../../src/report/derivation-doc.js';
import { evaluate as mathEvaluate } from 'mathjs';
import { Poly, Rational } from '../../src/symbolic/poly.js';
import { exprInfix } from '../../src/symbolic/expr.js';

const S = Poly.sym;
const k = (n: number, m = 1) => Poly.constant(Rational.of(n, m));
const specOf = (name: string) => buildModelSpec(presetConfig(name));

describe('derive: spiked matrix student (issue 2 acceptance)', () => {
  const der = derive(specOf('spiked'));
  const [a, b, c, lt, lv, s2, d] = ['a', 'b', 'c', 'lambda_theta', 'lambda_v', 'sigma2', 'd'].map(S);
  // The ONLY place the expected formulas are typed: T = λ_θ(a² − 1) + λ_v b² + (d − 2)σ²c².
  const T = lt.mul(a.pow(2).sub(k(1))).add(lv.mul(b.pow(2))).add(d.sub(k(2)).mul(s2).mul(c.pow(2)));
  it('block gradients are exactly g_a = a(λ_θT + 2λ_θ²(a² − 1)), g_b = b(λ_vT + 2λ_v²b²), g_c = c(σ²T + 2σ⁴c²)', () => {
    const ga = a.mul(lt.mul(T).add(lt.pow(2).mul(a.pow(2).sub(k(1))).scale(2)));
    const gb = b.mul(lv.mul(T).add(lv.pow(2).mul(b.pow(2)).scale(2)));
    const gc = c.mul(s2.mul(T).add(s2.pow(2).mul(c.pow(2)).scale(2)));
    expect(der.gradients[0].equals(ga)).toBe(true);
    expect(der.gradients[1].equals(gb)).toBe(true);
    expect(der.gradients[2].equals(gc)).toBe(true);
    expect(der.T.equals(T)).toBe(true);
  });
  it('the engine finds the T-form g_k = a_k(c_k T + R_k): c = λ_θ, λ_v, σ²; R = 2λ_θ²(a² − 1), 2λ_v²b², 2σ⁴c²', () => {
    const forms = der.gradientsT!;
    expect(forms).not.toBeNull();
    expect(forms.map((f) => f.coefficient.equals([lt, lv, s2][forms.indexOf(f)]))).toEqual([true, true, true]);
    expect(forms[0].remainder.equals(lt.pow(2).mul(a.pow(2).sub(k(1))).scale(2))).toBe(true);
    expect(forms[1].remainder.equals(lv.pow(2).mul(b.pow(2)).scale(2))).toBe(true);
    expect(forms[2].remainder.equals(s2.pow(2).mul(c.pow(2)).scale(2))).toBe(true);
    // The printed infix, evaluated by mathjs with T supplied, gives the gradient at a random point.
    const env = { a: 0.3, b: -0.7, c: 0.45, lambda_theta: 1.3, lambda_v: 7.1, sigma2: 0.8, d: 100 };
    const json = derivationJson(der);
    der.gradients.forEach((g, i) => {
      const v = mathEvaluate(json.gradientsInT![i]!.infix, { ...env, T: der.T.evaluate(env) }) as number;
      expect(Math.abs(v - g.evaluate(env))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(g.evaluate(env))));
    });
  });
  it('gradientsInT returns null when a gradient has no T-form', () => {
    // g = a·b is divisible by a but its quotient b is not c·T + R(a) for T = a² + b².
    expect(gradientsInT([a.mul(b), b.mul(a)], a.pow(2).add(b.pow(2)), ['a', 'b'])).toBeNull();
  });
  it('loss is ¼[T² + 2Σ r_k λ_k² e_k²] and κ stays symbolic in the general form', () => {
    const L = T.pow(2).add(lt.pow(2).mul(a.pow(2).sub(k(1)).pow(2)).add(lv.pow(2).mul(b.pow(4))).add(d.sub(k(2)).mul(s2.pow(2)).mul(c.pow(4))).scale(2)).scale(Rational.of(1, 4));
    expect(der.loss.equals(L)).toBe(true);
    expect(der.general.loss.equals(L.scale(4).mul(S('kappa')))).toBe(true);
    expect(der.kappa.toString()).toBe('1/4');
  });
  it('growth factors at a = 0 come out as 1 + 3η̃λ_θ², 1 + η̃λ_θλ_v, 1 + η̃λ_θσ²; threshold λ_v > 3λ_θ', () => {
    const et = S('eta_tilde');
    const g = der.linearization.growthFactors;
    expect(der.linearization.diagonalAtZero).toBe(true);
    expect(g[0].equals(k(1).add(et.mul(lt.pow(2)).scale(3)))).toBe(true);
    expect(g[1].equals(k(1).add(et.mul(lt).mul(lv)))).toBe(true);
    expect(g[2].equals(k(1).add(et.mul(lt).mul(s2)))).toBe(true);
    const spike = der.linearization.thresholds.find((t) => t.block === 1)!;
    expect(spike.variable).toBe('lambda_v');
    expect(spike.bound!.equals(lt.scale(3))).toBe(true);
    expect(spike.holds).toBe(true); // λ_v = 10 > 3
    expect(der.linearization.thresholds.find((t) => t.block === 2)!.holds).toBe(false);
  });
  it('GD map and its Jacobian', () => {
    const et = S('eta_tilde');
    expect(der.gdMap[1].equals(b.sub(et.mul(der.gradients[1])))).toBe(true);
    expect(der.jacobianGd[0][1].equals(der.gradients[0].diff('b').mul(et).neg())).toBe(true);
    expect(der.jacobianGd[2][2].equals(k(1).sub(et.mul(der.gradients[2].diff('c'))))).toBe(true);
  });
  it('SpecGD is derived to be the sign map, with the polar steps recorded', () => {
    expect(der.specgd.rule).toBe('sign');
    expect(exprInfix(der.specgd.map[0])).toBe('a - eta*sign(g_a)');
    expect(exprInfix(der.specgd.flow[2])).toBe('-sign(g_c)');
    expect(der.specgd.steps.length).toBeGreaterThanOrEqual(4);
    expect(der.specgd.steps.map((s) => s.latex.join(' ')).join(' ')).toContain('\\operatorname{sgn}(g_{a})');
  });
  it('fixed points are exact: the optimum a² = 1 and the spike saddle b² = λ_θ/(3λ_v) = 1/30', () => {
    const fp = der.fixedPoints!;
    expect(fp.status).toBe('ok');
    const opt = fp.points.find((p) => p.support.join() === '0')!;
    expect(opt.squares.map(String)).toEqual(['1', '0', '0']);
    expect(opt.loss.isZero()).toBe(true);
    const spike = fp.points.find((p) => p.support.join() === '1')!;
    expect(spike.squares[1].equals(Rational.of(1, 30))).toBe(true);
    const origin = fp.points.find((p) => p.support.length === 0)!;
    expect(origin.kind).toBe('maximum');
    // every fixed point is a zero of the gradient
    for (const p of fp.points) {
      const env: Record<string, number> = { lambda_theta: 1, lambda_v: 10, sigma2: 1, d: 100 };
      der.stateVars.forEach((v, i) => (env[v] = p.a[i].value));
      for (const g of der.gradients) expect(Math.abs(g.evaluate(env))).toBeLessThan(1e-12);
    }
  });
  it('all checks pass with errors in range', () => {
    expect(der.checks.map((c) => c.id)).toEqual(['exact-identities', 'moment-quad-quad', 'moment-quad-outer', 'full-gradient', 'full-loss', 'finite-difference', 'moment8-wick-chi-square-exact', 'moment8-scalar', 'moment8-outer', 'moment6-outer', 'moment8-fluctuation-block', 'moment8-fluctuation-trace', 'moment8-gradient-block', 'moment8-gradient-trace']);
    for (const c of der.checks) expect(c.passed, c.id).toBe(true);
    expect(der.checks.find((c) => c.id === 'full-gradient')!.error).toBeLessThanOrEqual(1e-12);
  });
});

describe('derive: vector student', () => {
  const der = derive(specOf('spiked-vector'));
  it('matches model.md §4: ∇L = 4κ[TΣw + 2(wᵀΣw)Σw − 2(θᵀΣw)Σθ] in block coordinates (w = Σ a_k P_k 𝟙)', () => {
    const [a, b, c, lt, lv, s2, d] = ['a', 'b', 'c', 'lambda_theta', 'lambda_v', 'sigma2', 'd'].map(S);
    const r = [k(1), k(1), d.sub(k(2))];
    const q = lt.mul(a.pow(2)).add(lv.mul(b.pow(2))).add(r[2].mul(s2).mul(c.pow(2)));
    const T = q.sub(lt);
    const lam = [lt, lv, s2];
    const coef = [a, b, c];
    der.gradients.forEach((g, i) => {
      let expected = T.mul(lam[i]).mul(coef[i]).add(q.mul(lam[i]).mul(coef[i]).scale(2));
      if (i === 0) expected = expected.sub(lt.mul(a).mul(lt).scale(2));
      expect(g.equals(expected), der.stateVars[i]).toBe(true);
    });
  });
  it('SpecGD is normalized GD: g_k / sqrt(Σ r_j g_j²)', () => {
    expect(der.specgd.rule).toBe('normalized');
    expect(exprInfix(der.specgd.direction[0])).toBe('g_a/(sqrt(d*g_c^2 + g_a^2 + g_b^2 - 2*g_c^2))');
  });
  it('is checked the same three ways', () => {
    for (const c of der.checks) expect(c.passed, c.id).toBe(true);
    // the six of the matrix student's first list plus the order-8 moment checks without the gradient covariance
    expect(der.checks.length).toBe(12);
  });
});

describe('derive: diagonal models', () => {
  it('power law: growth factors and thresholds per direction', () => {
    const der = derive(specOf('powerlaw'));
    const s = der.model.signalBlock;
    const ls = S(`lambda_${s + 1}`);
    for (const t of der.linearization.thresholds) expect(t.bound!.equals(ls.scale(3))).toBe(true);
    for (const c of der.checks) expect(c.passed, c.id).toBe(true);
    expect(der.fixedPoints!.enumeration).toBe('all');
  });
  it('a 50-block diagonal model derives (symbolic part): g_k = 4κ a_k(λ_k T + 2λ_k² e_k) (model.md §4)', () => {
    const raw = structuredClone(PRESETS.powerlaw) as any;
    raw.model.d = 50;
    raw.model.covariance = { kind: 'diagonal', eigenvalues: Array.from({ length: 50 }, (_, j) => 1 + (j % 7) / 4), signalIndex: 5 };
    const der = deriveSymbolic(buildModelSpec(parseConfig(raw)));
    expect(der.gradients.length).toBe(50);
    expect(der.jacobianGd.length).toBe(50);
    // e_k = a_k² − [k = s], T = Σ_j λ_j e_j (every rank 1).
    const s = der.model.signalBlock;
    const e = der.blocks.map((bl, j) => S(bl.symbol).pow(2).sub(j === s ? k(1) : Poly.ZERO));
    const lam = der.blocks.map((bl) => S(bl.varianceSymbol));
    const T = e.reduce((t, ek, j) => t.add(lam[j].mul(ek)), Poly.ZERO);
    expect(der.T.equals(T)).toBe(true);
    der.blocks.forEach((bl, j) => {
      const expected = S(bl.symbol).mul(lam[j].mul(T).add(lam[j].pow(2).mul(e[j]).scale(2))).scale(der.kappa.mul(Rational.of(4)));
      expect(der.gradients[j].equals(expected), bl.symbol).toBe(true);
    });
  });
});
