// nonlin/eval/plan.hpp: what the batch evaluator decides from a network's type alone: the widths,
// the arithmetic per sample, which kernel runs (registers or blocked) and its tile, and when to
// use threads. Everything here is a compile-time constant; describe<Net>() prints the same facts.
#pragma once

#include <array>
#include <cstddef>

#include <nonlin/network_traits.hpp>
#include <nonlin/simd/pack.hpp>

namespace nonlin::detail {

/// The two batch kernels: every layer of a tile in registers, or a register-blocked product per layer.
enum class forward_kernel { registers, blocked };

// Vector registers of the compile target: 32 with AVX-512 and on AArch64 (NEON's v0–v31), 16 with
// AVX/AVX2 and SSE on x86-64.
#if defined(__aarch64__)
inline constexpr std::size_t vector_registers = 32;
#else
inline constexpr std::size_t vector_registers = simd::register_bytes == 64 ? 32 : 16;
#endif

template <class Net>
struct forward_plan {
  using pack = simd::float_pack;
  static constexpr std::size_t lanes = simd::lanes_v<pack>;
  using traits = network_traits<Net>;
  static constexpr std::size_t depth = traits::depth;
  static constexpr auto widths = traits::widths;
  static constexpr std::size_t max_width = traits::max_width;

  // A layer of a register tile keeps its inputs and its accumulators live at once; the rest of the
  // register file is left to the activation's temporaries, so that nothing spills.
  static constexpr std::size_t register_budget = vector_registers * 3 / 4;
  static constexpr forward_kernel kernel = [] {
    for (std::size_t k = 0; k < depth; ++k)
      if (widths[k] + widths[k + 1] > register_budget) return forward_kernel::blocked;
    return forward_kernel::registers;
  }();

  /// Tiles the register kernel advances together (their activations' latency chains overlap): as
  /// many as the register file holds the widest layer's inputs and outputs for, at most 4.
  static constexpr std::size_t register_group = [] {
    std::size_t span = 0;
    for (std::size_t k = 0; k < depth; ++k)
      span = widths[k] + widths[k + 1] > span ? widths[k] + widths[k + 1] : span;
    const std::size_t g = vector_registers / span;
    return g < 1 ? std::size_t{1} : g > 4 ? std::size_t{4} : g;
  }();

  /// Samples per tile: one pack for the register kernel. The blocked kernel keeps two activations
  /// buffers of max_width × tile floats (on the stack), sized so that the one being read stays in a
  /// 32 KiB share of L1 while the weights stream past it, with 2..8 packs.
  static constexpr std::size_t tile_packs = [] {
    if (kernel == forward_kernel::registers) return std::size_t{1};
    std::size_t p = (32 * 1024 / sizeof(float)) / (max_width * lanes);
    return p < 2 ? std::size_t{2} : p > 8 ? std::size_t{8} : p;
  }();
  static constexpr std::size_t tile = tile_packs * lanes;

  /// Fewer samples than this at the end of a batch (or in a whole small batch) go one at a time
  /// through m(x)'s vector path: a tile costs as much for one sample as for all its lanes, while
  /// m(x) reads each weight once per sample as a full pack. The thresholds sit above what a tile
  /// costs in samples of m(x) on every machine measured (bench/networks, batch:N/nonlin-forward,
  /// one core): a register tile 2.5–2.7 (Zen 4). A one-pack blocked tile, when the weights come from
  /// L2: 6–8 with AVX-512 (Zen 4; 4.5 on Zen 5), so half a pack; 3–4 with AVX2 on Zen 4 but 4.8 on
  /// Zen 5, so half a pack and one. When the weights fit in 32 KiB (the smallest L1 of the x86
  /// targets) m(x) runs from L1 and a tile costs more of its samples: 8 (Zen 4) and 9–10 (Zen 5)
  /// with AVX-512, so three quarters of a pack; 6.5–7.7 with AVX2 (Zen 5), so a whole pack.
  static constexpr bool weights_fit_in_l1 = traits::parameter_count * sizeof(float) <= 32 * 1024;
  static constexpr std::size_t one_by_one_below =
      kernel == forward_kernel::registers ? (lanes / 2 < 3 ? lanes / 2 : 3)
      : weights_fit_in_l1                 ? (lanes >= 16 ? lanes * 3 / 4 : lanes)
      : lanes >= 16                       ? lanes / 2
                                          : lanes / 2 + 1;

  /// A rough cost of one sample in flop-equivalents (an activation counted as 20), and the batch
  /// size from which threads pay for themselves: about 10 µs of one core's work.
  static constexpr std::size_t cost_per_sample = traits::flops_per_sample + 20 * traits::activation_evaluations;
  static constexpr std::size_t parallel_threshold = [] {
    std::size_t n = (std::size_t{1} << 20) / cost_per_sample;
    return n < 2 * tile ? 2 * tile : n;
  }();
};

}  // namespace nonlin::detail
