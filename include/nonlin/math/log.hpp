// nonlin/math/log.hpp: the natural logarithm for float and double, scalar (constexpr) or SIMD pack,
// one code path. x = 2^k·m with m in [√½, √2), then log m = 2·atanh(f/(2+f)) with f = m − 1,
// arranged as in fdlibm so that the rounding error of f/(2+f) only touches a small correction term.
#pragma once

#include <bit>
#include <limits>
#include <type_traits>

#include <nonlin/simd/pack.hpp>

namespace nonlin::math {

/// log(x), the natural logarithm: below 1 ULP from the exact value for float (tested on a dense
/// sample of all floats); −inf for ±0, NaN for negative x and NaN, +inf for +inf. Subnormal x are
/// handled exactly (they are scaled into the normal range first).
template <class V>
constexpr V log(V x) noexcept {
  if constexpr (!simd::is_pack_v<V>)  // Clang's constant evaluation rejects arithmetic that makes a NaN
    if (std::is_constant_evaluated() && x != x) return x;
  using T = simd::element_t<V>;
  using I = simd::int_lane_t<V>;
  constexpr bool single = sizeof(T) == 4;
  using U = std::conditional_t<single, std::uint32_t, std::uint64_t>;

  // Subnormals have too few significant bits for the bit split below: scale them by 2^24 (2^54).
  constexpr T smallest_normal = std::numeric_limits<T>::min();
  constexpr T subnormal_scale = single ? T(16777216.0) : T(18014398509481984.0);
  constexpr int subnormal_shift = single ? 24 : 54;
  const auto tiny = x < smallest_normal;
  const V xs = simd::select<V>(tiny, x * subnormal_scale, x);

  // Adding (one − √½) to the bits makes the exponent field roll over exactly at m = √½, so one shift
  // yields k for m in [√½, √2) (musl's trick; it avoids a compare-and-adjust step).
  constexpr U one_bits = single ? U(0x3f800000u) : U(0x3ff0000000000000ull);
  constexpr U sqrt_half_bits = single ? U(0x3f3504f3u) : U(0x3fe6a09e667f3bcdull);
  constexpr int mantissa_bits = single ? 23 : 52;
  constexpr U mantissa_mask = (U(1) << mantissa_bits) - 1;
  constexpr int exponent_bias = single ? 127 : 1023;

  // The bit arithmetic is unsigned: NaN and negative inputs wrap around (their lanes are replaced at
  // the end), which would be undefined behaviour on signed lanes.
  using E = simd::element_t<I>;
  using UE = std::make_unsigned_t<E>;
  using UI = std::conditional_t<simd::is_pack_v<V>, simd::vec<UE, simd::lanes_v<V>>, UE>;
  const UI shifted = std::bit_cast<UI>(simd::to_bits(xs)) + static_cast<UE>(one_bits - sqrt_half_bits);
  I k = std::bit_cast<I>(shifted >> mantissa_bits) - static_cast<E>(exponent_bias);
  k = simd::select<I>(tiny, k - static_cast<E>(subnormal_shift), k);
  const UI m_bits = (shifted & static_cast<UE>(mantissa_mask)) + static_cast<UE>(sqrt_half_bits);
  const V m = std::bit_cast<V>(m_bits);

  const V f = m - T(1);  // exact: m is within a factor of two of 1
  const V s = f / (T(2) + f);
  const V z = s * s;
  // R(z) = 2z/3 + 2z²/5 + ...: the Taylor series of (2·atanh(s) − 2s)/s, truncated where the next
  // term is below 2^-27 (float) or 2^-56 (double) relative, for |s| <= 3 − 2√2.
  V r;
  if constexpr (single) {
    r = simd::broadcast<V>(T(2.0 / 13));
    // Scaled by z² or less in the result: these may round twice without an fma instruction.
    r = simd::multiply_add(r, z, simd::broadcast<V>(T(2.0 / 11)));
    r = simd::multiply_add(r, z, simd::broadcast<V>(T(2.0 / 9)));
    r = simd::multiply_add(r, z, simd::broadcast<V>(T(2.0 / 7)));
    r = simd::fma(r, z, simd::broadcast<V>(T(2.0 / 5)));
    r = simd::fma(r, z, simd::broadcast<V>(T(2.0 / 3)));
  } else {
    r = simd::broadcast<V>(T(2.0 / 25));
    for (int d = 23; d >= 3; d -= 2) r = simd::fma(r, z, simd::broadcast<V>(T(2.0 / d)));
  }
  r = r * z;

  // ln2 split so that k·ln2_hi is exact for every exponent k.
  constexpr T ln2_hi = single ? T(0.693145751953125) : T(6.93147180369123816490e-01);
  constexpr T ln2_lo = single ? T(1.428606765330187045e-06) : T(1.90821492927058770002e-10);
  const V dk = simd::convert<V>(k);
  const V half_f_squared = T(0.5) * f * f;
  V y = dk * ln2_hi - ((half_f_squared - (s * (half_f_squared + r) + dk * ln2_lo)) - f);

  constexpr T inf = std::numeric_limits<T>::infinity();
  constexpr T nan = std::numeric_limits<T>::quiet_NaN();
  y = simd::select<V>(x == inf, simd::broadcast<V>(inf), y);
  y = simd::select<V>(x == T(0), simd::broadcast<V>(-inf), y);
  y = simd::select<V>(x < T(0), simd::broadcast<V>(nan), y);
  return simd::select<V>(x != x, x, y);
}

}  // namespace nonlin::math
