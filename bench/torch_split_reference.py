# PyTorch reference for the split-40k bench case: the 4-way split of 40,000 grid points with
# PGD-10 (l_inf eps 0.1) on the default 4x64 ReLU MLP, timed on this CPU. Run with Debian's
# python3-torch: /usr/bin/python3 bench/torch_split_reference.py (not part of npm test).
# The model, grid and split are in torch_models.py; torch_gpu_reference.py times them on CUDA.
import sys, time, torch
sys.dont_write_bytecode = True  # no bench/__pycache__ from importing torch_models
from torch_models import grid_points, make_mlp, split

if __name__ == '__main__':
    torch.manual_seed(0)
    torch.set_num_threads(2)
    m = make_mlp()
    for p in m.parameters(): p.requires_grad_(False)
    x = grid_points()
    for t in [1, 2]:
        torch.set_num_threads(t)
        split(m, x)
        ts = []
        for _ in range(7):
            t0 = time.perf_counter(); split(m, x); ts.append(time.perf_counter() - t0)
        ts.sort(); print(f'threads={t} PyTorch PGD-10 4-way split 40k: median {ts[3]*1000:.0f} ms (min {ts[0]*1000:.0f})')
