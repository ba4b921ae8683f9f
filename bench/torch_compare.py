# The PyTorch side of `npm run bench:compare` (bench/compare.ts): a process that reads one JSON
# request per line on stdin and answers one JSON line on stdout, so that the workbench and PyTorch
# take turns on the same CPU in one run.
#
#   {"op": "init", "threads": N, "device": D}         -> {"torch": version, "threads": N, "device": name,
#                                                         "deviceKind": "cpu" | "cuda", "blas": the BLAS
#                                                         library's path, "cores": the CPUs it may run on,
#                                                         "note"?: why not D, or that
#                                                         the BLAS is Debian's slow reference one}
#   {"op": "prepare", "case": ID, "manifest": {...}}  -> {"ok": true, "maxAbsDiff": d | null}
#   {"op": "run"}                                     -> {"ms": milliseconds}
#
# "prepare" reads the model the workbench wrote (its weights in order, raw little-endian float32)
# and the inputs (raw float32 or int32), builds the same network in torch (the kernels transposed
# to torch's layout; NHWC images to NCHW, and the first dense layer after the convolutions
# re-ordered from (h, w, c) to (c, h, w) rows), and, where the workbench wrote the expected
# logits, answers the largest difference to torch's (a check that both compute the same thing).
# A run does the case's work as bench/torch_models.py does it and ends with the result on the host.
# With "device": "cuda" (bench/gpu.ts --torch) the model and inputs live on the GPU, a run is timed
# between torch.cuda.synchronize() calls, and TF32 is off (tfjs computes in float32); without CUDA
# it runs on the CPU and says so in "note".
import json, os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F
from torch_models import certify, pgd_linf


DEVICE = torch.device('cpu')


def sync():
    if DEVICE.type == 'cuda': torch.cuda.synchronize()


def read(entry):
    dtype = np.int32 if entry['dtype'] == 'int32' else np.float32
    a = np.fromfile(entry['file'], dtype=dtype).reshape(entry['shape'])
    return torch.from_numpy(a.astype(np.int64) if dtype == np.int32 else a.copy()).to(DEVICE)


