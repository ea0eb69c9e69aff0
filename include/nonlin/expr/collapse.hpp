// nonlin/expr/collapse.hpp: collapse_t<Net>, the network with every run of identity layers merged
// into one dense layer, and collapse(m), the same with merged weights (constexpr). The lecture's
// claim made executable: σ(W2(W1x + b1) + b2) = σ(W'x + b') with W' = W2·W1 and b' = W2·b1 + b2.
// The merging itself (plans, regrouped types, the double-precision products) is eval/merge.hpp's,
// which forward also uses; this header names the full merge and proves things with it.
#pragma once

#include <nonlin/eval/merge.hpp>
#include <nonlin/network.hpp>

namespace nonlin {

/// The network with every run of consecutive identity layers merged into one dense layer; the last
/// layer of a run keeps its activation (softmax included). A network without identity layers is
/// its own collapse; an all-identity network collapses to network<input<N>, dense<M>>.
template <class Net>
  requires is_network_v<Net>
using collapse_t = detail::regroup_t<Net, detail::full_merge_plan<Net>()>;

/// m with its identity runs merged: collapse(m)(x) == m(x) up to float rounding (exactly, when the
/// weights make every product exact), and usable in constant expressions.
template <class Net>
  requires is_network_v<Net>
constexpr collapse_t<Net> collapse(const Net& m) {
  collapse_t<Net> merged{};
  detail::merge_into<detail::full_merge_plan<Net>()>(m, merged);
  return merged;
}

}  // namespace nonlin
