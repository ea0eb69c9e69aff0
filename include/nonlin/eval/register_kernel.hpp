// nonlin/eval/register_kernel.hpp: the batch kernel for narrow networks. A tile of one pack of
// samples is transposed into one pack per feature, pushed through every layer without leaving the
// registers (the network's own constexpr evaluation, instantiated for packs), and transposed back;
// a few tiles go together, so that their activations overlap.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>

#include <nonlin/detail/asm_marker.hpp>
#include <nonlin/eval/plan.hpp>
#include <nonlin/eval/residual.hpp>
#include <nonlin/eval/single_sample.hpp>
#include <nonlin/simd/transpose.hpp>
#include <nonlin/simd/pack.hpp>

namespace nonlin::detail {

// Several tiles per step, advanced layer by layer together: each activation is a long dependency
// chain (a polynomial, a division), and placing the tiles' chains next to each other in program
// order lets the core overlap them; one tile at a time leaves the FMA units waiting on latency.
// Always inlined, so that a group's layers are one function whose values stay in registers (Clang
// would otherwise call the deeper layers with the tiles passed through memory).
// `skip` holds the tiles' inputs of the residual block layer K is in (an empty struct outside
// blocks): kept in registers like every other value of the tile.
template <std::size_t K, std::size_t Group, class Net, class Tiles, class Skip>
[[gnu::always_inline]] inline auto register_layers(const Net& net, const Tiles& h, const Skip& skip) noexcept {
  if constexpr (K == Net::depth) {
    return h;
  } else {
    using traits = network_traits<Net>;
    constexpr bool begins = traits::blocks.begins[K], ends = traits::blocks.ends[K];
    const auto& layer = net.template layer<K>();
    std::array<std::array<kernel_pack, Net::template layer_type<K>::outputs>, Group> z;
#pragma GCC unroll 4
    for (std::size_t g = 0; g < Group; ++g) {
      z[g] = layer(h[g]);
      if constexpr (ends && begins)
        add_skip(z[g], h[g]);
      else if constexpr (ends)
        add_skip(z[g], skip[g]);
    }
    if constexpr (ends)
      return register_layers<K + 1, Group>(net, z, no_open_block{});
    else if constexpr (begins)
      return register_layers<K + 1, Group>(net, z, h);
    else
      return register_layers<K + 1, Group>(net, z, skip);
  }
}

template <std::size_t Group, class Net>
inline void register_group(const Net& net, const float* in, float* out) noexcept {
  constexpr std::size_t ni = Net::inputs, no = Net::outputs, step = kernel_lanes;
  NONLIN_ASM_MARKER_3("register tiles begin group=%c0 lanes=%c1 depth=%c2", Group, step, Net::depth);
  std::array<std::array<kernel_pack, ni>, Group> x;
  for (std::size_t g = 0; g < Group; ++g) x[g] = load_transposed<ni>(in + g * step * ni);
  const auto y = register_layers<0, Group>(net, x, no_open_block{});
  for (std::size_t g = 0; g < Group; ++g) store_transposed<no>(y[g], out + g * step * no);
  NONLIN_ASM_MARKER("register tiles end");
}

template <class Net>
inline void register_tiles(const Net& shared, const float* in, float* out, std::size_t tiles) noexcept {
  // A private copy of the (small) network: its weights cannot alias `out`, so the compiler keeps
  // their broadcasts in registers across tiles instead of reloading them after every store.
  const Net net = shared;
  constexpr std::size_t ni = Net::inputs, no = Net::outputs, step = kernel_lanes;
  constexpr std::size_t group = forward_plan<Net>::register_group;
  // The tail counts tiles % group (< group) so the compiler sees how few iterations it has.
  for (std::size_t k = tiles / group; k > 0; --k, in += group * step * ni, out += group * step * no)
    register_group<group>(net, in, out);
  for (std::size_t k = tiles % group; k > 0; --k, in += step * ni, out += step * no)
    register_group<1>(net, in, out);
}

// Fewer samples than a pack: zero-padded copies, so that the same code runs on the tail.
template <class Net>
inline void register_tail(const Net& net, const float* in, float* out, std::size_t count) noexcept {
  constexpr std::size_t ni = Net::inputs, no = Net::outputs;
  alignas(64) std::array<float, kernel_lanes * ni> x{};
  alignas(64) std::array<float, kernel_lanes * no> y;
  std::copy_n(in, count * ni, x.data());
  store_transposed<no>(net(load_transposed<ni>(x.data())), y.data());
  std::copy_n(y.data(), count * no, out);
}

/// Samples [first, first + count) of the batch through the register kernel (a tail of a few
/// samples one at a time, forward_plan::one_by_one_below).
template <class Net>
inline void register_forward(const Net& net, const float* in, float* out, std::size_t count) noexcept {
  const std::size_t tiles = count / kernel_lanes, rest = count % kernel_lanes;
  register_tiles(net, in, out, tiles);
  in += tiles * kernel_lanes * Net::inputs, out += tiles * kernel_lanes * Net::outputs;
  if (rest >= forward_plan<Net>::one_by_one_below)
    register_tail(net, in, out, rest);
  else
    one_by_one(net, in, out, rest);
}

}  // namespace nonlin::detail
