// nonlin/math/exp.hpp: e^x for float and double, scalar (constexpr) or SIMD pack, one code path.
// Range reduction x = n·ln2 + r with |r| <= ln2/2 (Cody and Waite's two-part ln2), a Taylor
// polynomial for e^r, then scaling by 2^n built from exponent bits. The scaling is done in two
// halves so that results in the subnormal range round once, like a correctly rounded exp would.
#pragma once

#include <limits>

#include <nonlin/simd/arithmetic.hpp>
#include <nonlin/simd/pack.hpp>

namespace nonlin::math {

namespace detail {

using simd::max;
using simd::min;

/// x clamped to [lo, hi], NaN kept. No step converts a float to an integer (the exponent comes
/// from bits), so NaN simply flows through every kernel, scalar and constexpr included.
template <class V>
constexpr V clamp(V x, simd::element_t<V> lo, simd::element_t<V> hi) noexcept {
  return max(simd::broadcast<V>(lo), min(simd::broadcast<V>(hi), x));
}

// The thresholds of the exponential in the element type T.
template <class T>
struct exp_limits {
  static constexpr bool single = sizeof(T) == 4;
  // Largest x whose e^x rounds to a finite value: e^88.7228394 would round up to 2^128.
  static constexpr T overflow = single ? T(88.72283172607421875) : T(709.782712893383973096);
  // Largest x whose e^x rounds to +0 (e^x <= half the smallest subnormal).
  static constexpr T underflow = single ? T(-103.97208404541015625) : T(-745.1332191019412076235);
  // A domain that already gives +inf at the top and +0 at the bottom: clamping to it keeps the
  // reduction finite without a select for either end.
  static constexpr T highest = single ? T(89) : T(710);
  static constexpr T lowest = single ? T(-104.5) : T(-746);
};

// x = n·ln2 + r, |r| <= ln2/2 (a little more after rounding), n integral-valued. `shifted` is
// n + 1.5·2^23 (1.5·2^52 for double): its low mantissa bits are n as an integer.
template <class V>
struct ln2_reduction {
  V shifted;
  V n;
  V r;
};
// The constants of the reduction in the element type T.
template <class T>
struct ln2_constants {
  static constexpr bool single = sizeof(T) == 4;
  static constexpr T log2e = T(1.44269504088896340736);
  // ln2 split in a part with trailing zero bits (n·ln2_hi is exact) and the remainder.
  static constexpr T ln2_hi = single ? T(0.693359375) : T(0.693147180369123816490);
  static constexpr T ln2_lo = single ? T(-2.12194440e-4) : T(1.90821492927058770002e-10);
  // Adding the shifter inside the fma rounds x·log2e to an integer in the same step.
  static constexpr T shifter = single ? T(12582912.0) : T(6755399441055744.0);
};

template <class V>
constexpr ln2_reduction<V> reduce_by_ln2(V x) noexcept {
  using c = ln2_constants<simd::element_t<V>>;
  const V shifted = simd::fma(x, simd::broadcast<V>(c::log2e), simd::broadcast<V>(c::shifter));
  const V n = shifted - c::shifter;
  V r = simd::fma(n, simd::broadcast<V>(-c::ln2_hi), x);
  r = simd::fma(n, simd::broadcast<V>(-c::ln2_lo), r);
  return {shifted, n, r};
}

// The reduction of x + tail, where tail is a rounding error carried along (|tail| far below 1):
// n comes from x alone; x − n·ln2_hi is exact, and the tail joins ln2's low part in one fma, so r
// is still rounded once and e^(x + tail) keeps the tail instead of losing it below x's last bit.
template <class V>
constexpr ln2_reduction<V> reduce_by_ln2(V x, V tail) noexcept {
  using c = ln2_constants<simd::element_t<V>>;
  const V shifted = simd::fma(x, simd::broadcast<V>(c::log2e), simd::broadcast<V>(c::shifter));
  const V n = shifted - c::shifter;
  const V r = simd::fma(n, simd::broadcast<V>(-c::ln2_hi), x) +
              simd::fma(n, simd::broadcast<V>(-c::ln2_lo), tail);
  return {shifted, n, r};
}

// 2^(n + Offset) from the bits of a reduction's `shifted`, for n + Offset in the normal range.
template <int Offset, class V>
constexpr V exp2_of(V shifted) noexcept {
  using T = simd::element_t<V>;
  using I = simd::int_lane_t<V>;
  using bits_t = simd::int_for<T>;
  if constexpr (sizeof(T) == 4) {
    constexpr bits_t bias = bits_t(127 + Offset) - bits_t(0x4B400000);
    return simd::from_bits<V>(static_cast<I>((simd::to_bits(shifted) + bias) << 23));
  } else {
    constexpr bits_t bias = bits_t(1023 + Offset) - bits_t(0x4338000000000000);
    return simd::from_bits<V>(static_cast<I>((simd::to_bits(shifted) + bias) << 52));
  }
}

// p·2^n for a reduction's n (|n| <= 2·max exponent), rounded once: results overflow to infinity
// and underflow through the subnormals exactly like a correctly rounded multiplication. AVX-512
// has the instruction (vscalef); elsewhere two factors of 2^(n/2) keep the intermediate normal.
// Both give the same bits.
template <class V>
constexpr V scale_by_exp2(V p, const ln2_reduction<V>& reduction) noexcept {
#if defined(__AVX512F__)
  if constexpr (simd::is_pack_v<V> && sizeof(V) == 64) {
    if (!std::is_constant_evaluated()) {
      if constexpr (sizeof(simd::element_t<V>) == 4) {
        return _mm512_maskz_scalef_ps(static_cast<__mmask16>(-1), p, reduction.n);
      } else {
        return _mm512_maskz_scalef_pd(static_cast<__mmask8>(-1), p, reduction.n);
      }
    }
  }
#endif
  using T = simd::element_t<V>;
  using I = simd::int_lane_t<V>;
  using bits_t = simd::int_for<T>;
  constexpr int mantissa_bits = sizeof(T) == 4 ? 23 : 52;
  constexpr bits_t bias = sizeof(T) == 4 ? 127 : 1023;
  constexpr bits_t shifter_bits = sizeof(T) == 4 ? bits_t(0x4B400000) : bits_t(0x4338000000000000);
  const I k = static_cast<I>(simd::to_bits(reduction.shifted) - shifter_bits);
  const I half = k >> 1;
  return p * simd::from_bits<V>(static_cast<I>((half + bias) << mantissa_bits)) *
         simd::from_bits<V>(static_cast<I>((k - half + bias) << mantissa_bits));
}

inline constexpr double exp_taylor_coefficients[] = {
    1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
    1.0 / 40320.0,      1.0 / 5040.0,      1.0 / 720.0,      1.0 / 120.0,     1.0 / 24.0,
    1.0 / 6.0,          0.5,               1.0,              1.0};

// p·2^n for an integral-valued n with |n| <= 2·max exponent, rounded once (see scale_by_exp2).
template <class V>
constexpr V multiply_by_exp2(V p, V n) noexcept {
#if defined(__AVX512F__)
  if constexpr (simd::is_pack_v<V> && sizeof(V) == 64) {
    if (!std::is_constant_evaluated()) {
      if constexpr (sizeof(simd::element_t<V>) == 4) {
        return _mm512_maskz_scalef_ps(static_cast<__mmask16>(-1), p, n);
      } else {
        return _mm512_maskz_scalef_pd(static_cast<__mmask8>(-1), p, n);
      }
    }
  }
#endif
  using T = simd::element_t<V>;
  using I = simd::int_lane_t<V>;
  constexpr int mantissa_bits = sizeof(T) == 4 ? 23 : 52;
  constexpr simd::int_for<T> bias = sizeof(T) == 4 ? 127 : 1023;
  const I k = simd::convert<I>(n);
  const I half = k >> 1;
  return p * simd::from_bits<V>(static_cast<I>((half + bias) << mantissa_bits)) *
         simd::from_bits<V>(static_cast<I>((k - half + bias) << mantissa_bits));
}

// e^r for |r| <= ln2/2, to the accuracy of the element type Accuracy (float: relative error below
// 2^-28; double: below 2^-57). Evaluating a float result in double lanes needs only the former.
template <class V, class Accuracy = simd::element_t<V>>
constexpr V exp_polynomial(V r) noexcept {
  using T = simd::element_t<V>;
  // Taylor coefficients 1/k!, highest degree first: degree 7 for float, 8 for float accuracy in
  // double lanes (whose own rounding is then negligible), 13 for double.
  constexpr int first = sizeof(Accuracy) == 8 ? 0 : sizeof(T) == 8 ? 5 : 6;
  V p = simd::broadcast<V>(T(exp_taylor_coefficients[first]));
#pragma GCC unroll 16
  for (int i = first + 1; i < 14; ++i) {
    // The last two steps (adding r and 1) make the result's rounding; the earlier ones are scaled
    // by r² or less, so on a target without an fma instruction they may round twice (multiply_add).
    const V coefficient = simd::broadcast<V>(T(exp_taylor_coefficients[i]));
    p = i < 12 ? simd::multiply_add(p, r, coefficient) : simd::fma(p, r, coefficient);
  }
  return p;
}

// e^x for x in [exp_limits::lowest, exp_limits::highest] or NaN: overflow to +inf and underflow
// to +0 happen in the final scaling.
template <class V, class Accuracy = simd::element_t<V>>
constexpr V exp_bounded(V x) noexcept {
  const auto reduction = reduce_by_ln2(x);
  return scale_by_exp2(exp_polynomial<V, Accuracy>(reduction.r), reduction);
}

// e^(x + tail) for x <= 0 or NaN and |tail| <= 2^-10, rounded once: below the underflow
// threshold (x = −inf included) it is +0 whatever the tail. The caller knows x cannot overflow, so
// only the lower end is clamped.
template <class V>
constexpr V exp_nonpositive(V x, V tail) noexcept {
  using T = simd::element_t<V>;
  const auto reduction = reduce_by_ln2(max(simd::broadcast<V>(exp_limits<T>::lowest), x), tail);
  return scale_by_exp2(exp_polynomial(reduction.r), reduction);
}

}  // namespace detail

/// e^x: at most 1 ULP from the exact value for float (tested exhaustively); +inf above the
/// overflow threshold, +0 at and below the underflow threshold, NaN for NaN.
template <class V>
constexpr V exp(V x) noexcept {
  if constexpr (!simd::is_pack_v<V>)  // Clang's constant evaluation rejects arithmetic that makes a NaN
    if (std::is_constant_evaluated() && x != x) return x;
  using T = simd::element_t<V>;
  using limits = detail::exp_limits<T>;
  if (std::is_constant_evaluated()) {
    // A constant expression may not overflow: clamp to the threshold and select +inf instead.
    const V y = detail::exp_bounded(detail::clamp(x, limits::lowest, limits::overflow));
    return simd::select<V>(x > limits::overflow, simd::broadcast<V>(std::numeric_limits<T>::infinity()), y);
  }
  // The final scaling overflows to +inf exactly above the threshold (tested for every float).
  return detail::exp_bounded(detail::clamp(x, limits::lowest, limits::highest));
}

}  // namespace nonlin::math
