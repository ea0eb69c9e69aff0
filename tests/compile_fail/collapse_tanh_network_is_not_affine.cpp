// Must not compile: a network with a tanh layer is not one affine map, and is_affine_v says so.
// Expected: "tanh_net is not affine: its tanh layer bends the map, so no single W'x + b' computes it"
#include <nonlin/activation/tanh.hpp>
#include <nonlin/expr/affine.hpp>
#include <nonlin/network.hpp>

namespace nl = nonlin;
using tanh_net = nl::network<nl::input<2>, nl::dense<4>, nl::dense<4, nl::tanh>, nl::dense<1>>;

static_assert(nl::is_affine_v<tanh_net>, "tanh_net is not affine: its tanh layer bends the map, so no single W'x + b' computes it");
