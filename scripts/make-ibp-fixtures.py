#!/usr/bin/env python3
"""
Independent reference values for interval bound propagation and the IBP training loss with
abstain classes (paper 004, Section 2.2 Eq. 3-4, Theorem 1, Theorem 3, Eq. 15; Gowal et al.
2018), computed in float64 with PyTorch (Debian: apt-get install -y python3-torch), written to
test/fixtures/ibp-torch.json and read by test/unit/ibp-torch.test.ts.

    /usr/bin/python3 scripts/make-ibp-fixtures.py

Written from the definitions, not from the workbench's code (src/core/verify/ibp.ts,
verify/abstainSimplex.ts, training/ibp.ts):
  input region   [max(x − eps, 0), min(x + eps, 1)]                  (l_inf ball ∩ the box [0, 1])
  IBP            centre/radius through each layer: affine (dense, conv) mu' = W mu + b,
                 r' = |W| r; ReLU and max-pooling on the lower and upper corners; average
                 pooling, Normalize and flatten are linear (rad through the same map, nonnegative).
  J_t(lambda)    min over the penultimate box of s^T (W^T h + b), s = sum_j lambda_j e_{S_j} − e_t,
                 S = (y, K, …, K+M−1), t over the K − 1 regular classes other than y (ascending);
                 computed at the minimising corner h* = mid − sign(W s) ⊙ rad, and checked against
                 sampled points of the box (and of the input region).
  loss           kappa · mean CE(z(x), y)  [over all K + M outputs]
                 + (1 − kappa) · mean log(1 + sum_t exp(−J_t(e_y)))
                 + lam · mean log(1 + sum_t exp(−J_t(lambda*)))       (M > 0 only; lambda* fixed)
and the loss's gradient with respect to every weight, by autograd.

All weights, inputs, eps, Normalize mean/std and lambda* are rounded to float32 first (so the
tfjs model holds exactly the same numbers); the arithmetic is float64. The script refuses
fixtures that sit near a kink (a ReLU input, a max-pool tie or a |W s| near 0) where float32
and float64 could pick different pieces.

Layouts are tfjs's: inputs NHWC, dense kernels [in, out], conv kernels [kh, kw, in, out],
flatten in H, W, C order.

Networks:
  mlp   3 → 5 (ReLU) → 4 (ReLU) → 5 logits; K = 3, M = 2 (also used with M = 0, K = 5)
  cnn   10×10×2 → Normalize(mean, std) → conv 3×3 'same', 2 filters, ReLU → max-pool 2×2 →
        conv 2×2 'valid', 3 filters, ReLU → avg-pool 2×2 → flatten (12) → dense 6 (ReLU) →
        4 logits; K = 3, M = 1
"""
import os

import torch
import torch.nn.functional as F
from fixture_io import write_fixture

torch.set_default_dtype(torch.float64)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'ibp-torch.json')

GEN = torch.Generator().manual_seed(20240904)
SAMPLES = 4000
KINK = 1e-5  # minimum distance to a kink, relative to the layer's scale


def f32(t):
    """Rounded to float32, held in float64."""
    return torch.as_tensor(t, dtype=torch.float64).float().double()


def f32s(v):
    return float(torch.tensor(v, dtype=torch.float64).float().item())


def draw(*shape, scale=1.0, low=None, high=None):
    if low is not None:
        return f32(low + (high - low) * torch.rand(*shape, generator=GEN))
    return f32(torch.randn(*shape, generator=GEN) * scale)


# ---------------------------------------------------------------------------------------------
# The networks: a list of layer specs; weights are leaf tensors in tfjs layout.

def mlp_spec():
    return [
        {'type': 'dense', 'in': 3, 'out': 5, 'activation': 'relu', 'scale': 0.9},
        {'type': 'dense', 'in': 5, 'out': 4, 'activation': 'relu', 'scale': 0.7},
        {'type': 'dense', 'in': 4, 'out': 5, 'activation': 'linear', 'scale': 0.8},
    ]


