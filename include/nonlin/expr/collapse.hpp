// nonlin/expr/collapse.hpp: collapse_t<Net>, the network with every run of identity layers merged
// into one dense layer, and collapse(m), the same with merged weights (constexpr). The lecture's
// claim made executable: σ(W2(W1x + b1) + b2) = σ(W'x + b') with W' = W2·W1 and b' = W2·b1 + b2.
// The merging of runs (plans, regrouped types, the double-precision products) is eval/merge.hpp's,
// which forward also uses; this header names the full merge and proves things with it. It also
// collapses a network with residual blocks when every layer is linear: a block x ↦ x + (W2(W1x + b1)
// + b2) is the affine map (I + W2W1)x + (W2b1 + b2), so the whole network is one layer.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

#include <nonlin/activation/identity.hpp>
#include <nonlin/eval/merge.hpp>
#include <nonlin/layer.hpp>
#include <nonlin/network.hpp>
#include <nonlin/network_traits.hpp>

namespace nonlin {

namespace detail {

/// A network with residual blocks and no non-linear activation: collapse_t makes it one affine
/// layer as a whole. Residual networks with a non-linearity are left as they are: merging a run
/// next to a block or inside one would have to keep the block's skip apart (eval/merge.hpp's plan
/// merges nothing in them), and through a non-linear layer nothing merges at all.
template <class Net>
inline constexpr bool is_affine_residual_v = network_traits<Net>::has_residual && network_traits<Net>::is_affine;

template <class Net>
using collapsed_t = std::conditional_t<is_affine_residual_v<Net>,
                                       network<typename network_traits<Net>::input, dense<network_traits<Net>::outputs>>,
                                       regroup_t<Net, full_merge_plan<Net>()>>;

// One layer of the pull-back of output row o, from the top: `row` is the row of W' with respect to
// layer K's output, and becomes the row with respect to its input, r <- r·W_K, after r·b_K is added
// to b'. A block's skip passes the row on unchanged: at the block's last layer the row is kept in
// `skip`, and at its first it is added back, since ∂(h + f(h))/∂h = I + ∂f/∂h.
template <std::size_t K, class Net>
constexpr void pull_back_through(const Net& net, std::array<double, network_traits<Net>::max_width>& row,
                                 std::array<double, network_traits<Net>::max_width>& skip, double& bias) {
  using traits = network_traits<Net>;
  constexpr std::size_t in = traits::widths[K], out = traits::widths[K + 1];
  const auto& layer = net.template layer<K>();
  if constexpr (traits::blocks.ends[K]) skip = row;
  for (std::size_t o = 0; o < out; ++o) bias += row[o] * static_cast<double>(layer.bias[o]);
  std::array<double, traits::max_width> next{};
  for (std::size_t o = 0; o < out; ++o)
    for (std::size_t i = 0; i < in; ++i) next[i] += row[o] * static_cast<double>(layer.weight[o * in + i]);
  if constexpr (traits::blocks.begins[K])
    for (std::size_t i = 0; i < in; ++i) next[i] += skip[i];
  row = next;
}

/// The one layer an affine network with residual blocks equals. Row o of W' and b'[o] are found by
/// pulling the unit row e_o back through the layers, from the last to the first (a fold over the
/// layers), in double; W' and b' are rounded to float once.
template <class Net, class Merged>
constexpr void collapse_affine_residual(const Net& net, Merged& merged) {
  using traits = network_traits<Net>;
  static_assert(Merged::inputs == traits::inputs && Merged::outputs == traits::outputs);
  for (std::size_t o = 0; o < traits::outputs; ++o) {
    std::array<double, traits::max_width> row{}, skip{};
    row[o] = 1.0;
    double bias = 0.0;
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      (pull_back_through<traits::depth - 1 - J>(net, row, skip, bias), ...);
    }(std::make_index_sequence<traits::depth>{});
    for (std::size_t i = 0; i < traits::inputs; ++i)
      merged.weight[o * traits::inputs + i] = static_cast<float>(row[i]);
    merged.bias[o] = static_cast<float>(bias);
  }
}

}  // namespace detail

/// The network with every run of consecutive identity layers merged into one dense layer; the last
/// layer of a run keeps its activation (softmax included). A network without identity layers is
/// its own collapse; an all-identity network collapses to network<input<N>, dense<M>>, and so does
/// a network of linear layers and linear residual blocks. A network with residual blocks and a
/// non-linear activation anywhere is its own collapse: no layer merges, inside a block or beside one.
template <class Net>
  requires is_network_v<Net>
using collapse_t = detail::collapsed_t<Net>;

/// m with its identity runs merged: collapse(m)(x) == m(x) up to float rounding (exactly, when the
/// weights make every product exact), and usable in constant expressions when m stores its
/// weights inline.
///
/// How exact: every merged weight and bias is a sum of products of m's weights (for a residual
/// network, W' = Wn···W1 with each block's chain F replaced by I + F, expanded), accumulated in
/// double and rounded to float once. So it is the real-number value to within the double rounding
/// of that accumulation (a relative 2^-53 per operation on the magnitudes summed), then correctly
/// rounded to float; when the weights' products and sums are exact in double (small integers times
/// powers of two), W' and b' are exact. What remains is the float rounding of evaluating either form,
/// which differs: m(x) rounds after every layer (and every skip addition), collapse(m)(x) once per
/// multiply-add of its one layer.
template <class Net>
  requires is_network_v<Net>
constexpr collapse_t<Net> collapse(const Net& m) {
  collapse_t<Net> merged{};
  if constexpr (detail::is_affine_residual_v<Net>)
    detail::collapse_affine_residual(m, merged.template layer<0>());
  else
    detail::merge_into<detail::full_merge_plan<Net>()>(m, merged);
  return merged;
}

}  // namespace nonlin
