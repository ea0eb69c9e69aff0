// nonlin/eval/merge.hpp: merging runs of identity layers into one layer, with numbers. A merge plan
// groups a network's layers into consecutive runs; regroup_t is the network type a plan produces and
// merge_into writes its weights: σ(W2(W1x + b1) + b2) = σ(W'x + b') with W' = W2·W1, b' = W2·b1 + b2.
// forward uses it through the cost model; collapse_t, the proof layer's name for it, merges every run.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

#include <nonlin/layer.hpp>
#include <nonlin/network_fwd.hpp>
#include <nonlin/network_traits.hpp>

namespace nonlin::detail {

/// A grouping of a network's layers into consecutive runs: joins_next[k] says layer k is merged
/// with layer k + 1. Only a layer without activation may join its successor; the successor may carry
/// any activation, since σ(W2(W1x + b1) + b2) = σ((W2W1)x + (W2b1 + b2)).
template <std::size_t Depth>
using merge_plan = std::array<bool, Depth>;

/// Every identity layer that has a successor joins it: the plan collapse_t follows. A network with
/// residual blocks merges no layers here (a merge would have to keep the blocks' skips apart);
/// expr/collapse.hpp collapses an affine one as a whole.
template <class Net>
consteval merge_plan<network_traits<Net>::depth> full_merge_plan() {
  using traits = network_traits<Net>;
  merge_plan<traits::depth> plan{};
  if (traits::has_residual) return plan;
  for (std::size_t k = 0; k + 1 < traits::depth; ++k) plan[k] = traits::is_identity[k];
  return plan;
}

template <std::size_t Depth>
consteval bool is_valid_plan(const merge_plan<Depth>& plan, const std::array<bool, Depth>& is_identity) {
  for (std::size_t k = 0; k < Depth; ++k)
    if (plan[k] && (!is_identity[k] || k + 1 == Depth)) return false;
  return true;
}

/// The first and last source layer of every group.
template <std::size_t Depth, merge_plan<Depth> Plan>
struct groups {
  static constexpr std::size_t count = static_cast<std::size_t>(std::count(Plan.begin(), Plan.end(), false));
  static constexpr auto bounds = [] {
    std::array<std::array<std::size_t, 2>, count> b{};
    std::size_t g = 0, first = 0;
    for (std::size_t k = 0; k < Depth; ++k)
      if (!Plan[k]) b[g++] = {first, k}, first = k + 1;
    return b;
  }();
};

/// The network type a plan produces: each group becomes its last layer's declaration (its outputs
/// and its activation); the group's input width is the first layer's, which the network infers.
/// A plan that merges nothing gives Net itself (with its residual blocks, if it has any).
template <class Net, merge_plan<network_traits<Net>::depth> Plan>
struct regroup {
  using traits = network_traits<Net>;
  static_assert(is_valid_plan(Plan, traits::is_identity));
  using g = groups<traits::depth, Plan>;
  static_assert(!traits::has_residual || g::count == traits::depth,
                "layers of a network with residual blocks are not merged");
  template <std::size_t... G>
  static auto build(std::index_sequence<G...>)
      -> network<typename traits::input, typename traits::template layer_declaration<g::bounds[G][1]>...>;
  using type = std::conditional_t<g::count == traits::depth, Net,
                                  decltype(build(std::make_index_sequence<g::count>{}))>;
};
template <class Net, merge_plan<network_traits<Net>::depth> Plan>
using regroup_t = typename regroup<Net, Plan>::type;

// Row o of the product W_Last···W_(K+1), carried down one layer: r <- r·W_K, and the bias of layer
// K - 1 picked up on the way (b' = Σ_k W_Last···W_(k+1)·b_k). The sums run in double and W', b' are
// rounded to float once, so a merged weight is the product correctly rounded, not Depth roundings.
template <std::size_t First, std::size_t K, class Net>
constexpr void pull_back(const Net& net, std::array<double, network_traits<Net>::max_width>& row,
                         double& bias) {
  if constexpr (K > First) {
    const auto& layer = net.template layer<K>();
    const auto& below = net.template layer<K - 1>();
    constexpr std::size_t in = network_traits<Net>::widths[K], out = network_traits<Net>::widths[K + 1];
    std::array<double, network_traits<Net>::max_width> next{};
    for (std::size_t o = 0; o < out; ++o)
      for (std::size_t i = 0; i < in; ++i) next[i] += row[o] * static_cast<double>(layer.weight[o * in + i]);
    for (std::size_t i = 0; i < in; ++i) bias += next[i] * static_cast<double>(below.bias[i]);
    row = next;
    pull_back<First, K - 1>(net, row, bias);
  }
}

/// Layers First..Last of `net` as one layer: W' = W_Last···W_First, b' = Σ_k W_Last···W_(k+1)·b_k.
template <std::size_t First, std::size_t Last, class Net, class Merged>
constexpr void merge_layers(const Net& net, Merged& merged) {
  using traits = network_traits<Net>;
  const auto& first = net.template layer<First>();
  const auto& last = net.template layer<Last>();
  constexpr std::size_t in = traits::widths[First], first_out = traits::widths[First + 1];
  constexpr std::size_t out = traits::widths[Last + 1];
  static_assert(Merged::inputs == in && Merged::outputs == out);
  if constexpr (First == Last) {
    merged.weight = first.weight;
    merged.bias = first.bias;
  } else {
    for (std::size_t o = 0; o < out; ++o) {
      std::array<double, traits::max_width> row{};
      row[o] = 1.0;
      double bias = static_cast<double>(last.bias[o]);
      pull_back<First, Last>(net, row, bias);
      // Row times matrix as a sum of scaled rows: contiguous, so it vectorises (a dot product per
      // column would stride through W_First and chain every addition).
      std::array<double, traits::max_width> w{};
      for (std::size_t j = 0; j < first_out; ++j)
        for (std::size_t i = 0; i < in; ++i) w[i] += row[j] * static_cast<double>(first.weight[j * in + i]);
      for (std::size_t i = 0; i < in; ++i) merged.weight[o * in + i] = static_cast<float>(w[i]);
      merged.bias[o] = static_cast<float>(bias);
    }
  }
}

/// Writes the weights of `net` grouped by Plan into `merged` (of type regroup_t<Net, Plan>).
template <auto Plan, class Net, class Merged>
constexpr void merge_into(const Net& net, Merged& merged) {
  using g = groups<network_traits<Net>::depth, Plan>;
  static_assert(std::is_same_v<Merged, regroup_t<Net, Plan>>);
  [&]<std::size_t... G>(std::index_sequence<G...>) {
    (merge_layers<g::bounds[G][0], g::bounds[G][1]>(net, merged.template layer<G>()), ...);
  }(std::make_index_sequence<g::count>{});
}

}  // namespace nonlin::detail
