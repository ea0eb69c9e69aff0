#!/usr/bin/python3
"""Exports a torch.nn.Sequential of Linear layers and activations to safetensors for nonlin, and prints
the nonlin type that loads it. Also regenerates the golden networks the test suite compares against.

Usage:
  /usr/bin/python3 tools/export_network.py MODEL.pt OUT.safetensors
      MODEL.pt holds a whole module, saved with torch.save(model, "MODEL.pt").
  /usr/bin/python3 tools/export_network.py --golden tests/golden/networks
      Writes every golden network (weights, inputs, float32 and float64 outputs) with fixed seeds.

As a library (tools/ on sys.path):
  from export_network import export, SoftmaxWithTemperature
  print(export(torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.Sigmoid()), "model.safetensors"))
  # nl::network<nl::input<2>, nl::dense<1, nl::sigmoid>>

Supported modules: Linear, Sigmoid, Tanh, ReLU, LeakyReLU(slope), ELU(alpha), Softmax(dim=-1) and
SoftmaxWithTemperature(T) (softmax(x / T)); Identity and Dropout are no-ops at inference and skipped.
Tensor names are the Sequential's own state_dict names ("0.weight", "0.bias", "2.weight", ...), which
nl::load_safetensors maps to layers in order of index. Needs only torch (Debian's python3-torch); the
safetensors container is written by hand, so the safetensors package is not required.
"""

import argparse
import copy
import json
import math
import struct
import sys
from pathlib import Path

import torch
from torch import nn


class SoftmaxWithTemperature(nn.Module):
    """softmax(x / T) over the last dimension: nonlin's softmax<T>."""

    def __init__(self, temperature=1.0):
        super().__init__()
        self.temperature = float(temperature)

    def forward(self, x):
        return torch.softmax(x / self.temperature, dim=-1)

    def extra_repr(self):
        return f"temperature={self.temperature}"


# ----------------------------------------------------------------------------------------------------
# The safetensors container

_DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16"}
_DTYPE_SIZES = {"F32": 4, "F64": 8, "F16": 2, "BF16": 2}


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: tensor} as safetensors: 8-byte little-endian header length, JSON header padded with
    spaces to a multiple of 8 bytes, then the tensors back to back in the order given (little-endian)."""
    if sys.byteorder != "little":
        raise RuntimeError("write_safetensors writes raw tensor memory, which must be little-endian")
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, tensor in tensors.items():
        tensor = tensor.detach().contiguous().cpu()
        if tensor.dtype not in _DTYPES:
            raise ValueError(f"{name}: dtype {tensor.dtype} is not one of {list(_DTYPES)}")
        data = tensor.view(torch.uint8).numpy().tobytes() if tensor.numel() else b""
        header[name] = {"dtype": _DTYPES[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for chunk in chunks:
            f.write(chunk)


def read_safetensors(path):
    """The inverse of write_safetensors, for F32/F64/F16/BF16: ({name: tensor}, metadata)."""
    raw = Path(path).read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    metadata = header.pop("__metadata__", {})
    by_name = {v: k for k, v in _DTYPES.items()}
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        buffer = bytearray(raw[8 + length + begin:8 + length + end])
        flat = torch.frombuffer(buffer, dtype=by_name[entry["dtype"]]) if buffer else torch.empty(0, dtype=by_name[entry["dtype"]])
        tensors[name] = flat.reshape(entry["shape"]).clone()
    return tensors, metadata


# ----------------------------------------------------------------------------------------------------
# From a Sequential to a nonlin type

def _float_literal(x):
    """A C++ float literal for a template argument: 0.1 -> 0.1f, 2 -> 2.0f."""
    text = repr(float(x))
    return (text if ("." in text or "e" in text) else text + ".0") + "f"


def nonlin_activation(module):
    """The nonlin activation for a torch module, or None if the module is not an activation."""
    if isinstance(module, nn.Sigmoid):
        return "nl::sigmoid"
    if isinstance(module, nn.Tanh):
        return "nl::tanh"
    if isinstance(module, nn.ReLU):
        return "nl::relu"
    if isinstance(module, nn.LeakyReLU):
        return f"nl::leaky_relu<{_float_literal(module.negative_slope)}>"
    if isinstance(module, nn.ELU):
        return f"nl::elu<{_float_literal(module.alpha)}>"
    if isinstance(module, nn.Softmax):
        if module.dim not in (-1, 1):
            raise ValueError(f"Softmax(dim={module.dim}): nonlin's softmax normalises each row (dim=-1)")
        return "nl::softmax<1.0f>"
    if isinstance(module, SoftmaxWithTemperature):
        return f"nl::softmax<{_float_literal(module.temperature)}>"
    return None


def nonlin_layers(model):
    """[(inputs, outputs, activation)] for a Sequential, checking that nonlin can represent it."""
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"expected torch.nn.Sequential, found {type(model).__name__}")
    layers = []
    for index, module in model.named_children():
        if isinstance(module, nn.Linear):
            if module.bias is None:
                raise ValueError(f"module {index}: Linear without bias; nonlin's dense layers always have one")
            if layers and layers[-1][1] != module.in_features:
                raise ValueError(f"module {index}: Linear takes {module.in_features} inputs, "
                                 f"the previous layer gives {layers[-1][1]}")
            layers.append([module.in_features, module.out_features, None])
        elif isinstance(module, (nn.Identity, nn.Dropout)):
            continue
        else:
            activation = nonlin_activation(module)
            if activation is None:
                raise ValueError(f"module {index}: {type(module).__name__} has no nonlin counterpart")
            if not layers:
                raise ValueError(f"module {index}: an activation before the first Linear")
            if layers[-1][2] is not None:
                raise ValueError(f"module {index}: two activations after one Linear")
            layers[-1][2] = activation
    if not layers:
        raise ValueError("the Sequential has no Linear layer")
    for k, layer in enumerate(layers[:-1]):
        if layer[2] and layer[2].startswith("nl::softmax"):
            raise ValueError(f"layer {k}: nonlin allows softmax only on the last layer")
    return [tuple(layer) for layer in layers]


def nonlin_type(model):
    """The C++ declaration: nl::network<nl::input<2>, nl::dense<2, nl::tanh>, nl::dense<1>>."""
    layers = nonlin_layers(model)
    parts = [f"nl::input<{layers[0][0]}>"]
    for _, outputs, activation in layers:
        parts.append(f"nl::dense<{outputs}, {activation}>" if activation else f"nl::dense<{outputs}>")
    return "nl::network<" + ", ".join(parts) + ">"


def export(model, path, dtype=torch.float32, metadata=None):
    """Writes the Sequential's Linear weights (state_dict names) to `path` and returns its nonlin type."""
    declaration = nonlin_type(model)
    state = model.state_dict()
    unexpected = [name for name in state if not name.endswith((".weight", ".bias"))]
    if unexpected:
        raise ValueError(f"state_dict entries nonlin cannot load: {unexpected}")
    tensors = {name: tensor.to(dtype) for name, tensor in state.items()}
    write_safetensors(path, tensors, {"format": "pt", "nonlin_type": declaration, **(metadata or {})})
    return declaration


# ----------------------------------------------------------------------------------------------------
# Golden networks: one function per network returns (model, inputs). To add one, write a function and
# list it in GOLDEN; everything derived from the model (outputs, later gradients) is computed in main.

BATCH = 64


def _scaled(model, gain):
    # torch's default Linear initialisation keeps small networks nearly linear; a gain makes the
    # activations bend (tanh and sigmoid reach their saturated regions) so the comparison means something.
    with torch.no_grad():
        for module in model:
            if isinstance(module, nn.Linear):
                module.weight.mul_(gain)
                module.bias.mul_(gain)
    return model


def _lecture(hidden):
    """The lecture's classifier: Dense(hidden, tanh), Dense(2, tanh), Dense(1, sigmoid)."""
    def make():
        torch.manual_seed(100 + hidden)
        model = _scaled(nn.Sequential(nn.Linear(2, hidden), nn.Tanh(), nn.Linear(hidden, 2), nn.Tanh(),
                                      nn.Linear(2, 1), nn.Sigmoid()), 3.0)
        inputs = torch.rand(BATCH, 2) * 6 - 3
        return model, inputs
    return make


