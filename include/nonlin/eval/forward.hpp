// nonlin/eval/forward.hpp: what network::forward runs: the batch in evaluation_form_t<Net>, identity
// runs merged where the cost model says that saves multiply-adds and the inputs are finite, through
// batch_forward.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include <nonlin/eval/batch_forward.hpp>
#include <nonlin/eval/cost_model.hpp>
#include <nonlin/eval/merge.hpp>
#include <nonlin/network_traits.hpp>

namespace nonlin::detail {

/// Whether every value is finite: the exponent bits of none is all ones (an integer test the compiler
/// vectorises, unlike std::isfinite in a loop).
inline bool all_finite(std::span<const float> values) noexcept {
  std::uint32_t non_finite = 0;
  for (const float v : values) non_finite |= (std::bit_cast<std::uint32_t>(v) & 0x7f800000u) == 0x7f800000u;
  return non_finite == 0;
}

/// The merged weights are built per call (on the heap when they are large, as every large network's
/// are), and only when the batch saves more multiply-adds than merging spends;
/// caching them in the network would go stale when its weights change and would make a const
/// network's forward write memory.
template <class Net, class... Policy>
void forward_cheapest(const Net& net, std::span<const float> in, std::span<float> out, Policy... policy) {
  using form = evaluation_form_t<Net>;
  if constexpr (std::is_same_v<form, Net>) {
    batch_forward(net, in, out, policy...);
  } else {
    constexpr auto plan = cheapest_merge_plan<Net>();
    constexpr std::size_t saved_per_sample =
        (network_traits<Net>::flops_per_sample - network_traits<form>::flops_per_sample) / 2;
    const std::size_t samples = in.size() / Net::inputs;
    // A batch holding an infinity or a NaN runs layer by layer: the merged map is the same function
    // for finite inputs only (torch, and the layers as declared, give NaN where an infinite input
    // meets 0·∞ or ∞ − ∞ in a hidden layer; the merged layer would give ±∞). The scan costs one
    // pass over the inputs, against the multiply-adds the merge saves.
    if (samples * saved_per_sample <= merge_cost_weight * merge_cost<Net, plan>() || !all_finite(in)) {
      batch_forward(net, in, out, policy...);
      return;
    }
    check_batch_spans<Net>(in, out);
    form merged;
    merge_into<plan>(net, merged);
    batch_forward(merged, in, out, policy...);
  }
}

}  // namespace nonlin::detail
