// nonlin/eval/batch_forward.hpp: the batch evaluator behind network::forward.
// Samples sit in SIMD lanes: a tile of `lanes` samples is transposed into one pack per input
// feature, pushed through every layer in registers, and only the outputs are written back.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>

#include <nonlin/simd/pack.hpp>

namespace nonlin::detail {

template <class Net>
void check_batch_spans(std::span<const float> in, std::span<float> out) {
  constexpr std::size_t ni = Net::inputs, no = Net::outputs;
  const std::size_t rows = in.size() / ni;
  if (in.size() % ni != 0 || out.size() != rows * no)
    throw std::invalid_argument(
        "nonlin::network::forward: expected the input to hold n rows of " + std::to_string(ni) +
        " floats and the output n rows of " + std::to_string(no) + " floats; got " +
        std::to_string(in.size()) + " input and " + std::to_string(out.size()) + " output floats");
}

// One tile of up to `lanes` samples (the tail of a batch uses the same code, padded with zeros).
template <class Net>
inline void forward_tile(const Net& net, const float* in, float* out, std::size_t count) {
  using V = simd::float_pack;
  constexpr std::size_t lanes = simd::lanes_v<V>;
  std::array<V, Net::inputs> x;
  for (std::size_t f = 0; f < Net::inputs; ++f) {
    V v = simd::broadcast<V>(0.0f);
    for (std::size_t s = 0; s < count; ++s) v[s] = in[s * Net::inputs + f];
    x[f] = v;
  }
  const auto y = net(x);
  for (std::size_t s = 0; s < count && s < lanes; ++s)
    for (std::size_t o = 0; o < Net::outputs; ++o) out[s * Net::outputs + o] = y[o][s];
}

template <class Net>
void batch_forward(const Net& net, std::span<const float> in, std::span<float> out) {
  check_batch_spans<Net>(in, out);
  constexpr std::size_t lanes = simd::lanes_v<simd::float_pack>;
  const std::size_t n = in.size() / Net::inputs;
  for (std::size_t s = 0; s < n; s += lanes)
    forward_tile(net, in.data() + s * Net::inputs, out.data() + s * Net::outputs,
                 n - s < lanes ? n - s : lanes);
}

}  // namespace nonlin::detail
