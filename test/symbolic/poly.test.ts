import { describe, expect, it } from 'vitest';
import { evaluate as mathEvaluate } from 'mathjs';
import { Poly, Rational } from '../../src/symbolic/poly.js';
import { compilePoly, compilePolys } from '../../src/symbolic/codegen.js';
import { createRng } from '../../src/core/rng.js';

const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(Poly.sym);

describe('Rational', () => {
  it('reduces to lowest terms with a positive denominator', () => {
    const r = Rational.of(6, -4);
    expect([r.num, r.den]).toEqual([-3n, 2n]);
    expect(Rational.of(1, 3).add(Rational.of(1, 6)).toString()).toBe('1/2');
    expect(Rational.of(2, 3).mul(Rational.of(9, 4)).toString()).toBe('3/2');
    expect(Rational.of(2, 3).div(Rational.of(4, 3)).toString()).toBe('1/2');
    expect(() => Rational.of(1, 0)).toThrow();
  });
  it('recovers simple rationals from doubles and keeps irrationals exact', () => {
    expect(Rational.fromNumber(0.25).toString()).toBe('1/4');
    expect(Rational.fromNumber(3 ** -1).toString()).toBe('1/3');
    expect(Rational.fromNumber(0.1).toString()).toBe('1/10');
    const r = Rational.fromNumber(2 ** -0.5);
    expect(r.toNumber()).toBe(2 ** -0.5);
    expect(r.den > 1_000_000n).toBe(true);
    expect(Rational.exact(0.1).toNumber()).toBe(0.1);
  });
  it('square roots of rational squares', () => {
    expect(Rational.of(9, 49).sqrt()?.toString()).toBe('3/7');
    expect(Rational.of(2, 1).sqrt()).toBeNull();
  });
});

