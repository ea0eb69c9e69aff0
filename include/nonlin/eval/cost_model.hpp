// nonlin/eval/cost_model.hpp: the cost model that decides, for every run of identity layers, whether
// forward evaluates it merged (one in→out layer) or layer by layer, whichever needs fewer multiply-adds
// per sample. evaluation_form_t<Net> is the result; describe_collapse reports the same choice.
#pragma once

#include <cstddef>
#include <span>

#include <nonlin/eval/merge.hpp>
#include <nonlin/network_fwd.hpp>
#include <nonlin/network_traits.hpp>

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
consteval merge_plan<network_traits<Net>::depth> cheapest_merge_plan() {
  using traits = network_traits<Net>;
  using g = groups<traits::depth, full_merge_plan<Net>()>;
  merge_plan<traits::depth> plan{};
  for (std::size_t j = 0; j < g::count; ++j) {
    const auto [first, last] = g::bounds[j];
    if (group_cost(traits::widths, first, last, true) < group_cost(traits::widths, first, last, false))
      for (std::size_t k = first; k < last; ++k) plan[k] = true;
  }
  return plan;
}

// What merge_into spends: each output row of a merged group is pulled back through every layer of
// the group, so out_last · Σ in_k·out_k multiply-adds; copying unmerged layers is free by comparison.
template <class Net, merge_plan<network_traits<Net>::depth> Plan>
consteval std::size_t merge_cost() {
  using traits = network_traits<Net>;
  using g = groups<traits::depth, Plan>;
  std::size_t cost = 0;
  for (std::size_t j = 0; j < g::count; ++j) {
    const auto [first, last] = g::bounds[j];
    if (first != last) cost += traits::widths[last + 1] * group_cost(traits::widths, first, last, false);
  }
  return cost;
}

// A multiply-add of the merge (double precision, one row at a time) measured about 4 times slower
// than one of the float batch kernels (bench/collapse, 64-64-64-64 on AVX-512: 27 against 115 G/s),
// so it counts 4 times.
inline constexpr std::size_t merge_cost_weight = 4;

}  // namespace detail

/// FLOPs per sample of evaluating Net layer by layer: 2·in·out per dense layer (a multiply and an add
/// per weight), the count describe() reports; the cost model compares these.
template <class Net>
  requires is_network_v<Net>
inline constexpr std::size_t flops_per_sample_v = network_traits<Net>::flops_per_sample;

/// Net with exactly those identity runs merged that are cheaper merged; Net itself when none is.
template <class Net>
  requires is_network_v<Net>
using evaluation_form_t = detail::regroup_t<Net, detail::cheapest_merge_plan<Net>()>;

}  // namespace nonlin
