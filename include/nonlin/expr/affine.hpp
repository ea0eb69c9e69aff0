// nonlin/expr/affine.hpp: is_affine_v<Net>, true exactly when no layer has a non-linear
// activation (residual blocks included), and affine_map(m), the one dense layer W'x + b' such a
// network is. Asking for the affine map of a network with tanh (or any other non-linearity) does
// not compile.
#pragma once

#include <cstddef>

#include <nonlin/activation/identity.hpp>
#include <nonlin/expr/collapse.hpp>
#include <nonlin/layer.hpp>
#include <nonlin/network_traits.hpp>

namespace nonlin {

/// True iff Net is a network whose every activation is identity: then, by the lecture's
/// derivation, the whole network is the single affine map x -> W'x + b'. Residual blocks do not
/// change that: a block h + f(h) with f affine is affine, (I + F)h + c, and one activation inside a
/// block makes the network as non-affine as anywhere else.
template <class Net>
inline constexpr bool is_affine_v = false;
template <class Input, class... Layers>
inline constexpr bool is_affine_v<network<Input, Layers...>> = network_traits<network<Input, Layers...>>::is_affine;

/// The single affine layer an all-identity network equals: y = W'x + b', W' = Wn···W1,
/// b' = Σ_k Wn···W(k+1)·b_k (each residual block's chain F counted as I + F), as a dense_layer (so
/// affine_map(m)(x) evaluates it).
template <class Net>
  requires is_network_v<Net>
constexpr auto affine_map(const Net& m) {
  static_assert(is_affine_v<Net>,
                "nonlin::affine_map: the network has a non-linear activation, so it is not one affine map");
  if constexpr (is_affine_v<Net>) {
    return collapse(m).template layer<0>();
  } else {
    return dense_layer<Net::inputs, Net::outputs, identity>{};  // unreachable: keeps the diagnostic alone
  }
}

}  // namespace nonlin
