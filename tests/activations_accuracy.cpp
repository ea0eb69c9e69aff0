// The accuracy contract of the elementwise activations and of the math under them, on a sample of
// over a million float inputs (a strided sweep over all bit patterns plus random inputs) and on
// every edge case: signed zeros, infinities, NaN, subnormals, ±FLT_MAX, saturation, the kinks and
// the exp thresholds. Each claim is checked for the scalar value() and for the vectorised apply().
// The same source is compiled twice: for the native target and for AVX2 without AVX-512.
#define BOOST_TEST_MODULE activations_accuracy
#include <boost/test/unit_test.hpp>

#include <nonlin/activation/concept.hpp>
#include <nonlin/activation/elu.hpp>
#include <nonlin/activation/identity.hpp>
#include <nonlin/activation/leaky_relu.hpp>
#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/math/exp.hpp>
#include <nonlin/math/expm1.hpp>
#include <nonlin/math/log1p.hpp>

#include <array>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "activations_reference.hpp"

namespace nl = nonlin;
using nonlin_test::ulp_error;

namespace {

constexpr float inf = std::numeric_limits<float>::infinity();
constexpr float qnan = std::numeric_limits<float>::quiet_NaN();
constexpr float denorm_min = std::numeric_limits<float>::denorm_min();

// --- What the compiler proves: value and derivative are constant expressions. ---
// tanh is odd and exact at 0; sigmoid is 1/2 there; both saturate exactly.
static_assert(nl::tanh::value(0.0f) == 0.0f && nl::tanh::value(-inf) == -1.0f);
static_assert(nl::sigmoid::value(0.0f) == 0.5f && nl::sigmoid::value(-inf) == 0.0f);
static_assert(nl::sigmoid::value(inf) == 1.0f && nl::sigmoid::derivative(0.0) == 0.25);
// tanh x = x for tiny x, and the sign of zero survives.
static_assert(nl::tanh::value(1e-30f) == 1e-30f && std::bit_cast<std::uint32_t>(nl::tanh::value(-0.0f)) == 0x80000000u);
// PyTorch's kink conventions: relu'(0) = 0, leaky_relu'(0) = slope, elu'(0) = alpha.
static_assert(nl::relu::derivative(0.0f) == 0.0f && nl::relu::derivative(-0.0f) == 0.0f);
static_assert(nl::leaky_relu<0.1f>::derivative(0.0f) == 0.1f && nl::elu<0.5f>::derivative(0.0f) == 0.5f);
static_assert(nl::elu<>::value(-inf) == -1.0f && nl::elu<2.0f>::value(-inf) == -2.0f);
// NaN propagates, also at compile time.
static_assert(nl::tanh::value(qnan) != nl::tanh::value(qnan) && nl::sigmoid::value(qnan) != nl::sigmoid::value(qnan));
// exp's overflow threshold: the largest float with a finite e^x, and the next one.
static_assert(nl::math::exp(88.72283172607421875f) < inf && nl::math::exp(88.72283935546875f) == inf);
static_assert(nl::math::exp(-103.97208404541015625f) == 0.0f && nl::math::exp(-103.97207641601562f) > 0.0f);
// expm1 and log1p keep tiny arguments exact, where exp(x) − 1 and log(1 + x) give 0.
static_assert(nl::math::expm1(1e-10f) == 1e-10f && nl::math::log1p(1e-10f) == 1e-10f);
// Every activation satisfies the concept the layers require.
static_assert(nl::elementwise_activation<nl::sigmoid> && nl::elementwise_activation<nl::tanh> &&
              nl::elementwise_activation<nl::relu> && nl::elementwise_activation<nl::leaky_relu<>> &&
              nl::elementwise_activation<nl::elu<>>);
static_assert(nl::leaky_relu<>::negative_slope == 0.01f && nl::elu<>::alpha == 1.0f);

// The sample: a strided sweep over all 2^32 bit patterns (every sign, exponent and both ends of
// each binade get visited), random floats in the interesting range, and the edge cases.
std::vector<float> edge_cases() {
  return {0.0f, -0.0f, inf, -inf, qnan, -qnan, denorm_min, -denorm_min, FLT_MIN, -FLT_MIN,
          FLT_MAX, -FLT_MAX, 1e-30f, -1e-30f, 0x1p-126f * 0.75f, 1.0f, -1.0f, 0.5f, -0.5f,
          0.55f, -0.55f, 0.54999995f, 9.0f, -9.0f, 9.02f, -9.02f, 10.0f, -10.0f, 20.0f, -20.0f,
          88.72283172607421875f, 88.72283935546875f, 89.0f, -87.33654f, -88.0f,
          -103.97207641601562f, -103.97208404541015625f, -104.5f, -110.0f, 0x1.62e42ep-2f,
          -0x1.62e42ep-2f, 0x1.62e430p-1f, -0x1.62e430p-1f, 1e-7f, -1e-7f, 3.0e-5f, -3.0e-5f};
}
std::vector<float> sample() {
  std::vector<float> xs = edge_cases();
  for (std::uint64_t b = 0; b < (1ull << 32); b += 4093) xs.push_back(nonlin_test::float_from_bits(static_cast<std::uint32_t>(b)));
  std::mt19937 rng(20240607);
  std::uniform_real_distribution<float> wide(-110.0f, 90.0f), narrow(-2.0f, 2.0f);
  for (int i = 0; i < 150000; ++i) xs.push_back(wide(rng));
  for (int i = 0; i < 150000; ++i) xs.push_back(narrow(rng));
  return xs;
}
const std::vector<float>& inputs() {
  static const std::vector<float> xs = sample();
  return xs;
}

struct worst {
  double ulp = 0;
  float x = 0;
};

// Max ULP error of f over the sample, through the scalar function and through the span kernel.
template <class Scalar, class Kernel, class Reference>
std::pair<worst, worst> measure(Scalar scalar, Kernel kernel, Reference reference) {
  const auto& xs = inputs();
  std::vector<float> out(xs.size());
  kernel(std::span<const float>(xs), std::span<float>(out));
  worst s, v;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double exact = reference(static_cast<double>(xs[i]));
    const double es = ulp_error(scalar(xs[i]), exact);
    const double ev = ulp_error(out[i], exact);
    if (!(es <= s.ulp)) s = {es, xs[i]};
    if (!(ev <= v.ulp)) v = {ev, xs[i]};
  }
  return {s, v};
}

