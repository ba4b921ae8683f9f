#!/usr/bin/env python3
"""
Reference values for src/core/metrics/selective.ts (paper 000, Rectified Rejection: TPR-95
accuracy, ROC-AUC, ROC curve, accuracy-coverage), written to test/fixtures/selective.json and read
by test/unit/selective.test.ts. Needs Debian's python with scikit-learn
(apt-get install -y python3-sklearn), not the pyenv one on PATH:

    /usr/bin/python3 scripts/make-selective-fixtures.py

What is computed, for each case (scores, labels; label 1 = correctly classified = positive):
  auc          sklearn.metrics.roc_auc_score(labels, scores)
  u2           2 * #{(pos, neg) pairs: s_pos > s_neg} + #{pairs: s_pos == s_neg}, by brute force
               over all pairs (the Mann-Whitney form: ties count 1/2; auc = u2 / (2 P N))
  roc, rocAll  sklearn.metrics.roc_curve(labels, scores, drop_intermediate=True / False);
               thresholds[0] is stored as null (+Infinity): sklearn >= 1.3 writes inf there,
               the sklearn used here (see "sklearn" in the fixture) may write max(score) + 1
               (kept as sklearnThreshold0); rocAll only for cases with n <= 500
  tpr          TPR-x accuracy for several x, by the transparent numpy code below (no sklearn), in
               two conventions, and the 'authors' one cross-checked against a selection made on
               sklearn's own roc_curve:
    'authors'  the convention of the authors' evaluation code (P2333/Rectified-Rejection,
               utils.py, calculate_FPR_TPR, called by eval_cifar.py with tpr_ref=0.95):
                 1. ROC as roc_curve with its default drop_intermediate=True;
                 2. k = argmin_k |tpr_k - x| (float64; first index on an exact tie);
                 3. T = thresholds[k]; keep score > T (STRICT: inputs scoring exactly T are
                    rejected although ROC point k counts them); accuracy on the kept inputs
                    (NaN, stored null, when none is kept: T = +inf).
    'atLeast'  T = the highest distinct score with #{correct, score >= T} / P >= x; keep
               score >= T (every input tied at T is kept).
  coverage     accuracy-coverage curve: for each distinct score t (decreasing), keep score >= t,
               coverage = kept / n (only kept is stored), accuracy = correct kept / kept; area = sum_k accuracy_k *
               (coverage_k - coverage_{k-1}).
Floats are written with Python's repr (shortest round trip), so JavaScript reads the same doubles.
NaN and +Infinity are written as null (the field's meaning says which).
"""
import json
import math
import os
import platform
import warnings

import numpy as np
import sklearn
from sklearn.metrics import roc_auc_score, roc_curve

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'selective.json')
TARGETS = [0.95, 0.99, 0.9, 0.5, 0.3, 0.05, 1.0]


def num(x):
    x = float(x)
    return None if (math.isnan(x) or math.isinf(x)) else x


# ---------------------------------------------------------------------------------------------
# Transparent implementation from the definitions (no sklearn)
# ---------------------------------------------------------------------------------------------

def score_groups(scores, labels):
    """Distinct scores decreasing, and cumulative (tps, fps) with score >= each."""
    values = np.unique(scores)[::-1]  # np.unique treats -0.0 and 0.0 as equal
    tps = np.array([np.sum(labels[scores >= v]) for v in values], dtype=np.float64)
    fps = np.array([np.sum(1 - labels[scores >= v]) for v in values], dtype=np.float64)
    return values, tps, fps


def my_roc(scores, labels, drop_intermediate):
    values, tps, fps = score_groups(scores, labels)
    idx = list(range(len(values)))
    if drop_intermediate and len(values) > 2:
        # keep the ends, and every interior point where the curve turns (either second
        # difference of the cumulative counts is non-zero)
        idx = [0] + [j for j in range(1, len(values) - 1)
                     if (fps[j + 1] - 2 * fps[j] + fps[j - 1]) != 0 or (tps[j + 1] - 2 * tps[j] + tps[j - 1]) != 0] \
            + [len(values) - 1]
    tps = np.concatenate([[0.0], tps[idx]])
    fps = np.concatenate([[0.0], fps[idx]])
    thresholds = np.concatenate([[np.inf], values[idx]])
    return tps, fps, thresholds


