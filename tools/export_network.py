#!/usr/bin/python3
"""Exports a torch.nn.Sequential of Linear layers and activations to safetensors for nonlin, and prints
the nonlin type that loads it. Also regenerates the golden networks the test suite compares against.

Usage:
  /usr/bin/python3 tools/export_network.py MODEL.pt OUT.safetensors
      MODEL.pt holds a whole module, saved with torch.save(model, "MODEL.pt"); a model with residual
      blocks builds them with this file's Residual (from export_network import Residual).
  /usr/bin/python3 tools/export_network.py MODEL.pt --header model.hpp --name NAME
      Writes a C++ header holding the network as an object of its nonlin type, NAME, its weights as
      exact (hexadecimal) float literals: the program needs no file, and NAME(x) is a constant
      expression when the weights live in the object (up to nl::inline_weight_bytes, 64 KiB).
  /usr/bin/python3 tools/export_network.py --golden tests/golden/networks
      Writes every golden network (weights, inputs, float32 and float64 outputs) with fixed seeds.
  /usr/bin/python3 tools/export_network.py --golden-headers tests/golden/headers
      Writes the compiled-in networks the test suite checks: the lecture network trained in torch with
      its outputs for a few inputs, and an untrained 64-128-128-10 network with its safetensors twin.

As a library (tools/ on sys.path):
  from export_network import export, Residual, SoftmaxWithTemperature
  print(export(torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.Sigmoid()), "model.safetensors"))
  # nl::network<nl::input<2>, nl::dense<1, nl::sigmoid>>
  print(export(torch.nn.Sequential(Residual(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 2)),
                                   torch.nn.Linear(2, 1), torch.nn.Sigmoid()), "residual.safetensors"))
  # nl::network<nl::input<2>, nl::residual<nl::dense<3, nl::tanh>, nl::dense<2>>, nl::dense<1, nl::sigmoid>>
  export_header(model, "model.hpp", "model")   # `model` is then a nonlin network object

Supported modules: Linear, Sigmoid, Tanh, ReLU, LeakyReLU(slope), ELU(alpha), Softmax(dim=-1) and
SoftmaxWithTemperature(T) (softmax(x / T)); Identity and Dropout are no-ops at inference and skipped.
Residual(Linear, activation, ...) (defined here: x + body(x)) is nonlin's residual<dense...>.
Tensor names are the Sequential's own state_dict names ("0.weight", "0.bias", "2.weight", ...), which
nl::load_safetensors maps to layers in order of index; a model with Residual blocks has no such flat
names ("1.body.0.weight"), so its Linear layers are numbered by position instead, blocks flattened in
order: "0.weight", "1.weight", ... Needs only torch (Debian's python3-torch); the safetensors
container is written by hand, so the safetensors package is not required.
"""

import argparse
import copy
import json
import math
import re
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


class Residual(nn.Module):
    """A residual block, x + body(x): nonlin's residual<dense...>. `body` is a Sequential of Linear
    layers, each followed by at most one activation (no softmax, no nested Residual), whose output is
    as wide as its input. The sum is a plain addition with no activation after it (an activation
    module right after a Residual is refused: nonlin has nowhere to put it). Build it from modules,
    Residual(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 8)), or from a Sequential, Residual(seq).

    A model saved with torch.save and exported from the command line must find this class as
    export_network.Residual: build it with `from export_network import Residual` (tools/ on sys.path)."""

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], nn.Sequential):
            self.body = modules[0]
        else:
            self.body = nn.Sequential(*modules)

    def forward(self, x):
        return x + self.body(x)


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


