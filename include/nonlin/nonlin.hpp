// nonlin/nonlin.hpp: everything nonlin offers, in one include. Each group below can be included on
// its own (docs/compile-time.md measures what each costs).
#pragma once

// Activations: value, derivative and vectorised span kernels.
#include <nonlin/activation/elu.hpp>
#include <nonlin/activation/entropy.hpp>
#include <nonlin/activation/identity.hpp>
#include <nonlin/activation/leaky_relu.hpp>
#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/activation/tanh.hpp>

// Networks as types, their fused evaluation and their description.
#include <nonlin/describe.hpp>
#include <nonlin/layer.hpp>
#include <nonlin/network.hpp>
#include <nonlin/network_traits.hpp>

// What the compiler proves: collapse of identity runs, affinity, and the symbolic algebra.
#include <nonlin/eval/cost_model.hpp>
#include <nonlin/expr/affine.hpp>
#include <nonlin/expr/collapse.hpp>
#include <nonlin/expr/describe_collapse.hpp>
#include <nonlin/expr/witness.hpp>
#include <nonlin/symbolic/network_expression.hpp>
#include <nonlin/symbolic/print.hpp>

// Weights and tensors in safetensors files.
#include <nonlin/io/safetensors.hpp>
#include <nonlin/io/tensor.hpp>

// Training: gradients, losses, optimisers, schedules, the fit loop, checkpoints, initialisers, data
// sets, diagnostics.
#include <nonlin/train/adam.hpp>
#include <nonlin/train/checkpoint.hpp>
#include <nonlin/train/datasets.hpp>
#include <nonlin/train/diagnostics.hpp>
#include <nonlin/train/fit.hpp>
#include <nonlin/train/gradient.hpp>
#include <nonlin/train/init.hpp>
#include <nonlin/train/loss.hpp>
#include <nonlin/train/schedule.hpp>
#include <nonlin/train/sgd.hpp>

// Run-time dispatch: one program, the best kernels each CPU runs (with nonlin_add_dispatch in CMake).
#include <nonlin/dispatch.hpp>
