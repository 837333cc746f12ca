#!/usr/bin/env python3
"""Benchmark: specgd's full-dimensional simulation (native OpenBLAS backend and portable backend) against numpy
doing the same work on the same number of threads, in one run (issue 9).

Cases (spiked covariance λ_v = 10, canonical basis, matrix student m = d, κ = 1/4):
  fb-gd, fb-specgd   one full-batch step at n = 8192, d ∈ {32, 64, 128, 256}:
                       numpy: Z = X Wᵀ; r = rowsum(Z²) − y; G = (4κ/n)(r ⊙ Z)ᵀX; W ← W − η̃G
                       (SpecGD: U S Vᵀ = svd(G), keep σ > 1e-12·σ_max, W ← W − η U_r V_rᵀ);
                       specgd: the gradient by the path it picks for a default run (3000 steps × GD and SpecGD on
                       the same sample): the fourth-moment operator Q where it fits 512 MiB and pays, else the
                       direct path. Its one-time set-up (building Q) is amortized over those 6000 gradient uses in
                       the ratio column and printed separately;
  online-gd, -specgd one online step, batch 512: draw the batch, its gradient, the update (no Q: fresh data);
  polar              the polar factor alone (thin SVD, truncated) of a Gaussian d×d matrix, d ∈ {100, 256};
  ensemble           4 seeds × (GD, SpecGD), full batch n = 8192, d = 64, 100 steps, end to end: specgd's
                       runSimulation with one worker per core × 1 BLAS thread, timed on the started pool (its
                       start-up printed separately), against numpy's loop split over as many concurrent processes
                       × 1 BLAS thread (the like-for-like reference of the target); also printed: numpy's sequential
                       loop with one BLAS thread per core, and both sides sequential on 1 thread.
Threads: single-step cases use 1 thread on both sides (numpy with OPENBLAS_NUM_THREADS=1, specgd's native
backend sets 1). numpy runs in child processes with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed from its
environment (they are left as they are for specgd); its OpenBLAS core name is printed.
Ratios are throughput ratios, numpy ms / specgd ms (> 1: specgd is faster); the single-step cases also give the
ratio of the fastest CPU times per call (each process's own CPU time: on a loaded machine it is less affected by
time slicing than the wall clock). Each time is the fastest repetition
after a warm-up, and the single-step cases run in ROUNDS alternating rounds (numpy, specgd native, numpy, ...)
keeping each side's fastest, so both sides see the same machine load. The machine load (uptime) is printed with
the figures.

Usage:  python3 scripts/bench-sim.py [--quick]      (from the repository root)
"""
import ctypes
import glob
import json
import os
import subprocess
import sys
import time

import numpy as np

QUICK = "--quick" in sys.argv
N = 8192
DIMS = [32, 64] if QUICK else [32, 64, 128, 256]
BATCH = 512
POLAR_DIMS = [100] if QUICK else [100, 256]
ENSEMBLE = {"d": 64, "n": N, "steps": 30 if QUICK else 100, "seeds": 4}
KAPPA = 0.25
TOL = 1e-12
USES = 3000 * 2  # default run: DEFAULTS.steps × (GD, SpecGD) on one sample
REPS_NATIVE = [[64, 15], [128, 12], [256, 8]]
REPS_PORTABLE = [[64, 5], [128, 3], [256, 1]]
ROUNDS = 1 if QUICK else 2
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def min_time(f, reps):
    """Fastest wall-clock and fastest CPU time (time.process_time: this process) of `reps` calls after a warm-up,
    in ms (on a shared machine other load only adds wall time; CPU time is what the call itself used)."""
    f()
    ms, cpu = float("inf"), float("inf")
    for _ in range(reps):
        c0 = time.process_time()
        t0 = time.perf_counter()
        f()
        ms = min(ms, (time.perf_counter() - t0) * 1e3)
        cpu = min(cpu, (time.process_time() - c0) * 1e3)
    return {"ms": ms, "cpuMs": cpu}


def reps_for(d, table):
    for t, r in table:
        if d <= t:
            return r
    return table[-1][1]


