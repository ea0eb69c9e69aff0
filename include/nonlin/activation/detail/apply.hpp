// nonlin/activation/detail/apply.hpp: the one loop behind every elementwise span kernel
// (sigmoid::apply, tanh::apply_derivative, ...). Full packs of the widest native width, then the
// tail as one partial pack, so any length works and every element takes the same code path.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include <nonlin/detail/argument_errors.hpp>
#include <nonlin/simd/pack.hpp>

namespace nonlin::detail {

/// out[i] = f(in[i]) with f a generic callable on packs; in and out may be the same span.
template <class F>
inline void apply_elementwise(std::string_view activation, std::string_view kernel,
                              std::span<const float> in, std::span<float> out, F f) {
  if (in.size() != out.size()) throw_span_mismatch(activation, kernel, in.size(), out.size());
  using V = simd::float_pack;
  constexpr std::size_t lanes = simd::lanes_v<V>;
  const std::size_t n = in.size();
  const float* src = in.data();
  float* dst = out.data();
  std::size_t i = 0;
  // Two independent packs per iteration give the out-of-order core two dependency chains.
  for (; i + 2 * lanes <= n; i += 2 * lanes) {
    const V a = simd::load<V>(src + i);
    const V b = simd::load<V>(src + i + lanes);
    simd::store(dst + i, f(a));
    simd::store(dst + i + lanes, f(b));
  }
  for (; i + lanes <= n; i += lanes) simd::store(dst + i, f(simd::load<V>(src + i)));
  if (i < n) simd::store_partial(dst + i, f(simd::load_partial<V>(src + i, n - i)), n - i);
}

/// The span kernels of an elementwise activation, written once from its value and derivative: an
/// activation offers apply and apply_derivative by deriving from span_kernels<itself>.
template <class Activation>
struct span_kernels {
  static void apply(std::span<const float> in, std::span<float> out) {
    apply_elementwise(Activation::name, "apply", in, out, [](auto v) { return Activation::value(v); });
  }
  static void apply_derivative(std::span<const float> in, std::span<float> out) {
    apply_elementwise(Activation::name, "apply_derivative", in, out,
                      [](auto v) { return Activation::derivative(v); });
  }
};

}  // namespace nonlin::detail
