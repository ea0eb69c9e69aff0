// The consumer's dispatched network: shared by dispatch_main.cpp and its kernels.
#pragma once
#include <nonlin/activation/tanh.hpp>
#include <nonlin/network.hpp>
using consumer_net = nonlin::network<nonlin::input<2>, nonlin::dense<2, nonlin::tanh>, nonlin::dense<1>>;
