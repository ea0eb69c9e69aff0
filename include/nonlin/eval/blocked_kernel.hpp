// nonlin/eval/blocked_kernel.hpp: the batch kernel for wide networks, a small GEMM per layer.
// A tile of samples (a few packs, one sample per lane) lives in a workspace, one row per feature;
// each layer runs the dense micro-kernel (eval/dense_kernel.hpp) block by block — R output rows ×
// P packs of accumulators — with bias and activation in its epilogue.
#pragma once

#include <algorithm>
#include <bit>
#include <array>
#include <cstddef>
#include <utility>

#include <nonlin/eval/dense_kernel.hpp>
#include <nonlin/eval/plan.hpp>
#include <nonlin/eval/residual.hpp>
#include <nonlin/eval/single_sample.hpp>
#include <nonlin/simd/transpose.hpp>
#include <nonlin/simd/pack.hpp>

namespace nonlin::detail {

// One block of a layer: rows row0 … row0 + Rows − 1 for Packs packs of the tile, the bias first, the
// activation in the epilogue (elementwise per accumulator; a row-wise softmax over the whole block,
// whose Rows is then the whole layer), or the pre-activation stored when the activation comes later.
// The last layer of a residual block adds the block's input (`skip`, laid out as z) in the same
// epilogue, so the sum costs no pass of its own.
template <std::size_t Rows, std::size_t Packs, std::size_t Stride, bool Activate, bool AddSkip, class Layer>
inline void dense_block(const Layer& layer, std::size_t row0, const float* h, float* z, const float* skip) noexcept {
  using A = typename Layer::activation_type;
  constexpr std::size_t in = Layer::inputs;
  const auto bias = [&](std::size_t r) { return simd::broadcast<kernel_pack>(layer.bias[row0 + r]); };
  dense_micro_kernel<Rows, Packs, in, weight_layout<in, 1>, Stride>(
      layer.weight.data() + row0 * in, h, bias, [&](accumulator_block<Rows, Packs>& acc) {
        if constexpr (Activate && A::is_elementwise) {
#pragma GCC unroll 32
          for (std::size_t r = 0; r < Rows; ++r)
#pragma GCC unroll 8
            for (std::size_t p = 0; p < Packs; ++p) {
              const std::size_t at = (row0 + r) * Stride + p * kernel_lanes;
              if constexpr (AddSkip)
                simd::store(z + at, A::value(acc[r][p]) + simd::load<kernel_pack>(skip + at));
              else
                simd::store(z + at, A::value(acc[r][p]));
            }
        } else if constexpr (Activate) {
          static_assert(!AddSkip, "a residual block holds no softmax");
          static_assert(Rows == Layer::outputs);
          for (std::size_t p = 0; p < Packs; ++p) {
            std::array<kernel_pack, Rows> column;
            for (std::size_t r = 0; r < Rows; ++r) column[r] = acc[r][p];
            A::apply_lanes(column);
            for (std::size_t r = 0; r < Rows; ++r) simd::store(z + r * Stride + p * kernel_lanes, column[r]);
          }
        } else {
          static_assert(!AddSkip, "a residual block holds no softmax");
          for (std::size_t r = 0; r < Rows; ++r)
            for (std::size_t p = 0; p < Packs; ++p)
              simd::store(z + (row0 + r) * Stride + p * kernel_lanes, acc[r][p]);
        }
      });
}

// How one layer is blocked: Rows × Packs accumulators. Packs of samples per weight broadcast: 4
// when the inputs of 4 packs take at most 8 KiB of L1 (layers up to 32 inputs wide with AVX-512, 64
// with AVX2) and the registers hold them beside the accumulators (wide_block_packs), else 2; the rows
// fill the remaining accumulators (6 or 12). A layer narrower than that takes all its rows and more
// packs instead, so that there are still enough independent accumulators to cover the fma latency;
// a softmax layer that fits takes all its rows, so that the softmax runs on the accumulators.
template <class Layer, std::size_t TilePacks>
struct dense_blocking {
  static constexpr std::size_t outputs = Layer::outputs;
  static constexpr bool row_wise = !Layer::activation_type::is_elementwise;
  static constexpr bool fused = !row_wise || outputs <= accumulator_budget;
  static constexpr std::size_t cached_packs =
      wide_block_packs == 4 && Layer::inputs * 4 * kernel_lanes * sizeof(float) <= 8 * 1024 ? 4 : 2;
  static constexpr std::size_t default_packs = TilePacks < cached_packs ? TilePacks : cached_packs;
  static constexpr std::size_t default_rows = accumulator_budget / default_packs;
  static constexpr std::size_t rows = row_wise && fused       ? outputs
                                      : outputs < default_rows ? outputs
                                                               : default_rows;
  // At most the accumulators' budget, and never more than the registers hold with the packs' inputs
  // and a broadcast beside them: rows · packs + packs + 1 ≤ vector_registers.
  static constexpr std::size_t packs = [] {
    std::size_t p = accumulator_budget / rows;
    p = p < (vector_registers - 1) / (rows + 1) ? p : (vector_registers - 1) / (rows + 1);
    p = p < 1 ? 1 : p;
    p = p > 8 ? 8 : p;
    return p < TilePacks ? p : TilePacks;
  }();
  static constexpr std::size_t full_row_blocks = outputs / rows;
  static constexpr std::size_t rest_rows = outputs % rows;
};

template <std::size_t Rows, std::size_t Packs, std::size_t Stride, bool Activate, bool AddSkip, class Layer>
inline void dense_pack_group(const Layer& layer, const float* h, float* z, const float* skip) noexcept {
  using blocking = dense_blocking<Layer, Stride / kernel_lanes>;
  for (std::size_t b = 0; b < blocking::full_row_blocks; ++b)
    dense_block<Rows, Packs, Stride, Activate, AddSkip>(layer, b * Rows, h, z, skip);
  if constexpr (blocking::rest_rows != 0)
    dense_block<blocking::rest_rows, Packs, Stride, Activate, AddSkip>(layer, blocking::full_row_blocks * Rows, h,
                                                                      z, skip);
}

/// One layer on a tile of TilePacks packs: z[out][tile] = activation(W · h[in][tile] + b), plus
/// skip[out][tile] when AddSkip (the last layer of a residual block).
template <std::size_t TilePacks, bool AddSkip, class Layer>
[[gnu::noinline]] inline void dense_blocked(const Layer& layer, const float* h, float* z, const float* skip) noexcept {
  using V = kernel_pack;
  using blocking = dense_blocking<Layer, TilePacks>;
  constexpr std::size_t stride = TilePacks * kernel_lanes, packs = blocking::packs;
  constexpr std::size_t groups = TilePacks / packs, rest_packs = TilePacks % packs;
  // Pack groups outside, rows inside: the group's inputs stay in L1 while the weights stream by.
  for (std::size_t g = 0; g < groups; ++g)
    dense_pack_group<blocking::rows, packs, stride, blocking::fused, AddSkip>(
        layer, h + g * packs * kernel_lanes, z + g * packs * kernel_lanes, skip + g * packs * kernel_lanes);
  if constexpr (rest_packs != 0)
    dense_pack_group<blocking::rows, rest_packs, stride, blocking::fused, AddSkip>(
        layer, h + groups * packs * kernel_lanes, z + groups * packs * kernel_lanes,
        skip + groups * packs * kernel_lanes);
  if constexpr (!blocking::fused) {
    // A softmax wider than the register file: the pre-activations went to z, normalised here.
    for (std::size_t p = 0; p < TilePacks; ++p) {
      std::array<V, Layer::outputs> column;
      for (std::size_t r = 0; r < Layer::outputs; ++r)
        column[r] = simd::load<V>(z + r * stride + p * kernel_lanes);
      Layer::activation_type::apply_lanes(column);
      for (std::size_t r = 0; r < Layer::outputs; ++r)
        simd::store(z + r * stride + p * kernel_lanes, column[r]);
    }
  }
}

/// Up to TilePacks packs of samples through every layer; `workspace` holds the activation buffers
/// (eval/residual.hpp says which activation lives in which).
template <std::size_t TilePacks, class Net>
inline void blocked_tile(const Net& net, const float* in, float* out, std::size_t count,
                         float* workspace) noexcept {
  using plan = forward_plan<Net>;
  using traits = network_traits<Net>;
  constexpr std::size_t stride = TilePacks * kernel_lanes;
  constexpr auto slot = activation_buffers<Net>();
  const auto buffer = [&](std::size_t k) { return workspace + slot[k] * plan::max_width * plan::tile; };
  if (count < stride)  // the lanes past the batch's end compute on zeros and are never stored
    for (std::size_t f = 0; f < Net::inputs; ++f)
      std::fill(buffer(0) + f * stride + count, buffer(0) + (f + 1) * stride, 0.0f);
  transpose(in, Net::inputs, count, Net::inputs, buffer(0), stride);
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    (dense_blocked<TilePacks, traits::blocks.ends[K]>(net.template layer<K>(), buffer(K), buffer(K + 1),
                                                      buffer(traits::blocks.source[K])),
     ...);
  }(std::make_index_sequence<Net::depth>{});
  transpose(buffer(Net::depth), stride, Net::outputs, count, out, Net::outputs);
}

