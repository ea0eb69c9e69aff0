// nonlin/activation/relu.hpp: the rectifier max(0, x), its derivative (0 at the kink, as in
// PyTorch) and a vectorised span kernel. Exact: no rounding anywhere.
#pragma once

#include <span>
#include <string_view>

#include <nonlin/activation/detail/apply.hpp>
#include <nonlin/simd/pack.hpp>

namespace nonlin {

struct relu : detail::span_kernels<relu> {
  static constexpr std::string_view name = "relu";
  static constexpr bool is_elementwise = true;

  /// max(0, x), written so that NaN propagates and relu(−0) = −0, as torch.relu does.
  template <class V>
  static constexpr V value(V x) noexcept {
    using T = simd::element_t<V>;
    return simd::select<V>(x < T(0), simd::broadcast<V>(T(0)), x);
  }
  /// 1 for x > 0, else 0; relu'(0) = relu'(−0) = 0 as in PyTorch. NaN for NaN.
  template <class V>
  static constexpr V derivative(V x) noexcept {
    using T = simd::element_t<V>;
    const V d = simd::select<V>(x > T(0), simd::broadcast<V>(T(1)), simd::broadcast<V>(T(0)));
    return simd::select<V>(x != x, x, d);
  }
  /// The same from y = relu(x): y > 0 exactly where x > 0.
  template <class V>
  static constexpr V derivative_from_output(V y) noexcept {
    return derivative(y);
  }
};

}  // namespace nonlin
