#!/usr/bin/env python3
"""Reference fixture for specgd's full-dimensional Muon step (test/algorithms/muon-reference.test.ts).

A numpy float64 transcription of the Muon reference update, github.com/KellerJordan/Muon muon.py at commit
857d1adc159e098212f828d927460782d3da59e9 (`zeropower_via_newtonschulz5`, `muon_update`, `SingleDeviceMuon.step`),
with the Newton–Schulz iteration in float64 instead of the reference's bfloat16:

    momentum.lerp_(grad, 1 - beta)                      m <- m + (1 - beta)(g - m)       (torch's lerp, below)
    update = grad.lerp_(momentum, beta) if nesterov else momentum
    X = update (transposed if rows > cols);  X = X / (||X||_F + 1e-7)
    repeat ns_steps:  A = X X^T;  B = b*A + c*A@A;  X = a*X + B@X        (a, b, c) = (3.4445, -4.7750, 2.0315)
    update = X (transposed back) * max(1, rows/cols)**0.5
    p.mul_(1 - lr*weight_decay);  p.add_(update, alpha=-lr)

torch's lerp(start, end, w) (aten/src/ATen/native/Lerp.h) is start + w(end - start) for |w| < 0.5, else
end - (end - start)(1 - w); transcribed as such.

The gradients are this model's population gradient (model.md section 2, loss scale 1/4):
    D = W^T W - theta theta^T,   grad L(W) = W [ tr(D Sigma) Sigma + 2 Sigma D Sigma ],
for W in R^{m x d} (any m), Sigma = Q diag(lambda) Q^T a spiked covariance (lambda_theta = 1, lambda_v = 10, bulk 1)
in a seeded random orthonormal basis Q, theta = Q e_1, and a seeded Gaussian W_0 (off the block manifold, so every
product of the iteration is dense). Cases: square (m = d), wide (m < d) and tall (m > d: the transposed iteration
and the Keller scale sqrt(m/d) > 1), with Nesterov, heavy-ball and weight decay. Each case stores, per step t, the
iterate W_t, the gradient G_t = grad L(W_t) and W_{t+1} from the transcribed update (the run is closed-loop in
numpy; the test feeds specgd the same W_t and G_t and compares its W_{t+1}).

Everything is written with full precision (json floats are repr, round-trip exact).
Regenerate: python3 scripts/muon-reference-fixture.py
"""
import json
import pathlib

import numpy as np

NS_A, NS_B, NS_C = 3.4445, -4.7750, 2.0315
NS_EPS = 1e-7


def lerp(start, end, w):
    if abs(w) < 0.5:
        return start + w * (end - start)
    return end - (end - start) * (1 - w)


def zeropower_via_newtonschulz5(G, steps):
    X = G.astype(np.float64)
    tall = G.shape[0] > G.shape[1]
    if tall:
        X = X.T
    X = X / (np.linalg.norm(X) + NS_EPS)
    for _ in range(steps):
        A = X @ X.T
        B = NS_B * A + NS_C * A @ A
        X = NS_A * X + B @ X
    if tall:
        X = X.T
    return X


def muon_update(grad, momentum, beta, ns_steps, nesterov):
    momentum = lerp(momentum, grad, 1 - beta)
    update = lerp(grad, momentum, beta) if nesterov else momentum
    update = zeropower_via_newtonschulz5(update, ns_steps)
    update = update * max(1, grad.shape[-2] / grad.shape[-1]) ** 0.5
    return update, momentum


def population_gradient(W, Sigma, theta):
    D = W.T @ W - np.outer(theta, theta)
    DS = D @ Sigma
    K = np.trace(DS) * Sigma + 2 * Sigma @ DS
    return W @ K


def case(name, m, d, seed, lr, beta, nesterov, weight_decay, steps, ns_steps=5):
    rng = np.random.default_rng(seed)
    Q, R = np.linalg.qr(rng.standard_normal((d, d)))
    Q = Q * np.sign(np.diag(R))
    lam = np.ones(d)
    lam[1] = 10.0
    Sigma = (Q * lam) @ Q.T
    theta = Q[:, 0].copy()
    W = 0.5 * rng.standard_normal((m, d))
    buf = np.zeros((m, d))
    Ws, Gs, Wn = [], [], []
    for _ in range(steps):
        G = population_gradient(W, Sigma, theta)
        update, buf = muon_update(G, buf, beta, ns_steps, nesterov)
        Wnext = W * (1 - lr * weight_decay)
        Wnext = Wnext + (-lr) * update
        Ws.append(W.ravel().tolist())
        Gs.append(G.ravel().tolist())
        Wn.append(Wnext.ravel().tolist())
        W = Wnext
    return {
        "name": name,
        "m": m,
        "d": d,
        "config": {"name": "muon", "eta": lr, "momentum": beta, "nesterov": nesterov, "nsSteps": ns_steps,
                   "nsEpsilon": NS_EPS, "weightDecay": weight_decay, "lrScaling": "keller", "nsCoefficients": "keller"},
        "W": Ws,
        "G": Gs,
        "Wnext": Wn,
    }


def main():
    cases = [
        case("square, Keller defaults (beta 0.95, Nesterov)", 6, 6, 1, 0.02, 0.95, True, 0.0, 40),
        case("wide, heavy-ball beta 0.9, weight decay 0.1", 4, 6, 2, 0.02, 0.9, False, 0.1, 40),
        case("tall (transposed, Keller scale sqrt(9/6)), Nesterov, weight decay 0.05", 9, 6, 3, 0.01, 0.95, True, 0.05, 40),
    ]
    out = {
        "source": "KellerJordan/Muon muon.py @ 857d1adc159e098212f828d927460782d3da59e9, float64 transcription",
        "generator": "scripts/muon-reference-fixture.py",
        "numpy": np.__version__,
        "coefficients": [NS_A, NS_B, NS_C],
        "cases": cases,
    }
    path = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "algorithms" / "muon-reference.json"
    path.write_text(json.dumps(out) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
