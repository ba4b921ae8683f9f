# PyTorch reference, on CUDA, for the cases of bench/gpu.ts (tfjs on WebGPU): the same workloads
# with the same models (torch_models.py), timed on the same GPU for a side-by-side ratio.
#
#   python3 bench/torch_gpu_reference.py [--cases LIST] [--repeats N] [--out FILE] [--compare FILE]
#
# Falls back to the CPU, and says so, where CUDA is missing. Every case makes one warm-up run, then
# --repeats timed runs (default 5), each between torch.cuda.synchronize() calls, and reports the
# median. Like the tfjs cases, a run ends with its result on the host: the logits (grid-forward,
# cnn-forward-1k), the robust fraction (split-40k), the 1M draws (noise-1m), the class counts
# (certify-*), the adversarial images (cnn-pgd10-1k). float32 throughout, TF32 off (tfjs computes
# in float32); --tf32 allows it. --compare FILE reads bench/gpu.ts's JSON report (its last stdout
# line, or its --out file) and adds a column webgpu / torch.
#   grid-forward    MLP (4x64 ReLU, 3 classes) forward on the 200x200 grid, 40,000 points
#   split-40k       robust fraction of the 40k grid under PGD-10 l_inf eps 0.1 (clean preds as labels)
#   noise-1m        1,000,000 torch.randn draws (the tfjs case: Philox + Box-Muller in WGSL)
#   certify-mlp     CERTIFY sampling, MLP, n0 100 + n 100,000 in batches of 10,000, sigma 0.25
#   certify-cnn     CERTIFY sampling, CNN, n0 100 + n 10,000 in batches of 1,000, sigma 0.25
#   cnn-forward-1k  CNN (16/32 filters, dense 64, 10 classes) forward on 1,000 28x28x1 images
#   cnn-pgd10-1k    PGD-10 l_inf eps 8/255 (step 2.5 eps/10, random start) in [0, 1] on 1,000 images
import argparse, json, os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no bench/__pycache__ from importing torch_models
import torch
from torch_models import certify, grid_points, make_cnn, make_mlp, pgd_linf, split

CASES = ['grid-forward', 'split-40k', 'noise-1m', 'certify-mlp', 'certify-cnn', 'cnn-forward-1k', 'cnn-pgd10-1k']
UNITS = {'grid-forward': (40_000, 'points'), 'split-40k': (40_000, 'points'), 'noise-1m': (1_000_000, 'draws'),
         'certify-mlp': (100_100, 'draws'), 'certify-cnn': (10_100, 'draws'), 'cnn-forward-1k': (1_000, 'images'),
         'cnn-pgd10-1k': (1_000, 'images')}


def fmt_ms(ms):
    return f'{ms:.0f}' if ms >= 100 else f'{ms:.1f}' if ms >= 10 else f'{ms:.2f}'


def fmt_rate(per_second, unit):
    f = lambda v: f'{v:.0f}' if v >= 100 else f'{v:.1f}' if v >= 10 else f'{v:.2f}'
    if per_second >= 1e6: return f'{f(per_second / 1e6)}M {unit}/s'
    if per_second >= 1e3: return f'{f(per_second / 1e3)}k {unit}/s'
    return f'{f(per_second)} {unit}/s'


def print_table(header, lines):
    widths = [max(len(h), *(len(l[i]) for l in lines)) for i, h in enumerate(header)]
    row = lambda cells: '| ' + ' | '.join(c.ljust(w) for c, w in zip(cells, widths)) + ' |'
    print(row(header))
    print('|' + '|'.join('-' * (w + 2) for w in widths) + '|')
    for l in lines: print(row(l))


def prepare(case, dev):
    """The run of one case (a closure that ends with its result on the host)."""
    torch.manual_seed(1)
    if case in ('grid-forward', 'split-40k', 'certify-mlp'):
        mlp = make_mlp().to(dev)
        for p in mlp.parameters(): p.requires_grad_(False)
    else:
        cnn = make_cnn().to(dev)
        for p in cnn.parameters(): p.requires_grad_(False)
    if case == 'grid-forward':
        x = grid_points(device=dev)
        def run():
            with torch.no_grad(): return mlp(x).cpu()
    elif case == 'split-40k':
        x = grid_points(device=dev)
        run = lambda: split(mlp, x)
    elif case == 'noise-1m':
        run = lambda: torch.randn(1_000_000, device=dev).cpu()
    elif case == 'certify-mlp':
        x = torch.tensor([0.1, -0.2], device=dev)
        run = lambda: certify(mlp, x, 100, 100_000, 10_000, 3)
    elif case == 'certify-cnn':
        x = torch.rand(1, 28, 28, device=dev)
        run = lambda: certify(cnn, x, 100, 10_000, 1_000, 10)
    elif case == 'cnn-forward-1k':
        x = torch.rand(1000, 1, 28, 28, device=dev)
        def run():
            with torch.no_grad(): return cnn(x).cpu()
    elif case == 'cnn-pgd10-1k':
        x = torch.rand(1000, 1, 28, 28, device=dev)
        y = torch.arange(1000, device=dev) % 10
        run = lambda: pgd_linf(cnn, x, y, 8 / 255, box=(0.0, 1.0)).cpu()
    else:
        raise ValueError(case)
    return run