def cnn_spec():
    return [
        {'type': 'normalize', 'mean': [0.4, 0.55], 'std': [0.3, 0.2]},
        {'type': 'conv2d', 'kernelSize': 3, 'in': 2, 'out': 2, 'padding': 'same', 'activation': 'relu', 'scale': 0.35},
        {'type': 'maxpool', 'poolSize': 2},
        {'type': 'conv2d', 'kernelSize': 2, 'in': 2, 'out': 3, 'padding': 'valid', 'activation': 'relu', 'scale': 0.5},
        {'type': 'avgpool', 'poolSize': 2},
        {'type': 'flatten'},
        {'type': 'dense', 'in': 12, 'out': 6, 'activation': 'relu', 'scale': 0.5},
        {'type': 'dense', 'in': 6, 'out': 4, 'activation': 'linear', 'scale': 0.7},
    ]


def init_weights(spec):
    """Kernels and biases per layer (tfjs layout), float32-exact values."""
    for l in spec:
        if l['type'] == 'dense':
            l['kernel'] = draw(l['in'], l['out'], scale=l['scale'])
            l['bias'] = draw(l['out'], scale=0.2)
        elif l['type'] == 'conv2d':
            k = l['kernelSize']
            l['kernel'] = draw(k, k, l['in'], l['out'], scale=l['scale'])
            l['bias'] = draw(l['out'], scale=0.1)
        elif l['type'] == 'normalize':
            l['mean'] = [f32s(v) for v in l['mean']]
            l['std'] = [f32s(v) for v in l['std']]


def weight_list(spec):
    out = []
    for l in spec:
        if l['type'] in ('dense', 'conv2d'):
            out += [l['kernel'], l['bias']]
    return out


def leaf_weights(spec):
    """Fresh leaf tensors (requires_grad) for the weights, in model.trainableWeights order."""
    leaves = [w.clone().requires_grad_(True) for w in weight_list(spec)]
    it = iter(leaves)
    bound = []
    for l in spec:
        if l['type'] in ('dense', 'conv2d'):
            bound.append({**l, 'kernel': next(it), 'bias': next(it)})
        else:
            bound.append(l)
    return bound, leaves


# ---------------------------------------------------------------------------------------------
# Forward pass and IBP, written in torch's own layouts (NCHW, OIHW) from the tfjs-layout weights.

def conv_w(kernel):
    return kernel.permute(3, 2, 0, 1)  # [kh, kw, in, out] -> [out, in, kh, kw]


def conv_pad(l):
    if l['padding'] == 'valid':
        return 0
    assert l['kernelSize'] % 2 == 1
    return l['kernelSize'] // 2


def to_internal(x):
    """NHWC input -> NCHW (4-D) or as is (2-D)."""
    return x.permute(0, 3, 1, 2) if x.dim() == 4 else x


def channel_view(v, t):
    return torch.tensor(v).view(1, -1, 1, 1) if t.dim() == 4 else torch.tensor(v)


def forward_layer(l, h, trace=None):
    t = l['type']
    if t == 'normalize':
        return (h - channel_view(l['mean'], h)) / channel_view(l['std'], h)
    if t == 'dense':
        pre = h @ l['kernel'] + l['bias']
    elif t == 'conv2d':
        pre = F.conv2d(h, conv_w(l['kernel']), l['bias'], padding=conv_pad(l))
    elif t == 'maxpool':
        if trace is not None:
            trace.append(('maxpool', h.detach(), l['poolSize']))
        return F.max_pool2d(h, l['poolSize'])
    elif t == 'avgpool':
        return F.avg_pool2d(h, l['poolSize'])
    elif t == 'flatten':
        return h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)  # tfjs flattens H, W, C
    else:
        raise ValueError(t)
    if trace is not None and l['activation'] == 'relu':
        trace.append(('relu', pre.detach()))
    return torch.relu(pre) if l['activation'] == 'relu' else pre


def forward(spec, x, trace=None):
    h = to_internal(x)
    for l in spec:
        h = forward_layer(l, h, trace)
    return h


