// nonlin/train/detail/blocked_kernels.hpp: the three loops of training, on a block of samples kept
// in SIMD lanes ([feature][tile] packs): the forward pass and the input gradient of one dense layer
// (both the dense micro-kernel of eval/dense_kernel.hpp, with training's epilogues) and the weight
// gradient, a reduction over the samples. Register-blocked so that the FMA units, not loads, set the pace.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>

#include <nonlin/eval/dense_kernel.hpp>
#include <nonlin/simd/pack.hpp>
#include <nonlin/simd/reduce.hpp>
#include <nonlin/simd/transpose.hpp>


namespace nonlin::detail {

using lane_pack = kernel_pack;

// z[o][t] = b[o] + sum_i W[o][i] x[i][t] for RO outputs and RT tiles, on the dense micro-kernel;
// the epilogue hands each result to `finish` (the activation) before the store.
template <std::size_t In, std::size_t Tiles, std::size_t RO, std::size_t RT, class Finish>
inline void affine_kernel(const float* w, const float* b, const lane_pack* x, lane_pack* z, std::size_t o,
                          std::size_t t, Finish finish) noexcept {
  constexpr std::size_t stride = Tiles * simd::lanes_v<lane_pack>;
  dense_micro_kernel<RO, RT, In, weight_layout<In, 1>, stride>(
      w + o * In, reinterpret_cast<const float*>(x + t),
      [&](std::size_t r) { return simd::broadcast<lane_pack>(b[o + r]); },
      [&](accumulator_block<RO, RT>& acc) {
#pragma GCC unroll 16
        for (std::size_t r = 0; r < RO; ++r)
#pragma GCC unroll 16
          for (std::size_t c = 0; c < RT; ++c) z[(o + r) * Tiles + t + c] = finish(acc[r][c]);
      });
}

// Register blocks of training's forward and input gradient: training_block_rows × training_block_tiles
// accumulators, the long-product shape of eval/dense_kernel.hpp (6 × 4 with AVX-512's 32 registers,
// 6 × 2 with AVX2's 16), so that nothing spills.
inline constexpr std::size_t training_block_rows = wide_block_rows;
inline constexpr std::size_t training_block_tiles = wide_block_packs;

// Runs a kernel over a rows x tiles grid in RO x RT register blocks; the row remainder is a
// compile-time block of its own, the tile remainder runs one tile at a time.
template <std::size_t Rows, std::size_t RO, std::size_t RT, class Kernel>
inline void for_blocks(std::size_t tiles, Kernel kernel) noexcept {
  constexpr std::size_t ro = RO < Rows ? RO : Rows;
  constexpr std::size_t rem = Rows % ro;
  std::size_t o = 0;
  for (; o + ro <= Rows; o += ro) {
    std::size_t t = 0;
    for (; t + RT <= tiles; t += RT) kernel.template operator()<ro, RT>(o, t);
    for (; t < tiles; ++t) kernel.template operator()<ro, 1>(o, t);
  }
  if constexpr (rem > 0) {
    std::size_t t = 0;
    for (; t + RT <= tiles; t += RT) kernel.template operator()<rem, RT>(o, t);
    for (; t < tiles; ++t) kernel.template operator()<rem, 1>(o, t);
  }
}

// dW[o][i] += sum over samples of delta[o] * x[i], for RO outputs and RI inputs: the sample axis is
// the lanes and the tiles, so accumulators stay packs until the end of the block.
template <std::size_t In, std::size_t Tiles, std::size_t RO, std::size_t RI>
inline void weight_gradient_kernel(const lane_pack* delta, const lane_pack* x, float* gw, std::size_t o,
                                   std::size_t i, std::size_t tiles) noexcept {
  lane_pack acc[RO][RI];
#pragma GCC unroll 16
  for (std::size_t r = 0; r < RO; ++r)
#pragma GCC unroll 16
    for (std::size_t j = 0; j < RI; ++j) acc[r][j] = simd::broadcast<lane_pack>(0.0f);
  for (std::size_t t = 0; t < tiles; ++t) {
    lane_pack d[RO];
#pragma GCC unroll 16
    for (std::size_t r = 0; r < RO; ++r) d[r] = delta[(o + r) * Tiles + t];
#pragma GCC unroll 16
    for (std::size_t j = 0; j < RI; ++j) {
      const lane_pack xv = x[(i + j) * Tiles + t];
#pragma GCC unroll 16
      for (std::size_t r = 0; r < RO; ++r) acc[r][j] = simd::multiply_add(d[r], xv, acc[r][j]);
    }
  }
  if constexpr (simd::lanes_v<lane_pack> == 16 && RI == 4 && RO == 4) {
    // acc's type depends on RO and RI, which keeps this call out of non-16-lane targets.
    using pack = std::remove_cvref_t<decltype(acc[0][0])>;
    const lane_pack sums = simd::sums_of_16_packs(reinterpret_cast<const pack(&)[16]>(acc));
#pragma GCC unroll 4
    for (std::size_t r = 0; r < RO; ++r)
#pragma GCC unroll 4
      for (std::size_t j = 0; j < RI; ++j)
        gw[(o + r) * In + i + j] += sums[simd::lane_of_pack16[r * RI + j]];
    return;
  }
#pragma GCC unroll 16
  for (std::size_t r = 0; r < RO; ++r)
#pragma GCC unroll 16
    for (std::size_t j = 0; j < RI; ++j) gw[(o + r) * In + i + j] += simd::reduce_add(acc[r][j]);
}

// g[i][t] = sum_o W[o][i] delta[o][t] for RI inputs and RT tiles: the dense micro-kernel reading W
// by columns; `finish(g, at)` turns the gradient with respect to the previous layer's output at
// index `at` of the [feature][tile] layout into its delta (times the derivative), written to prev[at].
template <std::size_t In, std::size_t Out, std::size_t Tiles, std::size_t RI, std::size_t RT, class Finish>
inline void input_gradient_kernel(const float* w, const lane_pack* delta, lane_pack* prev, std::size_t i,
                                  std::size_t t, Finish finish) noexcept {
  constexpr std::size_t stride = Tiles * simd::lanes_v<lane_pack>;
  dense_micro_kernel<RI, RT, Out, weight_layout<1, In>, stride>(
      w + i, reinterpret_cast<const float*>(delta + t),
      [](std::size_t) { return simd::broadcast<lane_pack>(0.0f); },
      [&](accumulator_block<RI, RT>& acc) {
#pragma GCC unroll 16
        for (std::size_t j = 0; j < RI; ++j)
#pragma GCC unroll 16
          for (std::size_t c = 0; c < RT; ++c) {
            const std::size_t at = (i + j) * Tiles + t + c;
            prev[at] = finish(acc[j][c], at);
          }
      });
}

}  // namespace nonlin::detail
