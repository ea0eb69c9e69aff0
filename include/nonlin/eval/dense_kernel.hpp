// nonlin/eval/dense_kernel.hpp: the one dense multiply-add of nonlin, for every evaluator that keeps
// samples in memory as rows of packs (row i holds feature i, one sample per lane): the blocked batch
// forward, training's forward and training's input gradient. Rows × Packs accumulators stay in
// registers, each weight is broadcast once per Packs fmas, and the caller's epilogue (bias already in,
// activation, store, or a derivative) sees the whole block. As Eigen's one GEBP kernel serves every
// product, the layouts and epilogues differ, the loop does not.
#pragma once

#include <array>
#include <cstddef>

#include <nonlin/detail/asm_marker.hpp>
#include <nonlin/eval/plan.hpp>
#include <nonlin/simd/pack.hpp>
#include <nonlin/simd/transpose.hpp>

namespace nonlin::detail {

// Accumulators per micro-kernel: three quarters of the register file (24 of 32 with AVX-512, 12 of 16
// with AVX2), leaving room for the Packs inputs, a broadcast weight and the epilogue's temporaries.
inline constexpr std::size_t accumulator_budget = vector_registers * 3 / 4;

/// The block shape for long products: packs of samples per broadcast weight, 4 where 4 packs' inputs
/// and a broadcast fit beside the accumulators (6 × 4 + 5 of 32 registers with AVX-512 and on AArch64),
/// else 2 (with AVX2, 3 × 4 + 5 > 16 would spill an accumulator every turn; 6 × 2 + 3 fits); and the
/// rows that fill the budget with them.
inline constexpr std::size_t wide_block_packs = accumulator_budget / 4 * 4 + 4 + 1 <= vector_registers ? 4 : 2;
inline constexpr std::size_t wide_block_rows = accumulator_budget / wide_block_packs;

/// Where weight (r, i) lies: w[r · Row + i · Reduction]. A row-major [out][in] matrix read by rows
/// (forward, z = W·h: Row = in, Reduction = 1) or by columns (backward, g = Wᵀ·δ: Row = 1, Reduction = in).
template <std::size_t Row, std::size_t Reduction>
struct weight_layout {
  static constexpr std::size_t row = Row, reduction = Reduction;
};

template <std::size_t Rows, std::size_t Packs>
using accumulator_block = std::array<std::array<kernel_pack, Packs>, Rows>;

/// acc[r][p] = init(r) + Σ_i w(r, i) · x_i[p] for i = 0 … Length − 1, in increasing i with one
/// rounding per fma (the order of dense_layer::affine, so that a batch gives the bits of single
/// samples), then epilogue(acc). Row i of x starts XStride floats after row i − 1; pack p of a row
/// lies p · lanes floats in.
template <std::size_t Rows, std::size_t Packs, std::size_t Length, class Layout, std::size_t XStride, class Init,
          class Epilogue>
inline void dense_micro_kernel(const float* w, const float* x, Init init, Epilogue epilogue) noexcept {
  using V = kernel_pack;
  accumulator_block<Rows, Packs> acc;
#pragma GCC unroll 32
  for (std::size_t r = 0; r < Rows; ++r) {
    const V start = init(r);
#pragma GCC unroll 8
    for (std::size_t p = 0; p < Packs; ++p) acc[r][p] = start;
  }
  NONLIN_ASM_MARKER_3("dense loop begin rows=%c0 packs=%c1 length=%c2", Rows, Packs, Length);
#pragma GCC unroll 2
  for (std::size_t i = 0; i < Length; ++i) {
    std::array<V, Packs> xs;
#pragma GCC unroll 8
    for (std::size_t p = 0; p < Packs; ++p) xs[p] = simd::load<V>(x + i * XStride + p * kernel_lanes);
#pragma GCC unroll 32
    for (std::size_t r = 0; r < Rows; ++r) {
      const V b = simd::broadcast<V>(w[r * Layout::row + i * Layout::reduction]);
#pragma GCC unroll 8
      for (std::size_t p = 0; p < Packs; ++p) acc[r][p] = simd::multiply_add(b, xs[p], acc[r][p]);
    }
  }
  NONLIN_ASM_MARKER("dense loop end");
  epilogue(acc);
}

}  // namespace nonlin::detail
