// nonlin/expr/describe_collapse.hpp: describe_collapse<Net>(), one line of text per run of identity
// layers saying what merging it would give and what the cost model chose, e.g.
// "layers 1–3 (identity run) merge into one 4→2 layer: 80 → 16 FLOPs per sample (merged)"; for a
// network with residual blocks, whether collapse_t takes it whole (every layer linear) or not at all.
#pragma once

#include <cstddef>
#include <string>

#include <nonlin/eval/cost_model.hpp>
#include <nonlin/eval/merge.hpp>
#include <nonlin/network_traits.hpp>

namespace nonlin {

/// What collapse_t and the cost model do to Net, for describe() and for people. Layers are numbered
/// from 1, as the lecture numbers W1, W2, W3; FLOPs are counted as describe() counts them, 2·in·out
/// per dense layer.
template <class Net>
  requires is_network_v<Net>
std::string describe_collapse() {
  using decl = network_traits<Net>;
  if constexpr (decl::has_residual) {
    // collapse_t takes an affine residual network whole and leaves any other one as declared;
    // forward merges nothing in a network with blocks. (Appended piece by piece: GCC 12 warns,
    // wrongly, with -Wrestrict about "literal" + std::string&&.)
    std::string text;
    const std::string blocks = std::to_string(decl::residual_blocks) +
                               (decl::residual_blocks == 1 ? " residual block" : " residual blocks");
    if constexpr (decl::is_affine) {
      text += decl::depth == 1 ? "layer 1" : "layers 1\u2013";
      if (decl::depth > 1) text += std::to_string(decl::depth);
      text += " with ";
      text += blocks;
      text += decl::depth == 1 ? " (linear) collapses into one " : " (every layer linear) collapse into one ";
      text += std::to_string(decl::inputs);
      text += "\u2192";
      text += std::to_string(decl::outputs);
      text += " layer: ";
      text += std::to_string(decl::flops_per_sample);
      text += " \u2192 ";
      text += std::to_string(2 * decl::inputs * decl::outputs);
      text += " FLOPs per sample, ";
      text += std::to_string(decl::skip_additions);
      text += " skip additions aside (collapse_t; forward keeps the layers)";
    } else {
      text += "no layers merge: ";
      text += blocks;
      text += " and a non-linear activation (collapse_t is the network itself: no run merges inside or beside a block)";
    }
    return text;
  }
  constexpr auto full = detail::full_merge_plan<Net>();
  constexpr auto chosen = detail::cheapest_merge_plan<Net>();
  using g = detail::groups<decl::depth, full>;
  std::string text;
  for (std::size_t j = 0; j < g::count; ++j) {
    const auto [first, last] = g::bounds[j];
    if (first == last) continue;
    const std::size_t unmerged = 2 * detail::group_cost(decl::widths, first, last, false);
    const std::size_t merged = 2 * detail::group_cost(decl::widths, first, last, true);
    if (!text.empty()) text += '\n';
    text += "layers " + std::to_string(first + 1) + "\u2013" + std::to_string(last + 1) +
            " (identity run)" + (chosen[first] ? " merge" : " would merge") + " into one " + std::to_string(decl::widths[first]) + "\u2192" +
            std::to_string(decl::widths[last + 1]) + " layer: " + std::to_string(unmerged) + " \u2192 " +
            std::to_string(merged) + " FLOPs per sample" + (chosen[first] ? " (merged)" : " (kept unmerged: cheaper)");
  }
  return text.empty() ? "no run of identity layers to merge" : text;
}

}  // namespace nonlin
