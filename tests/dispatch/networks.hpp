// The networks tests/dispatch evaluates, shared by the program (main.cpp) and the variants
// (kernels.cpp): one per batch kernel (the register kernel, the blocked one) and a residual one.
#pragma once

#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/network.hpp>

namespace dispatch_test {

namespace nl = nonlin;

using lecture = nl::network<nl::input<2>, nl::dense<2, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;
using mlp = nl::network<nl::input<64>, nl::dense<128, nl::relu>, nl::dense<128, nl::relu>, nl::dense<10, nl::softmax<>>>;
using residual_mlp = nl::network<nl::input<16>, nl::dense<32, nl::tanh>, nl::residual<nl::dense<32, nl::relu>, nl::dense<32>>,
                                 nl::dense<4>>;

}  // namespace dispatch_test
