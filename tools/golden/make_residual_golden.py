#!/usr/bin/python3
"""Golden data for nonlin's residual blocks, nl::residual<dense...> (h + f(h), torch's x + block(x)):
PyTorch's forward outputs, gradients and 100 full-batch SGD steps on networks with residual blocks,
built from tools/export_network.py's Residual module.

Writes tests/golden/residual/<case>.txt in the format of tests/golden/training: one tensor per line,
`name n v1 ... vn`, float32 values with 9 significant digits (enough to round-trip), float64 values
(`*outputs_f64`: the same float32 weights evaluated in double, the tiebreaker) with 17. Per case:

  <k>.weight, <k>.bias        the initial weights of dense layer k (blocks flattened, as m.layer<k>())
  x, y                        the batch and its targets
  outputs, outputs_f64        the network's outputs on x
  loss, grad.<k>.weight ...   the loss on (x, y) and its gradients
  sgd.learning_rate, sgd.momentum, sgd.steps
  losses                      the loss before each SGD step
  loss_after_steps, after.<k>.weight ..., after.outputs, after.outputs_f64   where the steps end

The trained two-block softmax network and the network that ends with a block are also exported with
export_network.export (<case>.safetensors: positional names 0.weight, 0.bias, 1.weight, ..., the
nl::residual type in the metadata) and the former with export_network.export_header
(two_blocks_trained.hpp); the command line, run on the same model saved with torch.save, must write
the same bytes. Weights are torch.nn.Linear's own initialisation under torch.manual_seed(0); the tests
read them from the files, so nonlin never needs torch's random numbers. Float32 on the CPU, one thread.
Run: /usr/bin/python3 tools/golden/make_residual_golden.py
"""
import copy
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import torch
from torch import nn

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from export_network import Residual, export, export_header, linear_modules, nonlin_type  # noqa: E402

OUT = ROOT / "tests" / "golden" / "residual"


def write(name, tensors):
    with open(OUT / (name + ".txt"), "w") as f:
        for key, t in tensors:
            t = t.detach().reshape(-1)
            fmt = "%.17g" if t.dtype == torch.float64 else "%.9g"
            v = t.tolist() if t.dtype == torch.float64 else t.to(torch.float32).tolist()
            f.write(key + " " + str(len(v)) + " " + " ".join(fmt % x for x in v) + "\n")


def weights(model, prefix):
    out = []
    for k, lin in enumerate(linear_modules(model)):
        out.append((prefix + "%d.weight" % k, lin.weight.detach().clone()))
        out.append((prefix + "%d.bias" % k, lin.bias.detach().clone()))
    return out


def outputs(model, x, prefix):
    with torch.no_grad():
        y = model(x)
        # The float32 weights widened exactly and evaluated in double: the outputs without rounding.
        y64 = copy.deepcopy(model).double()(x.double())
    return [(prefix + "outputs", y), (prefix + "outputs_f64", y64)]


def case(name, make_model, x, y, loss_fn, lr, momentum, steps=100):
    """loss_fn(model, x, y) -> the mean loss. Returns the model after the SGD steps."""
    torch.manual_seed(0)
    model = make_model()
    out = weights(model, "") + [("x", x), ("y", y)] + outputs(model, x, "")
    model.zero_grad()
    loss = loss_fn(model, x, y)
    loss.backward()
    out.append(("loss", loss.detach().reshape(1)))
    for k, lin in enumerate(linear_modules(model)):
        out.append(("grad.%d.weight" % k, lin.weight.grad.clone()))
        out.append(("grad.%d.bias" % k, lin.bias.grad.clone()))
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, foreach=False)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        l = loss_fn(model, x, y)
        losses.append(float(l))
        l.backward()
        opt.step()
    with torch.no_grad():
        final = loss_fn(model, x, y)
    out.append(("sgd.learning_rate", torch.tensor([lr])))
    out.append(("sgd.momentum", torch.tensor([momentum])))
    out.append(("sgd.steps", torch.tensor([float(steps)])))
    out.append(("losses", torch.tensor(losses)))
    out.append(("loss_after_steps", final.reshape(1)))
    out += weights(model, "after.") + outputs(model, x, "after.")
    write(name, out)
    print(f"{name}: {nonlin_type(model)}\n  loss {losses[0]:.6f} -> {float(final):.6f} after {steps} steps")
    return model


# The networks. Two blocks: one whose last layer is linear (h + W relu(V h + c) + b) and one whose
# last layer has an activation (h + tanh(...)); the last layer outside the blocks, so that a loss
# fused with softmax or sigmoid can seed at the logits.

