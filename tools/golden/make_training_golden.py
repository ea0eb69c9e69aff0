#!/usr/bin/python3
"""Golden data for nonlin's training: PyTorch's gradients and 100 SGD steps on small networks.

Writes tests/golden/training/<case>.txt, one tensor per line: `name n v1 ... vn` (float32 values
printed with 9 significant digits, enough to round-trip). Weights are torch.nn.Linear's own
initialisation under a fixed seed; the tests read the weights from the file, so nonlin never
needs torch's random numbers. Run: /usr/bin/python3 tools/golden/make_training_golden.py
"""
import os
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "golden", "training")


def write(name, tensors):
    path = os.path.join(OUT, name + ".txt")
    with open(path, "w") as f:
        for key, t in tensors:
            v = t.detach().reshape(-1).to(torch.float32).tolist()
            f.write(key + " " + str(len(v)) + " " + " ".join("%.9g" % x for x in v) + "\n")


def case(name, layers, x, y, loss_fn, make_opt, lr, momentum, steps=100):
    torch.manual_seed(0)
    model = torch.nn.Sequential(*layers)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    out = []
    for k, lin in enumerate(linears):
        out.append(("%d.weight" % k, lin.weight.detach().clone()))
        out.append(("%d.bias" % k, lin.bias.detach().clone()))
    out += [("x", x), ("y", y)]
    loss = loss_fn(model(x), y)
    model.zero_grad()
    loss.backward()
    out.append(("loss", loss.reshape(1)))
    for k, lin in enumerate(linears):
        out.append(("grad.%d.weight" % k, lin.weight.grad.clone()))
        out.append(("grad.%d.bias" % k, lin.bias.grad.clone()))
    opt = make_opt(model.parameters())
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        l = loss_fn(model(x), y)
        losses.append(float(l))
        l.backward()
        opt.step()
    with torch.no_grad():
        final = loss_fn(model(x), y)
    out.append(("sgd.learning_rate", torch.tensor([lr])))
    out.append(("sgd.momentum", torch.tensor([momentum])))
    out.append(("sgd.steps", torch.tensor([float(steps)])))
    out.append(("loss_after_steps", final.reshape(1)))
    for k, lin in enumerate(linears):
        out.append(("after.%d.weight" % k, lin.weight))
        out.append(("after.%d.bias" % k, lin.bias))
    write(name, out)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(1)
    # The lecture's 2-4-2-1 (tanh, tanh, sigmoid) with MSE and plain SGD, on points of two circles.
    n = 64
    angle = torch.rand(n, generator=g) * 6.2831853
    radius = torch.where(torch.arange(n) % 2 == 0, 1.0, 0.5)
    x = torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], 1) + 0.05 * torch.randn(n, 2, generator=g)
    y = (torch.arange(n) % 2).float().reshape(n, 1)
    case("lecture_mse_sgd",
         [torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2), torch.nn.Tanh(), torch.nn.Linear(2, 1),
          torch.nn.Sigmoid()],
         x, y, torch.nn.MSELoss(), lambda p: torch.optim.SGD(p, lr=0.5), 0.5, 0.0)

    # ReLU and Leaky ReLU into a softmax, cross-entropy on one-hot targets, SGD with momentum.
    n = 50
    x = torch.randn(n, 4, generator=g)
    labels = torch.randint(0, 3, (n,), generator=g)
    y = torch.nn.functional.one_hot(labels, 3).float()
    ce = lambda logits, t: torch.nn.functional.cross_entropy(logits, t)  # softmax inside, as nonlin's layer
    case("relu_softmax_cross_entropy_momentum",
         [torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 8), torch.nn.LeakyReLU(0.1),
          torch.nn.Linear(8, 3)],
         x, y, ce, lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), 0.1, 0.9)

    # ELU into a sigmoid output with binary cross-entropy (torch.nn.BCELoss on probabilities).
    n = 40
    x = torch.randn(n, 3, generator=g)
    y = (torch.rand(n, 2, generator=g) < 0.5).float()
    case("elu_sigmoid_bce",
         [torch.nn.Linear(3, 8), torch.nn.ELU(), torch.nn.Linear(8, 2), torch.nn.Sigmoid()],
         x, y, torch.nn.BCELoss(), lambda p: torch.optim.SGD(p, lr=0.3), 0.3, 0.0)


if __name__ == "__main__":
    main()