def _dense_chain(modules, where, width, context):
    """The Linear layers of a run of modules as [linear, inputs, outputs, activation]. `width` is the
    width the run receives (None: whatever its first Linear takes), `where(name)` names a module in
    messages, and `context` says what the run is: "start", "after a block" or "in a block"."""
    layers = []
    for name, module in modules:
        if isinstance(module, nn.Linear):
            if module.bias is None:
                raise ValueError(f"{where(name)}: Linear without bias; nonlin's dense layers always have one")
            previous = layers[-1][2] if layers else width
            if previous is not None and previous != module.in_features:
                raise ValueError(f"{where(name)}: Linear takes {module.in_features} inputs, "
                                 f"the previous layer gives {previous}")
            layers.append([module, module.in_features, module.out_features, None])
        elif isinstance(module, (nn.Identity, nn.Dropout)):
            continue
        elif isinstance(module, Residual):
            raise ValueError(f"{where(name)}: a Residual inside a Residual; nonlin's blocks do not nest")
        else:
            activation = nonlin_activation(module)
            if activation is None:
                raise ValueError(f"{where(name)}: {type(module).__name__} has no nonlin counterpart")
            if not layers and context == "after a block":
                raise ValueError(f"{where(name)}: an activation after a Residual; nonlin's residual<...> "
                                 "computes x + body(x) with no activation of the sum, and no layer of its own "
                                 "could apply one")
            if not layers:
                raise ValueError(f"{where(name)}: an activation before the first Linear" +
                                 (" of a residual block" if context == "in a block" else ""))
            if layers[-1][3] is not None:
                raise ValueError(f"{where(name)}: two activations after one Linear")
            if context == "in a block" and activation.startswith("nl::softmax"):
                raise ValueError(f"{where(name)}: softmax inside a residual block; nonlin allows it only on the "
                                 "last layer, outside blocks")
            layers[-1][3] = activation
    return layers


def nonlin_structure(model):
    """The model as nonlin's declaration words: a list of ("dense", layer) and ("residual", [layer, ...]),
    each layer [linear, inputs, outputs, activation]. Checks that nonlin can represent the model: a
    Sequential of Linear layers, activations and Residual blocks (or a Residual on its own)."""
    if isinstance(model, Residual):
        model = nn.Sequential(model)
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"expected torch.nn.Sequential, found {type(model).__name__}")
    words, run = [], []

    def width():
        if not words:
            return None
        kind, item = words[-1]
        return (item if kind == "dense" else item[-1])[2]

    def flush():
        context = "after a block" if words and words[-1][0] == "residual" else "start"
        for layer in _dense_chain(run, lambda name: f"module {name}", width(), context):
            words.append(("dense", layer))
        run.clear()

    for index, module in model.named_children():
        if not isinstance(module, Residual):
            run.append((index, module))
            continue
        flush()
        if not isinstance(module.body, nn.Sequential):
            raise TypeError(f"module {index}: Residual.body must be a torch.nn.Sequential, "
                            f"found {type(module.body).__name__}")
        block = _dense_chain(list(module.body.named_children()), lambda name: f"module {index}.body.{name}",
                             width(), "in a block")
        if not block:
            raise ValueError(f"module {index}: a Residual without a Linear layer")
        if block[-1][2] != block[0][1]:
            raise ValueError(f"module {index}: a Residual takes {block[0][1]} inputs but its body gives "
                             f"{block[-1][2]}; x + body(x) needs them equal")
        words.append(("residual", block))
    flush()
    layers = _flat_layers(words)
    if not layers:
        raise ValueError("the Sequential has no Linear layer")
    for k, layer in enumerate(layers[:-1]):
        if layer[3] and layer[3].startswith("nl::softmax"):
            raise ValueError(f"layer {k}: nonlin allows softmax only on the last layer")
    return words


def _flat_layers(words):
    return [layer for kind, item in words for layer in ([item] if kind == "dense" else item)]


def has_residual(model):
    """Whether the model holds Residual blocks (its tensors are then named by position)."""
    return any(kind == "residual" for kind, _ in nonlin_structure(model))


def nonlin_layers(model):
    """[(inputs, outputs, activation)] for every Linear, blocks flattened, checking that nonlin can
    represent the model."""
    return [tuple(layer[1:]) for layer in _flat_layers(nonlin_structure(model))]


def linear_modules(model):
    """The model's Linear modules in nonlin's layer order (layer K is m.layer<K>()), blocks flattened."""
    return [layer[0] for layer in _flat_layers(nonlin_structure(model))]


def nonlin_type(model):
    """The C++ declaration: nl::network<nl::input<2>, nl::dense<2, nl::tanh>, nl::dense<1>>, with
    nl::residual<nl::dense<...>, ...> for each Residual block."""
    words = nonlin_structure(model)

    def dense(layer):
        _, _, outputs, activation = layer
        return f"nl::dense<{outputs}, {activation}>" if activation else f"nl::dense<{outputs}>"

    parts = [f"nl::input<{_flat_layers(words)[0][1]}>"]
    for kind, item in words:
        parts.append(dense(item) if kind == "dense" else "nl::residual<" + ", ".join(map(dense, item)) + ">")
    return "nl::network<" + ", ".join(parts) + ">"


