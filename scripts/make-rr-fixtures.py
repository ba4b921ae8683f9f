#!/usr/bin/env python3
"""
Independent reference values for Rectified Rejection (paper 000, Eq. 3-5) and the SelectiveNet
baseline (Geifman & El-Yaniv 2019), computed in float64 with PyTorch (Debian:
apt-get install -y python3-torch), written to test/fixtures/rr.json and read by
test/unit/rectified-rejection.test.ts.

    /usr/bin/python3 scripts/make-rr-fixtures.py

Everything is written out from the definitions in probability space, not from the workbench's
(log-space) code:
  f          = softmax(z / tau)                          (tau only inside L_RR)
  y_m        = argmax z
  A          = sigmoid(a)                                a = the auxiliary head's logit
  R-Con      = f[y_m] * A                                (Eq. 3)
  T-Con      = f[y]                                      the BCE target, always detached
  L_RR       = -(T-Con * log R-Con + (1 - T-Con) * log(1 - R-Con))      (Eq. 4)
  stop-gradient 'paper':       f[y_m] in R-Con detached where y_m == y (Section 4.1)
  stop-gradient 'target-only': only T-Con detached (released code without --SGconfidenceW)
  'none' (reference only):     nothing detached, to show that the detaching matters
  rr-pgd-at  = mean_i [ CE(z(x_adv_i), y_i) + lambda * L_RR(x_adv_i, y_i) ]           (Eq. 5)
  rr-trades  = mean_i [ CE(z(x_i), y_i) + beta * KL(f(x_i) || f(x_adv_i)) + lambda * L_RR(x_adv_i, y_i) ]
  SelectiveNet: g = sigmoid(s), phi = mean g, r = mean(CE(f) * g) / phi,
               L = alpha * (r + lam * max(0, c - phi)^2) + (1 - alpha) * mean CE(h)
and the gradients of each loss with respect to every weight (and, for the raw L_RR cases, with
respect to the logits z and the auxiliary logit a).

The models: a trunk dense 2 -> 4 (ReLU) shared by
  the classifier        4 -> 3 (logits)
  RR's auxiliary head   4 -> 3 (ReLU) -> 1 (logit of A)
  SelectiveNet's heads  selection 4 -> 3 (ReLU) -> 1 (logit of g), auxiliary 4 -> 3 (logits of h)
kernels stored [in, out] as tfjs stores them.
"""
import os

import torch
from fixture_io import B1, B2, K1, K2, as_list, ce, write_fixture

torch.set_default_dtype(torch.float64)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'rr.json')

# Trunk and classifier: the small network of fixture_io (as in scripts/make-fixtures.py).
# RR's auxiliary head.
KA1 = [[0.5, -0.3, 0.9], [-0.7, 0.6, 0.2], [0.3, 0.8, -0.4], [0.9, -0.2, 0.5]]
BA1 = [0.1, 0.05, -0.1]
KA2 = [[0.7], [-0.9], [0.6]]
BA2 = [0.2]
# SelectiveNet's selection and auxiliary heads.
KS1 = [[-0.4, 0.7, 0.3], [0.6, -0.5, 0.8], [0.2, 0.9, -0.6], [-0.8, 0.1, 0.4]]
BS1 = [0.05, -0.1, 0.15]
KS2 = [[0.9], [-0.6], [0.5]]
BS2 = [-0.1]
KH = [[0.3, -0.8, 0.5], [0.7, 0.2, -0.6], [-0.5, 0.6, 0.4], [0.2, -0.3, 0.9]]
BH = [0.0, 0.1, -0.05]

X = [[0.5, -0.3], [-1.2, 0.8], [0.9, 1.4], [-0.7, -1.1], [1.6, -0.2], [0.1, 0.25]]
Y = [0, 1, 2, 1, 0, 2]
DELTA_ADV = [[0.2, -0.15], [-0.1, 0.2], [-0.2, 0.1], [0.15, 0.2], [-0.2, -0.2], [0.05, -0.2]]
TRADES_BETA = 6.0
LAMBDA = 1.5
TAUS = [1.0, 0.25]
MODES = ['paper', 'target-only', 'none']
SNET = {'coverage': 0.4, 'lambda': 16.0, 'alpha': 0.5}  # coverage below phi: no penalty
SNET_TIGHT = {'coverage': 0.95, 'lambda': 32.0, 'alpha': 0.3}  # coverage above phi: the penalty is active

