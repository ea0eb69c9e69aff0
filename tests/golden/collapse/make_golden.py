#!/usr/bin/env python3
"""Golden data for the collapse tests: a 4-16-16-3 network without activations, made by PyTorch.

Writes linear_net.txt: the float32 weights and biases (torch.nn.Linear layout, [out][in]), 64 input
rows, and the outputs PyTorch computes from the same float32 weights in float64 (the reference the
test measures rounding against) and in float32 (what torch itself gets in single precision).
Run with /usr/bin/python3 from this directory; the test suite reads the text file only.
"""
import torch

torch.manual_seed(7)
net = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Linear(16, 16), torch.nn.Linear(16, 3))
x = torch.randn(64, 4) * 2.0

with torch.no_grad():
    out32 = net(x)
    out64 = net.double()(x.double())


def rows(name, tensor, fmt):
    flat = tensor.reshape(-1).tolist()
    return [f"{name} {len(flat)}", " ".join(fmt % v for v in flat)]


lines = ["# 4-16-16-3 linear network (no activations), torch.manual_seed(7); float32 weights,",
         "# outputs in float64 and float32. Written by make_golden.py."]
net32 = net.float()
for k, layer in enumerate(net32):
    lines += rows(f"{k}.weight", layer.weight, "%.9g")
    lines += rows(f"{k}.bias", layer.bias, "%.9g")
lines += rows("input", x, "%.9g")
lines += rows("output_float64", out64, "%.17g")
lines += rows("output_float32", out32, "%.9g")
with open("linear_net.txt", "w") as f:
    f.write("\n".join(lines) + "\n")
