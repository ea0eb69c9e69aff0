// nonlin/activation/leaky_relu.hpp: x for x > 0, NegativeSlope·x otherwise; its derivative (the
// slope at the kink, as in PyTorch) and a vectorised span kernel. Exact up to the one rounding of
// the product, which is the correctly rounded slope·x.
#pragma once

#include <cmath>
#include <span>
#include <string_view>

#include <nonlin/activation/detail/apply.hpp>
#include <nonlin/simd/pack.hpp>

namespace nonlin {

template <float NegativeSlope = 0.01f>
struct leaky_relu : detail::span_kernels<leaky_relu<NegativeSlope>> {
  static_assert(NegativeSlope == NegativeSlope && NegativeSlope - NegativeSlope == 0.0f,
                "nonlin::leaky_relu<NegativeSlope>: NegativeSlope must be finite");

  static constexpr std::string_view name = "leaky_relu";
  static constexpr bool is_elementwise = true;
  static constexpr float negative_slope = NegativeSlope;

  /// x > 0 ? x : slope·x, as torch's leaky_relu: −0 stays −0, NaN propagates.
  template <class V>
  static constexpr V value(V x) noexcept {
    using T = simd::element_t<V>;
    return simd::select<V>(x > T(0), x, x * T(NegativeSlope));
  }
  /// 1 for x > 0, else the slope; at 0 and −0 the slope, as in PyTorch. NaN for NaN.
  template <class V>
  static constexpr V derivative(V x) noexcept {
    using T = simd::element_t<V>;
    const V d = simd::select<V>(x > T(0), simd::broadcast<V>(T(1)), simd::broadcast<V>(T(NegativeSlope)));
    return simd::select<V>(x != x, x, d);
  }
  /// The same from y = leaky_relu(x), valid for a positive slope (y > 0 exactly where x > 0).
  template <class V>
  static constexpr V derivative_from_output(V y) noexcept {
    static_assert(NegativeSlope >= 0.0f,
                  "nonlin::leaky_relu<NegativeSlope>::derivative_from_output: with a negative slope the output's "
                  "sign no longer tells which side of 0 the input was on, so backprop needs the input");
    return derivative(y);
  }
};

}  // namespace nonlin