def nonlin_tensors(model):
    """{name: tensor} as nl::load_safetensors reads them: the state_dict's names for a Sequential
    without blocks, positions ("0.weight", "0.bias", "1.weight", ...) for one with Residual blocks."""
    state = model.state_dict()
    unexpected = [name for name in state if not name.endswith((".weight", ".bias"))]
    if unexpected:
        raise ValueError(f"state_dict entries nonlin cannot load: {unexpected}")
    if not has_residual(model):
        return dict(state)
    tensors = {}
    for k, linear in enumerate(linear_modules(model)):
        tensors[f"{k}.weight"] = linear.weight.detach()
        tensors[f"{k}.bias"] = linear.bias.detach()
    if len(tensors) != len(state):
        raise ValueError(f"state_dict entries outside the Linear layers: {sorted(set(state) - set(tensors))}")
    return tensors


def export(model, path, dtype=torch.float32, metadata=None):
    """Writes the model's Linear weights to `path` (named as nonlin_tensors names them) and returns its
    nonlin type."""
    declaration = nonlin_type(model)
    tensors = {name: tensor.to(dtype) for name, tensor in nonlin_tensors(model).items()}
    write_safetensors(path, tensors, {"format": "pt", "nonlin_type": declaration, **(metadata or {})})
    return declaration


# ----------------------------------------------------------------------------------------------------
# A network compiled into the program: a C++ header with the weights as literals

# nonlin's rule (layer_storage.hpp): a network whose layers take at most this many bytes keeps them in
# the object, a literal type; a larger one keeps them in one heap block.
INLINE_WEIGHT_BYTES = 64 * 1024

_ACTIVATION_HEADERS = {"nl::sigmoid": "sigmoid", "nl::tanh": "tanh", "nl::relu": "relu",
                       "nl::leaky_relu": "leaky_relu", "nl::elu": "elu", "nl::softmax": "softmax"}


def float_literal_exact(value, where):
    """A float32 value as a C++ hexadecimal float literal that denotes exactly that value:
    0.1f -> 0x1.99999ap-4f. Non-finite values have no literal and are refused, naming `where`."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{where}: {value} is not finite; a compiled-in network needs finite weights")
    mantissa, exponent = value.hex().split("p")
    mantissa = mantissa.rstrip("0").rstrip(".")   # 0x1.8000000000000 -> 0x1.8, 0x1.0000000000000 -> 0x1
    return f"{mantissa}p{exponent}f"


def _layer_bytes(inputs, outputs):
    # dense_layer: the weights aligned to 64 bytes, the biases after them, the whole rounded up to 64.
    size = 4 * (outputs * inputs + outputs)
    return -(-size // 64) * 64


def stores_inline(layers):
    """Whether nonlin keeps this network's weights in the object (network<...>::stores_inline)."""
    return sum(_layer_bytes(i, o) for i, o, _ in layers) <= INLINE_WEIGHT_BYTES


def _array_literal(values, where, indent="      "):
    literals = [float_literal_exact(v, f"{where}[{k}]") for k, v in enumerate(values)]
    rows = [", ".join(literals[k:k + 6]) for k in range(0, len(literals), 6)]
    return "{\n" + ",\n".join(indent + row for row in rows) + "}"


