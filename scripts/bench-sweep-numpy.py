"""Vectorized numpy reference of the (lambda_v, eta) GD sweep of scripts/bench-sweep.ts (same model, same rules).

Reads a JSON job on stdin: {lambdaV, eta, steps, d, lambdaTheta, sigma2, alpha, lossScale, escapeLevel, bound}.
Model (model.md §4, spiked, matrix student): e_k = a_k^2 - [k = s], T = sum r_k lambda_k e_k,
g_k = 4 kappa a_k (lambda_k T + 2 lambda_k^2 e_k), GD a <- a - eta g; diverged when some |a_k| > bound (or not finite):
the point stops there. Prints JSON {seconds, escape[], peak[], diverged[]} (row-major lambda_v x eta).
"""
import json, sys, time
import numpy as np

job = json.load(sys.stdin)
LV, ETA = np.meshgrid(np.array(job["lambdaV"], float), np.array(job["eta"], float), indexing="ij")
LV, ETA = LV.ravel(), ETA.ravel()
steps, d = job["steps"], job["d"]
lt, s2, alpha, k4 = job["lambdaTheta"], job["sigma2"], job["alpha"], 4 * job["lossScale"]
level, bound = job["escapeLevel"], job["bound"]
t0 = time.perf_counter()
n = LV.size
a = np.full(n, alpha); b = np.full(n, alpha); c = np.full(n, alpha)
alive = np.ones(n, bool)
diverged = np.full(n, -1)
escape = np.full(n, -1)
peak = b / a
rc = d - 2.0
for k in range(steps + 1):
    esc = (escape < 0) & (np.abs(a) >= level) & alive
    escape[esc] = k
    ratio = np.where(a != 0, b / np.where(a != 0, a, 1), 0.0)
    peak = np.where(alive & (ratio > peak), ratio, peak)
    if k == steps:
        break
    ea = a * a - 1; eb = b * b; ec = c * c
    T = lt * ea + LV * eb + rc * s2 * ec
    na = a - ETA * k4 * a * (lt * T + 2 * lt * lt * ea)
    nb = b - ETA * k4 * b * (LV * T + 2 * LV * LV * eb)
    nc = c - ETA * k4 * c * (s2 * T + 2 * s2 * s2 * ec)
    with np.errstate(over="ignore", invalid="ignore"):
        bad = alive & ~((np.abs(na) <= bound) & (np.abs(nb) <= bound) & (np.abs(nc) <= bound))
    diverged[bad] = k + 1
    alive &= ~bad
    a = np.where(alive, na, a); b = np.where(alive, nb, b); c = np.where(alive, nc, c)
secs = time.perf_counter() - t0
print(json.dumps({"seconds": secs, "escape": escape.tolist(), "peak": peak.tolist(), "diverged": diverged.tolist()}))
