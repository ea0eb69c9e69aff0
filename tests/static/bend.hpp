// tests/static/bend.hpp: the non-linear activations the static suites insert into linear stacks.
#pragma once

#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/tanh.hpp>

namespace nonlin_static {

// tanh is the lecture's example of a non-linearity (and constexpr, so the compiler can evaluate it).
using bend = nonlin::tanh;

// relu is non-linear yet rounds nothing, so a network with dyadic weights stays exact through it
// (tanh's outputs would make the sums of the next layer round).
using kink = nonlin::relu;

}  // namespace nonlin_static
