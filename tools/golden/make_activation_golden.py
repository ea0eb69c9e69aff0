#!/usr/bin/python3
"""Writes tests/golden/activations/*.txt: PyTorch's activations, their derivatives (autograd) and
softmax with temperature, each in float32 (what torch users get) and in float64 (the reference
that decides where float32 torch is less accurate than nonlin claims to be).

Run from anywhere:  /usr/bin/python3 tools/golden/make_activation_golden.py

Format (read by tests/activations_golden.cpp): '#' starts a comment; numbers are written with
float.hex() (exact, and read by strtod), or inf, -inf, nan.
  Elementwise files: one line per input, "x y32 dy32 y64 dy64", where x is a float32 value, y32
  and dy32 are torch's float32 value and derivative (autograd), y64 and dy64 those of torch in
  float64 at the same x (parameters rounded to float32 first, as nonlin's float template parameters
  are). torch's backward of sigmoid and tanh works from the rounded output, y(1 - y) and 1 - y^2,
  which is 0 wherever y rounds to 1 even in float64 (|x| > 18.7 for tanh): their float64
  derivatives are therefore computed from x instead, as sigmoid(x) * sigmoid(-x) and cosh(x)^-2.
  Likewise torch's elu computes exp(x) - 1, which is 0 for |x| < 1.1e-16 even in float64: the
  float64 elu value is alpha * expm1(x) for x <= 0 (+ 0.0, so that elu(-0) = +0 as torch's).
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


def value_and_derivative(fn, xs, dtype, value=None, derivative=None):
    x = torch.tensor(xs, dtype=dtype, requires_grad=True)
    y = fn(x)
    y.backward(torch.ones_like(y))
    y = y.detach() if value is None else value(x.detach())
    dy = x.grad if derivative is None else derivative(x.detach())
    return y.tolist(), dy.tolist()


def write_elementwise(name, description, fn, value64=None, derivative64=None):
    xs = elementwise_inputs()
    y32, d32 = value_and_derivative(fn, xs, torch.float32)
    y64, d64 = value_and_derivative(fn, xs, torch.float64, value64, derivative64)
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
    # Both precisions must see the same inputs: the float32 values.
    rows = [[f32(v) for v in r] for r in rows]
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
    write_elementwise('sigmoid', 'torch.sigmoid; dy64 = sigmoid(x) * sigmoid(-x)', torch.sigmoid,
                      derivative64=lambda x: torch.sigmoid(x) * torch.sigmoid(-x))
    write_elementwise('tanh', 'torch.tanh; dy64 = cosh(x)^-2', torch.tanh,
                      derivative64=lambda x: torch.cosh(x).pow(-2))
    write_elementwise('relu', 'torch.relu', torch.relu)
    for slope in (0.01, 0.1):
        s = f32(slope)
        write_elementwise(f'leaky_relu_{slope:g}', f'F.leaky_relu(x, {slope:g}) (float32 slope {s.hex()})',
                          lambda x, s=s: F.leaky_relu(x, s))
    for alpha in (1.0, 0.3):
        a = f32(alpha)
        write_elementwise(f'elu_{alpha:g}',
                          f'F.elu(x, {alpha:g}) (float32 alpha {a.hex()}); y64 = alpha * expm1(x) for x <= 0',
                          lambda x, a=a: F.elu(x, a),
                          value64=lambda x, a=a: torch.where(x > 0, x, a * torch.expm1(x) + 0.0))
    for t in (0.01, 0.5, 1.0, 2.0, 5.0):
        write_softmax(t)


if __name__ == '__main__':
    main()
