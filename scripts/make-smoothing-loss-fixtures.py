#!/usr/bin/env python3
"""
Independent reference values for the losses that train smoothed classifiers
(src/core/training/gaussian.ts, catRs.ts, cra.ts), computed in float64 with PyTorch (Debian:
apt-get install -y python3-torch), written to test/fixtures/smoothing-losses.json and read by
test/unit/smoothing-losses.test.ts.

    /usr/bin/python3 scripts/make-smoothing-loss-fixtures.py

Everything is written out from the papers' definitions, not from the workbench's code. The noise
is fixed here (rounded normal draws), and so are CAT-RS's K+ and indicator, so that the workbench's
loss functions can be fed exactly the same inputs:
  Gaussian   mean_j CE(f(x_j + delta_j), y_j)                                    (paper 002, Eq. 5)
  CAT-RS     paper:    L_low = (1/M)(sum_{i<=K+} CE_(i) + sum_{i>K+} [CE_(i) + log p0]^+)  (Eq. 7)
                       L_high = max_i CE(f(x + d*_i), y)                                   (Eq. 8)
             released: L_low = (1/M) sum_{i<=K+} CE_(i),  L_high = max_i KL(q || f(x + d*_i))
             total mean_j [L_low + lambda * active_j * L_high]                              (Eq. 10)
             and the worst-case search: T steps d <- d + (2 eps / T) g/||g||, projection onto the
             l2 ball of radius eps around delta_i, then re-normalisation to the mean and std
             (paper) or mean and root mean square (released code) of delta_i.
  CRA        beta CE(f(x + eta), y) + (1 - (1/k) sum_j softmax(z_j)_y) * sigma/2 *
             (Phi^-1(pbar_top) - Phi^-1(pbar_second)),  pbar = (1/k) sum_j softmax(Gamma z_j)
             (paper 001, Eq. 9-11, the radius of the smoothed prediction; Phi^-1 = torch.special.ndtri)
and the gradients of each mean loss with respect to every weight.
The model: dense 4 -> 5 (ReLU) -> 3 (logits), kernels stored [in, out] as tfjs stores them.
Noise rows are draw-major: row i*n + j is input j under draw i.
"""
import math
import os

import torch
from fixture_io import as_list, ce, forward, write_fixture

torch.set_default_dtype(torch.float64)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'smoothing-losses.json')

GEN = torch.Generator().manual_seed(20240501)


def draws(*shape, scale=1.0, decimals=4):
    return (torch.randn(*shape, generator=GEN) * scale).mul(10**decimals).round().div(10**decimals)


K1 = draws(4, 5, scale=0.8, decimals=2)
B1 = draws(5, scale=0.2, decimals=2)
K2 = draws(5, 3, scale=0.9, decimals=2)
B2 = draws(3, scale=0.2, decimals=2)
N = 5
X = draws(N, 4, decimals=2)
Y = torch.tensor([0, 1, 2, 1, 0])
SIGMA = 0.5

# CAT-RS
M = 4
P0 = 0.2
LAMBDA = 0.7
EPS = 0.6
STEPS = 3
KPLUS = [1, 2, 4, 3, 1]
ACTIVE = [0.0, 1.0, 1.0, 0.0, 1.0]
SOFT = [[0.5, 0.25, 0.25], [0.0, 1.0, 0.0], [0.25, 0.0, 0.75], [0.0, 0.5, 0.5], [1.0, 0.0, 0.0]]

# CRA
K = 5
GAMMA = 4.0
BETA = 1.5

NOISE_GAUSSIAN = draws(N, 4, scale=SIGMA)
NOISE_CATRS = draws(M * N, 4, scale=SIGMA)
NOISE_CRA0 = draws(N, 4, scale=SIGMA)
NOISE_CRA = draws(K * N, 4, scale=SIGMA)


def kl_to(q, z):
    logq = torch.where(q > 0, torch.log(torch.where(q > 0, q, torch.ones_like(q))), torch.zeros_like(q))
    return (q * (logq - torch.log_softmax(z, dim=1))).sum(dim=1)


def per_input(v, copies):
    """[copies*n] draw-major -> [n, copies]."""
    return v.reshape(copies, -1).T


def rep(t, copies):
    return t.repeat(copies, *([1] * (t.dim() - 1)))


def catrs_loss(params, x, y, noise, dstar, variant):
    yr, xr = rep(y, M), rep(x, M)
    ces = per_input(ce(forward(params, xr + noise), yr), M)
    ordered, _ = torch.sort(ces, dim=1)
    low = torch.zeros(N)
    for j in range(N):
        kp = KPLUS[j]
        kept = ordered[j, :kp].sum()
        rest = torch.clamp(ordered[j, kp:] + math.log(P0), min=0).sum() if variant == 'paper' else 0.0
        low[j] = (kept + rest) / M
    zh = forward(params, xr + dstar)
    obj = ce(zh, yr) if variant == 'paper' else kl_to(rep(torch.tensor(SOFT), M), zh)
    high = per_input(obj, M).max(dim=1).values
    return (low + LAMBDA * torch.tensor(ACTIVE) * high).mean(), ordered


