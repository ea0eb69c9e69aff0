// nonlin/expr/collapse.hpp: collapse_t<Net>, the network with every run of identity layers merged
// into one dense layer, and collapse(m), the same with merged weights (constexpr). The lecture's
// claim made executable: σ(W2(W1x + b1) + b2) = σ(W'x + b') with W' = W2·W1 and b' = W2·b1 + b2.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>

#include <boost/hana/append.hpp>
#include <boost/hana/at.hpp>
#include <boost/hana/drop_back.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/range.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>
#include <boost/hana/unpack.hpp>

#include <nonlin/activation/identity.hpp>
#include <nonlin/layer.hpp>

namespace nonlin {

// Declared here so that network.hpp can use what follows; the definition comes at the end.
template <class Input, class... Layers>
class network;

template <class T>
inline constexpr bool is_network_v = false;
template <class Input, class... Layers>
inline constexpr bool is_network_v<network<Input, Layers...>> = true;

namespace detail {

template <class Net>
struct network_declaration;
template <class Input, class... Layers>
struct network_declaration<network<Input, Layers...>> {
  using input = Input;
  static constexpr auto layers = boost::hana::tuple_t<Layers...>;
  static constexpr std::size_t depth = sizeof...(Layers);
  // Input width of every layer, then the output width, so layer k maps widths[k] -> widths[k + 1].
  static constexpr std::array<std::size_t, depth + 1> widths{Input::size, Layers::outputs...};
  static constexpr std::array<bool, depth> is_identity{std::is_same_v<typename Layers::activation_type, identity>...};
};

/// A grouping of a network's layers into consecutive runs: joins_next[k] says layer k is merged
/// with layer k + 1. Only a layer without activation may join its successor; the successor may carry
/// any activation, since σ(W2(W1x + b1) + b2) = σ((W2W1)x + (W2b1 + b2)).
template <std::size_t Depth>
using merge_plan = std::array<bool, Depth>;

/// The plan collapse_t follows: every identity layer that has a successor joins it.
template <class Net>
consteval merge_plan<network_declaration<Net>::depth> full_merge_plan() {
  using decl = network_declaration<Net>;
  merge_plan<decl::depth> plan{};
  for (std::size_t k = 0; k + 1 < decl::depth; ++k) plan[k] = decl::is_identity[k];
  return plan;
}

template <std::size_t Depth>
consteval bool is_valid_plan(const merge_plan<Depth>& plan, const std::array<bool, Depth>& is_identity) {
  for (std::size_t k = 0; k < Depth; ++k)
    if (plan[k] && (!is_identity[k] || k + 1 == Depth)) return false;
  return true;
}

template <std::size_t Depth>
consteval std::size_t group_count(const merge_plan<Depth>& plan) {
  return static_cast<std::size_t>(std::count(plan.begin(), plan.end(), false));
}

/// The first and last source layer of every group.
template <std::size_t Depth, merge_plan<Depth> Plan>
struct groups {
  static constexpr std::size_t count = group_count(Plan);
  static constexpr auto bounds = [] {
    std::array<std::array<std::size_t, 2>, count> b{};
    std::size_t g = 0, first = 0;
    for (std::size_t k = 0; k < Depth; ++k)
      if (!Plan[k]) b[g++] = {first, k}, first = k + 1;
    return b;
  }();
};

/// The network type a plan produces: each group becomes its last layer's declaration (its outputs
/// and its activation); the group's input width is the first layer's, which the chain infers.
template <class Net, merge_plan<network_declaration<Net>::depth> Plan>
struct regroup {
  using decl = network_declaration<Net>;
  static_assert(is_valid_plan(Plan, decl::is_identity));
  static constexpr auto merged = boost::hana::fold_left(
      boost::hana::range_c<std::size_t, 0, decl::depth>, boost::hana::tuple_t<>, [](auto emitted, auto k) {
        constexpr std::size_t i = decltype(k)::value;
        constexpr auto layer = boost::hana::at_c<i>(decl::layers);
        if constexpr (i > 0 && Plan[i > 0 ? i - 1 : 0])
          return boost::hana::append(boost::hana::drop_back(emitted), layer);
        else
          return boost::hana::append(emitted, layer);
      });
  using type = typename decltype(boost::hana::unpack(merged, [](auto... layer) {
    return boost::hana::type_c<network<typename decl::input, typename decltype(layer)::type...>>;
  }))::type;
};
template <class Net, merge_plan<network_declaration<Net>::depth> Plan>
using regroup_t = typename regroup<Net, Plan>::type;

template <class Net>
inline constexpr std::size_t widest_layer =
    *std::max_element(network_declaration<Net>::widths.begin(), network_declaration<Net>::widths.end());

// Row o of the product W_Last···W_(K+1), carried down one layer: r <- r·W_K, and the bias of layer
// K - 1 picked up on the way (b' = Σ_k W_Last···W_(k+1)·b_k). The sums run in double and W', b' are
// rounded to float once, so a merged weight is the product correctly rounded, not Depth roundings.
template <std::size_t First, std::size_t K, class Net>
constexpr void pull_back(const Net& net, std::array<double, widest_layer<Net>>& row, double& bias) {
  if constexpr (K > First) {
    const auto& layer = net.template layer<K>();
    const auto& below = net.template layer<K - 1>();
    constexpr std::size_t in = Net::template layer_type<K>::inputs;
    constexpr std::size_t out = Net::template layer_type<K>::outputs;
    std::array<double, widest_layer<Net>> next{};
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
  const auto& first = net.template layer<First>();
  const auto& last = net.template layer<Last>();
  constexpr std::size_t in = Net::template layer_type<First>::inputs;
  constexpr std::size_t first_out = Net::template layer_type<First>::outputs;
  constexpr std::size_t out = Net::template layer_type<Last>::outputs;
  static_assert(Merged::inputs == in && Merged::outputs == out);
  if constexpr (First == Last) {
    merged.weight = first.weight;
    merged.bias = first.bias;
  } else {
    for (std::size_t o = 0; o < out; ++o) {
      std::array<double, widest_layer<Net>> row{};
      row[o] = 1.0;
      double bias = static_cast<double>(last.bias[o]);
      pull_back<First, Last>(net, row, bias);
      // Row times matrix as a sum of scaled rows: contiguous, so it vectorises (a dot product per
      // column would stride through W_First and chain every addition).
      std::array<double, widest_layer<Net>> w{};
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
  using g = groups<network_declaration<Net>::depth, Plan>;
  static_assert(std::is_same_v<Merged, regroup_t<Net, Plan>>);
  boost::hana::for_each(boost::hana::range_c<std::size_t, 0, g::count>, [&](auto j) {
    constexpr std::size_t group = decltype(j)::value;
    merge_layers<g::bounds[group][0], g::bounds[group][1]>(net, merged.template layer<group>());
  });
}

}  // namespace detail

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

// The cost model, and through it network's definition: network.hpp includes this header for
// forward, so the definitions above must come first, whichever of the two a user includes.
#include <nonlin/expr/evaluation_form.hpp>