describe('Poly', () => {
  it('canonical form: equal polynomials print identically whatever the construction order', () => {
    const p = a.add(b).mul(a.sub(b));
    const q = b.mul(b).neg().add(a.mul(a));
    expect(p.equals(q)).toBe(true);
    expect(p.toInfix()).toBe(q.toInfix());
    expect(p.toInfix()).toBe('a^2 - b^2');
    expect(a.sub(a).isZero()).toBe(true);
  });
  it('expands powers with binomial coefficients', () => {
    const p = a.add(b).pow(5);
    for (let k = 0; k <= 5; k++) {
      const coef = p.collect(['a', 'b']);
      let binom = 1;
      for (let i = 0; i < k; i++) binom = (binom * (5 - i)) / (i + 1);
      const key = [k ? `a${k > 1 ? `^${k}` : ''}` : '', 5 - k ? `b${5 - k > 1 ? `^${5 - k}` : ''}` : ''].filter(Boolean).join('*');
      expect(coef.get(key)?.coef.asConstant()?.toNumber()).toBe(binom);
    }
    expect(p.size).toBe(6);
  });
  it('differentiates, substitutes and divides exactly', () => {
    const p = a.pow(3).mul(b).add(a.mul(c).scale(Rational.of(1, 2)));
    expect(p.diff('a').toInfix()).toBe('3*a^2*b + 1/2*c');
    expect(p.diff('d').isZero()).toBe(true);
    const s = p.subs({ a: b.add(Poly.ONE), c: Rational.of(2) });
    expect(s.equals(b.add(Poly.ONE).pow(3).mul(b).add(b.add(Poly.ONE)))).toBe(true);
    const prod = a.add(b).mul(c.sub(d)).mul(a.sub(Poly.constant(2)));
    expect(prod.divide(c.sub(d))?.equals(a.add(b).mul(a.sub(Poly.constant(2))))).toBe(true);
    expect(prod.divide(c.add(d))).toBeNull();
    expect(a.mul(a).mul(b).divideByPower('a', 2)?.equals(b)).toBe(true);
    expect(a.add(b).divideByPower('a')).toBeNull();
  });
  it('content: gcd of the numerators over lcm of the denominators, positive, so p/content has coprime integer coefficients', () => {
    // 6a/5 − 4b/15 + 2: numerators 6, −4, 30 (gcd 2), denominators 5, 15, 1 (lcm 15) → 2/15; p/(2/15) = 9a − 2b + 15.
    const p = a.scale(Rational.of(6, 5)).sub(b.scale(Rational.of(4, 15))).add(Poly.constant(2));
    expect(p.content().toString()).toBe('2/15');
    expect(p.scale(p.content().inv()).equals(a.scale(9).sub(b.scale(2)).add(Poly.constant(15)))).toBe(true);
    expect(p.neg().content().toString()).toBe('2/15');
    expect(Poly.ZERO.content().toString()).toBe('1');
  });
  it('evaluates; its infix parses in mathjs to the same value (independent check)', () => {
    const rng = createRng(5);
    const p = a.add(b.scale(Rational.of(-3, 7))).pow(3).mul(c.sub(Poly.constant(Rational.of(5, 2)))).add(Poly.sym('lambda_theta').mul(Poly.sym('sigma2')));
    for (let i = 0; i < 5; i++) {
      const env = { a: rng.normal(), b: rng.normal(), c: rng.normal(), lambda_theta: rng.uniform(), sigma2: rng.uniform() };
      const v = p.evaluate(env);
      const m = mathEvaluate(p.toInfix(), { ...env }) as number;
      expect(Math.abs(v - m)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)));
    }
  });
  it('prints LaTeX with the project symbol names', () => {
    const p = Poly.sym('lambda_theta').pow(2).mul(Poly.sym('sigma2').pow(2)).mul(Poly.sym('eta_tilde')).scale(Rational.of(-3, 2)).add(Poly.sym('a_12'));
    const tex = p.toLatex();
    expect(tex).toContain('\\lambda_\\theta^{2}');
    expect(tex).toContain('\\sigma^{4}');
    expect(tex).toContain('\\tilde\\eta');
    expect(tex).toContain('a_{12}');
    expect(tex).toContain('\\frac{3}{2}');
  });
  it('compiles to closures that agree with exact evaluation', () => {
    const rng = createRng(6);
    const params = { lambda_v: 10, d: 100 };
    const p = a.add(b).pow(4).mul(Poly.sym('lambda_v')).add(c.mul(Poly.sym('d'))).sub(Poly.constant(Rational.of(1, 3)));
    const q = a.mul(b).mul(c).scale(7);
    const f = compilePoly(p, ['a', 'b', 'c'], params);
    const g = compilePolys([p, q], ['a', 'b', 'c'], params);
    const out = new Float64Array(2);
    for (let i = 0; i < 5; i++) {
      const x = Float64Array.from([rng.normal(), rng.normal(), rng.normal()]);
      const env = { ...params, a: x[0], b: x[1], c: x[2] };
      const exact = p.evaluate(env);
      expect(Math.abs(f(x) - exact)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(exact)));
      g(x, out);
      expect(out[0]).toBe(f(x));
      expect(Math.abs(out[1] - q.evaluate(env))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(out[1])));
    }
  });
});

describe('collected printing', () => {
  it('collects in the primary symbols, factors coefficients and recognizes (d − 2)^k; infix round-trips through mathjs', async () => {
    const { collected } = await import('../../src/symbolic/present.js');
    const dd = Poly.sym('d');
    const s2 = Poly.sym('sigma2');
    const p = dd.sub(Poly.constant(2)).pow(2).mul(s2.pow(2)).mul(c.pow(4)).scale(Rational.of(3, 4)).add(a.mul(dd).mul(s2).scale(-2)).add(Poly.constant(5));
    const out = collected(p, ['a', 'c']);
    expect(out.latex).toContain('\\left(d - 2\\right)^{2}');
    expect(out.infix).toBe('3/4*sigma2^2*(d - 2)^2*c^4 - 2*d*sigma2*a + 5');
    const env = { a: 0.3, c: -1.7, d: 20, sigma2: 0.8 };
    expect(Math.abs((mathEvaluate(out.infix, { ...env }) as number) - p.evaluate(env))).toBeLessThan(1e-12 * Math.abs(p.evaluate(env)));
  });
});