def main():
    ap = argparse.ArgumentParser(description='PyTorch (CUDA) reference for the cases of bench/gpu.ts')
    ap.add_argument('--cases', default=','.join(CASES), help=f'comma-separated, from: {", ".join(CASES)}')
    ap.add_argument('--repeats', type=int, default=5, help='timed runs after one warm-up (default 5)')
    ap.add_argument('--out', help='also write the JSON report to this file')
    ap.add_argument('--compare', help="bench/gpu.ts's JSON report: adds the ratio webgpu / torch")
    ap.add_argument('--tf32', action='store_true', help='allow TF32 in matmuls and convolutions (off by default)')
    args = ap.parse_args()
    cases = [c.strip() for c in args.cases.split(',') if c.strip()]
    bad = [c for c in cases if c not in CASES]
    if bad or not cases or args.repeats < 1: ap.error(f'unknown case(s) {bad}; choose from {CASES}' if bad or not cases else '--repeats must be >= 1')

    cuda = torch.cuda.is_available()
    dev = torch.device('cuda' if cuda else 'cpu')
    torch.backends.cuda.matmul.allow_tf32 = args.tf32
    torch.backends.cudnn.allow_tf32 = args.tf32
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    if cuda:
        name = torch.cuda.get_device_name(0)
        print(f'torch {torch.__version__} on CUDA: {name} (CUDA {torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}); TF32 {"on" if args.tf32 else "off"}')
    else:
        name = f'CPU ({torch.get_num_threads()} threads)'
        print(f'NOTE: CUDA is not available; running on the CPU instead ({torch.get_num_threads()} threads), torch {torch.__version__}')
    compare = {}
    if args.compare:
        try:
            with open(args.compare) as f:
                text = f.read().strip()
            try:
                report = json.loads(text)  # an --out file
            except ValueError:  # a log of its stdout: the report is the last line that is an object
                report = json.loads([l for l in text.splitlines() if l.startswith('{')][-1])
            compare = {r['case']: r for r in report.get('rows', []) if r.get('medianMs') is not None}
        except (OSError, ValueError, IndexError) as e:
            print(f'NOTE: --compare {args.compare}: not read ({e}); no ratio column')

    rows = []
    for case in cases:
        sys.stderr.write(f'{case} on {dev.type}: ')
        sys.stderr.flush()
        try:
            run = prepare(case, dev)
            sync(); t0 = time.perf_counter(); run(); sync()
            warm = (time.perf_counter() - t0) * 1000
            sys.stderr.write(f'warm-up {fmt_ms(warm)} ms; runs')
            ts = []
            for _ in range(args.repeats):
                sync(); t0 = time.perf_counter(); run(); sync()
                ts.append((time.perf_counter() - t0) * 1000)
                sys.stderr.write(f' {fmt_ms(ts[-1])}')
                sys.stderr.flush()
            sys.stderr.write(' ms\n')
            s = sorted(ts)
            med = s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2
            work, unit = UNITS[case]
            per_s = work * 1000 / med
            rows.append({'case': case, 'backend': f'torch-{dev.type}', 'medianMs': med, 'runsMs': ts, 'warmupMs': warm,
                         'throughput': fmt_rate(per_s, unit), 'perSecond': per_s, 'workUnits': work, 'unit': unit})
        except Exception as e:  # report and go on with the next case
            sys.stderr.write(f'failed: {e}\n')
            rows.append({'case': case, 'backend': f'torch-{dev.type}', 'medianMs': None, 'runsMs': [], 'error': str(e)})
        finally:
            if cuda: torch.cuda.empty_cache()

    header = ['case', 'backend', 'median', 'runs (ms)', 'throughput'] + (['webgpu median', 'webgpu / torch'] if compare else [])
    lines = []
    for r in rows:
        ok = r['medianMs'] is not None
        cells = [r['case'], r['backend'], f"{fmt_ms(r['medianMs'])} ms" if ok else 'FAILED',
                 ', '.join(fmt_ms(t) for t in r['runsMs']) if ok else r['error'], r.get('throughput', '')]
        if compare:
            w = compare.get(r['case'])
            if w and ok and (w.get('workUnits') in (None, r['workUnits'])):
                cells += [f"{fmt_ms(w['medianMs'])} ms", f"{w['medianMs'] / r['medianMs']:.1f}x"]
                r['webgpuMedianMs'] = w['medianMs']
            else:
                cells += ['-' if not w else f"{fmt_ms(w['medianMs'])} ms", '-' if not w else 'n/a (other size)']
        lines.append(cells)
    print()
    print_table(header, lines)
    report = {'bench': 'torch', 'date': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()), 'torch': torch.__version__,
              'device': name, 'cuda': cuda, 'tf32': args.tf32, 'repeats': args.repeats, 'rows': rows}
    if args.out:
        with open(args.out, 'w') as f: json.dump(report, f, indent=2)
        sys.stderr.write(f'wrote {args.out}\n')
    print(json.dumps(report))
    return 1 if any(r['medianMs'] is None for r in rows) else 0


if __name__ == '__main__':
    sys.exit(main())
