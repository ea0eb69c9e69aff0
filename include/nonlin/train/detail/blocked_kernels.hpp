// nonlin/train/detail/blocked_kernels.hpp: the three loops of training, on a block of samples kept
// in SIMD lanes ([feature][tile] packs): the forward pass, the weight gradient and the input gradient
// of one dense layer. Register-blocked so that the FMA units, not loads, set the pace.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>

#include <nonlin/simd/pack.hpp>


namespace nonlin::detail {

using lane_pack = simd::float_pack;

// The sum of one pack's lanes by halving: log2(lanes) shuffle-and-add steps. (GCC 12's
// _mm512_reduce_add_ps trips -Wmaybe-uninitialized inside its own header, hence vector shuffles.)
// A template, so that the 16-lane shuffles are only instantiated on targets with 16-lane packs.
template <class P = lane_pack>
inline float lane_sum(P v) noexcept {
  if constexpr (simd::lanes_v<P> == 16) {
    v += __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
    v += __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11);
    v += __builtin_shufflevector(v, v, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
    v += __builtin_shufflevector(v, v, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);
    return v[0];
  } else {
    return simd::reduce_add(v);
  }
}

// Sums of 16 packs of 16 lanes at once, each lane of the result holding one pack's sum (see
// lane_of_pack16).
// A transposing add tree: 15 adds and 30 two-source shuffles for 16 sums, against 4 dependent
// shuffle-add pairs per lane_sum.
template <class P = lane_pack>
  requires(simd::lanes_v<P> == 16)
inline P lane_sums16(const P (&p)[16]) noexcept {
  P r8[8];
  for (int k = 0; k < 8; ++k) {  // 256-bit halves: a.lo+a.hi | b.lo+b.hi
    const P a = p[k], b = p[k + 8];
    r8[k] = __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) +
            __builtin_shufflevector(a, b, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  }
  P r4[4];
  for (int k = 0; k < 4; ++k) {  // 128-bit quarters
    const P a = r8[k], b = r8[k + 4];
    r4[k] = __builtin_shufflevector(a, b, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27) +
            __builtin_shufflevector(a, b, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
  }
  P r2[2];
  for (int k = 0; k < 2; ++k) {  // 64-bit halves of each 128-bit quarter
    const P a = r4[k], b = r4[k + 2];
    r2[k] = __builtin_shufflevector(a, b, 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29) +
            __builtin_shufflevector(a, b, 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
  }
  const P a = r2[0], b = r2[1];
  return __builtin_shufflevector(a, b, 0, 2, 16, 18, 4, 6, 20, 22, 8, 10, 24, 26, 12, 14, 28, 30) +
         __builtin_shufflevector(a, b, 1, 3, 17, 19, 5, 7, 21, 23, 9, 11, 25, 27, 13, 15, 29, 31);
}

// The tree does not keep the packs in order: pack p's sum lands in lane lane_of_pack16[p]. In
// 128-bit quarter q and position e of the result sit pack {0,2,1,3}[e] + {0,8,4,12}[q].
inline constexpr std::array<int, 16> lane_of_pack16 = [] {
  std::array<int, 16> lane{};
  constexpr int by_position[4] = {0, 2, 1, 3}, by_quarter[4] = {0, 8, 4, 12};
  for (int q = 0; q < 4; ++q)
    for (int e = 0; e < 4; ++e) lane[by_position[e] + by_quarter[q]] = 4 * q + e;
  return lane;
}();

// z[o][t] = b[o] + sum_i W[o][i] x[i][t] for RO outputs and RT tiles; the epilogue hands each
// result to `finish` (the activation) before the store.
template <std::size_t In, std::size_t Tiles, std::size_t RO, std::size_t RT, class Finish>
inline void affine_kernel(const float* w, const float* b, const lane_pack* x, lane_pack* z, std::size_t o,
                          std::size_t t, Finish finish) noexcept {
  lane_pack acc[RO][RT];
#pragma GCC unroll 16
  for (std::size_t r = 0; r < RO; ++r)
#pragma GCC unroll 16
    for (std::size_t c = 0; c < RT; ++c) acc[r][c] = simd::broadcast<lane_pack>(b[o + r]);
  for (std::size_t i = 0; i < In; ++i) {
    lane_pack xv[RT];
#pragma GCC unroll 16
    for (std::size_t c = 0; c < RT; ++c) xv[c] = x[i * Tiles + t + c];
#pragma GCC unroll 16
    for (std::size_t r = 0; r < RO; ++r) {
      const lane_pack wv = simd::broadcast<lane_pack>(w[(o + r) * In + i]);
#pragma GCC unroll 16
      for (std::size_t c = 0; c < RT; ++c) acc[r][c] = simd::fma(wv, xv[c], acc[r][c]);
    }
  }
#pragma GCC unroll 16
  for (std::size_t r = 0; r < RO; ++r)
#pragma GCC unroll 16
    for (std::size_t c = 0; c < RT; ++c) z[(o + r) * Tiles + t + c] = finish(acc[r][c]);
}

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
      for (std::size_t r = 0; r < RO; ++r) acc[r][j] = simd::fma(d[r], xv, acc[r][j]);
    }
  }
  if constexpr (simd::lanes_v<lane_pack> == 16 && RI == 4 && RO == 4) {
    // acc's type depends on RO and RI, which keeps this call out of non-16-lane targets.
    using pack = std::remove_cvref_t<decltype(acc[0][0])>;
    const lane_pack sums = lane_sums16(reinterpret_cast<const pack(&)[16]>(acc));
#pragma GCC unroll 4
    for (std::size_t r = 0; r < RO; ++r)
#pragma GCC unroll 4
      for (std::size_t j = 0; j < RI; ++j)
        gw[(o + r) * In + i + j] += sums[lane_of_pack16[r * RI + j]];
    return;
  }
#pragma GCC unroll 16
  for (std::size_t r = 0; r < RO; ++r)
#pragma GCC unroll 16
    for (std::size_t j = 0; j < RI; ++j) gw[(o + r) * In + i + j] += lane_sum(acc[r][j]);
}