def ibp_layer(l, mid, rad, trace=None):
    """One layer of IBP in centre/radius form."""
    t = l['type']
    if t == 'normalize':
        return (mid - channel_view(l['mean'], mid)) / channel_view(l['std'], mid), rad / channel_view(l['std'], rad)
    if t == 'flatten':
        f = lambda v: v.permute(0, 2, 3, 1).reshape(v.shape[0], -1)
        return f(mid), f(rad)
    if t == 'avgpool':
        return F.avg_pool2d(mid, l['poolSize']), F.avg_pool2d(rad, l['poolSize'])
    if t == 'maxpool':
        lo, hi = mid - rad, mid + rad
        if trace is not None:
            trace.append(('maxpool', lo.detach(), l['poolSize']))
            trace.append(('maxpool', hi.detach(), l['poolSize']))
        lo, hi = F.max_pool2d(lo, l['poolSize']), F.max_pool2d(hi, l['poolSize'])
        return (hi + lo) / 2, (hi - lo) / 2
    if t == 'dense':
        mid2 = mid @ l['kernel'] + l['bias']
        rad2 = rad @ l['kernel'].abs()
    elif t == 'conv2d':
        mid2 = F.conv2d(mid, conv_w(l['kernel']), l['bias'], padding=conv_pad(l))
        rad2 = F.conv2d(rad, conv_w(l['kernel'].abs()), None, padding=conv_pad(l))
    else:
        raise ValueError(t)
    if l['activation'] != 'relu':
        return mid2, rad2
    lo, hi = mid2 - rad2, mid2 + rad2
    if trace is not None:
        trace.append(('relu', lo.detach()))
        trace.append(('relu', hi.detach()))
    lo, hi = torch.relu(lo), torch.relu(hi)
    return (hi + lo) / 2, (hi - lo) / 2


def ibp(spec, lower, upper, trace=None):
    """IBP box of every layer's output: returns the penultimate box (mid, rad) and the logit box."""
    mid, rad = to_internal((upper + lower) / 2), to_internal((upper - lower) / 2)
    for l in spec[:-1]:
        mid, rad = ibp_layer(l, mid, rad, trace)
    pen = (mid, rad)
    mid, rad = ibp_layer(spec[-1], mid, rad, trace)
    return pen, (mid, rad)


def input_region(x, eps):
    return torch.clamp(x - eps, 0, 1), torch.clamp(x + eps, 0, 1)


# ---------------------------------------------------------------------------------------------
# The specification bound and the loss.

def spec_vectors(lam, y, K, M):
    """s = sum_j lambda_j e_{S_j} − e_t for each row and target: [B, K−1, K+M]."""
    B = y.shape[0]
    s = torch.zeros(B, K - 1, K + M)
    for i in range(B):
        targets = [t for t in range(K) if t != int(y[i])]
        S = [int(y[i])] + list(range(K, K + M))
        for a, t in enumerate(targets):
            for j, c in enumerate(S):
                s[i, a, c] += lam[i, a, j]
            s[i, a, t] -= 1
    return s


def spec_bound(s, mid, rad, W, b):
    """J = min over {|h − mid| ≤ rad} of s^T (W^T h + b), at the minimising corner h*."""
    c = torch.einsum('btc,hc->bth', s, W)  # W s, W = [H, C] (tfjs [in, out])
    h_star = mid[:, None, :] - torch.sign(c) * rad[:, None, :]
    z_star = torch.einsum('bth,hc->btc', h_star, W) + b
    return (s * z_star).sum(2), c


def plain_lambda(B, K, M):
    lam = torch.zeros(B, K - 1, M + 1)
    lam[:, :, 0] = 1
    return lam


def robust_ce(J):
    """log(1 + sum_t exp(−J_t)) per row."""
    return torch.logsumexp(torch.cat([torch.zeros(J.shape[0], 1), -J], 1), 1)


def total_loss(spec, x, y, K, M, eps, kappa, lam_weight, lam_star):
    z = forward(spec, x)
    natural = (torch.logsumexp(z, 1) - z.gather(1, y[:, None])[:, 0]).mean()
    lower, upper = input_region(x, eps)
    (mid, rad), _ = ibp(spec, lower, upper)
    W, b = spec[-1]['kernel'], spec[-1]['bias']
    B = y.shape[0]
    J_plain, _ = spec_bound(spec_vectors(plain_lambda(B, K, M), y, K, M), mid, rad, W, b)
    robust = robust_ce(J_plain).mean()
    total = kappa * natural + (1 - kappa) * robust
    robust_abstain = None
    if M > 0:
        J_lam, _ = spec_bound(spec_vectors(lam_star, y, K, M), mid, rad, W, b)
        robust_abstain = robust_ce(J_lam).mean()
        total = total + lam_weight * robust_abstain
    return total, natural, robust, robust_abstain