def header_source(model, name, source="a torch.nn.Sequential"):
    """The text of a header defining `name`, the model as a nonlin network with literal weights."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or "__" in name or re.match(r"_[A-Z]", name):
        raise ValueError(f"--name {name!r}: not a C++ identifier a program may declare")
    layers = nonlin_layers(model)
    declaration = nonlin_type(model).replace("nl::", "nonlin::")
    linears = linear_modules(model)
    headers = sorted({_ACTIVATION_HEADERS[a.split("<")[0]] for _, _, a in layers if a})
    constant = stores_inline(layers)
    parameters = sum(i * o + o for i, o, _ in layers)
    out = [f"// {name}: a network compiled into the program, written by tools/export_network.py",
           f"// (torch {torch.__version__}) from {source}.", "// Regenerate it rather than edit it.",
           "// The weights are hexadecimal float literals, each exactly the float torch holds, row-major",
           "// [out][in] as torch.nn.Linear keeps them. " + (
               "The weights live in the object, so the network is a constant:"
               if constant else
               f"Its {parameters} parameters exceed the object's inline storage"),
           "// " + (f"it needs no file and no allocation, and {name}(x) is a constant expression."
                    if constant else
                    "(64 KiB), so it is built once, before main, in one heap block; it needs no file."),
           "#pragma once", ""]
    out += [f"#include <nonlin/activation/{h}.hpp>" for h in headers]
    out += ["#include <nonlin/network.hpp>", "",
            f"using {name}_type = {declaration};", ""]
    if constant:
        out += [f"static_assert({name}_type::stores_inline,",
                f'              "{name}: written as a constant for a network whose weights live in the object");', "",
                f"constexpr {name}_type make_{name}() noexcept {{"]
    else:
        out += [f"inline {name}_type make_{name}() {{"]
    out.append(f"  {name}_type m;")
    for k, linear in enumerate(linears):
        weight = linear.weight.detach().to(torch.float32).flatten().tolist()
        bias = linear.bias.detach().to(torch.float32).flatten().tolist()
        out.append(f"  m.layer<{k}>().weight = {_array_literal(weight, f'layer {k} weight')};")
        out.append(f"  m.layer<{k}>().bias = {_array_literal(bias, f'layer {k} bias')};")
    out += ["  return m;", "}", ""]
    out.append(f"inline constexpr {name}_type {name} = make_{name}();" if constant else
               f"inline const {name}_type {name} = make_{name}();")
    return "\n".join(out) + "\n"


def export_header(model, path, name, source="a torch.nn.Sequential"):
    """Writes header_source(model, name) to `path` and returns the network's nonlin type."""
    text = header_source(model, name, source)
    Path(path).write_text(text)
    return nonlin_type(model)


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


LECTURE_STEPS = 300  # enough to separate the circles, few enough that the outputs are not all 0 or 1


def _trained_lecture():
    """The lecture's 2-4-2-1 classifier (tanh, tanh, sigmoid) trained in torch on two circles: full-batch
    SGD on the binary cross-entropy, fixed seeds, one thread."""
    torch.manual_seed(2024)
    n = 400
    angle = torch.rand(n) * 2 * math.pi
    radius = torch.where(torch.arange(n) < n // 2, torch.tensor(0.5), torch.tensor(1.0))
    radius = radius + 0.05 * torch.randn(n)
    x = torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], dim=1)
    y = (torch.arange(n) < n // 2).to(torch.float32).unsqueeze(1)   # 1: the inner circle
    model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2), nn.Tanh(), nn.Linear(2, 1), nn.Sigmoid())
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    for _ in range(LECTURE_STEPS):
        optimizer.zero_grad()
        loss = nn.functional.binary_cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        accuracy = ((model(x) > 0.5).to(torch.float32) == y).to(torch.float32).mean().item()
    return model, x, accuracy, loss.item()