// g[i][t] = sum_o W[o][i] delta[o][t] for RI inputs and RT tiles; `finish(g, i, t)` turns the
// gradient with respect to the previous layer's output into its delta (times the derivative).
template <std::size_t In, std::size_t Out, std::size_t Tiles, std::size_t RI, std::size_t RT, class Finish>
inline void input_gradient_kernel(const float* w, const lane_pack* delta, lane_pack* prev, std::size_t i,
                                  std::size_t t, Finish finish) noexcept {
  lane_pack acc[RI][RT];
#pragma GCC unroll 16
  for (std::size_t j = 0; j < RI; ++j)
#pragma GCC unroll 16
    for (std::size_t c = 0; c < RT; ++c) acc[j][c] = simd::broadcast<lane_pack>(0.0f);
  for (std::size_t o = 0; o < Out; ++o) {
    lane_pack d[RT];
#pragma GCC unroll 16
    for (std::size_t c = 0; c < RT; ++c) d[c] = delta[o * Tiles + t + c];
#pragma GCC unroll 16
    for (std::size_t j = 0; j < RI; ++j) {
      const lane_pack wv = simd::broadcast<lane_pack>(w[o * In + i + j]);
#pragma GCC unroll 16
      for (std::size_t c = 0; c < RT; ++c) acc[j][c] = simd::fma(wv, d[c], acc[j][c]);
    }
  }
#pragma GCC unroll 16
  for (std::size_t j = 0; j < RI; ++j)
#pragma GCC unroll 16
    for (std::size_t c = 0; c < RT; ++c) {
      lane_pack& p = prev[(i + j) * Tiles + t + c];
      p = finish(acc[j][c], p);
    }
}

}  // namespace nonlin::detail