template <class Scalar, class Kernel, class Reference>
void check_bound(const char* name, double bound, Scalar scalar, Kernel kernel, Reference reference) {
  const auto [s, v] = measure(scalar, kernel, reference);
  BOOST_TEST_MESSAGE(name << " [" << nl::simd::target_name << "]: max " << s.ulp << " ULP scalar (x = "
                          << s.x << "), " << v.ulp << " ULP vectorised (x = " << v.x << ")");
  BOOST_TEST(s.ulp <= bound, name << " scalar: " << s.ulp << " ULP at x = " << std::hexfloat << s.x);
  BOOST_TEST(v.ulp <= bound, name << " vectorised: " << v.ulp << " ULP at x = " << std::hexfloat << v.x);
}

template <class F>
auto kernel_of(F f) {
  return [f](std::span<const float> in, std::span<float> out) {
    nl::detail::apply_elementwise("test", "apply", in, out, f);
  };
}

bool same_bits(float a, float b) { return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b); }
bool same_value(float a, float b) { return (a != a && b != b) || same_bits(a, b); }

}  // namespace

BOOST_AUTO_TEST_CASE(the_sample_has_over_a_million_inputs) {
  BOOST_TEST(inputs().size() >= 1000000u);
  BOOST_TEST_MESSAGE("vectorised path: " << nl::simd::target_name << ", " << nl::simd::lanes_v<nl::simd::float_pack> << " floats per pack");
#if defined(NONLIN_EXPECT_AVX2)
  BOOST_TEST(nl::simd::lanes_v<nl::simd::float_pack> == 8u);
#endif
#if defined(NONLIN_EXPECT_SSE)
  BOOST_TEST(nl::simd::lanes_v<nl::simd::float_pack> == 4u);
  BOOST_TEST(std::string_view(nl::simd::target_name) == "sse");
  BOOST_TEST(!nl::simd::has_fma_instruction);
#endif
}

