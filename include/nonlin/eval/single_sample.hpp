// nonlin/eval/single_sample.hpp: the evaluator behind m(x) for one float sample. At run time each
// layer is a handful of vector instructions; in a constant expression the same arithmetic runs on
// scalars, so that m(x) gives the same bits at compile time and at run time.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>

#include <nonlin/simd/transpose.hpp>
#include <nonlin/simd/pack.hpp>

namespace nonlin::detail {

// The order of the sums. A layer with fewer inputs than a pack has lanes starts from the bias and
// adds w·x in input order, one fma each (as dense_layer::affine and the batch kernels do). A wider
// layer computes each output as a dot product over whole packs: 16 partial sums (input i goes to
// sum i mod 16, one fma each, in order), added pairwise (sum j + sum j+8, then j + j+4, j + j+2,
// j + j+1), then the bias. That order lets a row of weights be read as it lies in memory; the
// batch kernels sum in input order instead, so the two agree to rounding, not bit for bit.
template <std::size_t Inputs>
inline constexpr bool uses_dot_products = Inputs >= kernel_lanes;

// ---- the scalar form (constant evaluation) ----------------------------------------------------------
template <std::size_t Inputs>
constexpr float dot_product(const float* w, const std::array<float, Inputs>& x) noexcept {
  constexpr std::size_t l = kernel_lanes, packs = (Inputs + l - 1) / l;
  std::array<float, l> sums{};
  for (std::size_t c = 0; c < packs; ++c)
    for (std::size_t j = 0; j < l; ++j) {
      const std::size_t i = c * l + j;  // past the end: 0·0, as the zero-padded last pack
      sums[j] = simd::multiply_add(i < Inputs ? w[i] : 0.0f, i < Inputs ? x[i] : 0.0f, sums[j]);
    }
  for (std::size_t half = l / 2; half > 0; half /= 2)
    for (std::size_t j = 0; j < half; ++j) sums[j] = sums[j] + sums[j + half];
  return sums[0];
}

template <class Layer>
constexpr std::array<float, Layer::outputs> dense_sample_scalar(
    const Layer& layer, const std::array<float, Layer::inputs>& x) noexcept {
  if constexpr (!uses_dot_products<Layer::inputs>) {
    return layer(x);
  } else {
    std::array<float, Layer::outputs> z{};
    for (std::size_t o = 0; o < Layer::outputs; ++o)
      z[o] = dot_product(layer.weight.data() + o * Layer::inputs, x) + layer.bias[o];
    Layer::activate(z);
    return z;
  }
}

// ---- the vector form (run time) ----------------------------------------------------------------------
template <std::size_t Count>
inline kernel_pack load_first(const float* p) noexcept {
  if constexpr (Count >= kernel_lanes)
    return simd::load<kernel_pack>(p);
  else
    return simd::load_partial<kernel_pack>(p, Count);
}

template <std::size_t Count>
inline void store_first(float* p, kernel_pack v) noexcept {
  if constexpr (Count >= kernel_lanes)
    simd::store(p, v);
  else
    simd::store_partial(p, v, Count);
}

// Outputs row0 … row0 + Rows of a layer (Rows ≤ lanes), as one pack.
template <class Layer, std::size_t Rows>
inline void dense_sample_block(const Layer& layer, const std::array<float, Layer::inputs>& x,
                               const auto& x_packs, std::array<float, Layer::outputs>& z,
                               std::size_t row0) noexcept {
  using V = kernel_pack;
  using A = typename Layer::activation_type;
  constexpr std::size_t in = Layer::inputs, l = kernel_lanes, rows = Rows;
  V zv;
  if constexpr (uses_dot_products<in>) {
    constexpr std::size_t full = in / l, rest = in % l;
    // Pack c of the input meets pack c of every row in turn: one accumulator per row, each input
    // pack read once per block, so the registers hold the block's accumulators and one input pack
    // (AVX2's 16 registers cannot also hold a 256-wide input). Each row still sums its packs in
    // order, as the scalar form does.
    const float* w = layer.weight.data() + row0 * in;
    std::array<V, l> sums{};
    for (std::size_t c = 0; c < full; ++c) {
      const V xc = x_packs[c];
#pragma GCC unroll 16
      for (std::size_t k = 0; k < rows; ++k) sums[k] = simd::multiply_add(simd::load<V>(w + k * in + c * l), xc, sums[k]);
    }
    if constexpr (rest != 0) {
#pragma GCC unroll 16
      for (std::size_t k = 0; k < rows; ++k)
        sums[k] = simd::multiply_add(load_first<rest>(w + k * in + full * l), x_packs[full], sums[k]);
    }
    zv = reduce_packs(sums) + load_first<rows>(layer.bias.data() + row0);
  } else {
    // Narrow rows: the block's weights as columns (one pack per input, outputs in lanes), from the
    // bias on in input order.
    std::array<V, in> columns;
    if constexpr (rows == l) {
      columns = load_transposed<in>(layer.weight.data() + row0 * in);
    } else {
      alignas(64) std::array<float, l * in> padded{};
      for (std::size_t i = 0; i < rows * in; ++i) padded[i] = layer.weight[row0 * in + i];
      columns = load_transposed<in>(padded.data());
    }
    zv = load_first<rows>(layer.bias.data() + row0);
    for (std::size_t c = 0; c < in; ++c) zv = simd::multiply_add(columns[c], simd::broadcast<V>(x[c]), zv);
  }
  if constexpr (A::is_elementwise) zv = A::value(zv);
  store_first<rows>(z.data() + row0, zv);
}

template <class Layer>
inline std::array<float, Layer::outputs> dense_sample_vector(
    const Layer& layer, const std::array<float, Layer::inputs>& x) noexcept {
  if constexpr (!uses_dot_products<Layer::inputs> && Layer::outputs <= kernel_lanes) {
    // A small layer (2→2, 4→2): scalar fmas, then the activation once, on the narrowest pack that
    // holds all outputs. Not the kernel's pack: a 512-bit operation occupies both of Zen 4's 256-bit
    // halves, so 16 lanes for 2 outputs cost twice the issue slots of 4 (each lane's arithmetic, and
    // so its bits, is the same at every width).
    auto z = layer.affine(x);
    using A = typename Layer::activation_type;
    if constexpr (A::is_elementwise) {
      constexpr std::size_t width = Layer::outputs <= 4 ? 4 : Layer::outputs <= 8 ? 8 : kernel_lanes;
      simd::vec<float, (width < kernel_lanes ? width : kernel_lanes)> v = {};
      for (std::size_t o = 0; o < Layer::outputs; ++o) v[o] = z[o];
      v = A::value(v);
      for (std::size_t o = 0; o < Layer::outputs; ++o) z[o] = v[o];
    } else {
      Layer::activate(z);
    }
    return z;
  }
  using V = kernel_pack;
  constexpr std::size_t in = Layer::inputs, l = kernel_lanes, packs = (in + l - 1) / l;
  std::array<V, packs> x_packs;
  for (std::size_t c = 0; c < in / l; ++c) x_packs[c] = simd::load<V>(x.data() + c * l);
  if constexpr (in % l != 0) x_packs[in / l] = load_first<in % l>(x.data() + in / l * l);
  // The full blocks in a loop, not one copy each: fully unrolled, a 256 → 256 layer was 4096 fmas
  // of straight-line code, more than the instruction cache holds (one sample of 256-256-256-256
  // then ran at 0.85 of Eigen's speed, AMD Zen 4).
  constexpr std::size_t full_blocks = Layer::outputs / l, tail_rows = Layer::outputs % l;
  std::array<float, Layer::outputs> z;
  for (std::size_t b = 0; b < full_blocks; ++b) dense_sample_block<Layer, l>(layer, x, x_packs, z, b * l);
  if constexpr (tail_rows != 0) dense_sample_block<Layer, tail_rows>(layer, x, x_packs, z, full_blocks * l);
  if constexpr (!Layer::activation_type::is_elementwise) Layer::activate(z);
  return z;
}

/// One layer on one float sample, with the same result in constant evaluation and at run time.
template <class Layer>
constexpr std::array<float, Layer::outputs> dense_sample(const Layer& layer,
                                                         const std::array<float, Layer::inputs>& x) noexcept {
  if (std::is_constant_evaluated())
    return dense_sample_scalar(layer, x);
  else
    return dense_sample_vector(layer, x);
}

/// `count` samples of a batch, each through net(x) at run time (the vector form above): the
/// batch kernels' way with a handful of samples, for which a tile would compute mostly padding.
/// Never inlined: inside the batch kernel its constants would compete with the tile loop's for
/// registers (GCC then spills the loop's activation constants to the stack).
/// The sample is copied pack by pack, as the first layer reads it back: a pack load that spans
/// several narrower stores (GCC copies 64 bytes as four 16-byte moves) cannot take its value from
/// the store buffer and waits for them to reach the cache, which made one sample of 16-32-32-1
/// through forward cost 1.5× m(x) with AVX2 (AMD Zen 5; 1.1× with whole-pack copies).
template <class Net>
[[gnu::noinline]] void one_by_one(const Net& net, const float* in, float* out, std::size_t count) noexcept {
  constexpr std::size_t ni = Net::inputs, l = kernel_lanes, full = uses_dot_products<ni> ? ni / l * l : 0;
  for (std::size_t s = 0; s < count; ++s, in += ni, out += Net::outputs) {
    alignas(64) std::array<float, ni> x;
    for (std::size_t c = 0; c < full; c += l) simd::store(x.data() + c, simd::load<kernel_pack>(in + c));
    std::copy_n(in + full, ni - full, x.data() + full);
    const auto y = net(x);
    std::copy_n(y.data(), Net::outputs, out);
  }
}

}  // namespace nonlin::detail