# ---------------------------------------------------------------------------------------------
# Checks of the reference itself.

def check_kinks(trace, what):
    for entry in trace:
        if entry[0] == 'relu':
            v = entry[1]
            scale = max(1.0, v.abs().max().item())
            m = v.abs().min().item()
            assert m > KINK * scale, f'{what}: a ReLU input is {m:.2e} from 0'
        else:
            _, v, p = entry
            # the two largest entries of each pooling window must differ (unless both are 0:
            # then both come from inactive ReLUs and carry no gradient)
            w = F.unfold(v.reshape(-1, 1, *v.shape[2:]), p, stride=p)  # [N*C, p*p, windows]
            top = w.topk(2, dim=1).values
            gap = top[:, 0] - top[:, 1]
            bad = (gap < KINK) & (top[:, 0] > 0)
            assert not bad.any(), f'{what}: a max-pool window has a near tie ({gap[bad].min().item():.2e})'


def check_soundness(spec, x, eps, y, K, M, lam, logit_box, pen_box, J, what):
    lower, upper = input_region(x, eps)
    lo, hi = logit_box[0] - logit_box[1], logit_box[0] + logit_box[1]
    W, b = spec[-1]['kernel'], spec[-1]['bias']
    s = spec_vectors(lam, y, K, M)
    for i in range(x.shape[0]):
        u = torch.rand(SAMPLES, *x.shape[1:], generator=GEN)
        u[:8] = (u[:8] > 0.5).double()  # a few corners
        xs = lower[i] + u * (upper[i] - lower[i])
        z = forward(spec, xs)
        assert (z >= lo[i] - 1e-12).all() and (z <= hi[i] + 1e-12).all(), f'{what}: IBP logit bounds are not sound'
        assert (s[i] @ z.T >= J[i][:, None] - 1e-12).all(), f'{what}: J is not a lower bound on s^T z'
        # J is attained over the penultimate box (its corner h*) and no box point goes below it
        mid, rad = pen_box[0][i], pen_box[1][i]
        hs = mid + (2 * torch.rand(SAMPLES, mid.shape[0], generator=GEN) - 1) * rad
        vals = s[i] @ (hs @ W + b).T
        assert (vals >= J[i][:, None] - 1e-12).all(), f'{what}: J is not the minimum over the box'
        brute = torch.stack([(s[i, t] * ((mid - torch.sign(W @ s[i, t]) * rad) @ W + b)).sum() for t in range(K - 1)])
        assert torch.allclose(brute, J[i], atol=1e-12), f'{what}: J differs from its corner value'


def nested(t):
    return t.detach().tolist()


# ---------------------------------------------------------------------------------------------

