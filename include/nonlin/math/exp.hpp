// nonlin/math/exp.hpp: e^x for float and double, scalar (constexpr) or SIMD pack, one code path.
// Range reduction x = n·ln2 + r with |r| <= ln2/2 (Cody and Waite's two-part ln2), a Taylor
// polynomial for e^r, then scaling by 2^n built from exponent bits. The scaling is done in two
// halves so that results in the subnormal range round once, like a correctly rounded exp would.
#pragma once

#include <limits>

#include <nonlin/simd/pack.hpp>

namespace nonlin::math {

namespace detail {

// 2^k for integer k in the normal exponent range, built from the exponent bits.
template <class V>
constexpr V exp2_integer(simd::int_lane_t<V> k) noexcept {
  using T = simd::element_t<V>;
  using I = simd::int_lane_t<V>;
  if constexpr (sizeof(T) == 4) {
    return simd::from_bits<V>(static_cast<I>((k + 127) << 23));
  } else {
    return simd::from_bits<V>(static_cast<I>((k + 1023) << 52));
  }
}

// Multiplies p by 2^n (n integral-valued, within the range exp can produce) without overflow in
// the intermediate step.
template <class V>
constexpr V scale_by_exp2(V p, V n) noexcept {
  using I = simd::int_lane_t<V>;
  const I k = simd::convert<I>(n);
  const I half = k >> 1;
  return p * exp2_integer<V>(half) * exp2_integer<V>(k - half);
}

}  // namespace detail

/// e^x: at most 1 ULP from the exact value for float (tested exhaustively); +inf above the
/// overflow threshold, +0 far below the underflow threshold, NaN for NaN.
template <class V>
constexpr V exp(V x) noexcept {
  using T = simd::element_t<V>;
  constexpr bool single = sizeof(T) == 4;
  // Largest x with a finite e^x, and the x below which e^x rounds to +0.
  constexpr T overflow = single ? T(88.72283935546875) : T(709.782712893383973096);
  constexpr T underflow = single ? T(-103.972084045410) : T(-745.1332191019412076235);
  constexpr T log2e = T(1.44269504088896340736);
  // ln2 split in a part with trailing zero bits (n·ln2_hi is exact) and the remainder.
  constexpr T ln2_hi = single ? T(0.693359375) : T(0.693147180369123816490);
  constexpr T ln2_lo = single ? T(-2.12194440e-4) : T(1.90821492927058770002e-10);

  const V xc = simd::select<V>(x > overflow, simd::broadcast<V>(overflow),
                               simd::select<V>(x < underflow, simd::broadcast<V>(underflow), x));
  const V n = simd::round_to_integer(xc * log2e);
  V r = simd::fma(n, simd::broadcast<V>(-ln2_hi), xc);
  r = simd::fma(n, simd::broadcast<V>(-ln2_lo), r);

  V p;
  if constexpr (single) {
    // Taylor series of e^r to degree 7: truncation below 2^-28 relative for |r| <= ln2/2.
    p = simd::broadcast<V>(T(1.0 / 5040));
    p = simd::fma(p, r, simd::broadcast<V>(T(1.0 / 720)));
    p = simd::fma(p, r, simd::broadcast<V>(T(1.0 / 120)));
    p = simd::fma(p, r, simd::broadcast<V>(T(1.0 / 24)));
    p = simd::fma(p, r, simd::broadcast<V>(T(1.0 / 6)));
    p = simd::fma(p, r, simd::broadcast<V>(T(0.5)));
    p = simd::fma(p, r, simd::broadcast<V>(T(1)));
    p = simd::fma(p, r, simd::broadcast<V>(T(1)));
  } else {
    // Degree 13: truncation below 2^-57 relative.
    constexpr T inverse_factorials[] = {1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0,
                                        1.0 / 3628800.0,    1.0 / 362880.0,    1.0 / 40320.0,
                                        1.0 / 5040.0,       1.0 / 720.0,       1.0 / 120.0,
                                        1.0 / 24.0,         1.0 / 6.0,         0.5,
                                        1.0,                1.0};
    p = simd::broadcast<V>(inverse_factorials[0]);
    for (int i = 1; i < 14; ++i) p = simd::fma(p, r, simd::broadcast<V>(inverse_factorials[i]));
  }
  V y = detail::scale_by_exp2(p, n);
  y = simd::select<V>(x > overflow, simd::broadcast<V>(std::numeric_limits<T>::infinity()), y);
  y = simd::select<V>(x < underflow, simd::broadcast<V>(T(0)), y);
  return simd::select<V>(x != x, x, y);  // NaN in, NaN out
}

}  // namespace nonlin::math
