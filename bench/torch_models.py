# The PyTorch side of the bench cases, shared by torch_split_reference.py,
# torch_certify_reference.py and torch_gpu_reference.py: the workbench's default MLP (4 hidden
# layers of 64 ReLU units, 3 classes) and image CNN (2 blocks of 3x3 'same' conv + ReLU + 2x2
# max-pool, 16 and 32 filters, dense 64, 10 classes; 28x28x1 inputs), the 200x200 grid of the MLP
# cases, PGD l_inf, the 4-way split of split-40k and Cohen et al.'s CERTIFY sampling. Everything
# runs on the device of its inputs (CPU or CUDA).
import torch, torch.nn as nn, torch.nn.functional as F


def make_mlp():
    return nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                         nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3))


def make_cnn():
    return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10))


def grid_points(resolution=200, lo=-0.1, hi=1.1, device=None):
    """The resolution x resolution grid of the MLP cases (40,000 points by default), as (N, 2)."""
    g = torch.linspace(lo, hi, resolution, device=device)
    return torch.stack(torch.meshgrid(g, g, indexing='xy'), -1).reshape(-1, 2)


def pgd_linf(model, x, y, eps, steps=10, step_size=None, box=None):
    """PGD l_inf from a uniform random start, step 2.5 eps / steps unless given, in `box` if any."""
    a = 2.5 * eps / steps if step_size is None else step_size
    xa = x + torch.empty_like(x).uniform_(-eps, eps)
    if box is not None: xa = xa.clamp(*box)
    for _ in range(steps):
        xa.requires_grad_(True)
        loss = F.cross_entropy(model(xa), y, reduction='sum')
        gr, = torch.autograd.grad(loss, xa)
        xa = torch.min(torch.max(xa.detach() + a * gr.sign(), x - eps), x + eps)
        if box is not None: xa = xa.clamp(*box)
    return xa.detach()


def split(model, x, eps=0.1):
    """split-40k: clean predictions, PGD-10 against them, adversarial predictions; the robust fraction."""
    with torch.no_grad(): pred = model(x).argmax(1)
    xa = pgd_linf(model, x, pred, eps)
    with torch.no_grad(): adv = model(xa).argmax(1)
    return (adv == pred).float().mean().item()


def sample(model, x, num, batch, k, sigma=0.25):
    """Class counts of `num` noisy copies of x (sigma N(0, I) noise), in batches; counts on the host."""
    counts = torch.zeros(k, dtype=torch.long, device=x.device)
    with torch.no_grad():
        done = 0
        while done < num:
            b = min(batch, num - done)
            noisy = x.unsqueeze(0).repeat(b, *([1] * x.dim())) + sigma * torch.randn(b, *x.shape, device=x.device)
            counts += torch.bincount(model(noisy).argmax(1), minlength=k)
            done += b
    return counts.cpu()


def certify(model, x, n0, n, batch, k):
    """The sampling of Cohen et al.'s CERTIFY (selection with n0, estimation with n); the statistics cost nothing."""
    sample(model, x, n0, batch, k)
    return sample(model, x, n, batch, k)