def build(weights):
    """The workbench's Sequential (dense / conv blocks) from its weights, in torch's layout."""
    layers, channels = [], None
    pairs = [(weights[i], weights[i + 1]) for i in range(0, len(weights), 2)]
    dense_seen = 0
    for k, (kernel, bias) in enumerate(pairs):
        w, b = read(kernel), read(bias)
        last = k == len(pairs) - 1
        if w.dim() == 4:  # [kh, kw, in, out] -> Conv2d weight [out, in, kh, kw]; 'same', ReLU, 2x2 max-pool
            conv = nn.Conv2d(w.shape[2], w.shape[3], w.shape[0], padding=w.shape[0] // 2)
            conv.weight.data = w.permute(3, 2, 0, 1).contiguous()
            conv.bias.data = b
            layers += [conv, nn.ReLU(), nn.MaxPool2d(2)]
            channels = w.shape[3]
            continue
        if channels is not None and dense_seen == 0:  # rows in (h, w, c) order -> (c, h, w)
            side = int(round((w.shape[0] / channels) ** 0.5))
            w = w.reshape(side, side, channels, -1).permute(2, 0, 1, 3).reshape(w.shape[0], -1)
            layers.append(nn.Flatten())
        dense_seen += 1
        lin = nn.Linear(w.shape[0], w.shape[1])
        lin.weight.data = w.t().contiguous()
        lin.bias.data = b
        layers.append(lin)
        if not last: layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def nchw(x):
    return x.permute(0, 3, 1, 2).contiguous() if x.dim() == 4 else x.permute(2, 0, 1).contiguous() if x.dim() == 3 else x


def epoch(model, x, y, batch, opt, method, eps=None, beta=6.0):
    """One training epoch (fresh shuffle), then the clean evaluation of the workbench's trainer."""
    model.train()
    order = torch.randperm(x.shape[0], device=x.device)
    for s in range(0, x.shape[0], batch):
        idx = order[s:s + batch]
        xb, yb = x[idx], y[idx]
        if method == 'pgd-at':
            xb = pgd_linf(model, xb, yb, eps)
            loss = F.cross_entropy(model(xb), yb)
        elif method == 'trades':
            with torch.no_grad(): p = F.softmax(model(xb), 1)
            xa = xb + 0.001 * torch.randn_like(xb)
            for _ in range(10):
                xa.requires_grad_(True)
                kl = F.kl_div(F.log_softmax(model(xa), 1), p, reduction='sum')
                g, = torch.autograd.grad(kl, xa)
                xa = torch.min(torch.max(xa.detach() + (eps / 4) * g.sign(), xb - eps), xb + eps)
            z = model(xb)
            loss = F.cross_entropy(z, yb) + beta * F.kl_div(F.log_softmax(model(xa.detach()), 1), F.softmax(z, 1), reduction='batchmean')
        else:
            loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        z = torch.cat([model(x[s:s + 4096]) for s in range(0, x.shape[0], 4096)])
        return F.cross_entropy(z, y).item(), (z.argmax(1) == y).float().mean().item()


def ibp(model, lower, upper):
    """Interval bound propagation through the Sequential: centre and radius through each affine
    layer (|W| for the radius), ReLU and max-pooling on both ends (monotone), as verify/ibp.ts."""
    for layer in model:
        if isinstance(layer, (nn.Linear, nn.Conv2d)):
            mid, rad = (upper + lower) / 2, (upper - lower) / 2
            if isinstance(layer, nn.Linear):
                mid, rad = F.linear(mid, layer.weight, layer.bias), F.linear(rad, layer.weight.abs())
            else:
                mid = F.conv2d(mid, layer.weight, layer.bias, padding=layer.padding)
                rad = F.conv2d(rad, layer.weight.abs(), None, padding=layer.padding)
            lower, upper = mid - rad, mid + rad
        else:
            lower, upper = layer(lower), layer(upper)
    return lower, upper


# Per case: how a run does the workbench's work (bench cases in src/core/bench/cases/*.ts).
def runner(case, model, inputs):
    x = inputs.get('x')
    if x is not None and x.dim() >= 3: x = nchw(x)
    y = inputs.get('y')
    if case in ('grid-forward', 'cnn-forward-1k'):
        def run():
            with torch.no_grad(): return model(x).cpu()
        return run
    if case == 'split-40k':
        def run():
            with torch.no_grad(): pred = model(x).argmax(1)
            xa = pgd_linf(model, x, y, 0.1)
            with torch.no_grad(): adv = model(xa).argmax(1)
            return (adv == pred).cpu()
        return run
    if case == 'noise-1m':
        return lambda: torch.randn(1_000_000, device=DEVICE).cpu()
    if case == 'certify-mlp':
        return lambda: certify(model, x, 100, 100_000, 10_000, 3)
    if case == 'certify-cnn':
        return lambda: certify(model, x, 100, 10_000, 1_000, 10)
    if case == 'cnn-pgd10-1k':
        return lambda: pgd_linf(model, x, y, 8 / 255, box=(0.0, 1.0)).cpu()
    if case in ('trades-epoch', 'pgd-at-epoch', 'cnn-epoch-5k'):
        initial = {k: v.clone() for k, v in model.state_dict().items()}
        def run():
            model.load_state_dict(initial)  # every run from the same weights, as the workbench's
            if case == 'cnn-epoch-5k':
                return epoch(model, x, y, 64, torch.optim.Adam(model.parameters(), lr=1e-3), 'standard')
            return epoch(model, x, y, 10, torch.optim.SGD(model.parameters(), lr=0.1), case[:-6], eps=0.1)
        return run
    if case.startswith('verify-ibp-'):
        box = None if case.endswith('mlp2d') else (0.0, 1.0)
        def run():
            with torch.no_grad():
                lo, hi = x - 0.1, x + 0.1
                if box is not None: lo, hi = lo.clamp(*box), hi.clamp(*box)
                lo, hi = ibp(model, lo, hi)
                return lo.cpu(), hi.cpu()
        return run
    raise ValueError(f'no PyTorch equivalent for the case {case}')


def blas_library():
    """The BLAS library torch's products run on here (Debian's torch links whichever libblas.so.3 is chosen), or None."""
    torch.ones(2, 2) @ torch.ones(2, 2)
    try:
        with open('/proc/self/maps') as maps:
            paths = {line.split()[-1] for line in maps if 'blas' in line.rsplit('/', 1)[-1] or 'blis' in line or 'mkl' in line}
    except OSError:
        return None
    return sorted(paths)[0] if paths else None


# Debian's reference BLAS (libblas3, chosen when no optimised one is installed): about ten times
# slower than OpenBLAS on these products, which would make every ratio meaningless.
REFERENCE_BLAS = '/blas/libblas.so'


def init(threads, device):
    global DEVICE
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    reply = {'torch': torch.__version__, 'threads': torch.get_num_threads(), 'blas': blas_library()}
    # How its threads wait between calls (bench/sideBySide.ts sets these): part of the footing.
    reply['waiting'] = {k: os.environ.get(k) for k in ('OMP_WAIT_POLICY', 'OPENBLAS_THREAD_TIMEOUT')}
    # The cores it may run on (one, where bench:compare pins both sides to the same core).
    reply['cores'] = sorted(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else None
    if reply['blas'] and REFERENCE_BLAS in reply['blas']:
        reply['note'] = f"PyTorch's products run on Debian's reference BLAS ({reply['blas']}), about ten times slower than OpenBLAS: install it (sudo apt-get install -y libopenblas0-pthread) for a meaningful comparison"
    if device == 'cuda' and not torch.cuda.is_available():
        reply['note'] = 'CUDA is not available to PyTorch; it runs on the CPU instead'
        device = 'cpu'
    DEVICE = torch.device(device)
    if device == 'cuda':
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        reply['device'] = f'CUDA: {torch.cuda.get_device_name(0)} (CUDA {torch.version.cuda}, TF32 off)'
    else:
        reply['device'] = 'CPU'
    reply['deviceKind'] = device
    return reply


def main():
    state = {}
    for line in sys.stdin:
        req = json.loads(line)
        try:
            if req['op'] == 'init':
                reply = init(int(req['threads']), req.get('device', 'cpu'))
            elif req['op'] == 'prepare':
                m = req['manifest']
                model = build(m['model']) if m.get('model') else None
                if model is not None:
                    for p in model.parameters(): p.requires_grad_(req['case'].endswith('epoch') or req['case'].endswith('-5k'))
                    model.to(DEVICE).eval()
                inputs = {k: read(v) for k, v in m.get('inputs', {}).items()}
                diff = None
                if m.get('expected') and model is not None:
                    xs = inputs['x'][: m['expected']['shape'][0]]
                    with torch.no_grad(): z = model(nchw(xs) if xs.dim() == 4 else xs)
                    diff = (z - read(m['expected'])).abs().max().item()
                state['run'] = runner(req['case'], model, inputs)
                reply = {'ok': True, 'maxAbsDiff': diff}
            elif req['op'] == 'run':
                sync()
                t0 = time.perf_counter()
                state['run']()
                sync()
                reply = {'ms': (time.perf_counter() - t0) * 1000}
            else:
                reply = {'error': f"unknown op {req['op']}"}
        except Exception as e:  # answered, so that the driver can say which case failed and why
            reply = {'error': f'{type(e).__name__}: {e}'}
        sys.stdout.write(json.dumps(reply) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
