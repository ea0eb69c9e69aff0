// nonlin/eval/batch_forward.hpp: the batch evaluator behind network::forward. It checks the spans,
// runs the kernel the network's widths call for (eval/plan.hpp) and, for large batches or on request,
// shares the tiles among OpenMP threads. Each tile is computed alike on any thread, so the result
// does not depend on the number of threads.
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <type_traits>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include <nonlin/detail/argument_errors.hpp>
#include <nonlin/eval/blocked_kernel.hpp>
#include <nonlin/eval/execution.hpp>
#include <nonlin/eval/plan.hpp>
#include <nonlin/eval/register_kernel.hpp>

namespace nonlin::detail {

template <class Net>
void check_batch_spans(std::span<const float> in, std::span<float> out) {
  constexpr std::size_t ni = Net::inputs, no = Net::outputs;
  const std::size_t rows = in.size() / ni;
  if (in.size() % ni != 0 || out.size() != rows * no) throw_batch_mismatch(ni, no, in.size(), out.size());
}

/// `count` consecutive samples on the calling thread.
template <class Net>
inline void forward_samples(const Net& net, const float* in, float* out, std::size_t count) noexcept {
  if constexpr (forward_plan<Net>::kernel == forward_kernel::registers)
    register_forward(net, in, out, count);
  else
    blocked_forward(net, in, out, count);
}

template <class Net, execution::policy Policy = execution::automatic_policy>
void batch_forward(const Net& net, std::span<const float> in, std::span<float> out, Policy = {}) {
  check_batch_spans<Net>(in, out);
  const std::size_t n = in.size() / Net::inputs;
#if defined(_OPENMP)
  using plan = forward_plan<Net>;
  const bool threads = std::is_same_v<Policy, execution::parallel_policy> ||
                       (std::is_same_v<Policy, execution::automatic_policy> &&
                        n >= plan::parallel_threshold && !omp_in_parallel());
  if (threads && n > plan::tile && omp_get_max_threads() > 1) {
    // Contiguous runs of whole tiles, one per thread: only the last run can end in a partial tile.
    const std::size_t tiles = (n + plan::tile - 1) / plan::tile;
#pragma omp parallel
    {
      const auto t = static_cast<std::size_t>(omp_get_thread_num());
      const auto nt = static_cast<std::size_t>(omp_get_num_threads());
      const std::size_t first = tiles * t / nt * plan::tile;
      const std::size_t last = std::min(n, tiles * (t + 1) / nt * plan::tile);
      if (first < last)
        forward_samples(net, in.data() + first * Net::inputs, out.data() + first * Net::outputs,
                        last - first);
    }
    return;
  }
#endif
  forward_samples(net, in.data(), out.data(), n);
}

}  // namespace nonlin::detail
