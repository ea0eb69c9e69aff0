// nonlin/io/detail/half.hpp: exact conversion of IEEE half (F16) and bfloat16 (BF16) bit patterns to
// float. Both formats are subsets of float, so the conversion never rounds.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

namespace nonlin::detail {

inline float float_from_f16_bits(std::uint16_t h) noexcept {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exponent = (h >> 10) & 0x1fu;
  const std::uint32_t mantissa = h & 0x3ffu;
  if (exponent == 0) {
    // Zero or subnormal: mantissa · 2⁻²⁴, a normal float, so ldexp is exact.
    const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 0x1f)  // infinity or NaN, payload kept
    return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
  return std::bit_cast<float>(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
}

// bfloat16 is the upper half of a float.
inline float float_from_bf16_bits(std::uint16_t b) noexcept {
  return std::bit_cast<float>(static_cast<std::uint32_t>(b) << 16);
}

}  // namespace nonlin::detail
