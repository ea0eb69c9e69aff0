// Every one of the 2^32 float inputs, through the scalar value() and through the vectorised span
// kernel, against the exact value computed in double: the proof behind the ULP bounds in
// docs/accuracy.md. Labelled "exhaustive" and excluded from the default run; `ctest -L exhaustive`
// runs it (both cores, a few minutes per executable).
#define BOOST_TEST_MODULE activations_exhaustive
#include <boost/test/unit_test.hpp>

#include <nonlin/activation/elu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/math/exp.hpp>
#include <nonlin/math/expm1.hpp>
#include <nonlin/math/log1p.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <span>
#include <thread>
#include <vector>

#include "activations_reference.hpp"

namespace nl = nonlin;

namespace {

struct worst {
  double ulp = 0;
  float x = 0;
  void take(double e, float at) {
    if (!(e <= ulp)) *this = {e, at};
  }
};

// Max ULP error over all 2^32 inputs, scalar and vectorised, split over the machine's threads.
template <class Scalar, class Kernel, class Reference>
void exhaustive(const char* name, double bound, Scalar scalar, Kernel kernel, Reference reference) {
  const auto start = std::chrono::steady_clock::now();
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  constexpr std::uint64_t block = 1u << 16;
  constexpr std::uint64_t blocks = (1ull << 32) / block;
  std::vector<worst> scalar_worst(threads), vector_worst(threads);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::vector<float> in(block), out(block);
      for (std::uint64_t b = t; b < blocks; b += threads) {
        for (std::uint64_t i = 0; i < block; ++i) in[i] = nonlin_test::float_from_bits(static_cast<std::uint32_t>(b * block + i));
        kernel(std::span<const float>(in), std::span<float>(out));
        for (std::uint64_t i = 0; i < block; ++i) {
          const double exact = reference(static_cast<double>(in[i]));
          scalar_worst[t].take(nonlin_test::ulp_error(scalar(in[i]), exact), in[i]);
          vector_worst[t].take(nonlin_test::ulp_error(out[i], exact), in[i]);
        }
      }
    });
  }
  for (auto& thread : pool) thread.join();
  worst s, v;
  for (unsigned t = 0; t < threads; ++t) {
    s.take(scalar_worst[t].ulp, scalar_worst[t].x);
    v.take(vector_worst[t].ulp, vector_worst[t].x);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST_MESSAGE(name << " [" << nl::simd::target_name << "], all 2^32 inputs: max " << s.ulp
                          << " ULP scalar (x = " << std::hexfloat << s.x << std::defaultfloat << "), " << v.ulp
                          << " ULP vectorised (x = " << std::hexfloat << v.x << std::defaultfloat << "); "
                          << seconds << " s");
  BOOST_TEST(s.ulp <= bound);
  BOOST_TEST(v.ulp <= bound);
}

template <class F>
auto kernel_of(F f) {
  return [f](std::span<const float> in, std::span<float> out) {
    nl::detail::apply_elementwise("test", "apply", in, out, f);
  };
}

}  // namespace

BOOST_AUTO_TEST_CASE(sigmoid_is_within_2_ulp_for_every_float) {
  exhaustive("sigmoid", 2.0, [](float x) { return nl::sigmoid::value(x); }, nl::sigmoid::apply,
             [](double x) { return nonlin_test::sigmoid(x); });
}
BOOST_AUTO_TEST_CASE(tanh_is_within_2_ulp_for_every_float) {
  exhaustive("tanh", 2.0, [](float x) { return nl::tanh::value(x); }, nl::tanh::apply,
             [](double x) { return std::tanh(x); });
}
BOOST_AUTO_TEST_CASE(elu_is_within_2_ulp_for_every_float) {
  exhaustive("elu<1>", 2.0, [](float x) { return nl::elu<>::value(x); }, nl::elu<>::apply,
             [](double x) { return nonlin_test::elu(x, 1.0); });
}
BOOST_AUTO_TEST_CASE(exp_is_within_1_ulp_for_every_float) {
  exhaustive("exp", 1.0, [](float x) { return nl::math::exp(x); },
             kernel_of([](auto v) { return nl::math::exp(v); }), [](double x) { return std::exp(x); });
}
BOOST_AUTO_TEST_CASE(expm1_is_within_1_5_ulp_for_every_float) {
  exhaustive("expm1", 1.5, [](float x) { return nl::math::expm1(x); },
             kernel_of([](auto v) { return nl::math::expm1(v); }), [](double x) { return std::expm1(x); });
}
// The rest is the same code on either path; the native executable measures it.
#if !defined(NONLIN_EXHAUSTIVE_VALUES_ONLY)
BOOST_AUTO_TEST_CASE(log1p_is_within_2_1_ulp_for_every_float) {
  exhaustive("log1p", 2.1, [](float x) { return nl::math::log1p(x); },
             kernel_of([](auto v) { return nl::math::log1p(v); }), [](double x) { return std::log1p(x); });
}
BOOST_AUTO_TEST_CASE(derivatives_are_within_their_stated_bounds_for_every_float) {
  exhaustive("sigmoid'", 5.0, [](float x) { return nl::sigmoid::derivative(x); }, nl::sigmoid::apply_derivative,
             [](double x) { return nonlin_test::sigmoid_derivative(x); });
  exhaustive("tanh'", 5.0, [](float x) { return nl::tanh::derivative(x); }, nl::tanh::apply_derivative,
             [](double x) { return nonlin_test::tanh_derivative(x); });
  exhaustive("elu<1>'", 1.0, [](float x) { return nl::elu<>::derivative(x); }, nl::elu<>::apply_derivative,
             [](double x) { return nonlin_test::elu_derivative(x, 1.0); });
}
#endif
