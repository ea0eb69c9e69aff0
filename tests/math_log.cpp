// nonlin::math::log against the C library's double-precision log: below 1 ULP for float on a dense
// sample of all positive floats (normal and subnormal), and the special values.
#define BOOST_TEST_MODULE math_log
#include <boost/test/unit_test.hpp>

#include <nonlin/math/log.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace nl = nonlin;

static_assert(nl::math::log(1.0f) == 0.0f && nl::math::log(1.0) == 0.0);
static_assert(nl::math::log(2.0) == 0.69314718055994531);

BOOST_AUTO_TEST_CASE(log_is_within_one_ulp_for_float) {
  using pack = nl::simd::float_pack;
  constexpr std::uint32_t lanes = nl::simd::lanes_v<pack>;
  double worst = 0;
  float worst_x = 0;
  // Every 613th bit pattern below +inf (a prime stride, so that every mantissa region is hit).
  for (std::uint64_t base = 1; base < 0x7f800000u; base += lanes * 613) {
    pack x{};
    for (std::uint32_t i = 0; i < lanes; ++i) {
      x[i] = std::bit_cast<float>(static_cast<std::uint32_t>(std::min<std::uint64_t>(base + i * 613, 0x7f7fffffu)));
    }
    const pack y = nl::math::log(x);
    for (std::uint32_t i = 0; i < lanes; ++i) {
      const double exact = std::log(static_cast<double>(x[i]));
      if (exact == 0) {
        BOOST_TEST(y[i] == 0.0f);
        continue;
      }
      const double ulp = std::ldexp(1.0, std::ilogb(static_cast<float>(exact)) - 23);
      const double error = std::abs(static_cast<double>(y[i]) - exact) / ulp;
      if (error > worst) {
        worst = error;
        worst_x = x[i];
      }
    }
  }
  BOOST_TEST_MESSAGE("worst: " << worst << " ULP at " << worst_x);
  BOOST_TEST(worst < 1.0);
}

BOOST_AUTO_TEST_CASE(log_is_within_one_ulp_for_double) {
  double worst = 0;
  for (int e = -1074; e <= 1023; e += 7) {
    for (double m = 1.0; m < 2.0; m += 0.0123) {
      const double x = std::ldexp(m, e);
      if (x == 0 || std::isinf(x)) continue;
      const long double exact = std::log(static_cast<long double>(x));
      if (exact == 0) continue;
      const double ulp = std::ldexp(1.0, std::ilogb(static_cast<double>(exact)) - 52);
      worst = std::max(worst, static_cast<double>(std::abs(nl::math::log(x) - exact)) / ulp);
    }
  }
  BOOST_TEST_MESSAGE("worst: " << worst << " ULP");
  BOOST_TEST(worst < 1.0);
}

BOOST_AUTO_TEST_CASE(log_special_values) {
  constexpr float inf = std::numeric_limits<float>::infinity();
  BOOST_TEST(nl::math::log(0.0f) == -inf);
  BOOST_TEST(nl::math::log(-0.0f) == -inf);
  BOOST_TEST(nl::math::log(inf) == inf);
  BOOST_TEST(std::isnan(nl::math::log(-1.0f)));
  BOOST_TEST(std::isnan(nl::math::log(-inf)));
  BOOST_TEST(std::isnan(nl::math::log(std::numeric_limits<float>::quiet_NaN())));
  BOOST_TEST(nl::math::log(std::numeric_limits<float>::denorm_min()) == std::log(std::numeric_limits<float>::denorm_min()));
  BOOST_TEST(nl::math::log(std::numeric_limits<double>::denorm_min()) == std::log(std::numeric_limits<double>::denorm_min()));
}
