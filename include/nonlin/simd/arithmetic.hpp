// nonlin/simd/arithmetic.hpp: the lane-wise operations beyond +, -, *, / that every lane type
// (float, double, packs) needs: min, max, abs and copying a sign. Bit operations and x86's own
// min/max instructions, so that NaN behaves as documented and nothing branches.
#pragma once

#include <limits>
#include <type_traits>

#include <nonlin/simd/pack.hpp>

namespace nonlin::simd {

// a < b ? a : b and a > b ? a : b, lane-wise. x86's min and max instructions have exactly these
// semantics (the second operand wins for NaN and for equal values); GCC does not find them itself.
// So min(hi, x) and max(lo, x) clamp and let NaN through, min(x, hi) and max(x, lo) turn it into
// the bound.
template <class V>
constexpr V min(V a, V b) noexcept {
#if defined(__AVX512F__)
  if constexpr (is_pack_v<V> && sizeof(V) == 64) {
    if (!std::is_constant_evaluated()) {
      if constexpr (sizeof(element_t<V>) == 4) return _mm512_maskz_min_ps(static_cast<__mmask16>(-1), a, b);
      else return _mm512_maskz_min_pd(static_cast<__mmask8>(-1), a, b);
    }
  }
#endif
#if defined(__AVX__)
  if constexpr (is_pack_v<V> && sizeof(V) == 32) {
    if (!std::is_constant_evaluated()) {
      if constexpr (sizeof(element_t<V>) == 4) return _mm256_min_ps(a, b);
      else return _mm256_min_pd(a, b);
    }
  }
#endif
  return select<V>(a < b, a, b);
}
template <class V>
constexpr V max(V a, V b) noexcept {
#if defined(__AVX512F__)
  if constexpr (is_pack_v<V> && sizeof(V) == 64) {
    if (!std::is_constant_evaluated()) {
      if constexpr (sizeof(element_t<V>) == 4) return _mm512_maskz_max_ps(static_cast<__mmask16>(-1), a, b);
      else return _mm512_maskz_max_pd(static_cast<__mmask8>(-1), a, b);
    }
  }
#endif
#if defined(__AVX__)
  if constexpr (is_pack_v<V> && sizeof(V) == 32) {
    if (!std::is_constant_evaluated()) {
      if constexpr (sizeof(element_t<V>) == 4) return _mm256_max_ps(a, b);
      else return _mm256_max_pd(a, b);
    }
  }
#endif
  return select<V>(a > b, a, b);
}

/// |x|, by clearing the sign bit (so abs(−0) = +0 and NaN stays NaN).
template <class V>
constexpr V abs(V x) noexcept {
  using T = element_t<V>;
  constexpr int_for<T> magnitude = std::numeric_limits<int_for<T>>::max();
  return from_bits<V>(static_cast<int_lane_t<V>>(to_bits(x) & magnitude));
}

/// |magnitude| with the sign bit of `sign` (magnitude must have a clear sign bit).
template <class V>
constexpr V with_sign_of(V magnitude, V sign) noexcept {
  using T = element_t<V>;
  constexpr int_for<T> sign_bit = std::numeric_limits<int_for<T>>::min();
  return from_bits<V>(static_cast<int_lane_t<V>>(to_bits(magnitude) | (to_bits(sign) & sign_bit)));
}

}  // namespace nonlin::simd