def my_tpr_accuracy(scores, labels, target, convention):
    P = labels.sum()
    n = len(scores)
    if convention == 'authors':
        tps, _, thresholds = my_roc(scores, labels, True)
        tpr = tps / P
        k = int(np.argmin(np.abs(tpr - target)))
        T = thresholds[k]
        keep = scores > T
        roc_tpr = tpr[k]
    else:
        values, tps, _ = score_groups(scores, labels)
        k = int(np.nonzero(tps / P >= target)[0][0])
        T = values[k]
        keep = scores >= T
        roc_tpr = tps[k] / P
    kept = int(keep.sum())
    kc = int(labels[keep].sum())
    return {
        'target': target, 'convention': convention, 'threshold': num(T),
        'kept': kept, 'keptCorrect': kc, 'accuracy': num(kc / kept) if kept else None,
        'coverage': kept / n, 'tprKept': kc / P, 'rocTpr': float(roc_tpr),
    }


def sklearn_authors_selection(scores, labels, target):
    """The same 'authors' selection on sklearn's own roc_curve, as a cross-check."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # all-correct cases: fpr is undefined, tpr is not
        fpr, tpr, thr = roc_curve(labels, scores)
    k = int(np.argmin(np.abs(tpr - target)))
    keep = scores > thr[k]
    return int(keep.sum()), int(labels[keep].sum())


def accuracy_coverage(scores, labels):
    values, tps, fps = score_groups(scores, labels)
    kept = tps + fps
    cov = kept / len(scores)
    acc = tps / kept
    area = float(np.sum(acc * np.diff(np.concatenate([[0.0], cov]))))
    # coverage = kept / n is not stored (the test divides)
    return {'thresholds': [float(v) for v in values], 'kept': [int(k) for k in kept],
            'accuracy': [float(a) for a in acc], 'area': area}


def brute_u2(scores, labels):
    sp = scores[labels == 1][:, None]
    sn = scores[labels == 0][None, :]
    return int(2 * np.sum(sp > sn) + np.sum(sp == sn))


# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------

rng = np.random.RandomState(20220000)
cases = []


def add(name, scores, labels):
    cases.append((name, np.asarray(scores, dtype=np.float64), np.asarray(labels, dtype=np.int64)))


add('hand: separated', [0.9, 0.8, 0.7, 0.3, 0.2, 0.1], [1, 1, 1, 0, 0, 0])
add('hand: reversed', [0.9, 0.8, 0.7, 0.3, 0.2, 0.1], [0, 0, 0, 1, 1, 1])
add('hand: all tied', [0.5] * 7, [1, 0, 1, 1, 0, 1, 1])
add('hand: two tie groups', [0.7, 0.7, 0.7, 0.2, 0.2, 0.2, 0.2], [1, 1, 0, 1, 0, 0, 1])
add('hand: diagonal collinear ties', [0.9, 0.9, 0.8, 0.8, 0.7, 0.7, 0.6, 0.6], [1, 0, 1, 0, 1, 0, 1, 0])
add('hand: vertical run', [0.99, 0.98, 0.97, 0.96, 0.95, 0.94, 0.93, 0.92, 0.91, 0.9, 0.5, 0.45, 0.2, 0.1],
    [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 0])
# 20 correct: 10 at 0.9, 9 at 0.8 (with one wrong), 1 at 0.1; 3 wrong at 0.2. TPR-95 picks T = 0.8
# and the strict rule of the authors' code keeps only the ten at 0.9.
add('hand: strict rule drops a tie group', [0.9] * 10 + [0.8] * 10 + [0.2] * 3 + [0.1],
    [1] * 10 + [1] * 9 + [0] + [0] * 3 + [1])
add('hand: energy-like negative scores', [-3.5, -1.25, -1.25, 2.0, 7.5, 7.5, 7.5, -10.0, 0.0, 0.0],
    [0, 1, 0, 1, 1, 1, 0, 0, 1, 0])
add('hand: two inputs', [0.3, 0.7], [0, 1])
add('hand: signed zeros tie', [0.0, -0.0, 1.0, -1.0, 0.0, -0.0], [1, 0, 1, 0, 0, 1])
add('hand: one positive many negatives', [0.1, 0.2, 0.3, 0.4, 0.5, 0.45, 0.35], [0, 0, 0, 0, 0, 1, 0])

s = np.round(rng.rand(300), 6)  # 6 decimals: short in the file, still (almost all) distinct
add('random: continuous n=300', s, (rng.rand(300) < 0.2 + 0.7 * s).astype(int))
s = np.round(rng.rand(500), 1)
add('random: ties, 1 decimal, n=500', s, (rng.rand(500) < s).astype(int))
s = rng.randint(0, 5, size=1000).astype(np.float64)
add('random: heavy ties, 5 levels, n=1000', s, (rng.rand(1000) < 0.3 + 0.1 * s).astype(int))
s = np.round(rng.rand(400), 6)
add('random: imbalanced 97% correct, n=400', s, (rng.rand(400) < 0.97).astype(int))
# float32 confidences of a softmax, saturating at 1.0 (a large tie group at the top)
logits = rng.randn(400, 10).astype(np.float32) * np.float32(15)
p = np.exp(logits - logits.max(1, keepdims=True))
p = p / p.sum(1, keepdims=True)
conf = p.max(1).astype(np.float32)
add('random: float32 softmax confidences, n=400', conf.astype(np.float64), (rng.rand(400) < conf).astype(int))
s = np.round(rng.randn(1000), 2)
add('random: normal rounded to 0.01, n=1000', s, (rng.rand(1000) < 1 / (1 + np.exp(-2 * s))).astype(int))

tpr_only = [
    ('hand: all correct, distinct', np.array([0.9, 0.5, 0.7, 0.2, 0.6]), np.array([1, 1, 1, 1, 1])),
    ('hand: all correct, tied', np.array([0.4, 0.4, 0.8, 0.8, 0.8, 0.1]), np.array([1, 1, 1, 1, 1, 1])),
    ('random: all correct, n=100', np.round(rng.rand(100), 6), np.ones(100, dtype=np.int64)),
]
datasets = [{'name': name, 'scores': [float(v) for v in scores], 'labels': [int(v) for v in labels]}
            for name, scores, labels in cases + tpr_only]
roc_cases = []
tpr_cases = []
coverage_cases = []
for name, scores, labels in cases:
    P = int(labels.sum())
    N = int(len(labels) - P)
    assert P > 0 and N > 0, name
    auc = float(roc_auc_score(labels, scores))
    u2 = brute_u2(scores, labels)
    assert abs(auc - u2 / (2 * P * N)) < 1e-12, (name, auc, u2)
    rocs = {}
    # the full curve (one point per distinct score) only for the smaller cases, to keep the file small
    for drop, key in [(True, 'roc'), (False, 'rocAll')] if len(scores) <= 500 else [(True, 'roc')]:
        fpr, tpr, thr = roc_curve(labels, scores, drop_intermediate=drop)
        mt, mf, mthr = my_roc(scores, labels, drop)
        assert np.array_equal(mt / P, tpr) and np.array_equal(mf / N, fpr) and np.array_equal(mthr[1:], thr[1:]), (name, key)
        rocs[key] = {'fpr': [float(v) for v in fpr], 'tpr': [float(v) for v in tpr],
                     'thresholds': [None] + [float(v) for v in thr[1:]], 'sklearnThreshold0': num(thr[0])}
    roc_cases.append({'name': name, 'auc': auc, 'u2': u2, 'P': P, 'N': N, **rocs})
    coverage_cases.append({'name': name, **accuracy_coverage(scores, labels)})

for name, scores, labels in cases + tpr_only:
    results = []
    for target in TARGETS:
        a = my_tpr_accuracy(scores, labels, target, 'authors')
        kept, kc = sklearn_authors_selection(scores, labels, target)
        assert (kept, kc) == (a['kept'], a['keptCorrect']), (name, target)
        results.append(a)
        b = my_tpr_accuracy(scores, labels, target, 'atLeast')
        assert b['tprKept'] >= target
        results.append(b)
    tpr_cases.append({'name': name, 'results': results})
for name, scores, labels in tpr_only:
    coverage_cases.append({'name': name, **accuracy_coverage(scores, labels)})

fixture = {
    'comment': 'Generated by /usr/bin/python3 scripts/make-selective-fixtures.py. Do not edit by hand. '
               'null means +Infinity for thresholds and NaN for accuracies.',
    'python': platform.python_version(),
    'numpy': np.__version__,
    'sklearn': sklearn.__version__,
    'datasets': datasets,
    'roc': roc_cases,
    'tpr': tpr_cases,
    'coverage': coverage_cases,
}
with open(OUT, 'w') as f:
    # one line per dataset / case, compact inside
    f.write('{\n')
    keys = list(fixture)
    for i, key in enumerate(keys):
        value = fixture[key]
        sep = ',' if i < len(keys) - 1 else ''
        if isinstance(value, list):
            f.write(f' {json.dumps(key)}: [\n')
            f.write(',\n'.join('  ' + json.dumps(v, separators=(',', ':'), allow_nan=False) for v in value))
            f.write(f'\n ]{sep}\n')
        else:
            f.write(f' {json.dumps(key)}: {json.dumps(value, allow_nan=False)}{sep}\n')
    f.write('}\n')
print(f'wrote {OUT}: {len(roc_cases)} ROC cases, {len(tpr_cases)} TPR cases '
      f'({sum(len(c["results"]) for c in tpr_cases)} results), {len(coverage_cases)} coverage curves; '
      f'sklearn {sklearn.__version__}, numpy {np.__version__}')
