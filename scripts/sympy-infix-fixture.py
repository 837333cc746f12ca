#!/usr/bin/env python3
"""Independent check that the infix strings specgd emits parse in sympy (and mean what the engine says).

Reads the committed derivation JSON documents (derivations/*.json), parses every full infix expression (loss, T,
general loss and gradients, block gradients, GD map, SpecGD map, gradient flow, sign flow, GD-map Jacobian, growth
factors) with sympy's `sympify` (`^` as power), evaluates it exactly at a fixed rational point, and writes
test/fixtures/sympy-infix.json: for each expression its path, the infix string that was parsed, and sympy's value
(30 significant digits). test/symbolic/derivation-doc.test.ts compares these values with the engine's own exact
evaluation and with mathjs. Regenerate after `npm run derivations` changes the JSON:

    python3 scripts/sympy-infix-fixture.py
"""
import glob
import json
import os

import sympy

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

# The evaluation point (exact rationals); the TypeScript test uses the same values.
POINT = {
    "a": sympy.Rational(3, 7), "b": sympy.Rational(-2, 5), "c": sympy.Rational(1, 3),
    "lambda_theta": sympy.Rational(6, 5), "lambda_v": sympy.Rational(17, 2), "sigma2": sympy.Rational(3, 4),
    "d": 20, "kappa": sympy.Rational(1, 3), "eta": sympy.Rational(1, 10), "eta_tilde": sympy.Rational(1, 20),
}
for j in range(1, 65):
    POINT[f"a_{j}"] = sympy.Rational((-1) ** j * (j + 2), 3 * j + 7)
    POINT[f"lambda_{j}"] = sympy.Rational(j + 3, 2 * j + 1)


def entries(doc):
    yield "T", doc["T"]
    yield "loss", doc["loss"]
    yield "general.loss", doc["general"]["loss"]
    for k, g in enumerate(doc["general"]["gradients"]):
        yield f"general.gradients[{k}]", g
    for key in ("gradients", "gdMap", "specgdMap", "gradientFlow", "signFlow", "growthFactors"):
        for k, e in enumerate(doc[key]):
            yield f"{key}[{k}]", e
    for i, row in enumerate(doc["jacobianGd"]):
        for j, e in enumerate(row):
            yield f"jacobianGd[{i}][{j}]", e


def main():
    out = {"point": {k: str(v) for k, v in POINT.items()}, "documents": {}}
    for path in sorted(glob.glob(os.path.join(ROOT, "derivations", "*.json"))):
        doc = json.load(open(path))
        rows = []
        for name, e in entries(doc):
            expr = sympy.sympify(e["infix"], convert_xor=True)
            unknown = {str(s) for s in expr.free_symbols} - set(POINT)
            if unknown:
                raise SystemExit(f"{os.path.basename(path)} {name}: unknown symbols {unknown}")
            value = sympy.N(expr.subs(POINT), 30)
            rows.append({"path": name, "infix": e["infix"], "value": str(value)})
        out["documents"][os.path.basename(path)] = rows
    with open(os.path.join(ROOT, "test", "fixtures", "sympy-infix.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote test/fixtures/sympy-infix.json:", {k: len(v) for k, v in out["documents"].items()})


if __name__ == "__main__":
    main()