def spiked(d):
    lam = np.ones(d)
    lam[1] = 10.0
    theta = np.zeros(d)
    theta[0] = 1.0
    return lam, theta


def grad_fn(X, y, n):
    def grad(W):
        Z = X @ W.T
        r = np.einsum("ij,ij->i", Z, Z) - y
        return (4 * KAPPA / n) * ((Z * r[:, None]).T @ X)
    return grad


def polar(G):
    U, S, Vt = np.linalg.svd(G, full_matrices=False)
    k = int(np.sum(S > TOL * S[0]))
    return U[:, :k] @ Vt[:k]


def numpy_cases():
    out = []
    eta = 1e-6
    for d in DIMS:
        reps = reps_for(d, REPS_NATIVE)
        lam, theta = spiked(d)
        rng = np.random.default_rng(1)
        X = rng.standard_normal((N, d)) * np.sqrt(lam)
        y = (X @ theta) ** 2
        W = rng.standard_normal((d, d)) / np.sqrt(d)
        grad = grad_fn(X, y, N)
        state = {"W": W}

        def gd():
            state["W"] = state["W"] - eta * grad(state["W"])

        def spec():
            state["W"] = state["W"] - eta * polar(grad(state["W"]))

        out.append({"case": "fb-gd", "d": d, **min_time(gd, reps)})
        out.append({"case": "fb-specgd", "d": d, **min_time(spec, reps)})

        def online(direction):
            def step():
                Xb = rng.standard_normal((BATCH, d)) * np.sqrt(lam)
                yb = (Xb @ theta) ** 2
                G = grad_fn(Xb, yb, BATCH)(state["W"])
                state["W"] = state["W"] - eta * (polar(G) if direction else G)
            return step

        out.append({"case": "online-gd", "d": d, **min_time(online(False), reps * 4)})
        out.append({"case": "online-specgd", "d": d, **min_time(online(True), reps * 4)})
    for d in POLAR_DIMS:
        G = np.random.default_rng(3).standard_normal((d, d))
        out.append({"case": "polar", "d": d, **min_time(lambda: polar(G), reps_for(d, REPS_NATIVE) * 2)})
    return out


def numpy_ensemble(seeds, start_at=None):
    """numpy's ensemble loop over `seeds`; with `start_at` (a time.time() value) it first sleeps until then, so
    that concurrent processes start together. Returns the compute time and the wall-clock end."""
    e = ENSEMBLE
    d, n = e["d"], e["n"]
    lam, theta = spiked(d)
    if start_at is not None:
        late = time.time() - start_at
        if late < 0:
            time.sleep(-late)
    t_start = time.time()
    c0 = time.process_time()
    t0 = time.perf_counter()
    for seed in seeds:
        rng = np.random.default_rng(seed)
        X = rng.standard_normal((n, d)) * np.sqrt(lam)
        y = (X @ theta) ** 2
        grad = grad_fn(X, y, n)
        for alg, eta in (("gd", 0.01), ("specgd", 0.002)):
            W = 1e-3 * np.eye(d)
            for _ in range(e["steps"]):
                G = grad(W)
                W = W - eta * (G if alg == "gd" else polar(G))
            Z = X @ W.T
            _loss = KAPPA * np.mean((np.einsum("ij,ij->i", Z, Z) - y) ** 2)
    return {"ms": (time.perf_counter() - t0) * 1e3, "cpuMs": (time.process_time() - c0) * 1e3, "start": t_start, "end": time.time()}


