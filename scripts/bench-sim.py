#!/usr/bin/env python3
"""Benchmark: one finite-sample GD step and one SpecGD step, specgd (Node, portable Float64Array backend) vs numpy.

For d in {64, 128, 256}, n = 8192, m = d (matrix student), both sides do the same math on data of the same shape:
    Z = X Wᵀ ;  r = rowsum(Z²) − y ;  G = (4κ/n) (r ⊙ Z)ᵀ X ;  GD: W ← W − η̃ G
    SpecGD: the same G, then U S Vᵀ = thin SVD(G), keep σ > 1e-12·σ_max, W ← W − η U_r V_rᵀ
numpy is timed by this script (in child processes: once with 1 BLAS thread, once with the library's default
threads); the Node side runs as a subprocess (scripts/bench-sim.ts via tsx) in the same run; the script prints the
times and the ratios node/numpy. Medians over a few repetitions after a warm-up. Timings on a loaded machine are
not comparable: the 1-minute load average is printed with them.

Usage:  python3 scripts/bench-sim.py            (from the repository root; ~1 minute)
"""
import json
import os
import subprocess
import sys
import time

import numpy as np

DIMS = [64, 128, 256]
N = 8192
REPS = [5, 5, 3]
KAPPA = 0.25
TOL = 1e-12


def median_time(f, reps):
    f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        ts.append((time.perf_counter() - t0) * 1e3)
    return sorted(ts)[len(ts) // 2]


def numpy_times(d, reps):
    rng = np.random.default_rng(1)
    lam = np.ones(d)
    lam[1] = 10.0
    X = rng.standard_normal((N, d)) * np.sqrt(lam)
    y = X[:, 0] ** 2
    W = rng.standard_normal((d, d)) / np.sqrt(d)
    eta = 1e-6

    def grad():
        Z = X @ W.T
        r = np.einsum("ij,ij->i", Z, Z) - y
        return (4 * KAPPA / N) * ((Z * r[:, None]).T @ X)

    def polar(G):
        U, S, Vt = np.linalg.svd(G, full_matrices=False)
        k = int(np.sum(S > TOL * S[0]))
        return U[:, :k] @ Vt[:k]

    def gd():
        nonlocal W
        W = W - eta * grad()

    def spec():
        nonlocal W
        W = W - eta * polar(grad())

    G = grad()
    return {
        "gdMs": median_time(gd, reps),
        "specgdMs": median_time(spec, reps),
        "gradientMs": median_time(grad, reps),
        "polarMs": median_time(lambda: polar(G), reps),
    }


def numpy_run(threads):
    """Time numpy in a child process with the given OpenBLAS/OMP thread count ("" = library default)."""
    env = dict(os.environ)
    for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.pop(k, None)
        if threads:
            env[k] = threads
    p = subprocess.run([sys.executable, os.path.abspath(__file__), "--numpy-only"], env=env, capture_output=True, text=True, check=True)
    return {int(k): v for k, v in json.loads(p.stdout.strip().splitlines()[-1]).items()}


def main():
    if "--numpy-only" in sys.argv:
        print(json.dumps({d: numpy_times(d, r) for d, r in zip(DIMS, REPS)}))
        return
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    args = json.dumps({"dims": DIMS, "n": N, "reps": REPS})
    node = subprocess.run(
        ["npx", "tsx", os.path.join(root, "scripts", "bench-sim.ts"), args],
        cwd=root, capture_output=True, text=True, check=True,
    )
    node_rows = {row["d"]: row for row in json.loads(node.stdout.strip().splitlines()[-1])}
    np1 = numpy_run("1")
    npd = numpy_run("")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    node_version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"numpy {np.__version__} (OpenBLAS), node {node_version}, {os.cpu_count()} cores, 1-min load average {load:.2f}")
    print(f"n = {N}, m = d; median ms per call; ratio = node / numpy (numpy with 1 BLAS thread, and with the default threads)")
    print(f"{'d':>4} | {'what':<20} | {'node ms':>9} | {'numpy 1T':>9} | {'ratio':>6} | {'numpy nT':>9} | {'ratio':>6}")
    print("-" * 82)
    for d in DIMS:
        nd = node_rows[d]
        for key, label in [("gdMs", "GD step"), ("specgdMs", "SpecGD step"), ("gradientMs", "  gradient only"), ("polarMs", "  polar (SVD) only")]:
            a, b = np1[d][key], npd[d][key]
            print(f"{d:>4} | {label:<20} | {nd[key]:>9.1f} | {a:>9.2f} | {nd[key] / a:>6.1f} | {b:>9.2f} | {nd[key] / b:>6.1f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