#if defined(NONLIN_EXPECT_SSE)
// Without an fma instruction the activations' fma runs in double lanes; it must round as the fused
// operation does (libm's fmaf, correctly rounded in software, is the reference). Random operands
// of every magnitude, and sums that land exactly halfway between two floats in double, where a
// plain double sum would round twice.
BOOST_AUTO_TEST_CASE(the_fma_emulated_in_double_lanes_rounds_once) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<std::uint32_t> any_bits;
  std::uniform_int_distribution<int> exponent(-40, 40);
  std::vector<std::array<float, 3>> cases;
  for (int k = 0; k < 400000; ++k) {
    auto pick = [&] {
      const float m = std::bit_cast<float>((any_bits(rng) & 0x807fffffu) | 0x3f800000u);  // ±[1, 2)
      return std::ldexp(m, exponent(rng));
    };
    cases.push_back({pick(), pick(), pick()});
  }
  // a·b = 2^(e−24)·(1 − 2^−46) and c = 2^e·(1 + odd·2^−23): the exact sum lies 2^(e−70) below the
  // midpoint between c and the next float up; the double sum rounds onto that midpoint, and a
  // second rounding to float (ties to even) would step up, where the fused result stays at c.
  std::uniform_int_distribution<std::uint32_t> odd(0, (1u << 21) - 1);
  for (int e = -30; e <= 30; ++e)
    for (int k = 0; k < 200; ++k) {
      const float a = 1.0f + 0x1p-23f;
      const float b = std::ldexp(1.0f - 0x1p-23f, e - 24);
      const float c = std::ldexp(1.0f + static_cast<float>(2 * odd(rng) + 1) * 0x1p-23f, e);
      cases.push_back({a, b, c});
      cases.push_back({-a, b, -c});
    }
  using pack = nl::simd::float_pack;
  constexpr std::size_t lanes = nl::simd::lanes_v<pack>;
  std::size_t checked = 0, wrong = 0;
  for (std::size_t i = 0; i + lanes <= cases.size(); i += lanes) {
    pack a, b, c;
    for (std::size_t l = 0; l < lanes; ++l) a[l] = cases[i + l][0], b[l] = cases[i + l][1], c[l] = cases[i + l][2];
    const pack r = nl::simd::fma(a, b, c);
    for (std::size_t l = 0; l < lanes; ++l) {
      const float expected = std::fma(a[l], b[l], c[l]);
      if (!std::isnormal(expected)) continue;  // the emulation's stated range
      ++checked;
      if (!same_bits(r[l], expected)) {
        ++wrong;
        BOOST_TEST_MESSAGE("fma(" << std::hexfloat << a[l] << ", " << b[l] << ", " << c[l] << ") = " << r[l]
                                  << ", fused " << expected);
      }
    }
  }
  BOOST_TEST(checked > 400000u);
  BOOST_TEST(wrong == 0u, wrong << " of " << checked << " emulated fmas differ from the fused result");
}
#endif

BOOST_AUTO_TEST_CASE(sigmoid_is_within_2_ulp) {
  check_bound("sigmoid", 2.0, [](float x) { return nl::sigmoid::value(x); }, nl::sigmoid::apply,
              [](double x) { return nonlin_test::sigmoid(x); });
}

BOOST_AUTO_TEST_CASE(tanh_is_within_2_ulp) {
  check_bound("tanh", 2.0, [](float x) { return nl::tanh::value(x); }, nl::tanh::apply,
              [](double x) { return std::tanh(x); });
}

BOOST_AUTO_TEST_CASE(elu_is_within_2_ulp) {
  check_bound("elu<1>", 2.0, [](float x) { return nl::elu<>::value(x); }, nl::elu<>::apply,
              [](double x) { return nonlin_test::elu(x, 1.0); });
  // Any other alpha adds the one rounding of the product.
  check_bound("elu<0.5>", 2.0, [](float x) { return nl::elu<0.5f>::value(x); }, nl::elu<0.5f>::apply,
              [](double x) { return nonlin_test::elu(x, 0.5); });
}

