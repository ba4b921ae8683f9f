"""What the PyTorch fixture scripts share: the small 2-4-3 network of the loss fixtures, the
per-example cross-entropy, tensors as JSON lists and writing a fixture file."""
import json
import os

import torch

# A small network with hand-picked weights (no unit dead on every input, no input on a kink);
# kernels stored [in, out] as tfjs stores them.
K1 = [[0.8, -0.6, 0.3, 1.1], [-0.4, 0.9, 0.7, -0.5]]
B1 = [0.1, -0.2, 0.05, 0.3]
K2 = [[1.2, -0.7, 0.4], [-0.3, 0.8, -1.1], [0.6, 0.5, -0.9], [-1.0, 0.2, 0.7]]
B2 = [0.05, -0.1, 0.2]


def forward(params, x):
    """dense -> ReLU -> dense (logits)."""
    k1, b1, k2, b2 = params
    return torch.relu(x @ k1 + b1) @ k2 + b2


def ce(z, y):
    """Per-example cross-entropy of logits z against integer labels y."""
    return torch.logsumexp(z, dim=1) - z.gather(1, y[:, None])[:, 0]


def as_list(t):
    return t.detach().tolist()


def write_fixture(out, fixture):
    """Writes the fixture as indented JSON (creating its folder) and says where."""
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, 'w') as f:
        json.dump(fixture, f, indent=1)
        f.write('\n')
    print(f'wrote {os.path.relpath(out)}')
