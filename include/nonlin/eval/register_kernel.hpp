// nonlin/eval/register_kernel.hpp: the batch kernel for narrow networks. A tile of one pack of
// samples is transposed into one pack per feature, pushed through every layer without leaving the
// registers (the network's own constexpr evaluation, instantiated for packs), and transposed back.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>

#include <nonlin/eval/transpose.hpp>
#include <nonlin/simd/pack.hpp>

namespace nonlin::detail {

// Two tiles per step: their dependency chains (the activations' polynomials) are independent, so
// the core overlaps them; a single tile leaves the FMA units waiting on latency.
template <class Net>
inline void register_tiles(const Net& shared, const float* in, float* out, std::size_t tiles) noexcept {
  // A private copy of the (small) network: its weights cannot alias `out`, so the compiler keeps
  // their broadcasts in registers across tiles instead of reloading them after every store.
  const Net net = shared;
  constexpr std::size_t ni = Net::inputs, no = Net::outputs, step = kernel_lanes;
  std::size_t t = 0;
  for (; t + 2 <= tiles; t += 2) {
    const auto xa = load_transposed<ni>(in + t * step * ni);
    const auto xb = load_transposed<ni>(in + (t + 1) * step * ni);
    const auto ya = net(xa);
    const auto yb = net(xb);
    store_transposed<no>(ya, out + t * step * no);
    store_transposed<no>(yb, out + (t + 1) * step * no);
  }
  if (t < tiles) store_transposed<no>(net(load_transposed<ni>(in + t * step * ni)), out + t * step * no);
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

/// Samples [first, first + count) of the batch through the register kernel.
template <class Net>
inline void register_forward(const Net& net, const float* in, float* out, std::size_t count) noexcept {
  const std::size_t tiles = count / kernel_lanes, rest = count % kernel_lanes;
  register_tiles(net, in, out, tiles);
  if (rest != 0)
    register_tail(net, in + tiles * kernel_lanes * Net::inputs, out + tiles * kernel_lanes * Net::outputs,
                  rest);
}

}  // namespace nonlin::detail