def bottom_k_weights(ces):
    order = torch.argsort(ces, dim=1)
    w = torch.zeros_like(ces)
    for j in range(N):
        w[j, order[j, :KPLUS[j]]] = 1.0
    return w


def worst_case(params, x, y, noise, variant):
    """T PGD steps on the noise, l2 ball eps, then moment re-normalisation, per row."""
    xr, yr = rep(x, M), rep(y, M)
    soft = rep(torch.tensor(SOFT), M)
    d = noise.clone()
    alpha = 2 * EPS / STEPS
    for _ in range(STEPS):
        d = d.detach().requires_grad_(True)
        z = forward([p.detach() for p in params], xr + d)
        obj = ce(z, yr) if variant == 'paper' else kl_to(soft, z)
        (g,) = torch.autograd.grad(obj.sum(), d)
        d = d.detach() + alpha * g / (g.norm(dim=1, keepdim=True) + 1e-12)
        delta = d - noise
        delta = delta * torch.clamp(EPS / torch.clamp(delta.norm(dim=1, keepdim=True), min=1e-12), max=1.0)
        d = noise + delta
        mu, mu0 = d.mean(dim=1, keepdim=True), noise.mean(dim=1, keepdim=True)
        if variant == 'paper':
            s, s0 = (d - mu).pow(2).mean(dim=1, keepdim=True).sqrt(), (noise - mu0).pow(2).mean(dim=1, keepdim=True).sqrt()
        else:
            s, s0 = d.pow(2).mean(dim=1, keepdim=True).sqrt(), noise.pow(2).mean(dim=1, keepdim=True).sqrt()
        d = (d - mu) / s * s0 + mu0
    return d.detach()


def cra_terms(params, x, y):
    augmentation = ce(forward(params, x + NOISE_CRA0), y)
    z = forward(params, rep(x, K) + NOISE_CRA)
    probs = torch.softmax(z, dim=1).reshape(K, N, 3).mean(dim=0)
    qualifier = 1 - probs.gather(1, y[:, None])[:, 0]
    pbar = torch.softmax(GAMMA * z, dim=1).reshape(K, N, 3).mean(dim=0)
    top2 = torch.topk(pbar, 2, dim=1).values
    clamp = lambda p: torch.clamp(p, 1e-6, 1 - 1e-6)
    radius = SIGMA / 2 * (torch.special.ndtri(clamp(top2[:, 0])) - torch.special.ndtri(clamp(top2[:, 1])))
    return augmentation, qualifier, radius, pbar



def main():
    params = [p.clone().requires_grad_(True) for p in (K1, B1, K2, B2)]
    x, y = X, Y

    values, grads = {}, {}

    def record(name, loss):
        values[name] = loss.item()
        grads[name] = [as_list(g) for g in torch.autograd.grad(loss, params)]

    record('gaussian', ce(forward(params, x + NOISE_GAUSSIAN), y).mean())

    dstar = {v: worst_case(params, x, y, NOISE_CATRS, v) for v in ('paper', 'released')}
    for v in ('paper', 'released'):
        loss, _ = catrs_loss(params, x, y, NOISE_CATRS, dstar[v], v)
        record('catRs_' + v, loss)

    aug, qual, radius, pbar = cra_terms(params, x, y)
    record('cra', (BETA * aug + qual * radius).mean())

    with torch.no_grad():
        ces = per_input(ce(forward(params, rep(x, M) + NOISE_CATRS), rep(y, M)), M)
        aug, qual, radius, pbar = cra_terms(params, x, y)
        z_clean = forward(params, x)

    fixture = {
        'comment': 'Generated by scripts/make-smoothing-loss-fixtures.py (PyTorch, float64). Do not edit by hand.',
        'torch': torch.__version__,
        'model': {'layers': [
            {'kernel': as_list(K1), 'bias': as_list(B1), 'activation': 'relu'},
            {'kernel': as_list(K2), 'bias': as_list(B2), 'activation': 'linear'},
        ]},
        'x': as_list(X), 'y': as_list(Y), 'sigma': SIGMA, 'logits': as_list(z_clean),
        'gaussian': {'noise': as_list(NOISE_GAUSSIAN)},
        'catRs': {
            'm': M, 'p0': P0, 'lambda': LAMBDA, 'eps': EPS, 'steps': STEPS,
            'kPlus': KPLUS, 'active': ACTIVE, 'soft': SOFT,
            'noise': as_list(NOISE_CATRS), 'crossEntropy': as_list(ces), 'lowWeight': as_list(bottom_k_weights(ces)),
            'dStar': {v: as_list(dstar[v]) for v in dstar},
        },
        'cra': {
            'k': K, 'gamma': GAMMA, 'beta': BETA,
            'noise0': as_list(NOISE_CRA0), 'noise': as_list(NOISE_CRA),
            'augmentation': as_list(aug), 'qualifier': as_list(qual), 'radius': as_list(radius), 'pbar': as_list(pbar),
        },
        'losses': values,
        'gradients': grads,
    }
    write_fixture(OUT, fixture)


if __name__ == '__main__':
    main()