// The workspace: two buffers of max_width × tile floats (three with residual blocks). On the stack
// up to 256 KiB; beyond that (networks thousands of units wide) once per thread, so that no
// thread's stack can overflow.
template <class Net>
inline constexpr std::size_t workspace_floats =
    activation_buffer_count<Net> * forward_plan<Net>::max_width * forward_plan<Net>::tile;

template <class Net, class Body>
inline void with_workspace(Body&& body) noexcept {
  constexpr std::size_t floats = workspace_floats<Net>;
  if constexpr (floats * sizeof(float) <= 256 * 1024) {
    alignas(64) std::array<float, floats> workspace;
    body(workspace.data());
  } else {
    alignas(64) static thread_local std::array<float, floats> workspace;
    body(workspace.data());
  }
}

template <std::size_t Packs, class Net>
inline void blocked_tail(const Net& net, const float* in, float* out, std::size_t count, float* workspace) noexcept {
  constexpr std::size_t stride = Packs * kernel_lanes;
  if (count >= stride) {
    blocked_tile<Packs>(net, in, out, stride, workspace);
    in += stride * Net::inputs, out += stride * Net::outputs, count -= stride;
  }
  if constexpr (Packs > 1) {
    if (count != 0) blocked_tail<Packs / 2>(net, in, out, count, workspace);
  } else if (count >= forward_plan<Net>::one_by_one_below) {
    blocked_tile<1>(net, in, out, count, workspace);
  } else {
    one_by_one(net, in, out, count);
  }
}

/// `count` samples through the blocked kernel: whole tiles, then the tail on as few packs as it needs.
template <class Net>
inline void blocked_forward(const Net& net, const float* in, float* out, std::size_t count) noexcept {
  using plan = forward_plan<Net>;
  constexpr std::size_t ni = Net::inputs, no = Net::outputs;
  with_workspace<Net>([&](float* workspace) {
    std::size_t s = 0;
    for (; s + plan::tile <= count; s += plan::tile)
      blocked_tile<plan::tile_packs>(net, in + s * ni, out + s * no, plan::tile, workspace);
    // The tail as tiles of 4, 2 and 1 packs (the last one zero-padded), or at the very end a few
    // samples one at a time: a handful of instantiations of the network's kernels, not one per
    // possible tail length.
    blocked_tail<std::bit_floor(plan::tile_packs)>(net, in + s * ni, out + s * no, count - s, workspace);
  });
}

}  // namespace nonlin::detail
