// nonlin/simd/transpose.hpp: moving a tile between the batch's row-major layout (one sample per row)
// and the kernels' layout (one feature per pack, one sample per lane), in both directions.
// Narrow rows use two-source permutes straight into registers; wide rows use lanes × lanes block
// transposes. Both are written with vector shuffles, so every SIMD width gets them.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <utility>

#include <nonlin/simd/pack.hpp>
#include <nonlin/simd/shuffle.hpp>

namespace nonlin::detail {

using kernel_pack = simd::float_pack;
using kernel_index = simd::int_lane_t<kernel_pack>;
inline constexpr std::size_t kernel_lanes = simd::lanes_v<kernel_pack>;

// For feature f of a narrow tile, lane s comes from flat position s·Width + f of the Width packs
// holding the tile; two packs at a time are one two-source permute (vpermt2ps), merged under a lane
// mask. The index and mask tables depend only on Width and are built by the compiler.
template <std::size_t Width>
struct narrow_permutes {
  static constexpr std::size_t pairs = (Width + 1) / 2;
  struct entry {
    std::array<int, kernel_lanes> index{};
    std::array<int, kernel_lanes> mask{};  // -1 where the lane comes from this pair
    bool used = false;
  };
  // gather[f][j]: how feature f takes its lanes from the packs 2j and 2j + 1 (rows to columns).
  static constexpr auto gather = [] {
    std::array<std::array<entry, pairs>, Width> t{};
    for (std::size_t f = 0; f < Width; ++f)
      for (std::size_t s = 0; s < kernel_lanes; ++s) {
        const std::size_t flat = s * Width + f, j = flat / (2 * kernel_lanes);
        t[f][j].index[s] = static_cast<int>(flat % (2 * kernel_lanes));
        t[f][j].mask[s] = -1;
        t[f][j].used = true;
      }
    return t;
  }();
  // scatter[k][j]: how output pack k takes its lanes from the features 2j and 2j + 1 (back to rows).
  static constexpr auto scatter = [] {
    std::array<std::array<entry, pairs>, Width> t{};
    for (std::size_t k = 0; k < Width; ++k)
      for (std::size_t l = 0; l < kernel_lanes; ++l) {
        const std::size_t flat = k * kernel_lanes + l, s = flat / Width, f = flat % Width, j = f / 2;
        t[k][j].index[l] = static_cast<int>((f % 2) * kernel_lanes + s);
        t[k][j].mask[l] = -1;
        t[k][j].used = true;
      }
    return t;
  }();
};

template <const auto& Table, std::size_t D, std::size_t J>
struct pair_index {
  static constexpr auto value = Table[D][J].index;
};

template <std::size_t Width, const auto& Table, std::size_t D, std::size_t J>
inline void permute_pair(const std::array<kernel_pack, Width>& src, kernel_pack& acc) noexcept {
  constexpr auto e = Table[D][J];
  if constexpr (e.used) {
    constexpr kernel_index mask = std::bit_cast<kernel_index>(e.mask);
    constexpr std::size_t second = 2 * J + 1 < Width ? 2 * J + 1 : 2 * J;
    const kernel_pack v = simd::shuffle<pair_index<Table, D, J>>(src[2 * J], src[second]);
    acc = mask ? v : acc;
  }
}

template <std::size_t Width, const auto& Table, std::size_t D, std::size_t... J>
inline kernel_pack permute_one(const std::array<kernel_pack, Width>& src,
                               std::index_sequence<J...>) noexcept {
  kernel_pack acc = {};
  (permute_pair<Width, Table, D, J>(src, acc), ...);
  return acc;
}

template <std::size_t Width, const auto& Table, std::size_t... D>
inline std::array<kernel_pack, Width> permute_pairs(const std::array<kernel_pack, Width>& src,
                                                    std::index_sequence<D...>) noexcept {
  return {permute_one<Width, Table, D>(src, std::make_index_sequence<(Width + 1) / 2>{})...};
}

/// Loads `kernel_lanes` rows of Width floats (row-major, contiguous) as Width packs: pack f holds
/// feature f of every row.
template <std::size_t Width>
inline std::array<kernel_pack, Width> load_transposed(const float* rows) noexcept {
  std::array<kernel_pack, Width> src;
  for (std::size_t k = 0; k < Width; ++k) src[k] = simd::load<kernel_pack>(rows + k * kernel_lanes);
  if constexpr (Width == 1)
    return src;
  else
    return permute_pairs<Width, narrow_permutes<Width>::gather>(src, std::make_index_sequence<Width>{});
}

/// The inverse of load_transposed: Width packs (one per feature) stored as `kernel_lanes` rows.
template <std::size_t Width>
inline void store_transposed(const std::array<kernel_pack, Width>& y, float* rows) noexcept {
  if constexpr (Width == 1) {
    simd::store(rows, y[0]);
  } else {
    const auto r = permute_pairs<Width, narrow_permutes<Width>::scatter>(y, std::make_index_sequence<Width>{});
    for (std::size_t k = 0; k < Width; ++k) simd::store(rows + k * kernel_lanes, r[k]);
  }
}

// A lanes × lanes block transposed by swapping blocks: with [[A B] [C D]], swap B and C, then
// transpose the four blocks alike, halving the block size each stage (log2(lanes) stages of
// two-source shuffles, which the compiler maps to vshuff32x4, vshufps, vunpck* or vpermt2ps).
template <std::size_t Block, bool High>
struct swap_index {
  static constexpr std::array<int, kernel_lanes> value = [] {
    std::array<int, kernel_lanes> idx{};
    for (std::size_t j = 0; j < kernel_lanes; ++j)
      idx[j] = static_cast<int>(High ? (j & Block ? kernel_lanes + j : j + Block)
                                     : (j & Block ? kernel_lanes + j - Block : j));
    return idx;
  }();
};

template <std::size_t Block>
inline void swap_blocks(std::array<kernel_pack, kernel_lanes>& r) noexcept {
#pragma GCC unroll 16
  for (std::size_t i = 0; i < kernel_lanes; ++i)
    if ((i & Block) == 0) {
      const kernel_pack a = r[i], b = r[i + Block];
      r[i] = simd::shuffle<swap_index<Block, false>>(a, b);
      r[i + Block] = simd::shuffle<swap_index<Block, true>>(a, b);
    }
}

inline void transpose_block(const float* src, std::size_t src_stride, float* dst,
                            std::size_t dst_stride) noexcept {
  std::array<kernel_pack, kernel_lanes> r;
  for (std::size_t i = 0; i < kernel_lanes; ++i) r[i] = simd::load<kernel_pack>(src + i * src_stride);
  [&]<std::size_t... S>(std::index_sequence<S...>) {
    (swap_blocks<(kernel_lanes >> (S + 1))>(r), ...);
  }(std::make_index_sequence<std::bit_width(kernel_lanes) - 1>{});
  for (std::size_t i = 0; i < kernel_lanes; ++i) simd::store(dst + i * dst_stride, r[i]);
}

// Sixteen (lanes) packs of partial sums reduced to one pack whose lane k is the sum of pack k: the
// block-swapping stages of transpose_block with an add after each, so pack k's lanes are added
// pairwise (lane j + lane j + lanes/2, then j + j + lanes/4, ...). The single-sample evaluator sums
// its dot products this way, and training its weight gradients.
// Always inlined, with the packs in registers: called out of line, the sixteen packs went through
// the stack on every call, which made one sample of 16-32-32-1 cost 1.4x Eigen's (perf: a third of
// m(x)'s time in that call, AMD Zen 4).
template <std::size_t Block>
[[gnu::always_inline]] inline void add_swapped_blocks(std::array<kernel_pack, kernel_lanes>& r) noexcept {
#pragma GCC unroll 16
  for (std::size_t i = 0; i < Block; ++i) {
    const kernel_pack a = r[i], b = r[i + Block];
    r[i] = simd::shuffle<swap_index<Block, false>>(a, b) + simd::shuffle<swap_index<Block, true>>(a, b);
  }
  if constexpr (Block > 1) add_swapped_blocks<Block / 2>(r);
}

[[gnu::always_inline]] inline kernel_pack reduce_packs(std::array<kernel_pack, kernel_lanes> r) noexcept {
  if constexpr (kernel_lanes > 1) add_swapped_blocks<kernel_lanes / 2>(r);
  return r[0];
}

// The edges of a transpose, element by element. Kept out of line: they are short, and inlined into
// a kernel whose buffers have known sizes they draw false out-of-bounds warnings from g++.
[[gnu::noinline]] inline void transpose_elements(const float* src, std::size_t src_stride,
                                                 std::size_t rows, std::size_t cols, float* dst,
                                                 std::size_t dst_stride) noexcept {
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) dst[c * dst_stride + r] = src[r * src_stride + c];
}

/// dst[c · dst_stride + r] = src[r · src_stride + c] for r < rows, c < cols: whole lanes × lanes
/// blocks with shuffles, the edges element by element.
inline void transpose(const float* src, std::size_t src_stride, std::size_t rows, std::size_t cols,
                      float* dst, std::size_t dst_stride) noexcept {
  constexpr std::size_t l = kernel_lanes;
  const std::size_t block_rows = rows - rows % l, block_cols = cols - cols % l;
  for (std::size_t r0 = 0; r0 < block_rows; r0 += l)
    for (std::size_t c0 = 0; c0 < block_cols; c0 += l)
      transpose_block(src + r0 * src_stride + c0, src_stride, dst + c0 * dst_stride + r0, dst_stride);
  if (block_cols < cols)  // the right edge, beside the blocks
    transpose_elements(src + block_cols, src_stride, block_rows, cols - block_cols,
                       dst + block_cols * dst_stride, dst_stride);
  if (block_rows < rows)  // the bottom edge, full width
    transpose_elements(src + block_rows * src_stride, src_stride, rows - block_rows, cols,
                       dst + block_rows, dst_stride);
}

}  // namespace nonlin::detail
