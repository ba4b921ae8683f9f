# PyTorch reference for the split-40k bench case: the 4-way split of 40,000 grid points with
# PGD-10 (l_inf eps 0.1) on the default 4x64 ReLU MLP, timed on this CPU. Run with Debian's
# python3-torch: /usr/bin/python3 bench/torch_split_reference.py (not part of npm test).
import time, torch, torch.nn as nn, torch.nn.functional as F
torch.manual_seed(0)
torch.set_num_threads(2)
m = nn.Sequential(nn.Linear(2,64), nn.ReLU(), nn.Linear(64,64), nn.ReLU(), nn.Linear(64,64), nn.ReLU(), nn.Linear(64,64), nn.ReLU(), nn.Linear(64,3))
for p in m.parameters(): p.requires_grad_(False)
g = torch.linspace(-0.1, 1.1, 200)
x = torch.stack(torch.meshgrid(g, g, indexing='xy'), -1).reshape(-1, 2)
def split(x):
    with torch.no_grad(): pred = m(x).argmax(1)
    eps, a = 0.1, 0.025
    xa = x + torch.empty_like(x).uniform_(-eps, eps)
    for _ in range(10):
        xa.requires_grad_(True)
        loss = F.cross_entropy(m(xa), pred, reduction='sum')
        gr, = torch.autograd.grad(loss, xa)
        xa = torch.min(torch.max(xa.detach() + a * gr.sign(), x - eps), x + eps)
    with torch.no_grad(): adv = m(xa).argmax(1)
    return (adv == pred).float().mean().item()
for t in [1, 2]:
    torch.set_num_threads(t)
    split(x)
    ts = []
    for _ in range(7):
        t0 = time.perf_counter(); split(x); ts.append(time.perf_counter() - t0)
    ts.sort(); print(f'threads={t} PyTorch PGD-10 4-way split 40k: median {ts[3]*1000:.0f} ms (min {ts[0]*1000:.0f})')