BOOST_AUTO_TEST_CASE(exp_is_within_1_ulp_and_expm1_within_1_5_ulp) {
  check_bound("exp", 1.0, [](float x) { return nl::math::exp(x); },
              kernel_of([](auto v) { return nl::math::exp(v); }), [](double x) { return std::exp(x); });
  check_bound("expm1", 1.5, [](float x) { return nl::math::expm1(x); },
              kernel_of([](auto v) { return nl::math::expm1(v); }), [](double x) { return std::expm1(x); });
}

BOOST_AUTO_TEST_CASE(log1p_is_within_2_1_ulp) {
  check_bound("log1p", 2.1, [](float x) { return nl::math::log1p(x); },
              kernel_of([](auto v) { return nl::math::log1p(v); }), [](double x) { return std::log1p(x); });
}

BOOST_AUTO_TEST_CASE(derivatives_from_the_input_are_within_their_stated_bounds) {
  check_bound("sigmoid'", 5.0, [](float x) { return nl::sigmoid::derivative(x); }, nl::sigmoid::apply_derivative,
              [](double x) { return nonlin_test::sigmoid_derivative(x); });
  check_bound("tanh'", 5.0, [](float x) { return nl::tanh::derivative(x); }, nl::tanh::apply_derivative,
              [](double x) { return nonlin_test::tanh_derivative(x); });
  check_bound("elu<1>'", 1.0, [](float x) { return nl::elu<>::derivative(x); }, nl::elu<>::apply_derivative,
              [](double x) { return nonlin_test::elu_derivative(x, 1.0); });
}

BOOST_AUTO_TEST_CASE(derivatives_from_the_output_are_within_their_stated_absolute_error) {
  // y(1 − y) and 1 − y² are rounded once, but inherit the rounding of y: an absolute error.
  double sigmoid_worst = 0, tanh_worst = 0, elu_worst = 0;
  for (float x : inputs()) {
    if (x != x) continue;
    const double ds = std::fabs(nl::sigmoid::derivative_from_output(nl::sigmoid::value(x)) - nonlin_test::sigmoid_derivative(x));
    const double dt = std::fabs(nl::tanh::derivative_from_output(nl::tanh::value(x)) - nonlin_test::tanh_derivative(x));
    const double de = std::fabs(nl::elu<>::derivative_from_output(nl::elu<>::value(x)) - nonlin_test::elu_derivative(x, 1.0));
    sigmoid_worst = std::max(sigmoid_worst, ds);
    tanh_worst = std::max(tanh_worst, dt);
    elu_worst = std::max(elu_worst, de);
  }
  BOOST_TEST_MESSAGE("from the output: sigmoid' " << sigmoid_worst << ", tanh' " << tanh_worst << ", elu' " << elu_worst << " absolute");
  BOOST_TEST(sigmoid_worst <= 6e-8);
  BOOST_TEST(tanh_worst <= 2e-7);
  BOOST_TEST(elu_worst <= 6e-8);
}

BOOST_AUTO_TEST_CASE(identity_relu_and_leaky_relu_are_bit_exact) {
  const auto& xs = inputs();
  std::vector<float> r(xs.size()), l(xs.size()), l1(xs.size()), i(xs.size());
  nl::relu::apply(xs, r);
  nl::leaky_relu<>::apply(xs, l);
  nl::leaky_relu<0.1f>::apply(xs, l1);
  std::size_t wrong = 0;
  for (std::size_t k = 0; k < xs.size(); ++k) {
    const float x = xs[k];
    // References in double: max(0, x) keeping −0 and NaN as torch does, and slope·x, which is
    // exact in double, rounded once to float.
    const float relu = x != x ? x : (x < 0 ? 0.0f : x);
    const float leaky = x > 0 ? x : static_cast<float>(static_cast<double>(x) * static_cast<double>(0.01f));
    const float leaky1 = x > 0 ? x : static_cast<float>(static_cast<double>(x) * static_cast<double>(0.1f));
    wrong += !same_value(nl::relu::value(x), relu) + !same_value(r[k], relu);
    wrong += !same_value(nl::leaky_relu<>::value(x), leaky) + !same_value(l[k], leaky);
    wrong += !same_value(nl::leaky_relu<0.1f>::value(x), leaky1) + !same_value(l1[k], leaky1);
    wrong += !same_value(nl::identity::value(x), x);
  }
  BOOST_TEST(wrong == 0u);
}

