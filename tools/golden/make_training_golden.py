#!/usr/bin/python3
"""Golden data for nonlin's training: PyTorch's gradients and 100 SGD steps on small networks, and
100 full-batch steps of Adam, Adam with L2 weight decay, AdamW and SGD with weight decay and Nesterov
momentum, each with the loss before every step (`losses`).

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


def f32(v):
    """v rounded to float32 and back: torch then computes its scalars (bias corrections, step sizes) in
    double from exactly the float hyper-parameters nonlin holds."""
    return torch.tensor(v, dtype=torch.float32).item()


def optimiser_case(name, make_layers, x, y, loss_fn, settings, steps=100):
    """settings: "adam", "adamw" or "sgd" with torch's keyword arguments (rounded to float32). The
    layers are made after seeding, so that the file does not depend on torch's unseeded generator."""
    kind, kw = settings
    kw = {k: (tuple(f32(b) for b in v) if isinstance(v, tuple) else f32(v) if isinstance(v, float) else v)
          for k, v in kw.items()}
    torch.manual_seed(0)
    model = torch.nn.Sequential(*make_layers())
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    out = []
    for k, lin in enumerate(linears):
        out.append(("%d.weight" % k, lin.weight.detach().clone()))
        out.append(("%d.bias" % k, lin.bias.detach().clone()))
    out += [("x", x), ("y", y)]
    if kind == "adam":
        opt = torch.optim.Adam(model.parameters(), foreach=False, **kw)
    elif kind == "adamw":
        opt = torch.optim.AdamW(model.parameters(), foreach=False, **kw)
    else:
        opt = torch.optim.SGD(model.parameters(), foreach=False, **kw)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        l = loss_fn(model(x), y)
        losses.append(float(l))
        l.backward()
        opt.step()
    with torch.no_grad():
        final = loss_fn(model(x), y)
    for key in ("lr", "betas", "eps", "weight_decay", "momentum", "nesterov"):
        if key in kw:
            v = kw[key]
            out.append(("opt." + key, torch.tensor(list(v) if isinstance(v, tuple) else [float(v)])))
    out.append(("steps", torch.tensor([float(steps)])))
    out.append(("losses", torch.tensor(losses)))
    out.append(("loss_after_steps", final.reshape(1)))
    for k, lin in enumerate(linears):
        out.append(("after.%d.weight" % k, lin.weight))
        out.append(("after.%d.bias" % k, lin.bias))
    write(name, out)


def lecture_layers():
    return [torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2), torch.nn.Tanh(), torch.nn.Linear(2, 1),
            torch.nn.Sigmoid()]


def relu_softmax_layers():
    return [torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 8), torch.nn.LeakyReLU(0.1),
            torch.nn.Linear(8, 3)]


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
    lecture_x, lecture_y = x, y
    # These layers are made before torch is seeded (case seeds after its argument list), so rerunning
    # changes lecture_mse_sgd.txt; the committed file is kept. The other files are reproducible.
    case("lecture_mse_sgd", lecture_layers(), x, y, torch.nn.MSELoss(), lambda p: torch.optim.SGD(p, lr=0.5),
         0.5, 0.0)

    # ReLU and Leaky ReLU into a softmax, cross-entropy on one-hot targets, SGD with momentum.
    n = 50
    x = torch.randn(n, 4, generator=g)
    labels = torch.randint(0, 3, (n,), generator=g)
    y = torch.nn.functional.one_hot(labels, 3).float()
    ce = lambda logits, t: torch.nn.functional.cross_entropy(logits, t)  # softmax inside, as nonlin's layer
    relu_x, relu_y = x, y
    case("relu_softmax_cross_entropy_momentum", relu_softmax_layers(), x, y, ce,
         lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), 0.1, 0.9)

    # ELU into a sigmoid output with binary cross-entropy (torch.nn.BCELoss on probabilities).
    n = 40
    x = torch.randn(n, 3, generator=g)
    y = (torch.rand(n, 2, generator=g) < 0.5).float()
    case("elu_sigmoid_bce",
         [torch.nn.Linear(3, 8), torch.nn.ELU(), torch.nn.Linear(8, 2), torch.nn.Sigmoid()],
         x, y, torch.nn.BCELoss(), lambda p: torch.optim.SGD(p, lr=0.3), 0.3, 0.0)

    # The optimisers, 100 full-batch steps each on the data above, from the weights torch.manual_seed(0)
    # gives (for the softmax network, the momentum case's initial weights).
    adam = dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    optimiser_case("lecture_mse_adam", lecture_layers, lecture_x, lecture_y, torch.nn.MSELoss(),
                   ("adam", dict(adam, weight_decay=0.0)))
    optimiser_case("lecture_mse_adam_weight_decay", lecture_layers, lecture_x, lecture_y, torch.nn.MSELoss(),
                   ("adam", dict(adam, weight_decay=1e-3)))
    optimiser_case("relu_softmax_cross_entropy_adamw", relu_softmax_layers, relu_x, relu_y, ce,
                   ("adamw", dict(adam, weight_decay=0.1)))
    optimiser_case("relu_softmax_cross_entropy_sgd_nesterov_weight_decay", relu_softmax_layers, relu_x, relu_y,
                   ce, ("sgd", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-3)))


if __name__ == "__main__":
    main()
