// Must not compile: affine_map(m) exists only for networks without a non-linear activation.
// Expected: "nonlin::affine_map: the network has a non-linear activation, so it is not one affine map"
#include <nonlin/activation/tanh.hpp>
#include <nonlin/expr/affine.hpp>
#include <nonlin/network.hpp>

namespace nl = nonlin;
using tanh_net = nl::network<nl::input<2>, nl::dense<4>, nl::dense<4, nl::tanh>, nl::dense<1>>;

int main() {
  constexpr tanh_net m{};
  [[maybe_unused]] auto map = nl::affine_map(m);
}
