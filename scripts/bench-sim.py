#!/usr/bin/env python3
"""Benchmark: one finite-sample GD step and one SpecGD step, specgd (Node, portable Float64Array backend) vs numpy.

For d in {64, 128, 256}, n = 8192, m = d (matrix student), both sides do the same math on data of the same shape:
    Z = X Wᵀ ;  r = rowsum(Z²) − y ;  G = (4κ/n) (r ⊙ Z)ᵀ X ;  GD: W ← W − η̃ G
    SpecGD: the same G, then U S Vᵀ = thin SVD(G), keep σ > 1e-12·σ_max, W ← W − η U_r V_rᵀ
    statistics of a recorded step: M = WᵀW, block coefficients, overlap θᵀMθ/‖M‖_F, population loss
    κ[tr(DΣ)² + 2 tr((DΣ)²)] (D = M − θθᵀ), alignment ‖P_top θ‖ from the eigendecomposition of M (numpy: eigh with
    eigenvectors; node: `symEigenProject`, eigenvalues and v_jᵀθ only); and the eigen-solver alone (numpy eigh vs
    node `symEigen` with eigenvectors and `symEigenProject`)
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

    theta = np.zeros(d)
    theta[0] = 1.0

    def stats():
        M = W.T @ W
        signed = np.diag(W).copy()
        mag = np.sqrt(np.sum(W * W, axis=0))
        fro = np.linalg.norm(M)
        overlap = theta @ M @ theta / fro
        DS = (M - np.outer(theta, theta)) * lam
        T = np.trace(DS)
        loss = KAPPA * (T * T + 2 * np.sum(DS * DS.T))
        w, V = np.linalg.eigh(M)
        top = w >= w[-1] - TOL * abs(w[-1])
        align = np.linalg.norm(V[:, top].T @ theta)
        return signed, mag, overlap, loss, align

    Mg = W.T @ W
    G = grad()
    return {
        "statsMs": median_time(stats, reps),
        "eigMs": median_time(lambda: np.linalg.eigh(Mg), reps),
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
    print(f"n = {N}, m = d; median ms per call; ratio = node / numpy (numpy with 1 BLAS thread, and with the default threads);")
    print("both eig rows are against numpy eigh with eigenvectors; node / node of the two eig rows = what the projection saves")
    print(f"{'d':>4} | {'what':<20} | {'node ms':>9} | {'numpy 1T':>9} | {'ratio':>6} | {'numpy nT':>9} | {'ratio':>6}")
    print("-" * 82)
    for d in DIMS:
        nd = node_rows[d]
        rows = [("gdMs", "gdMs", "GD step"), ("specgdMs", "specgdMs", "SpecGD step"), ("gradientMs", "gradientMs", "  gradient only"),
                ("polarMs", "polarMs", "  polar (SVD) only"), ("statsMs", "statsMs", "recorded-step stats"),
                ("eigMs", "eigMs", "  eig, vectors"), ("eigProjectMs", "eigMs", "  eig, projected")]
        for key, npkey, label in rows:
            a, b = np1[d][npkey], npd[d][npkey]
            print(f"{d:>4} | {label:<20} | {nd[key]:>9.1f} | {a:>9.2f} | {nd[key] / a:>6.1f} | {b:>9.2f} | {nd[key] / b:>6.1f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
