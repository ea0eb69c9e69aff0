#!/usr/bin/python3
"""Writes tests/golden/nonfinite/networks.json: what PyTorch gives for NaN, +inf and -inf inputs to
small networks of every nonlin activation (read by tests/nonfinite.cpp; the test never needs torch).

Run from anywhere:  /usr/bin/python3 tools/golden/make_nonfinite_golden.py

Each network is torch.nn.Linear layers with the activation module after each (nn.LeakyReLU(0.1),
nn.ELU(1.0), nn.Softmax(dim=-1), none for identity), evaluated in float32 on one batch. The weights
are small dyadic numbers, so that every finite product and sum is exact and only the activations
round; they are chosen so that non-finite values reach every case:
  - a zero weight in front of an infinite input: 0 * inf = NaN in IEEE, in torch and in nonlin;
  - weights of both signs, so that +inf turns into -inf and inf - inf = NaN;
  - two-layer networks with tanh in between, which saturates ±inf to ±1 (finite outputs from
    infinite inputs) and passes NaN on;
  - softmax rows holding a +inf logit, a -inf logit next to finite ones (from a finite input of
    3e38 times 2, which overflows, and from a bias of -inf, a masked class), only -inf, and NaN;
  - an identity run (dense<3> -> dense<2>), which nonlin's forward merges into one layer for large
    batches; and 17-input networks, which take the dot-product path of m(x) and the blocked batch
    kernel.
The inputs of an n-input network: every position holding NaN, +inf, -inf (and, for the softmax
networks, ±3e38) with finite values elsewhere, pairs of non-finite values, and finite rows.

JSON: finite numbers are JSON numbers (float32 values, printed so that they read back exactly);
NaN, +inf and -inf are the strings "nan", "inf" and "-inf".
  {"torch": version, "networks": {KEY: {"type": nonlin type as nl::detail::network_type_name("nl::")
   spells it, "layers": [{"activation": name, "weight": [[out][in]], "bias": [out]}, ...],
   "inputs": [[in] per sample], "outputs": [[out] per sample]}}}
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn

OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tests', 'golden',
                                    'nonfinite'))
INF = float('inf')
NAN = float('nan')
HUGE = float(np.float32(3e38))  # finite; times 2 it overflows to infinity

# nonlin's spelling of each activation, and torch's module for it.
ACTIVATIONS = {
    'identity': (None, lambda: None),
    'relu': ('nl::relu', nn.ReLU),
    'leaky_relu': ('nl::leaky_relu<0.1f>', lambda: nn.LeakyReLU(0.1)),
    'elu': ('nl::elu<1.0f>', lambda: nn.ELU(1.0)),
    'sigmoid': ('nl::sigmoid', nn.Sigmoid),
    'tanh': ('nl::tanh', nn.Tanh),
    'softmax': ('nl::softmax<1.0f>', lambda: nn.Softmax(dim=-1)),
}


def json_value(v):
    if math.isnan(v):
        return 'nan'
    if math.isinf(v):
        return 'inf' if v > 0 else '-inf'
    return v  # a float32 value held exactly by a Python float; repr reads back to the same bits


def type_name(inputs, layers):
    s = f'nl::network<nl::input<{inputs}>'
    for activation, weight, _ in layers:
        cpp = ACTIVATIONS[activation][0]
        s += f', nl::dense<{len(weight)}' + (f', {cpp}>' if cpp else '>')
    return s + '>'


def input_rows(n, specials, fills, pairs=None):
    """Every position holding each special value, the others from each fill row; then pairs of
    non-finite values (at the given position pairs, all pairs when None); then the fill rows."""
    rows = []
    for p in range(n):
        for s in specials:
            for fill in fills:
                row = list(fill)
                row[p] = s
                rows.append(row)
    pairs = [(p, q) for p in range(n) for q in range(p + 1, n)] if pairs is None else pairs
    for p, q in pairs:
        for s in (NAN, INF, -INF):
            for t in (NAN, INF, -INF):
                row = list(fills[0])
                row[p], row[q] = s, t
                rows.append(row)
    return rows + [list(f) for f in fills]


def classify(v):
    return 'nan' if math.isnan(v) else ('+inf' if v == INF else ('-inf' if v == -INF else 'finite'))


def evaluate(layers, x):
    modules = []
    for activation, weight, bias in layers:
        linear = nn.Linear(len(weight[0]), len(weight))
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(weight, dtype=torch.float32))
            linear.bias.copy_(torch.tensor(bias, dtype=torch.float32))
        modules.append(linear)
        act = ACTIVATIONS[activation][1]()
        if act is not None:
            modules.append(act)
    model = nn.Sequential(*modules)
    with torch.no_grad():
        batch = torch.tensor(x, dtype=torch.float32)
        y = model(batch).tolist()
        # The test evaluates each row alone (m(x)) and in batches of 37 and 200 repeated rows: torch
        # must give a row the same result in all of those, or one stored output would not do.
        alone = [model(torch.tensor(r, dtype=torch.float32)).tolist() for r in x]
        repeated = model(batch.repeat(200 // len(x) + 1, 1)[:200]).tolist()
    for k, row in enumerate(alone + repeated):
        i = k if k < len(x) else (k - len(x)) % len(x)
        for j, other in enumerate(row):
            v = y[i][j]
            assert classify(other) == classify(v), (x[i], j, v, other)
            assert not math.isfinite(v) or abs(other - v) <= 1e-6 * max(1.0, abs(v)), (x[i], j, v, other)
    return y


def network(inputs, layers, x):
    for _, weight, bias in layers:
        assert all(len(r) == len(weight[0]) for r in weight) and len(bias) == len(weight)
        assert all(float(np.float32(v)) == v or not math.isfinite(v) for r in weight for v in r + bias)
    assert len(layers[0][1][0]) == inputs and all(len(r) == inputs for r in x)
    y = evaluate(layers, x)
    return {
        'type': type_name(inputs, layers),
        'layers': [{'activation': a, 'weight': [[json_value(v) for v in r] for r in w],
                    'bias': [json_value(v) for v in b]} for a, w, b in layers],
        'inputs': [[json_value(v) for v in r] for r in x],
        'outputs': [[json_value(v) for v in r] for r in y],
    }


# input<2> -> dense<3, act>: row 0 weighs x1 by 0 (0 * inf = NaN for x1 = ±inf), row 2 weighs x0 by
# 0; row 1 mixes signs (x0 = x1 = inf gives inf - inf = NaN; x1 = +inf gives -inf).
W_2_3 = [[1.0, 0.0], [0.5, -1.0], [0.0, -0.25]]
B_2_3 = [0.25, -0.5, 1.0]
# input<2> -> dense<3, tanh> -> dense<2, act>: unit 0 of the hidden layer weighs x1 by 0, so x1 = ±inf
# makes it NaN and every output NaN; x0 = ±inf saturates all three units to ±1 and the outputs are
# finite. The output layer has a zero weight too (0 * NaN = NaN as well).
W_HIDDEN = [[1.0, 0.0], [0.5, -1.0], [-0.75, 0.25]]
B_HIDDEN = [0.25, -0.5, 0.125]
W_2_OUT = [[0.5, -0.25, 1.0], [0.0, 1.5, -0.5]]
B_2_OUT = [0.125, -0.25]
W_3_OUT = [[0.5, -0.25, 1.0], [0.0, 1.5, -0.5], [-1.0, 0.0, 0.75]]
B_3_OUT = [0.125, -0.25, 0.5]
# input<3> -> dense<4, softmax>: column 0 is all positive (x0 = -inf: every logit -inf; x0 = +inf: every
# logit +inf); x0 = ±3e38 overflows logit 2 alone (2 * 3e38) to ±inf, next to finite logits;
# column 1 has one non-zero weight, 2: x1 = -3e38 makes logit 1 -inf next to small finite logits,
# x1 = 3e38 makes it +inf; x1 = ±inf makes the three others NaN (0 * inf); column 2 has mixed signs.
W_SOFTMAX_3_4 = [[1.0, 0.0, -1.0], [0.5, 2.0, 0.5], [2.0, 0.0, 0.0], [0.25, 0.0, 1.0]]
B_SOFTMAX_3_4 = [0.25, -0.5, 1.0, 0.0]
# input<2> -> dense<3, softmax> with a bias of -inf: class 1 is masked, -inf next to finite logits for
# every finite input (and -inf + inf = NaN for x0 = +inf).
W_MASKED = [[1.0, -0.5], [0.5, 0.25], [0.0, 1.0]]
B_MASKED = [0.0, -INF, 0.5]


def wide_weights(rng, rows, columns, zero_columns, density=1.0):
    """Dyadic weights in ±{0.25, 0.5, 1}: a zero in each of `zero_columns` (0 * inf = NaN) and none in
    the other columns, which keep their infinities; with density < 1, zeros anywhere."""
    values = np.array([-1.0, -0.5, -0.25, 0.25, 0.5, 1.0])
    w = rng.choice(values, size=(rows, columns))
    if density < 1.0:
        w[rng.random((rows, columns)) > density] = 0.0
    for c in zero_columns:
        w[rng.integers(rows), c] = 0.0
    return w.tolist()


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    specials = [NAN, INF, -INF]
    fills_2 = [[0.5, -1.5], [-1.5, 0.25]]
    networks = {}
    for act in ('identity', 'relu', 'leaky_relu', 'elu', 'sigmoid', 'tanh'):
        networks[f'{act}_2_3'] = network(2, [(act, W_2_3, B_2_3)], input_rows(2, specials, fills_2))
        networks[f'tanh_{act}_2_3_2'] = network(2, [('tanh', W_HIDDEN, B_HIDDEN), (act, W_2_OUT, B_2_OUT)],
                                                input_rows(2, specials, fills_2))
    # The identity run that forward merges (W' = W2·W1) once a batch is large enough.
    networks['identity_identity_2_3_2'] = network(
        2, [('identity', W_HIDDEN, B_HIDDEN), ('identity', W_2_OUT, B_2_OUT)], input_rows(2, specials, fills_2))
    fills_3 = [[0.5, -1.5, 1.0], [-1.5, 0.25, 0.5]]
    networks['softmax_3_4'] = network(3, [('softmax', W_SOFTMAX_3_4, B_SOFTMAX_3_4)],
                                      input_rows(3, specials + [HUGE, -HUGE], fills_3))
    networks['softmax_masked_2_3'] = network(2, [('softmax', W_MASKED, B_MASKED)],
                                             input_rows(2, specials, fills_2))
    networks['tanh_softmax_2_3_3'] = network(2, [('tanh', W_HIDDEN, B_HIDDEN), ('softmax', W_3_OUT, B_3_OUT)],
                                             input_rows(2, specials, fills_2))
    # 17 inputs: m(x) reads the layer as dot products of 16-float packs, and 17 + 20 columns exceed
    # the register kernel, so forward takes the blocked kernel.
    rng = np.random.default_rng(20240611)
    fills_17 = [[float(v) for v in rng.choice([-1.5, -0.5, 0.25, 0.5, 1.0], 17)] for _ in range(2)]
    pairs_17 = [(0, 1), (3, 16), (7, 12)]
    networks['wide_leaky_relu_17_20'] = network(
        17, [('leaky_relu', wide_weights(rng, 20, 17, range(0, 17, 2)), [float(b) for b in rng.choice([-0.5, 0.0, 0.25], 20)])],
        input_rows(17, specials, fills_17[:1], pairs_17) + fills_17[1:])
    networks['wide_tanh_softmax_17_20_10'] = network(
        17, [('tanh', wide_weights(rng, 20, 17, range(0, 6)), [float(b) for b in rng.choice([-0.5, 0.0, 0.25], 20)]),
             ('softmax', wide_weights(rng, 10, 20, [], density=0.2), [float(b) for b in rng.choice([-0.25, 0.0, 0.5], 10)])],
        input_rows(17, specials, fills_17[:1], pairs_17) + fills_17[1:])
    path = os.path.join(OUT, 'networks.json')
    with open(path, 'w') as f:
        f.write('{"generator": "tools/golden/make_nonfinite_golden.py", ')
        f.write(f'"torch": {json.dumps(torch.__version__)}, "networks": {{\n')
        # One network per line block, one sample per line: small, and a diff shows what changed.
        for n, (key, net) in enumerate(networks.items()):
            f.write(f'{json.dumps(key)}: {{"type": {json.dumps(net["type"])},\n "layers": [\n')
            f.write(',\n'.join('  ' + json.dumps(layer) for layer in net['layers']))
            f.write('],\n "inputs": [\n')
            f.write(',\n'.join('  ' + json.dumps(r) for r in net['inputs']))
            f.write('],\n "outputs": [\n')
            f.write(',\n'.join('  ' + json.dumps(r) for r in net['outputs']))
            f.write(']}' + (',' if n + 1 < len(networks) else '') + '\n')
        f.write('}}\n')
    json.load(open(path))  # what was written is JSON
    print(f'wrote {path}: {len(networks)} networks, {os.path.getsize(path)} bytes')


if __name__ == '__main__':
    main()
