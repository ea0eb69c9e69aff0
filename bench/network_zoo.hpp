// bench/network_zoo.hpp: the networks the benchmarks time, A to E and the residual R
// (docs/benchmarks.md describes each), shared by bench/networks and bench/dispatch.
#pragma once

#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/network.hpp>

namespace network_zoo {

namespace nl = nonlin;

using net_a = nl::network<nl::input<2>, nl::dense<2, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;
using net_b = nl::network<nl::input<2>, nl::dense<4, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;
using net_c = nl::network<nl::input<16>, nl::dense<32, nl::relu>, nl::dense<32, nl::relu>, nl::dense<1>>;
using net_d = nl::network<nl::input<64>, nl::dense<128, nl::relu>, nl::dense<128, nl::relu>, nl::dense<10, nl::softmax<>>>;
using net_e = nl::network<nl::input<256>, nl::dense<256, nl::relu>, nl::dense<256, nl::relu>, nl::dense<256, nl::relu>>;
using block_r = nl::residual<nl::dense<128, nl::relu>, nl::dense<128>>;
using net_r = nl::network<nl::input<64>, nl::dense<128, nl::relu>, block_r, block_r, block_r, block_r, nl::dense<10>>;

}  // namespace network_zoo