# Hand logits, auxiliary logits and labels for L_RR alone: correct and wrong rows, ties far
# away, large logits (R-Con close to 1), a strongly negative auxiliary logit.
RAW_Z = [[2.0, 1.0, -1.0], [0.5, 1.5, 0.2], [-0.3, 0.4, 1.1], [3.0, -2.0, 0.5], [0.2, 0.1, -0.4], [12.0, 0.0, -3.0], [-1.0, 2.5, 2.0]]
RAW_A = [0.3, -0.8, 1.5, 2.0, -0.2, 8.0, -4.0]
RAW_Y = [0, 0, 2, 1, 0, 0, 2]



def kl(z_nat, z_adv):
    lp = torch.log_softmax(z_nat, dim=1)
    lq = torch.log_softmax(z_adv, dim=1)
    return (lp.exp() * (lp - lq)).sum(dim=1)


def rr_bce(z, a, y, tau, mode):
    f = torch.softmax(z / tau, dim=1)
    ym = z.argmax(dim=1)
    conf = f.gather(1, ym[:, None])[:, 0]
    if mode == 'paper':
        conf = torch.where(ym == y, conf.detach(), conf)
    tcon = f.gather(1, y[:, None])[:, 0]
    if mode != 'none':
        tcon = tcon.detach()
    r = conf * torch.sigmoid(a)
    return -(tcon * torch.log(r) + (1 - tcon) * torch.log(1 - r))


def trunk(p, x):
    return torch.relu(x @ p['k1'] + p['b1'])


def rr_forward(p, x):
    h = trunk(p, x)
    z = h @ p['k2'] + p['b2']
    a = (torch.relu(h @ p['ka1'] + p['ba1']) @ p['ka2'] + p['ba2'])[:, 0]
    return z, a


def snet_forward(p, x):
    h = trunk(p, x)
    z = h @ p['k2'] + p['b2']
    s = (torch.relu(h @ p['ks1'] + p['bs1']) @ p['ks2'] + p['bs2'])[:, 0]
    hz = h @ p['kh'] + p['bh']
    return z, s, hz


def snet_loss(z, s, hz, y, c):
    g = torch.sigmoid(s)
    phi = g.mean()
    risk = (ce(z, y) * g).mean() / phi
    penalty = c['lambda'] * torch.clamp(c['coverage'] - phi, min=0) ** 2
    return c['alpha'] * (risk + penalty) + (1 - c['alpha']) * ce(hz, y).mean()



def params(names_values):
    return {k: torch.tensor(v, requires_grad=True) for k, v in names_values}


RR_WEIGHTS = [('k1', K1), ('b1', B1), ('k2', K2), ('b2', B2), ('ka1', KA1), ('ba1', BA1), ('ka2', KA2), ('ba2', BA2)]
SNET_WEIGHTS = [('k1', K1), ('b1', B1), ('k2', K2), ('b2', B2), ('ks1', KS1), ('bs1', BS1), ('ks2', KS2), ('bs2', BS2), ('kh', KH), ('bh', BH)]


