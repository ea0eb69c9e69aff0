// nonlin/math/expm1.hpp: e^x − 1 without the cancellation of exp(x) − 1 near zero, for float and
// double, scalar (constexpr) or SIMD pack. ELU and tanh are built on it. Same reduction as exp:
// x = n·ln2 + r, e^x − 1 = 2^n·(expm1(r) + 1 − 2^-n), with expm1(r) = r + r²·q(r) kept relative.
#pragma once

#include <limits>

#include <nonlin/math/exp.hpp>
#include <nonlin/simd/pack.hpp>

namespace nonlin::math {

namespace detail {

template <class T>
struct expm1_limits {
  // Below this e^x − 1 rounds to −1 (e^x is under half an ulp of 1).
  static constexpr T saturation = sizeof(T) == 4 ? T(-20) : T(-40);
};

inline constexpr double expm1_taylor_coefficients[] = {
    1.0 / 87178291200.0, 1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0,
    1.0 / 362880.0,      1.0 / 40320.0,      1.0 / 5040.0,      1.0 / 720.0,      1.0 / 120.0,
    1.0 / 24.0,          1.0 / 6.0,          0.5};

// (expm1(r) − r)/r² = 1/2 + r/6 + r²/24 + ..., the part of expm1 that rounding barely touches.
// For float, Terms coefficients: 7 (up to r^8/8!) truncate below 2^-30 relative to expm1(r) for
// |r| <= ln2/2; 6 below 2^-27, enough where expm1 is then added to 1 or more (tanh, sigmoid).
template <class V, int Terms = 7>
constexpr V expm1_quotient(V r) noexcept {
  using T = simd::element_t<V>;
  V q;
  if constexpr (sizeof(T) == 4) {
    static_assert(Terms == 6 || Terms == 7);
    constexpr double coefficients[] = {1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5};
    constexpr int first = 7 - Terms;
    q = simd::broadcast<V>(T(coefficients[first]));
#pragma GCC unroll 8
    for (int i = first + 1; i < 7; ++i) {
      // As in exp: only the last two steps need one rounding; the earlier ones are scaled by r².
      const V coefficient = simd::broadcast<V>(T(coefficients[i]));
      q = i < 5 ? simd::multiply_add(q, r, coefficient) : simd::fma(q, r, coefficient);
    }
  } else {
    // Terms up to r^14/14!: truncation below 2^-60 relative.
    q = simd::broadcast<V>(T(expm1_taylor_coefficients[0]));
#pragma GCC unroll 16
    for (int i = 1; i < 13; ++i) q = simd::fma(q, r, simd::broadcast<V>(T(expm1_taylor_coefficients[i])));
  }
  return q;
}

// expm1(r) for |r| <= ln2/2: r plus r² times a Taylor polynomial, so that the leading term r is
// exact and the result keeps full relative accuracy as r → 0 (subnormal r included).
template <class V>
constexpr V expm1_polynomial(V r) noexcept {
  return simd::fma(r * r, expm1_quotient(r), r);
}

// 2^Scale·(e^x − 1) for x in [expm1_limits::saturation, 80] or NaN: 2^(n+Scale)·expm1(r) +
// (2^(n+Scale) − 2^Scale) in one fma. 2^n − 1 is exact where it matters (|n| <= 24) and the fma
// rounds once, so the result is as accurate as expm1(r). +0 for ±0.
template <int Scale = 0, int Terms = 7, class V>
constexpr V expm1_moderate(V x) noexcept {
  using T = simd::element_t<V>;
  const auto reduction = reduce_by_ln2(x);
  const V p = simd::fma(reduction.r * reduction.r, expm1_quotient<V, Terms>(reduction.r), reduction.r);
  const V s = exp2_of<Scale>(reduction.shifted);
  constexpr int magnitude = Scale >= 0 ? Scale : -Scale;  // no negative shift count, even unevaluated
  constexpr T two_to_scale = Scale >= 0 ? T(1 << magnitude) : T(1) / T(1 << magnitude);
  return simd::fma(s, p, s - two_to_scale);
}

}  // namespace detail

/// e^x − 1: at most 1.5 ULP from the exact value for float (tested exhaustively), exact for tiny
/// and subnormal x and signed zero kept; −1 for x → −inf, +inf above exp's overflow threshold.
template <class V>
constexpr V expm1(V x) noexcept {
  if constexpr (!simd::is_pack_v<V>)  // Clang's constant evaluation rejects arithmetic that makes a NaN
    if (std::is_constant_evaluated() && x != x) return x;
  using T = simd::element_t<V>;
  constexpr T overflow = detail::exp_limits<T>::overflow;
  const V bounded = detail::clamp(x, detail::expm1_limits<T>::saturation, overflow);
  const auto reduction = detail::reduce_by_ln2(bounded);
  const V p = detail::expm1_polynomial(reduction.r);
  // Both forms are computed for every lane; the moderate one only sees its own range, so that no
  // lane overflows (a constant expression may not).
  const V moderate = detail::expm1_moderate(detail::min(simd::broadcast<V>(T(60)), bounded));
  // Far above 0, e^x − 1 and e^x round alike: 2^n·(1 + expm1(r)).
  const V large = detail::scale_by_exp2(p + T(1), reduction);
  V y = simd::select<V>(bounded > T(60), large, moderate);
  y = simd::select<V>(x > overflow, simd::broadcast<V>(std::numeric_limits<T>::infinity()), y);
  return simd::select<V>(x == T(0), x, y);
}

}  // namespace nonlin::math
