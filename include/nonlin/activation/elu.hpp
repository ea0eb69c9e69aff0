// nonlin/activation/elu.hpp: the exponential linear unit, x for x > 0 and α(e^x − 1) otherwise;
// its derivative (α at the kink, as in PyTorch) and a vectorised span kernel. e^x − 1 comes from
// expm1, so small negative inputs keep full relative accuracy: within 2 ULP for elu<1>.
#pragma once

#include <span>
#include <string_view>

#include <nonlin/activation/detail/apply.hpp>
#include <nonlin/math/exp.hpp>
#include <nonlin/math/expm1.hpp>
#include <nonlin/simd/pack.hpp>

namespace nonlin {

template <float Alpha = 1.0f>
struct elu : detail::span_kernels<elu<Alpha>> {
  static_assert(Alpha > 0.0f && Alpha - Alpha == 0.0f,
                "nonlin::elu<Alpha>: Alpha must be finite and positive");

  static constexpr std::string_view name = "elu";
  static constexpr bool is_elementwise = true;
  static constexpr float alpha = Alpha;

  /// x > 0 ? x : α·expm1(x). elu(−0) = +0 and elu(−inf) = −α as in torch; NaN propagates.
  template <class V>
  static constexpr V value(V x) noexcept {
    using T = simd::element_t<V>;
    const V negative = math::detail::clamp(x, math::detail::expm1_limits<T>::saturation, T(0));
    V e = math::detail::expm1_moderate(negative);
    if constexpr (Alpha != 1.0f) e = e * T(Alpha);
    return simd::select<V>(x > T(0), x, e);
  }
  /// 1 for x > 0, else α·e^x; at 0 and −0 it is α, as in PyTorch. NaN for NaN.
  template <class V>
  static constexpr V derivative(V x) noexcept {
    using T = simd::element_t<V>;
    V e = math::detail::exp_bounded(math::detail::clamp(x, math::detail::exp_limits<T>::lowest, T(0)));
    if constexpr (Alpha != 1.0f) e = e * T(Alpha);
    return simd::select<V>(x > T(0), simd::broadcast<V>(T(1)), e);
  }
  /// From y = elu(x): 1 for y > 0, else y + α (= α·e^x); α at y = 0, as torch's backward.
  template <class V>
  static constexpr V derivative_from_output(V y) noexcept {
    using T = simd::element_t<V>;
    return simd::select<V>(y > T(0), simd::broadcast<V>(T(1)), y + T(Alpha));
  }
};

}  // namespace nonlin
