#!/usr/bin/python3
"""Writes tests/golden/activations/*.txt: PyTorch's activations, their derivatives (autograd) and
softmax with temperature, each in float32 (what torch users get) and in float64 (the reference
that decides where float32 torch is less accurate than nonlin claims to be).

Run from anywhere:  /usr/bin/python3 tools/golden/make_activation_golden.py

Format (read by tests/activations_golden.cpp): '#' starts a comment; numbers are written with
float.hex() (exact, and read by strtod), or inf, -inf, nan.
  Elementwise files: one line per input, "x y32 dy32 y64 dy64", where x is a float32 value, y32
  and dy32 are torch's float32 value and derivative, y64 and dy64 those of torch in float64 at the
  same x (parameters rounded to float32 first, as nonlin's float template parameters are).
  Softmax files (one per temperature T): blocks of five lines per row,
    z   n z_1 ... z_n        logits (float32)
    g   g_1 ... g_n          an upstream gradient for the backward check
    p32 / p64 ...            softmax(z / T) in float32 / float64
    dz32 / dz64 ...          d(sum(g * softmax(z / T)))/dz in float32 / float64 (autograd)
"""
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tests', 'golden',
                   'activations')
INF = float('inf')
NAN = float('nan')


def f32(v):
    """The float32 value nearest to v, as a Python float."""
    return float(np.float32(v))


def hexs(values):
    return ' '.join(v.hex() if math.isfinite(v) else ('nan' if math.isnan(v) else
                                                     ('inf' if v > 0 else '-inf'))
                    for v in values)


def elementwise_inputs():
    xs = [0.0, -0.0, INF, -INF, NAN]
    # Tiny (subnormal to 1e-4), moderate, saturation and huge magnitudes, both signs.
    magnitudes = [1e-45, 1e-40, 1.1754944e-38, 1e-30, 1e-10, 1e-7, 6e-8, 1e-5, 1e-4, 1e-3, 0.01,
                  0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.5, 8.0, 9.0, 10.0, 12.0, 15.0,
                  16.0, 17.0, 20.0, 30.0, 40.0, 50.0, 87.0, 88.5, 89.0, 100.0, 104.0, 110.0, 1e3,
                  1e4, 1e10, 1e30, 3.4028235e38]
    for m in magnitudes:
        xs += [f32(m), f32(-m)]
    # The neighbours of the kink.
    for k in (1, 2, 1000):
        xs += [float(np.nextafter(np.float32(0), np.float32(1)) * k),
               -float(np.nextafter(np.float32(0), np.float32(1)) * k)]
    # Log-uniform magnitudes between 2^-20 and 2^7, random signs: the region where results are
    # neither trivial nor saturated.
    rng = np.random.default_rng(20240607)
    for _ in range(120):
        xs.append(f32(rng.choice([-1.0, 1.0]) * 2.0 ** rng.uniform(-20, 7)))
    return xs


def value_and_derivative(fn, xs, dtype):
    x = torch.tensor(xs, dtype=dtype, requires_grad=True)
    y = fn(x)
    y.backward(torch.ones_like(y))
    return y.detach().tolist(), x.grad.tolist()


def write_elementwise(name, description, fn32, fn64):
    xs = elementwise_inputs()
    y32, d32 = value_and_derivative(fn32, xs, torch.float32)
    y64, d64 = value_and_derivative(fn64, xs, torch.float64)
    with open(os.path.join(OUT, name + '.txt'), 'w') as f:
        f.write(f'# {description}\n# torch {torch.__version__}; x y32 dy32 y64 dy64\n')
        for row in zip(xs, y32, d32, y64, d64):
            f.write(hexs(row) + '\n')


def softmax_rows():
    rng = np.random.default_rng(7)
    rows = [
        [1.0, 2.0, 3.0],
        # a 10-class logit vector like the lecture's
        [2.0, 1.0, 0.1, 5.0, 3.2, -1.0, 0.5, 4.1, -2.3, 1.7],
        [f32(v) for v in rng.normal(0.0, 1.0, 17)],
        [f32(v) for v in rng.normal(0.0, 10.0, 40)],
        [0.0, 0.0, 0.0, 0.0],
        [5.0],
        [-100.0, 0.0, 100.0],
        [1e30, -1e30, 0.0],
        [f32(3e38), f32(3e38), 0.0],
        [f32(-3e38), f32(3e38), f32(-3e38)],
        [-INF, 1.0, 2.0],
        [-INF, -INF, 1.0],
        [INF, 1.0, 2.0],
        [INF, INF, 1.0],
        [INF, -INF, 1.0],
        [-INF, -INF, -INF],
        [NAN, 1.0, 2.0],
        [INF, NAN, 1.0],
        [-INF, -INF, NAN],
        [-INF] + [f32(v) for v in rng.normal(0.0, 3.0, 32)],
    ]
    grads = [[f32(v) for v in rng.normal(0.0, 1.0, len(r))] for r in rows]
    return rows, grads


def softmax_with_grad(z, g, t, dtype):
    x = torch.tensor(z, dtype=dtype, requires_grad=True)
    # float32 torch divides by the float32 temperature; float64 by the same value, exactly.
    p = torch.softmax(x / t, dim=-1)
    (p * torch.tensor(g, dtype=dtype)).sum().backward()
    return p.detach().tolist(), x.grad.tolist()


def write_softmax(t):
    t32 = f32(t)
    rows, grads = softmax_rows()
    with open(os.path.join(OUT, f'softmax_T{t:g}.txt'), 'w') as f:
        f.write(f'# torch.softmax(z / T) at T = {t:g} (float32 {t32.hex()}), torch {torch.__version__}\n')
        f.write('# blocks: z n values / g / p32 / p64 / dz32 / dz64\n')
        for z, g in zip(rows, grads):
            p32, d32 = softmax_with_grad(z, g, t32, torch.float32)
            p64, d64 = softmax_with_grad(z, g, t32, torch.float64)
            f.write(f'z {len(z)} {hexs(z)}\ng {hexs(g)}\np32 {hexs(p32)}\np64 {hexs(p64)}\n'
                    f'dz32 {hexs(d32)}\ndz64 {hexs(d64)}\n')


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    write_elementwise('sigmoid', 'torch.sigmoid', torch.sigmoid, torch.sigmoid)
    write_elementwise('tanh', 'torch.tanh', torch.tanh, torch.tanh)
    write_elementwise('relu', 'torch.relu', torch.relu, torch.relu)
    for slope in (0.01, 0.1):
        s = f32(slope)
        write_elementwise(f'leaky_relu_{slope:g}', f'F.leaky_relu(x, {slope:g}) (float32 slope {s.hex()})',
                          lambda x, s=s: F.leaky_relu(x, s), lambda x, s=s: F.leaky_relu(x, s))
    for alpha in (1.0, 0.3):
        a = f32(alpha)
        write_elementwise(f'elu_{alpha:g}', f'F.elu(x, {alpha:g}) (float32 alpha {a.hex()})',
                          lambda x, a=a: F.elu(x, a), lambda x, a=a: F.elu(x, a))
    for t in (0.01, 0.5, 1.0, 2.0, 5.0):
        write_softmax(t)


if __name__ == '__main__':
    main()
