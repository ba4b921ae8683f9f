# PyTorch reference for the certify-mlp and certify-cnn bench cases: Cohen et al.'s CERTIFY
# sampling (n0 + n noisy copies, forward passes, class counts; the statistics are negligible) with
# the workbench's default MLP (4x64 ReLU, 3 classes; n = 100,000 in batches of 10,000) and default
# image CNN (2 blocks of 3x3 conv + 2x2 max-pool, 16 and 32 filters, dense 64, 10 classes;
# n = 10,000 in batches of 1,000), timed on this CPU, in draws per second. Run with Debian's
# python3-torch: /usr/bin/python3 bench/torch_certify_reference.py (not part of npm test).
# The models and the sampling are in torch_models.py; torch_gpu_reference.py times them on CUDA.
import sys, time, torch
sys.dont_write_bytecode = True  # no bench/__pycache__ from importing torch_models
from torch_models import certify, make_cnn, make_mlp

if __name__ == '__main__':
    torch.manual_seed(0)
    mlp, cnn = make_mlp(), make_cnn()
    cases = [('certify-mlp', mlp, torch.tensor([0.1, -0.2]), 100, 100_000, 10_000, 3),
             ('certify-cnn', cnn, torch.rand(1, 28, 28), 100, 10_000, 1_000, 10)]
    for t in [1, 2]:
        torch.set_num_threads(t)
        for name, model, x, n0, n, batch, k in cases:
            certify(model, x, n0, n, batch, k)
            ts = []
            for _ in range(5):
                t0 = time.perf_counter(); certify(model, x, n0, n, batch, k); ts.append(time.perf_counter() - t0)
            ts.sort()
            print(f'threads={t} {name}: median {ts[2]*1000:.0f} ms, {(n0 + n) / ts[2] / 1000:.0f}k draws/s')
