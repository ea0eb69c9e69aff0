// nonlin/math/sigmoid.hpp: the logistic function σ(x) = 1/(1 + e^{-x}) and its derivative, for
// float and double, scalar (constexpr) or SIMD pack. Both are computed from e = e^{-|x|} <= 1, so
// nothing overflows for any x and the tail σ(x) ≈ e^x for x ≪ 0 keeps full relative accuracy.
#pragma once

#include <cstddef>
#include <utility>

#include <nonlin/math/exp.hpp>
#include <nonlin/math/tanh.hpp>
#include <nonlin/simd/pack.hpp>

namespace nonlin::math {

namespace detail {

// Evaluates f, a function of double lanes, for float lanes: a float pack is split in two halves of
// doubles, a float scalar widened. The single rounding back to float is then the only
// float-sized error. Double lanes go to f directly.
template <class V, class F>
constexpr V in_double_lanes(V x, F f) noexcept {
  using T = simd::element_t<V>;
  if constexpr (sizeof(T) == 8) {
    return f(x);
  } else if constexpr (!simd::is_pack_v<V>) {
    return static_cast<float>(f(static_cast<double>(x)));
  } else {
    constexpr std::size_t lanes = simd::lanes_v<V>;
    using half_float = simd::vec<float, lanes / 2>;
    using half_double = simd::vec<double, lanes / 2>;
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      const half_float low = __builtin_shufflevector(x, x, I...);
      const half_float high = __builtin_shufflevector(x, x, (I + lanes / 2)...);
      const half_float y_low = simd::convert<half_float>(f(simd::convert<half_double>(low)));
      const half_float y_high = simd::convert<half_float>(f(simd::convert<half_double>(high)));
      return __builtin_shufflevector(y_low, y_high, I..., (I + lanes / 2)...);
    }(std::make_index_sequence<lanes / 2>{});
  }
}

// σ(x) in double lanes to the accuracy of Accuracy, from e = e^{-|x|} (never overflows).
template <class Accuracy, class D>
constexpr D sigmoid_in(D x) noexcept {
  using T = simd::element_t<D>;
  const D e = exp_bounded<D, Accuracy>(max(simd::broadcast<D>(exp_limits<T>::lowest), -abs(x)));
  // σ(x) = 1/(1 + e) for x >= 0 and e/(1 + e) for x < 0: one division either way.
  const D numerator = simd::select<D>(x >= T(0), simd::broadcast<D>(T(1)), e);
  return numerator / (T(1) + e);
}

// e^{-|x|}, +0 far in the tail, NaN for NaN.
template <class V>
constexpr V exp_minus_abs(V x) noexcept {
  using T = simd::element_t<V>;
  return exp_bounded(max(simd::broadcast<V>(exp_limits<T>::lowest), -abs(x)));
}

}  // namespace detail

/// σ(x) = 1/(1 + e^{-x}): for float, computed in double lanes and rounded once, so within 0.51 ULP
/// of the exact value (tested exhaustively); σ(−inf) = 0, σ(+inf) = 1, NaN for NaN.
template <class V>
constexpr V sigmoid(V x) noexcept {
  return detail::in_double_lanes(x, [](auto d) { return detail::sigmoid_in<simd::element_t<V>>(d); });
}

/// σ'(x) = σ(x)(1 − σ(x)) = e/(1 + e)² with e = e^{-|x|}: relatively accurate in both tails,
/// where the product form would lose every digit to 1 − σ(x).
template <class V>
constexpr V sigmoid_derivative(V x) noexcept {
  using T = simd::element_t<V>;
  const V e = detail::exp_minus_abs(x);
  const V d = T(1) + e;
  return e / (d * d);
}

}  // namespace nonlin::math