BOOST_AUTO_TEST_CASE(kinks_follow_pytorch) {
  // torch 1.13 autograd at exactly ±0 (see docs/accuracy.md): relu' = 0, leaky_relu' = slope,
  // elu' = alpha; forward relu(−0) = −0, leaky_relu(−0) = −0, elu(−0) = +0.
  for (float zero : {0.0f, -0.0f}) {
    BOOST_TEST(nl::relu::derivative(zero) == 0.0f);
    BOOST_TEST(nl::leaky_relu<>::derivative(zero) == 0.01f);
    BOOST_TEST(nl::leaky_relu<0.1f>::derivative(zero) == 0.1f);
    BOOST_TEST(nl::elu<>::derivative(zero) == 1.0f);
    BOOST_TEST(nl::elu<0.5f>::derivative(zero) == 0.5f);
    BOOST_TEST(nl::elu<2.0f>::derivative(zero) == 2.0f);
    BOOST_TEST(nl::relu::derivative_from_output(nl::relu::value(zero)) == 0.0f);
    BOOST_TEST(nl::leaky_relu<>::derivative_from_output(nl::leaky_relu<>::value(zero)) == 0.01f);
    BOOST_TEST(nl::elu<0.5f>::derivative_from_output(nl::elu<0.5f>::value(zero)) == 0.5f);
  }
  BOOST_TEST(same_bits(nl::relu::value(-0.0f), -0.0f));
  BOOST_TEST(same_bits(nl::leaky_relu<>::value(-0.0f), -0.0f));
  BOOST_TEST(same_bits(nl::elu<>::value(-0.0f), 0.0f));
  BOOST_TEST(nl::sigmoid::derivative(0.0f) == 0.25f);
  BOOST_TEST(nl::tanh::derivative(-0.0f) == 1.0f);
}

BOOST_AUTO_TEST_CASE(special_values_give_the_limits) {
  for (auto kernel_path : {false, true}) {
    auto run = [&](auto activation, float x) {
      if (!kernel_path) return decltype(activation)::value(x);
      float y = 0;
      decltype(activation)::apply(std::span<const float>(&x, 1), std::span<float>(&y, 1));
      return y;
    };
    BOOST_TEST(run(nl::sigmoid{}, -inf) == 0.0f);
    BOOST_TEST(run(nl::sigmoid{}, inf) == 1.0f);
    BOOST_TEST(run(nl::sigmoid{}, -FLT_MAX) == 0.0f);
    BOOST_TEST(run(nl::sigmoid{}, FLT_MAX) == 1.0f);
    BOOST_TEST(run(nl::sigmoid{}, -100.0f) > 0.0f);  // e^-100 is a float subnormal, not 0
    BOOST_TEST(run(nl::tanh{}, inf) == 1.0f);
    BOOST_TEST(run(nl::tanh{}, -inf) == -1.0f);
    BOOST_TEST(run(nl::tanh{}, 9.02f) == 1.0f);
    BOOST_TEST(run(nl::tanh{}, -FLT_MAX) == -1.0f);
    BOOST_TEST(same_bits(run(nl::tanh{}, -0.0f), -0.0f));
    BOOST_TEST(same_bits(run(nl::tanh{}, -denorm_min), -denorm_min));
    BOOST_TEST(same_bits(run(nl::tanh{}, 1e-30f), 1e-30f));
    BOOST_TEST(run(nl::elu<>{}, -inf) == -1.0f);
    BOOST_TEST(run(nl::elu<0.5f>{}, -FLT_MAX) == -0.5f);
    BOOST_TEST(run(nl::elu<>{}, inf) == inf);
    BOOST_TEST(same_bits(run(nl::elu<>{}, -denorm_min), -denorm_min));
    BOOST_TEST(run(nl::relu{}, -inf) == 0.0f);
    BOOST_TEST(run(nl::leaky_relu<>{}, -inf) == -inf);
    for (float nan_in : {qnan, -qnan}) {
      BOOST_TEST(std::isnan(run(nl::sigmoid{}, nan_in)));
      BOOST_TEST(std::isnan(run(nl::tanh{}, nan_in)));
      BOOST_TEST(std::isnan(run(nl::relu{}, nan_in)));
      BOOST_TEST(std::isnan(run(nl::leaky_relu<>{}, nan_in)));
      BOOST_TEST(std::isnan(run(nl::elu<>{}, nan_in)));
    }
  }
  for (float nan_in : {qnan, -qnan}) {
    BOOST_TEST(std::isnan(nl::sigmoid::derivative(nan_in)));
    BOOST_TEST(std::isnan(nl::tanh::derivative(nan_in)));
    BOOST_TEST(std::isnan(nl::relu::derivative(nan_in)));
    BOOST_TEST(std::isnan(nl::leaky_relu<>::derivative(nan_in)));
    BOOST_TEST(std::isnan(nl::elu<>::derivative(nan_in)));
  }
  BOOST_TEST(nl::sigmoid::derivative(inf) == 0.0f);
  BOOST_TEST(nl::tanh::derivative(-inf) == 0.0f);
  BOOST_TEST(nl::elu<>::derivative(-inf) == 0.0f);
}