def main():
    x = torch.tensor(X)
    y = torch.tensor(Y)
    x_adv = x + torch.tensor(DELTA_ADV)

    # Raw L_RR cases: values and gradients in z and a.
    raw = {'z': RAW_Z, 'a': RAW_A, 'y': RAW_Y, 'cases': []}
    ry = torch.tensor(RAW_Y)
    for tau in TAUS:
        for mode in MODES:
            z = torch.tensor(RAW_Z, requires_grad=True)
            a = torch.tensor(RAW_A, requires_grad=True)
            per = rr_bce(z, a, ry, tau, mode)
            gz, ga = torch.autograd.grad(per.sum(), [z, a])
            raw['cases'].append({'tau': tau, 'mode': mode, 'perExample': as_list(per), 'gradZ': as_list(gz), 'gradA': as_list(ga)})
    with torch.no_grad():
        rz = torch.tensor(RAW_Z)
        ra = torch.tensor(RAW_A)
        raw['predicted'] = as_list(rz.argmax(dim=1))
        raw['rCon'] = {f'{tau:g}': as_list(torch.softmax(rz / tau, dim=1).max(dim=1).values * torch.sigmoid(ra)) for tau in TAUS}
        raw['confidence'] = {f'{tau:g}': as_list(torch.softmax(rz / tau, dim=1).max(dim=1).values) for tau in TAUS}
        raw['trueConfidence'] = {f'{tau:g}': as_list(torch.softmax(rz / tau, dim=1).gather(1, ry[:, None])[:, 0]) for tau in TAUS}
        raw['energy'] = as_list(torch.logsumexp(rz, dim=1))

    # Full RR losses on the fixed two-head model.
    rr_cases = []
    for tau in TAUS:
        for mode in ['paper', 'target-only']:
            for method in ['rr-pgd-at', 'rr-trades']:
                p = params(RR_WEIGHTS)
                z_adv, a_adv = rr_forward(p, x_adv)
                bce = rr_bce(z_adv, a_adv, y, tau, mode)
                if method == 'rr-pgd-at':
                    lt = ce(z_adv, y)
                else:
                    z_nat, _ = rr_forward(p, x)
                    lt = ce(z_nat, y) + TRADES_BETA * kl(z_nat, z_adv)
                loss = (lt + LAMBDA * bce).mean()
                grads = torch.autograd.grad(loss, list(p.values()))
                rr_cases.append({
                    'method': method, 'tau': tau, 'mode': mode,
                    'loss': loss.item(), 'bce': as_list(bce), 'lt': as_list(lt),
                    'gradients': [as_list(g) for g in grads],
                })
    with torch.no_grad():
        p = params(RR_WEIGHTS)
        z, a = rr_forward(p, x)
        z_adv, a_adv = rr_forward(p, x_adv)
        rr_outputs = {'z': as_list(z), 'a': as_list(a), 'zAdv': as_list(z_adv), 'aAdv': as_list(a_adv), 'predictedAdv': as_list(z_adv.argmax(dim=1))}

    # SelectiveNet.
    snet_cases = []
    for c in [SNET, SNET_TIGHT]:
        p = params(SNET_WEIGHTS)
        z, s, hz = snet_forward(p, x_adv)
        loss = snet_loss(z, s, hz, y, c)
        grads = torch.autograd.grad(loss, list(p.values()))
        with torch.no_grad():
            phi = torch.sigmoid(s).mean().item()
        snet_cases.append({'config': c, 'loss': loss.item(), 'coverage': phi, 'gradients': [as_list(g) for g in grads]})
    with torch.no_grad():
        p = params(SNET_WEIGHTS)
        z, s, hz = snet_forward(p, x_adv)
        snet_outputs = {'z': as_list(z), 's': as_list(s), 'h': as_list(hz)}

    fixture = {
        'comment': 'Generated by scripts/make-rr-fixtures.py (PyTorch, float64). Do not edit by hand.',
        'torch': torch.__version__,
        'rrWeights': {k: v for k, v in RR_WEIGHTS},
        'snetWeights': {k: v for k, v in SNET_WEIGHTS},
        'x': X,
        'xAdv': as_list(x_adv),
        'y': Y,
        'tradesBeta': TRADES_BETA,
        'lambda': LAMBDA,
        'raw': raw,
        'rrOutputs': rr_outputs,
        'rr': rr_cases,
        'snetOutputs': snet_outputs,
        'snet': snet_cases,
    }
    write_fixture(OUT, fixture)
    print('raw predicted', raw['predicted'], 'labels', RAW_Y)
    print('adv predicted', rr_outputs['predictedAdv'], 'labels', Y)
    print('snet coverage', [c['coverage'] for c in snet_cases])


if __name__ == '__main__':
    main()
