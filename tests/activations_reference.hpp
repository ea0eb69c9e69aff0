// Exact references (computed in double) and the ULP measure shared by the activation accuracy
// tests. The ULP convention is SLEEF's and CORE-MATH's: the error is counted in ulps of the exact
// result, the ulp of a subnormal is 2^-149, and a result beyond FLT_MAX has the ulp 2^104.
#pragma once

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>

namespace nonlin_test {

inline float float_from_bits(std::uint32_t b) { return std::bit_cast<float>(b); }

/// |got − exact| in ulps of exact. NaN must match NaN (0, else infinity); a float infinity stands
/// for 2^128, so an overflow is only free when the exact value rounds to infinity too.
inline double ulp_error(float got, double exact) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (std::isnan(exact) || std::isnan(got)) return std::isnan(exact) && std::isnan(got) ? 0.0 : inf;
  if (std::isinf(exact)) return got == static_cast<float>(exact) ? 0.0 : inf;
  if (std::isinf(got)) {
    if (static_cast<float>(exact) == got) return 0.0;
    const double as_finite = std::copysign(0x1p128, static_cast<double>(got));
    return std::fabs(as_finite - exact) / 0x1p104;
  }
  const double a = std::fabs(exact);
  double ulp = 0x1p-149;
  if (a > static_cast<double>(FLT_MAX)) {
    ulp = 0x1p104;
  } else if (a >= 0x1p-126) {
    // 2^(e − 23) for a in [2^e, 2^(e+1)), built from a's exponent bits (frexp is slow when run
    // 2^32 times).
    const std::uint64_t exponent = (std::bit_cast<std::uint64_t>(a) >> 52) & 0x7ff;
    ulp = std::bit_cast<double>((exponent - 23) << 52);
  }
  return std::fabs(static_cast<double>(got) - exact) / ulp;
}

/// σ(x) in double, from e^{-|x|} so that it is accurate in both tails.
inline double sigmoid(double x) {
  const double e = std::exp(-std::fabs(x));
  return (x >= 0 ? 1.0 : e) / (1.0 + e);
}
inline double sigmoid_derivative(double x) {
  const double e = std::exp(-std::fabs(x));
  return e / ((1.0 + e) * (1.0 + e));
}
inline double tanh_derivative(double x) {
  const double e = std::exp(-2.0 * std::fabs(x));
  return 4.0 * e / ((1.0 + e) * (1.0 + e));
}
inline double elu(double x, double alpha) { return x > 0 ? x : alpha * std::expm1(x); }
inline double elu_derivative(double x, double alpha) {
  if (std::isnan(x)) return x;
  return x > 0 ? 1.0 : alpha * std::exp(x);
}

}  // namespace nonlin_test