BOOST_AUTO_TEST_CASE(exp_thresholds_are_exact) {
  // The largest float with a finite e^x, and the smallest float whose e^x is not +0.
  const float top = 88.72283172607421875f;
  BOOST_TEST(std::isfinite(nl::math::exp(top)));
  BOOST_TEST(nl::math::exp(std::nextafter(top, inf)) == inf);
  BOOST_TEST(nl::math::expm1(std::nextafter(top, inf)) == inf);
  BOOST_TEST(std::isfinite(nl::math::expm1(top)));
  const float bottom = -103.97208404541015625f;
  BOOST_TEST(nl::math::exp(bottom) == 0.0f);
  BOOST_TEST(nl::math::exp(std::nextafter(bottom, inf)) == denorm_min);
  BOOST_TEST(nl::math::exp(-inf) == 0.0f);
  BOOST_TEST(nl::math::exp(inf) == inf);
  BOOST_TEST(nl::math::expm1(-inf) == -1.0f);
  BOOST_TEST(same_bits(nl::math::expm1(-0.0f), -0.0f));
  BOOST_TEST(nl::math::log1p(-1.0f) == -inf);
  BOOST_TEST(std::isnan(nl::math::log1p(-2.0f)));
  BOOST_TEST(nl::math::log1p(inf) == inf);
}

BOOST_AUTO_TEST_CASE(double_lanes_are_accurate_to_a_few_double_ulps) {
  // The double versions are not the float contract, but they must be close to the long double
  // functions: error in ulps of double.
  auto ulp_double = [](double got, long double exact) {
    if (std::isnan(got) && std::isnan(static_cast<double>(exact))) return 0.0L;
    int e = 0;
    std::frexp(static_cast<double>(exact), &e);
    const long double ulp = std::ldexp(1.0L, std::max(e - 53, -1074));
    return std::fabs(static_cast<long double>(got) - exact) / ulp;
  };
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> dist(-30.0, 30.0);
  long double worst_sigmoid = 0, worst_tanh = 0, worst_elu = 0, worst_exp = 0, worst_expm1 = 0;
  for (int i = 0; i < 200000; ++i) {
    const double x = i % 2 ? dist(rng) : dist(rng) * 1e-3;
    const long double lx = x;
    const long double e = std::exp(-std::fabs(lx));
    worst_sigmoid = std::max(worst_sigmoid, ulp_double(nl::sigmoid::value(x), (x >= 0 ? 1.0L : e) / (1.0L + e)));
    worst_tanh = std::max(worst_tanh, ulp_double(nl::tanh::value(x), std::tanh(lx)));
    worst_elu = std::max(worst_elu, ulp_double(nl::elu<>::value(x), x > 0 ? lx : std::expm1(lx)));
    worst_exp = std::max(worst_exp, ulp_double(nl::math::exp(x), std::exp(lx)));
    worst_expm1 = std::max(worst_expm1, ulp_double(nl::math::expm1(x), std::expm1(lx)));
  }
  BOOST_TEST_MESSAGE("double: sigmoid " << static_cast<double>(worst_sigmoid) << ", tanh " << static_cast<double>(worst_tanh)
                     << ", elu " << static_cast<double>(worst_elu) << ", exp " << static_cast<double>(worst_exp)
                     << ", expm1 " << static_cast<double>(worst_expm1) << " ULP");
  BOOST_TEST(worst_sigmoid <= 4.0L);
  BOOST_TEST(worst_tanh <= 4.0L);
  BOOST_TEST(worst_elu <= 4.0L);
  BOOST_TEST(worst_exp <= 4.0L);
  BOOST_TEST(worst_expm1 <= 4.0L);
}

