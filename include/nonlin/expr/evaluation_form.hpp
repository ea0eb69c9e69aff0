// nonlin/expr/evaluation_form.hpp: the cost model that decides, for every run of identity layers,
// whether to evaluate it merged (one in→out layer) or layer by layer, whichever needs fewer
// multiply-adds per sample; evaluation_form_t<Net> is the result and network::forward runs it.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <type_traits>

#include <nonlin/eval/batch_forward.hpp>
#include <nonlin/expr/collapse.hpp>

namespace nonlin {

namespace detail {

// Cost is counted in multiply-adds per sample, one per weight: what a dense layer costs whatever
// the kernel, since bias and activation are a per-output epilogue that merging does not change.
// Widths come as a span, not as std::array<.., Depth + 1>: one function for every depth, which also
// keeps GCC 12 from folding instantiations of different depths into one and then warning about it.
constexpr std::size_t group_cost(std::span<const std::size_t> widths, std::size_t first, std::size_t last,
                                 bool merged) {
  if (merged) return widths[first] * widths[last + 1];
  std::size_t cost = 0;
  for (std::size_t k = first; k <= last; ++k) cost += widths[k] * widths[k + 1];
  return cost;
}

/// Merging a run pays only when in·out < Σ in_k·out_k: a 4→4→4→2 identity run costs 40 multiply-adds
/// per sample and 8 merged, a 256→8→256 bottleneck 4096 and 65536 merged, so the bottleneck stays.
template <class Net>
consteval merge_plan<network_declaration<Net>::depth> cheapest_merge_plan() {
  using decl = network_declaration<Net>;
  constexpr auto full = full_merge_plan<Net>();
  using g = groups<decl::depth, full>;
  merge_plan<decl::depth> plan{};
  for (std::size_t j = 0; j < g::count; ++j) {
    const auto [first, last] = g::bounds[j];
    if (group_cost(decl::widths, first, last, true) <
        group_cost(decl::widths, first, last, false))
      for (std::size_t k = first; k < last; ++k) plan[k] = true;
  }
  return plan;
}

template <class Net, merge_plan<network_declaration<Net>::depth> Plan>
consteval std::size_t plan_cost() {
  using decl = network_declaration<Net>;
  using g = groups<decl::depth, Plan>;
  std::size_t cost = 0;
  for (std::size_t j = 0; j < g::count; ++j)
    cost += group_cost(decl::widths, g::bounds[j][0], g::bounds[j][1], g::bounds[j][0] != g::bounds[j][1]);
  return cost;
}

// What merge_into spends: each output row of a merged group is pulled back through every layer of
// the group, so out_last · Σ in_k·out_k multiply-adds; copying unmerged layers is free by comparison.
template <class Net, merge_plan<network_declaration<Net>::depth> Plan>
consteval std::size_t merge_cost() {
  using decl = network_declaration<Net>;
  using g = groups<decl::depth, Plan>;
  std::size_t cost = 0;
  for (std::size_t j = 0; j < g::count; ++j) {
    const auto [first, last] = g::bounds[j];
    if (first != last) cost += decl::widths[last + 1] * group_cost(decl::widths, first, last, false);
  }
  return cost;
}

}  // namespace detail

/// FLOPs per sample of evaluating Net layer by layer: 2·in·out per dense layer (a multiply and an add
/// per weight), the count describe() reports; the cost model compares these.
template <class Net>
  requires is_network_v<Net>
inline constexpr std::size_t flops_per_sample_v =
    2 * detail::plan_cost<Net, detail::merge_plan<detail::network_declaration<Net>::depth>{}>();

/// Net with exactly those identity runs merged that are cheaper merged; Net itself when none is.
template <class Net>
  requires is_network_v<Net>
using evaluation_form_t = detail::regroup_t<Net, detail::cheapest_merge_plan<Net>()>;

namespace detail {

/// network::forward: the batch evaluated in evaluation_form_t<Net> (Policy, if given, is passed on to
/// batch_forward). The merged weights are built per call, on the heap (a merged 256×256 layer is
/// 256 KiB, too much for a thread's stack), and only when the batch saves more multiply-adds than
/// merging spends; caching them in the network would go stale when its weights change and would make
/// a const network's forward write memory.
// A multiply-add of the merge (double precision, one row at a time) measured about 4 times slower
// than one of the float batch kernels (bench/collapse, 64-64-64-64 on AVX-512: 27 against 115 G/s),
// so it counts 4 times.
inline constexpr std::size_t merge_cost_weight = 4;

template <class Net, class... Policy>
void forward_cheapest(const Net& net, std::span<const float> in, std::span<float> out, Policy... policy) {
  using form = evaluation_form_t<Net>;
  if constexpr (std::is_same_v<form, Net>) {
    batch_forward(net, in, out, policy...);
  } else {
    constexpr auto plan = cheapest_merge_plan<Net>();
    constexpr std::size_t saved_per_sample = (flops_per_sample_v<Net> - flops_per_sample_v<form>) / 2;
    const std::size_t samples = in.size() / Net::inputs;
    if (samples * saved_per_sample <= merge_cost_weight * merge_cost<Net, plan>()) {
      batch_forward(net, in, out, policy...);
      return;
    }
    check_batch_spans<Net>(in, out);
    const auto merged = std::make_unique<form>();
    merge_into<plan>(net, *merged);
    batch_forward(*merged, in, out, policy...);
  }
}

}  // namespace detail

}  // namespace nonlin

// network.hpp includes this header for forward; included last, it finds everything it uses defined.
#include <nonlin/network.hpp>