def network_case(name, spec, x, y, K, M, box_eps, loss_cases, extra_m0=None):
    init_weights(spec)
    x, y = f32(x), torch.tensor(y)
    B = y.shape[0]
    lam = f32(torch.softmax(1.5 * torch.randn(B, K - 1, M + 1, generator=GEN), 2))
    with torch.no_grad():
        trace = []
        z = forward(spec, x, trace)
        check_kinks(trace, f'{name} forward')
    boxes = []
    for eps in box_eps:
        eps = f32s(eps)
        with torch.no_grad():
            lower, upper = input_region(x, eps)
            trace = []
            pen, logit = ibp(spec, lower, upper, trace)
            check_kinks(trace, f'{name} eps {eps}')
            W, b = spec[-1]['kernel'], spec[-1]['bias']
            J, c = spec_bound(spec_vectors(lam, y, K, M), pen[0], pen[1], W, b)
            J_plain, c_plain = spec_bound(spec_vectors(plain_lambda(B, K, M), y, K, M), pen[0], pen[1], W, b)
            for cc in (c, c_plain):
                assert cc.abs().min() > KINK * cc.abs().max(), f'{name}: W s is near 0 somewhere'
            check_soundness(spec, x, eps, y, K, M, lam, logit, pen, J, f'{name} eps {eps}')
            check_soundness(spec, x, eps, y, K, M, plain_lambda(B, K, M), logit, pen, J_plain, f'{name} eps {eps} (plain)')
        boxes.append({
            'eps': eps,
            'inputLower': nested(lower), 'inputUpper': nested(upper),
            'logitLower': nested(logit[0] - logit[1]), 'logitUpper': nested(logit[0] + logit[1]),
            'hLower': nested(pen[0] - pen[1]), 'hUpper': nested(pen[0] + pen[1]),
            'J': nested(J), 'Jplain': nested(J_plain),
        })
    losses = []
    for (eps, kappa, lam_weight, m) in loss_cases:
        eps = f32s(eps)
        k_eff = K + M - m
        with torch.no_grad():
            lower, upper = input_region(x, eps)
            trace = []
            pen, _ = ibp(spec, lower, upper, trace)
            check_kinks(trace, f'{name} loss eps {eps}')
            W, b = spec[-1]['kernel'], spec[-1]['bias']
            for l_ in ([lam] if m == M else []) + [plain_lambda(B, k_eff, m)]:
                _, cc = spec_bound(spec_vectors(l_, y, k_eff, m), pen[0], pen[1], W, b)
                assert cc.abs().min() > KINK * cc.abs().max(), f'{name}: W s is near 0 somewhere'
        bound, leaves = leaf_weights(spec)
        total, natural, robust, ra = total_loss(bound, x, y, k_eff, m, eps, kappa, lam_weight, lam if m == M else None)
        grads = torch.autograd.grad(total, leaves)
        losses.append({
            'eps': eps, 'kappa': kappa, 'lambdaWeight': lam_weight, 'abstainClasses': m,
            'loss': total.item(), 'natural': natural.item(), 'robust': robust.item(),
            'robustAbstain': None if ra is None else ra.item(),
            'gradients': [nested(g) for g in grads],
        })
    layers = []
    for l in spec:
        d = {k: v for k, v in l.items() if k != 'scale'}
        for k in ('kernel', 'bias'):
            if k in d:
                d[k] = nested(d[k])
        layers.append(d)
    return {
        'name': name, 'inputShape': list(x.shape[1:]), 'numClasses': K, 'abstainClasses': M,
        'layers': layers, 'x': nested(x), 'y': nested(y), 'logits': nested(z),
        'lambda': nested(lam), 'boxes': boxes, 'losses': losses,
    }


def main():
    # MLP inputs in [0, 1]^3, some near the box's faces so that the clipping matters.
    x_mlp = torch.tensor([[0.3, 0.7, 0.5], [0.02, 0.95, 0.4], [0.85, 0.1, 0.99], [0.6, 0.45, 0.05]])
    mlp = network_case(
        'mlp', mlp_spec(), x_mlp, [0, 2, 1, 2], K=3, M=2, box_eps=[0.05, 0.2],
        # (eps, kappa, lambda weight, M used for the loss)
        loss_cases=[(0.2, 0.5, 1.5, 2), (0.05, 0.75, 4.0, 2), (0.2, 1.0, 0.0, 2), (0.15, 0.5, 2.0, 0)],
    )
    x_cnn = torch.rand(3, 10, 10, 2, generator=GEN)
    x_cnn[0, :3, :3, 0] = torch.tensor([0.0, 1.0, 0.03])  # pixels at and near the box's faces
    cnn = network_case(
        'cnn', cnn_spec(), x_cnn, [1, 0, 2], K=3, M=1, box_eps=[0.004, 0.06],
        loss_cases=[(0.06, 0.5, 2.0, 1), (0.004, 0.25, 1.0, 1)],
    )
    fixture = {
        'comment': 'Generated by scripts/make-ibp-fixtures.py (PyTorch, float64). Do not edit by hand.',
        'torch': torch.__version__,
        'box': [0, 1],
        'networks': [mlp, cnn],
    }
    write_fixture(OUT, fixture)
    for net in (mlp, cnn):
        for bx in net['boxes']:
            print(net['name'], 'eps', bx['eps'], 'J range', min(min(r) for r in bx['J']), max(max(r) for r in bx['J']))
        for c in net['losses']:
            print(net['name'], {k: c[k] for k in ('eps', 'kappa', 'lambdaWeight', 'abstainClasses', 'loss', 'natural', 'robust', 'robustAbstain')})


if __name__ == '__main__':
    main()