BOOST_AUTO_TEST_CASE(packs_of_floats_and_doubles_give_the_scalar_results) {
  using F = nl::simd::float_pack;
  using D = nl::simd::double_pack;
  F xf = {};
  D xd = {};
  for (std::size_t i = 0; i < nl::simd::lanes_v<F>; ++i) xf[i] = -6.0f + 0.77f * static_cast<float>(i);
  for (std::size_t i = 0; i < nl::simd::lanes_v<D>; ++i) xd[i] = -3.0 + 0.91 * static_cast<double>(i);
  const F sf = nl::sigmoid::value(xf), tf = nl::tanh::value(xf), ef = nl::elu<>::value(xf);
  const D sd = nl::sigmoid::value(xd), td = nl::tanh::value(xd), ed = nl::elu<>::value(xd), dd = nl::tanh::derivative(xd);
  for (std::size_t i = 0; i < nl::simd::lanes_v<F>; ++i) {
    BOOST_TEST(same_bits(sf[i], nl::sigmoid::value(xf[i])));
    BOOST_TEST(same_bits(tf[i], nl::tanh::value(xf[i])));
    BOOST_TEST(same_bits(ef[i], nl::elu<>::value(xf[i])));
  }
  for (std::size_t i = 0; i < nl::simd::lanes_v<D>; ++i) {
    BOOST_TEST(sd[i] == nl::sigmoid::value(xd[i]));
    BOOST_TEST(td[i] == nl::tanh::value(xd[i]));
    BOOST_TEST(ed[i] == nl::elu<>::value(xd[i]));
    BOOST_TEST(dd[i] == nl::tanh::derivative(xd[i]));
  }
}

BOOST_AUTO_TEST_CASE(span_kernels_handle_every_length_and_work_in_place) {
  for (std::size_t n = 0; n <= 70; ++n) {
    std::vector<float> x(n), y(n, -7.0f);
    for (std::size_t i = 0; i < n; ++i) x[i] = -4.0f + 0.125f * static_cast<float>(i);
    nl::tanh::apply(x, y);
    std::vector<float> in_place = x;
    nl::tanh::apply(in_place, in_place);
    std::vector<float> d(n);
    nl::elu<>::apply_derivative(x, d);
    for (std::size_t i = 0; i < n; ++i) {
      BOOST_TEST(same_bits(y[i], nl::tanh::value(x[i])));
      BOOST_TEST(same_bits(in_place[i], y[i]));
      BOOST_TEST(same_bits(d[i], nl::elu<>::derivative(x[i])));
    }
  }
}

BOOST_AUTO_TEST_CASE(span_kernels_reject_mismatched_sizes_naming_both) {
  std::vector<float> in(5), out(4);
  BOOST_CHECK_EXCEPTION(nl::sigmoid::apply(in, out), std::invalid_argument, [](const std::invalid_argument& e) {
    const std::string what = e.what();
    return what.find("nonlin::sigmoid::apply") != std::string::npos && what.find('5') != std::string::npos &&
           what.find('4') != std::string::npos;
  });
  BOOST_CHECK_THROW(nl::relu::apply_derivative(in, out), std::invalid_argument);
  BOOST_CHECK_THROW(nl::leaky_relu<>::apply(out, in), std::invalid_argument);
  BOOST_CHECK_THROW(nl::elu<>::apply(in, out), std::invalid_argument);
  BOOST_CHECK_THROW(nl::tanh::apply_derivative(in, out), std::invalid_argument);
}