def relu_16_32_32_1():
    torch.manual_seed(16)
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 1))
    return model, torch.randn(BATCH, 16)


def elu_leaky_softmax_8_16_16_10():
    torch.manual_seed(8)
    model = _scaled(nn.Sequential(nn.Linear(8, 16), nn.ELU(alpha=1.0), nn.Linear(16, 16), nn.LeakyReLU(0.1),
                                  nn.Linear(16, 10), nn.Softmax(dim=-1)), 2.0)
    return model, torch.randn(BATCH, 8) * 2


def relu_softmax_64_64_64_10():
    torch.manual_seed(64)
    model = _scaled(nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                                  nn.Linear(64, 10), SoftmaxWithTemperature(2.0)), 2.0)
    return model, torch.randn(BATCH, 64)


GOLDEN = {
    "lecture_2_2_2_1": _lecture(2),
    "lecture_2_3_2_1": _lecture(3),
    "lecture_2_4_2_1": _lecture(4),
    "relu_16_32_32_1": relu_16_32_32_1,
    "elu_leaky_softmax_8_16_16_10": elu_leaky_softmax_8_16_16_10,
    "relu_softmax_64_64_64_10": relu_softmax_64_64_64_10,
}


def write_golden(directory):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)  # one summation order, whatever the machine
    lines = ["# Golden networks", "",
             "Generated by `/usr/bin/python3 tools/export_network.py --golden tests/golden/networks`",
             f"(torch {torch.__version__}); do not edit. Each network has two files:", "",
             "- `NAME.safetensors`: the weights, F32, with torch.nn.Sequential's state_dict names;",
             "- `NAME.data.safetensors`: `inputs` F32 [64, in], `outputs` F32 [64, out] (torch in float32)",
             "  and `outputs_f64` F64 [64, out] (the same weights in float64: the tiebreaker).", "",
             "| network | nonlin type |", "|---|---|"]
    for name, make in GOLDEN.items():
        model, inputs = make()
        model.eval()
        with torch.no_grad():
            outputs = model(inputs)
            # The float32 weights, widened exactly, evaluated in double: what the network computes
            # without rounding error in the evaluation.
            outputs_f64 = copy.deepcopy(model).double()(inputs.double())
        declaration = export(model, directory / f"{name}.safetensors",
                             metadata={"torch_version": torch.__version__})
        write_safetensors(directory / f"{name}.data.safetensors",
                          {"inputs": inputs, "outputs": outputs, "outputs_f64": outputs_f64},
                          {"nonlin_type": declaration, "torch_version": torch.__version__})
        worst = ((outputs.double() - outputs_f64).abs() / outputs_f64.abs().clamp(min=1e-3)).max().item()
        print(f"{name}: {declaration}  (torch float32 vs float64: worst relative {worst:.2e})")
        lines.append(f"| `{name}` | `{declaration}` |")
    (directory / "README.md").write_text("\n".join(lines) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--golden", metavar="DIR", help="write every golden network into DIR")
    parser.add_argument("model", nargs="?", help="a module saved with torch.save(model, path)")
    parser.add_argument("output", nargs="?", help="the safetensors file to write")
    parser.add_argument("--dtype", choices=["F32", "F64", "F16", "BF16"], default="F32",
                        help="dtype of the written tensors (nonlin converts F64, F16 and BF16 to float)")
    args = parser.parse_args(argv)
    if args.golden:
        write_golden(args.golden)
        return 0
    if not (args.model and args.output):
        parser.error("give MODEL.pt and OUT.safetensors, or --golden DIR")
    model = torch.load(args.model, map_location="cpu")
    dtype = {v: k for k, v in _DTYPES.items()}[args.dtype]
    print(export(model, args.output, dtype=dtype))
    return 0


if __name__ == "__main__":
    sys.exit(main())