def two_blocks(head):
    return lambda: nn.Sequential(
        nn.Linear(4, 8), nn.Tanh(),
        Residual(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 8)),
        Residual(nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh()),
        nn.Linear(8, 3), *head)


def linear_into_blocks():
    # A linear first layer straight into a block: merging it into its successor, as nonlin does
    # with identity layers elsewhere, would lose the block's input.
    return nn.Sequential(
        nn.Linear(4, 8),
        Residual(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 8)),
        Residual(nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh()),
        nn.Linear(8, 3))


def ends_with_block():
    # A block as the first layer (its input the network's input), a block of one layer, and a block
    # at the end: the output is h + sigmoid(...).
    return nn.Sequential(
        Residual(nn.Linear(3, 3), nn.Tanh()),
        nn.Linear(3, 6), nn.ReLU(),
        Residual(nn.Linear(6, 12), nn.Tanh(), nn.Linear(12, 6), nn.Sigmoid()))


def ends_with_linear_block():
    return nn.Sequential(nn.Linear(4, 4), nn.Tanh(), Residual(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4)))


def cross_entropy(model, x, y):
    # torch's fused log-softmax on the logits (the model without its Softmax), probability targets.
    return nn.functional.cross_entropy(model[:-1](x), y)


def bce(model, x, y):
    return nn.functional.binary_cross_entropy(model(x), y)


def mse(model, x, y):
    return nn.functional.mse_loss(model(x), y)


def check_command_line(model, name, safetensors, header):
    """The documented commands, on the model saved with torch.save, write what the library calls wrote."""
    tool = ROOT / "tools" / "export_network.py"
    with tempfile.TemporaryDirectory() as tmp:
        saved = Path(tmp) / "model.pt"
        torch.save(model, saved)
        cmd = [sys.executable, str(tool), str(saved), str(Path(tmp) / "model.safetensors")]
        printed = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()
        assert printed == nonlin_type(model), printed
        assert (Path(tmp) / "model.safetensors").read_bytes() == safetensors.read_bytes(), "safetensors differ"
        if header is not None:
            cmd = [sys.executable, str(tool), str(saved), "--header", str(Path(tmp) / "h.hpp"), "--name", name]
            subprocess.run(cmd, check=True, capture_output=True)
            # Only the comments differ (they name the source).
            code = lambda path: [line for line in path.read_text().splitlines() if not line.startswith("//")]
            ours, theirs = code(header), code(Path(tmp) / "h.hpp")
            assert ours == theirs, "headers differ"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(3)

    # 300 samples: more than one of nonlin's gradient blocks (at most 256 samples), not a multiple of 16.
    n = 300
    x = torch.randn(n, 4, generator=g) * 1.5
    labels = torch.randint(0, 3, (n,), generator=g)
    onehot = nn.functional.one_hot(labels, 3).float()
    trained = case("two_blocks_cross_entropy", two_blocks([nn.Softmax(dim=-1)]), x, onehot, cross_entropy,
                   0.1, 0.9)
    export(trained, OUT / "two_blocks_trained.safetensors")
    export_header(trained, OUT / "two_blocks_trained.hpp", "two_blocks_trained",
                  source="the two-block softmax network of two_blocks_cross_entropy.txt\n"
                         "// after its 100 SGD steps (tools/golden/make_residual_golden.py)")
    check_command_line(trained, "two_blocks_trained", OUT / "two_blocks_trained.safetensors",
                       OUT / "two_blocks_trained.hpp")

    y = (torch.rand(n, 3, generator=g) < 0.5).float()
    case("two_blocks_bce", two_blocks([nn.Sigmoid()]), x, y, bce, 0.3, 0.0)

    y = torch.randn(n, 3, generator=g)
    case("linear_into_blocks_mse", linear_into_blocks, x, y, mse, 0.02, 0.9)

    n = 100
    x = torch.randn(n, 3, generator=g)
    y = torch.randn(n, 6, generator=g) * 0.5 + 0.5
    trained = case("ends_with_block_mse", ends_with_block, x, y, mse, 0.1, 0.9)
    export(trained, OUT / "ends_with_block_trained.safetensors")
    check_command_line(trained, "ends_with_block_trained", OUT / "ends_with_block_trained.safetensors", None)

    x = torch.randn(n, 4, generator=g)
    y = torch.randn(n, 4, generator=g)
    case("ends_with_linear_block_mse", ends_with_linear_block, x, y, mse, 0.05, 0.9)


if __name__ == "__main__":
    main()
