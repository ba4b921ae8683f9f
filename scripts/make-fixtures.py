#!/usr/bin/env python3
"""
Independent reference values for the training losses of src/core/training/, computed in float64
with PyTorch (Debian: apt-get install -y python3-torch), written to test/fixtures/losses.json
and read by test/unit/losses.test.ts.

    /usr/bin/python3 scripts/make-fixtures.py

Everything is written out from the definitions, not from the workbench's code:
  cross-entropy        CE(z, y)        = logsumexp(z) - z_y
  KL                   KL(p || q)      = sum_c p_c (log p_c - log q_c),  p = softmax(z_nat), q = softmax(z_adv)
  standard             mean_i CE(f(x_i), y_i)
  PGD-AT  (Madry)      mean_i CE(f(x_adv_i), y_i)                                  (paper 001, Eq. 6)
  TRADES  (Zhang)      CE(f(x), y) + beta_TRADES * KL(f(x) || f(x_adv))  per input  (paper 001, Eq. 7)
  ERA                  mean_i [ beta_ERA * L_TRADES(x_i, y_i)
                                + (1 - softmax(f(x_i))_{y_i}) * CE(f(x''_i), t_i) ] (paper 001, Eq. 5)
                       with x'' a given point and t = argmax_{c != F(x)} f(x'')_c
and the gradients of each mean loss with respect to every weight (autograd through all factors,
as Eq. 5 is written).
The model: dense 2 -> 4 (ReLU) -> 3 (logits), kernels stored [in, out] as tfjs stores them.
"""
import os

import torch
from fixture_io import as_list, write_fixture

torch.set_default_dtype(torch.float64)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'losses.json')

# A small network with hand-picked weights (no unit dead on every input, no input on a kink).
K1 = [[0.8, -0.6, 0.3, 1.1], [-0.4, 0.9, 0.7, -0.5]]
B1 = [0.1, -0.2, 0.05, 0.3]
K2 = [[1.2, -0.7, 0.4], [-0.3, 0.8, -1.1], [0.6, 0.5, -0.9], [-1.0, 0.2, 0.7]]
B2 = [0.05, -0.1, 0.2]

X = [[0.5, -0.3], [-1.2, 0.8], [0.9, 1.4], [-0.7, -1.1], [1.6, -0.2], [0.1, 0.25]]
Y = [0, 1, 2, 1, 0, 2]
# "Adversarial" points: x moved by hand-picked perturbations (no attack involved).
DELTA_ADV = [[0.2, -0.15], [-0.1, 0.2], [-0.2, 0.1], [0.15, 0.2], [-0.2, -0.2], [0.05, -0.2]]
DELTA_NONROBUST = [[-0.25, 0.1], [0.2, -0.05], [0.1, -0.25], [-0.2, 0.15], [0.1, 0.25], [-0.2, 0.2]]
TRADES_BETA = 6.0
ERA_BETA = 1.5

# Hand logits for the loss functions alone, including large values (numerical stability).
RAW_Z = [[2.0, 1.0, -1.0], [0.0, 0.0, 0.0], [1000.0, 0.0, -1000.0], [-3.0, 5.0, 0.5], [0.3, -0.2, 0.1]]
RAW_ZADV = [[1.0, 1.5, -0.5], [0.0, 0.0, 0.0], [990.0, 0.0, -1000.0], [2.0, -1.0, 0.0], [-0.4, 0.9, 0.2]]
RAW_Y = [0, 2, 1, 1, 2]


def forward(params, x):
    k1, b1, k2, b2 = params
    return torch.relu(x @ k1 + b1) @ k2 + b2


def ce(z, y):
    return torch.logsumexp(z, dim=1) - z.gather(1, y[:, None])[:, 0]


def kl(z_nat, z_adv):
    lp = torch.log_softmax(z_nat, dim=1)
    lq = torch.log_softmax(z_adv, dim=1)
    return (lp.exp() * (lp - lq)).sum(dim=1)


def best_other(z, exclude):
    z = z.clone()
    z[torch.arange(z.shape[0]), exclude] = -float('inf')
    return z.argmax(dim=1)



def main():
    params = [torch.tensor(p, requires_grad=True) for p in (K1, B1, K2, B2)]
    x = torch.tensor(X)
    y = torch.tensor(Y)
    x_adv = x + torch.tensor(DELTA_ADV)
    x_nr = x + torch.tensor(DELTA_NONROBUST)

    with torch.no_grad():
        z, z_adv, z_nr = forward(params, x), forward(params, x_adv), forward(params, x_nr)
        predicted = z.argmax(dim=1)
        target = best_other(z_nr, predicted)

    def losses():
        z, z_adv, z_nr = forward(params, x), forward(params, x_adv), forward(params, x_nr)
        ce_nat = ce(z, y)
        trades = ce_nat + TRADES_BETA * kl(z, z_adv)
        qualifier = 1 - torch.softmax(z, dim=1).gather(1, y[:, None])[:, 0]
        era = ERA_BETA * trades + qualifier * ce(z_nr, target)
        return {
            'standard': ce_nat.mean(),
            'pgdAt': ce(z_adv, y).mean(),
            'trades': trades.mean(),
            'era': era.mean(),
        }

    values = {}
    grads = {}
    for name in ['standard', 'pgdAt', 'trades', 'era']:
        loss = losses()[name]
        g = torch.autograd.grad(loss, params)
        values[name] = loss.item()
        grads[name] = [as_list(t) for t in g]

    with torch.no_grad():
        qualifier = 1 - torch.softmax(z, dim=1).gather(1, y[:, None])[:, 0]
        per_example = {
            'crossEntropy': as_list(ce(z, y)),
            'crossEntropyAdv': as_list(ce(z_adv, y)),
            'kl': as_list(kl(z, z_adv)),
            'trades': as_list(ce(z, y) + TRADES_BETA * kl(z, z_adv)),
            'eraQualifier': as_list(qualifier),
            'eraTargetCrossEntropy': as_list(ce(z_nr, target)),
        }
        raw_z, raw_zadv, raw_y = torch.tensor(RAW_Z), torch.tensor(RAW_ZADV), torch.tensor(RAW_Y)
        raw = {
            'z': RAW_Z,
            'zAdv': RAW_ZADV,
            'labels': RAW_Y,
            'crossEntropy': as_list(ce(raw_z, raw_y)),
            'kl': as_list(kl(raw_z, raw_zadv)),
            'bestOtherClass': as_list(best_other(raw_z, raw_y)),
        }

    fixture = {
        'comment': 'Generated by scripts/make-fixtures.py (PyTorch, float64). Do not edit by hand.',
        'torch': torch.__version__,
        'model': {
            'layers': [
                {'kernel': K1, 'bias': B1, 'activation': 'relu'},
                {'kernel': K2, 'bias': B2, 'activation': 'linear'},
            ]
        },
        'x': X,
        'xAdv': as_list(x_adv),
        'xNonRobust': as_list(x_nr),
        'y': Y,
        'predicted': as_list(predicted),
        'target': as_list(target),
        'tradesBeta': TRADES_BETA,
        'eraBeta': ERA_BETA,
        'logits': {'x': as_list(z), 'xAdv': as_list(z_adv), 'xNonRobust': as_list(z_nr)},
        'perExample': per_example,
        'losses': values,
        'gradients': grads,
        'raw': raw,
    }
    write_fixture(OUT, fixture)


if __name__ == '__main__':
    main()