def numpy_corename():
    libs = glob.glob(os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs", "*openblas*"))
    for lib in libs:
        try:
            cdll = ctypes.CDLL(lib)
        except OSError:
            continue
        for name in ("scipy_openblas_get_corename64_", "openblas_get_corename64_", "openblas_get_corename"):
            f = getattr(cdll, name, None)
            if f is not None:
                f.restype = ctypes.c_char_p
                return f().decode()
    try:
        import threadpoolctl  # noqa: F401
        info = threadpoolctl.threadpool_info()
        return ",".join(str(i.get("architecture")) for i in info if i.get("internal_api") == "openblas")
    except ImportError:
        cfg = np.show_config(mode="dicts")
        return str(cfg.get("Build Dependencies", {}).get("blas", {}).get("openblas configuration", "unknown"))


def child_env(threads):
    env = dict(os.environ)
    for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.pop(k, None)
    for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[k] = str(threads)
    return env


def child(mode, threads, extra=()):
    """numpy in a child process: `threads` BLAS threads, OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed."""
    p = subprocess.run([sys.executable, os.path.abspath(__file__), mode, *extra] + (["--quick"] if QUICK else []), env=child_env(threads), capture_output=True, text=True, check=True)
    return json.loads(p.stdout.strip().splitlines()[-1])


def numpy_ensemble_processes(procs):
    """The ensemble's seeds split round-robin over `procs` concurrent numpy processes with 1 BLAS thread each (the
    like-for-like counterpart of specgd's workers × 1 BLAS thread); they start together at a common wall-clock
    time after their imports, and the time is the last one's end minus that start."""
    seeds = list(range(1, ENSEMBLE["seeds"] + 1))
    start_at = time.time() + 3.0
    ps = [subprocess.Popen([sys.executable, os.path.abspath(__file__), "--numpy-ensemble", ",".join(map(str, seeds[i::procs])), repr(start_at)] + (["--quick"] if QUICK else []), env=child_env(1), stdout=subprocess.PIPE, text=True) for i in range(procs)]
    outs = []
    for p in ps:
        out, _ = p.communicate()
        if p.returncode != 0:
            sys.exit("numpy ensemble process failed")
        outs.append(json.loads(out.strip().splitlines()[-1]))
    late = max(o["start"] for o in outs) - start_at
    return (max(o["end"] for o in outs) - start_at) * 1e3, late


def node(backend, reps, ensemble, cases=True):
    args = {"n": N, "dims": DIMS if cases else [], "batch": BATCH, "polarDims": POLAR_DIMS if cases else [], "reps": reps, "ensemble": ensemble}
    env = dict(os.environ, SPECGD_BACKEND=backend)
    p = subprocess.run(["npx", "tsx", os.path.join(ROOT, "scripts", "bench-sim.ts"), json.dumps(args)], cwd=ROOT, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"bench-sim.ts ({backend}) failed: {p.stderr.strip()}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def fastest(x, y):
    """One case's row from two rounds: each time the smaller of the two."""
    return {**x, "ms": min(x["ms"], y["ms"]), "cpuMs": min(x["cpuMs"], y["cpuMs"])}


def key(r):
    return (r["case"], r["d"])


def main():
    if "--numpy-cases" in sys.argv:
        print(json.dumps({"rows": numpy_cases(), "core": numpy_corename()}))
        return
    if "--numpy-ensemble" in sys.argv:
        i = sys.argv.index("--numpy-ensemble")
        seeds = [int(x) for x in sys.argv[i + 1].split(",")]
        start_at = float(sys.argv[i + 2]) if len(sys.argv) > i + 2 and sys.argv[i + 2] != "--quick" else None
        print(json.dumps(numpy_ensemble(seeds, start_at)))
        return
    cores = os.cpu_count() or 1
    load0 = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    npc, nat = None, None
    for _ in range(ROUNDS):
        a = child("--numpy-cases", 1)
        b = node("native", REPS_NATIVE, None)
        npc = a if npc is None else {"core": a["core"], "rows": [fastest(x, y) for x, y in zip(npc["rows"], a["rows"])]}
        nat = b if nat is None else [fastest(x, y) for x, y in zip(nat, b)]
    all_seeds = ",".join(str(i) for i in range(1, ENSEMBLE["seeds"] + 1))
    ens_threads = child("--numpy-ensemble", cores, [all_seeds])["ms"]
    seq1 = child("--numpy-ensemble", 1, [all_seeds])
    ens_seq1, ens_seq1_cpu = seq1["ms"], seq1["cpuMs"]
    ens_procs, ens_late = numpy_ensemble_processes(cores)
    nat += node("native", [[1 << 30, 1]], ENSEMBLE, cases=False)
    por = node("portable", REPS_PORTABLE, None)
    load1 = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    numpy_ms = {key(r): r["ms"] for r in npc["rows"]}
    numpy_ms[("ensemble", ENSEMBLE["d"])] = ens_procs
    nat_by = {key(r): r for r in nat}
    por_by = {key(r): r for r in por}
    node_version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"numpy {np.__version__} (OpenBLAS core {npc['core']}), node {node_version}, specgd native = {nat[0]['backend']} (core {nat[0]['core']}) and portable; {cores} cores")
    print(f"load before: {load0}")
    print(f"load after:  {load1}")
    print(f"n = {N} (full batch), batch = {BATCH} (online); fastest ms per call over {ROUNDS} alternating round(s); ×numpy = numpy ms / specgd ms (> 1: specgd faster);")
    print(f"full-batch rows: specgd ms = step + set-up/{USES} (set-up shown; path = moment operator Q or direct)")
    print("cpu ×numpy: the same ratio of the fastest CPU times per call (process CPU time, less sensitive to other load than wall time)")
    print(f"ensemble row: numpy as {cores} concurrent processes × 1 BLAS thread (seeds split between them) against specgd's {cores} workers × 1 BLAS thread on the started pool; this like-for-like pair is the target's reference. Other rows 1 thread each")
    head = f"| {'case':<14} | {'d':>4} | {'numpy ms':>9} | {'native ms':>9} | {'×numpy':>6} | {'cpu ×numpy':>10} | {'path':<7} | {'set-up ms':>9} | {'portable ms':>11} | {'×numpy':>6} |"
    print(head)
    print("|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|")
    numpy_cpu = {key(r): r["cpuMs"] for r in npc["rows"]}
    for r in npc["rows"] + [{"case": "ensemble", "d": ENSEMBLE["d"]}]:
        k = key(r)
        a = numpy_ms[k]
        n_ = nat_by.get(k)
        p_ = por_by.get(k)

        def eff(x, field="ms"):
            return x[field] + (x["setupMs"] / USES if x["case"].startswith("fb-") else 0)

        cpu_s = f"{numpy_cpu[k] / eff(n_, 'cpuMs'):>10.2f}" if n_ and "cpuMs" in n_ and k in numpy_cpu else f"{'-':>10}"
        nat_s = f"{eff(n_):>9.3f} | {a / eff(n_):>6.2f} | {cpu_s} | {n_['path']:<7} | {n_['setupMs']:>9.0f}" if n_ else f"{'-':>9} | {'-':>6} | {'-':>10} | {'-':<7} | {'-':>9}"
        por_s = f"{eff(p_):>11.2f} | {a / eff(p_):>6.2f}" if p_ else f"{'not run':>11} | {'-':>6}"
        print(f"| {k[0]:<14} | {k[1]:>4} | {a:>9.3f} | {nat_s} | {por_s} |")
    e = nat_by.get(("ensemble", ENSEMBLE["d"]))
    q = nat_by.get(("ensemble-seq", ENSEMBLE["d"]))
    if e and q:
        print(f"ensemble ({ENSEMBLE['seeds']} seeds × GD + SpecGD, {ENSEMBLE['steps']} steps, n = {N}, d = {ENSEMBLE['d']}), ms:")
        print(f"  numpy {cores} processes × 1 BLAS thread {ens_procs:.0f} (reference; last process started {max(0.0, ens_late) * 1e3:.0f} ms late)  vs  specgd {cores} workers {e['ms']:.0f}: ×numpy {ens_procs / e['ms']:.2f}")
        print(f"  specgd pool start-up (first ensemble of a process, paid once): {e['setupMs']:.0f}")
        print(f"  numpy 1 process × {cores} BLAS threads {ens_threads:.0f}: ×numpy {ens_threads / e['ms']:.2f}")
        print(f"  sequential, 1 thread each: numpy {ens_seq1:.0f}, specgd (workers: 1) {q['ms']:.0f}: ×numpy {ens_seq1 / q['ms']:.2f}; CPU time numpy {ens_seq1_cpu:.0f}, specgd {q['cpuMs']:.0f}: cpu ×numpy {ens_seq1_cpu / q['cpuMs']:.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
