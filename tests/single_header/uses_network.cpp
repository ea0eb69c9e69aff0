// tests/single_header/uses_network.cpp: what a user pastes into Compiler Explorer. The single header is
// the only include and no NONLIN_IMPLEMENTATION is defined: a network is declared and evaluated on a
// batch, and the header alone compiles to an object without a warning (check_single_header.cmake).
#include "nonlin_single.hpp"

#include <span>

using lecture_net =
    nonlin::network<nonlin::input<2>, nonlin::dense<2, nonlin::tanh>, nonlin::dense<1, nonlin::sigmoid>>;

// Out of line and not inlined, so that its code is what the listing shows for the network's forward.
[[gnu::noinline]] void evaluate(const lecture_net& m, std::span<const float> in, std::span<float> out) {
  m.forward(in, out);
}
