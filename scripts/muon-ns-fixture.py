#!/usr/bin/env python3
"""Reference fixture for Muon's quintic Newton–Schulz iteration (test/sim/linalg.test.ts).

Runs the iteration exactly as the Muon reference writes it (Jordan et al.; coefficients 3.4445, −4.7750, 2.0315),
in float64 and without the reference's +1e-7 in the normalization (specgd divides by ‖G‖_F exactly):

    X = G / ‖G‖_F ;  if rows > cols: X = Xᵀ
    repeat steps:  A = X Xᵀ ;  B = b A + c A A ;  X = a X + B X
    if rows > cols: X = Xᵀ

Inputs are fixed small matrices (tall, wide, square, rank-deficient) written out with full precision so the test
needs no random generator in common with numpy.  Regenerate: python3 scripts/muon-ns-fixture.py
"""
import json
import pathlib

import numpy as np

A, B, C = 3.4445, -4.7750, 2.0315


def newton_schulz(G, steps):
    X = G / np.linalg.norm(G)
    tall = G.shape[0] > G.shape[1]
    if tall:
        X = X.T
    for _ in range(steps):
        Am = X @ X.T
        Bm = B * Am + C * Am @ Am
        X = A * X + Bm @ X
    return X.T if tall else X


rng = np.random.default_rng(20261129)
cases = []
shapes = [(5, 5), (7, 4), (3, 6), (1, 8)]
for m, n in shapes:
    cases.append(rng.standard_normal((m, n)))
# rank-deficient square: rank 2 in 5x5
u = rng.standard_normal((5, 2))
v = rng.standard_normal((2, 5))
cases.append(u @ v)

out = []
for G in cases:
    for steps in (1, 5, 8):
        out.append({
            "m": G.shape[0],
            "n": G.shape[1],
            "steps": steps,
            "G": [float(x) for x in G.ravel()],
            "X": [float(x) for x in newton_schulz(G, steps).ravel()],
        })

path = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "sim" / "muon-ns.json"
path.parent.mkdir(parents=True, exist_ok=True)
path.write_text(json.dumps({"coefficients": [A, B, C], "numpy": np.__version__, "cases": out}, indent=1) + "\n")
print(f"wrote {path} ({len(out)} cases)")
