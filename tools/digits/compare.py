#!/usr/bin/python3
"""Handwritten digits, nonlin against PyTorch and scikit-learn in one run: the same 64-32-10 network
(ReLU, softmax, cross-entropy), the same split (tests/data/digits.safetensors), the same optimisers,
batches of 32 and 100 epochs, five seeds each; writes the table into docs/training.md between the
"digits table" markers.

    /usr/bin/python3 tools/digits/compare.py build/examples/digits [--seeds 5] [--no-write]

The nonlin runs are the example program (examples/digits.cpp); its reported time covers nl::fit.
PyTorch runs on one thread (torch.set_num_threads(1)), torch.optim with the same settings, a
torch.randperm shuffle every epoch; its time covers the epochs' loop. scikit-learn's MLPClassifier
gets the same hidden layer, solver, rate, batch size and epochs (alpha=0, no early stop); its time
covers fit(). Times are the median over the seeds, accuracies the mean and the sample standard
deviation.
"""
import argparse
import json
import os
import platform
import re
import shlex
import statistics
import struct
import subprocess
import sys
import time
import warnings

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, 'tests', 'data', 'digits.safetensors')
DOC = os.path.join(ROOT, 'docs', 'training.md')
OPTIMISERS = [('sgd', 'SGD, lr 0.1'), ('momentum', 'SGD, lr 0.01, momentum 0.9'), ('adam', 'Adam, lr 1e-3')]


def read_safetensors(path):
    with open(path, 'rb') as f:
        raw = f.read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, t in header.items():
        if name == '__metadata__':
            continue
        assert t['dtype'] == 'F16'
        b, e = t['data_offsets']
        out[name] = np.frombuffer(raw[8 + n + b:8 + n + e], dtype='<f2').astype(np.float32).reshape(t['shape'])
    return out


def run_nonlin(binary, seed):
    text = subprocess.run([binary, '--seed', str(seed), '--data', DATA], check=True, capture_output=True,
                          text=True).stdout
    results = {}
    for line in text.splitlines():
        fields = dict(kv.split('=') for kv in line.split())
        results[fields['optimizer']] = (float(fields['test_accuracy']), float(fields['train_seconds']))
    return results


def run_torch(d, kind, seed, epochs=100):
    import torch
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    x = torch.from_numpy(d['train.x'] / 16.0)
    y = torch.from_numpy(d['train.y'].astype(np.int64))
    model = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
    if kind == 'sgd':
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
    elif kind == 'momentum':
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = x.shape[0]
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(n)
        for first in range(0, n, 32):
            rows = order[first:first + 32]
            opt.zero_grad()
            loss = loss_fn(model(x[rows]), y[rows])
            loss.backward()
            opt.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        predicted = model(torch.from_numpy(d['test.x'] / 16.0)).argmax(dim=1).numpy()
    return float((predicted == d['test.y'].astype(np.int64)).mean()), seconds


def run_sklearn(d, kind, seed, epochs=100):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    settings = {'sgd': dict(solver='sgd', learning_rate_init=0.1, momentum=0.0),
                'momentum': dict(solver='sgd', learning_rate_init=0.01, momentum=0.9, nesterovs_momentum=False),
                'adam': dict(solver='adam', learning_rate_init=1e-3)}[kind]
    model = MLPClassifier(hidden_layer_sizes=(32,), activation='relu', alpha=0.0, batch_size=32, max_iter=epochs,
                          shuffle=True, random_state=seed, tol=0.0, n_iter_no_change=epochs + 1,
                          learning_rate='constant', **settings)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', ConvergenceWarning)
        model.fit(d['train.x'] / 16.0, d['train.y'].astype(np.int64))
    seconds = time.perf_counter() - start
    return float(model.score(d['test.x'] / 16.0, d['test.y'].astype(np.int64))), seconds


def machine():
    try:
        text = subprocess.run(['lscpu'], capture_output=True, text=True).stdout
        model = re.search(r'Model name:\s*(.+)', text).group(1).strip()
        cpus = re.search(r'^CPU\(s\):\s*(\d+)', text, re.M).group(1)
        return f'{model}, {cpus} CPUs ({platform.machine()})'
    except (OSError, AttributeError):
        return platform.processor() or platform.machine()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('binary', help='the digits example, e.g. build/examples/digits')
    parser.add_argument('--seeds', type=int, default=5)
    parser.add_argument('--no-write', action='store_true', help='print the table only')
    parser.add_argument('--machine', help='the machine as the table names it (default: from lscpu)')
    args = parser.parse_args()
    import sklearn
    import torch
    d = read_safetensors(DATA)
    seeds = list(range(args.seeds))
    results = {}  # (framework, optimiser) -> [(accuracy, seconds)]
    for seed in seeds:
        for kind, value in run_nonlin(args.binary, seed).items():
            results.setdefault(('nonlin', kind), []).append(value)
        for kind, _ in OPTIMISERS:
            results.setdefault(('PyTorch, 1 thread', kind), []).append(run_torch(d, kind, seed))
            results.setdefault(('scikit-learn MLPClassifier', kind), []).append(run_sklearn(d, kind, seed))
        print(f'seed {seed} done', file=sys.stderr)

    lines = ['| optimiser | library | test accuracy (mean ± sd) | min … max | training wall time per run (median) | time / nonlin\'s |',
             '|---|---|---|---|---|---|']
    for kind, label in OPTIMISERS:
        base = statistics.median(s for _, s in results[('nonlin', kind)])
        for framework in ('nonlin', 'PyTorch, 1 thread', 'scikit-learn MLPClassifier'):
            runs = results[(framework, kind)]
            acc = [a for a, _ in runs]
            t = statistics.median(s for _, s in runs)
            lines.append(f'| {label} | {framework} | {statistics.mean(acc):.4f} ± {(statistics.stdev(acc) if len(acc) > 1 else 0.0):.4f} | '
                         f'{min(acc):.4f} … {max(acc):.4f} | {t * 1000:.0f} ms | {t / base:.1f}× |')
    table = '\n'.join(lines)
    note = (f'Measured on {args.machine or machine()}, shared with other work; torch {torch.__version__}, scikit-learn '
            f'{sklearn.__version__}, Python {platform.python_version()}; {len(seeds)} seeds (0 … {len(seeds) - 1}); '
            f'`/usr/bin/python3 tools/digits/compare.py {shlex.join(sys.argv[1:])}`.')
    block = f'{table}\n\n{note}'
    print(block)
    if args.no_write:
        return
    with open(DOC) as f:
        doc = f.read()
    begin, end = '<!-- digits table begin -->', '<!-- digits table end -->'
    if begin not in doc or end not in doc:
        sys.exit(f'compare.py: {DOC} has no "{begin}" … "{end}" markers')
    head, rest = doc.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(DOC, 'w') as f:
        f.write(f'{head}{begin}\n{block}\n{end}{tail}')


if __name__ == '__main__':
    main()