def write_golden_headers(directory):
    """The compiled-in networks of tests/compiled_weights.cpp (see the README written beside them)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    model, x, accuracy, loss = _trained_lecture()
    export_header(model, directory / "lecture_trained.hpp", "lecture_trained",
                  source=f"the lecture's 2-4-2-1 classifier\n// trained in torch on two circles (accuracy {accuracy:.3f})")
    # A few inputs and torch's float32 outputs for them, also as exact literals: the test compares
    # them in static_assert, so it needs them at compile time.
    probes = torch.cat([x[:4], x[-4:], torch.tensor([[0.0, 0.0], [1.5, -1.5], [-0.25, 0.75], [3.0, 3.0]])])
    with torch.no_grad():
        outputs = model(probes)
        outputs_f64 = copy.deepcopy(model).double()(probes.double())
    rows = []
    for p, o, o64 in zip(probes.tolist(), outputs.flatten().tolist(), outputs_f64.flatten().tolist()):
        rows.append(f"    {{{{{float_literal_exact(p[0], 'input')}, {float_literal_exact(p[1], 'input')}}}, "
                    f"{float_literal_exact(o, 'output')}, {float(o64).hex()}}},")
    (directory / "lecture_trained_expected.hpp").write_text(
        "// torch's outputs of lecture_trained.hpp's network for a few inputs (tools/export_network.py\n"
        f"// --golden-headers, torch {torch.__version__}): the input, torch in float32, the same weights in float64.\n"
        "#pragma once\n\n#include <array>\n\n"
        "struct lecture_trained_probe {\n  std::array<float, 2> input;\n  float torch_f32;\n  double torch_f64;\n};\n\n"
        f"inline constexpr std::array<lecture_trained_probe, {len(rows)}> lecture_trained_probes{{{{\n"
        + "\n".join(rows) + "\n}};\n")

    # A network too large for the object's storage (103 KiB of weights): the header builds it on the
    # heap. Its safetensors twin holds the same weights, so the test can compare the two bit for bit.
    torch.manual_seed(64128)
    wide = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 10),
                         nn.Softmax(dim=-1))
    export_header(wide, directory / "wide_64_128_128_10.hpp", "wide_64_128_128_10",
                  source="an untrained 64-128-128-10 ReLU/softmax network\n// (torch's default initialisation, seed 64128)")
    export(wide, directory / "wide_64_128_128_10.safetensors", metadata={"torch_version": torch.__version__})
    (directory / "README.md").write_text(
        "# Compiled-in networks\n\n"
        "Generated by `/usr/bin/python3 tools/export_network.py --golden-headers tests/golden/headers`"
        f" (torch {torch.__version__}); do not edit.\n\n"
        f"- `lecture_trained.hpp`: the lecture's 2-4-2-1 tanh/tanh/sigmoid classifier trained in torch on two\n"
        f"  circles ({LECTURE_STEPS} full-batch SGD steps, momentum 0.9; accuracy {accuracy:.3f}, loss {loss:.4f}), as a\n"
        "  constant; `lecture_trained_expected.hpp`: torch's outputs for 12 inputs.\n"
        "- `wide_64_128_128_10.hpp` and `wide_64_128_128_10.safetensors`: one untrained 64-128-128-10\n"
        "  ReLU/softmax network (torch's default initialisation) as a header (built on the heap: its\n"
        "  weights exceed the object's 64 KiB) and as a weight file.\n")
    print(f"lecture_trained: accuracy {accuracy:.3f}, loss {loss:.4f}; wrote {directory}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--golden", metavar="DIR", help="write every golden network into DIR")
    parser.add_argument("--golden-headers", metavar="DIR", help="write the compiled-in test networks into DIR")
    parser.add_argument("model", nargs="?", help="a module saved with torch.save(model, path)")
    parser.add_argument("output", nargs="?", help="the safetensors file to write")
    parser.add_argument("--header", metavar="HPP", help="write a C++ header with the network compiled in")
    parser.add_argument("--name", help="the C++ name of the network in --header (default: the header's stem)")
    parser.add_argument("--dtype", choices=["F32", "F64", "F16", "BF16"], default="F32",
                        help="dtype of the written tensors (nonlin converts F64, F16 and BF16 to float)")
    args = parser.parse_args(argv)
    if args.golden:
        write_golden(args.golden)
        return 0
    if args.golden_headers:
        write_golden_headers(args.golden_headers)
        return 0
    if not args.model or not (args.output or args.header):
        parser.error("give MODEL.pt with OUT.safetensors and/or --header HPP, or --golden DIR")
    model = torch.load(args.model, map_location="cpu")
    if args.header:
        name = args.name or Path(args.header).stem
        print(export_header(model, args.header, name, source=f"{Path(args.model).name}"))
        if not args.output:
            return 0
    dtype = {v: k for k, v in _DTYPES.items()}[args.dtype]
    print(export(model, args.output, dtype=dtype))
    return 0


if __name__ == "__main__":
    # A model saved with torch.save names its classes by module: export_network.Residual when it was
    # built from this file as a library. Run as a script, this file is __main__; the alias makes
    # torch.load find those classes here, the very ones nonlin_structure recognises.
    sys.modules.setdefault("export_network", sys.modules[__name__])
    sys.exit(main())
