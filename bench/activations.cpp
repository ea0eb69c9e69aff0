// Elementwise activations and their derivatives over 1M floats on one core: nonlin's span kernels
// against a plain std:: loop, Eigen's array functions, SLEEF and glibc's vector math (each when
// found), plus softmax rows of 10 and of 1000. Before timing, every variant's output is checked
// against the exact value (computed in double) and its max ULP error reported as the counter
// max_ulp; items_per_second counts elements.
#include <benchmark/benchmark.h>

#include <nonlin/activation/elu.hpp>
#include <nonlin/activation/leaky_relu.hpp>
#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/math/exp.hpp>
#if __has_include(<nonlin/activation/softmax.hpp>)
#include <nonlin/activation/softmax.hpp>
#define NONLIN_BENCH_SOFTMAX 1
#endif

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <vector>

#if defined(NONLIN_BENCH_WITH_EIGEN)
#include <Eigen/Core>
#endif
#if defined(NONLIN_BENCH_WITH_SLEEF) || defined(NONLIN_BENCH_WITH_MVEC)
#include <immintrin.h>
#endif
#if defined(NONLIN_BENCH_WITH_SLEEF)
#include <sleef.h>
#endif

#include "activations_reference.hpp"

namespace nl = nonlin;

namespace {

constexpr std::size_t n = 1 << 20;

// Pre-activations as a network sees them: uniform in [−8, 8] (every branch and both saturated
// ends are exercised; the kernels have no data-dependent branches).
const std::vector<float>& inputs() {
  static const std::vector<float> xs = [] {
    std::vector<float> v(n);
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> dist(-8.0f, 8.0f);
    for (auto& x : v) x = dist(rng);
    return v;
  }();
  return xs;
}

using kernel = std::function<void(std::span<const float>, std::span<float>)>;
using reference = double (*)(double);

void run(benchmark::State& state, const kernel& f, reference exact) {
  const auto& in = inputs();
  std::vector<float> out(n);
  f(in, out);
  double worst = 0;
  for (std::size_t i = 0; i < n; ++i) worst = std::max(worst, nonlin_test::ulp_error(out[i], exact(in[i])));
  for (auto _ : state) {
    f(in, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
  state.counters["max_ulp"] = worst;
}

void add(const std::string& name, kernel f, reference exact) {
  benchmark::RegisterBenchmark(name.c_str(), [f, exact](benchmark::State& s) { run(s, f, exact); })
      ->Unit(benchmark::kMicrosecond);
}

// A plain scalar loop, as a user would write it with <cmath>.
template <class F>
kernel std_loop(F f) {
  return [f](std::span<const float> in, std::span<float> out) {
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = f(in[i]);
  };
}

// Exact references.
double exact_sigmoid(double x) { return nonlin_test::sigmoid(x); }
double exact_sigmoid_d(double x) { return nonlin_test::sigmoid_derivative(x); }
double exact_tanh(double x) { return std::tanh(x); }
double exact_tanh_d(double x) { return nonlin_test::tanh_derivative(x); }
double exact_relu(double x) { return x < 0 ? 0.0 : x; }
double exact_relu_d(double x) { return x > 0 ? 1.0 : 0.0; }
double exact_leaky(double x) { return x > 0 ? x : x * static_cast<double>(0.01f); }
double exact_leaky_d(double x) { return x > 0 ? 1.0 : static_cast<double>(0.01f); }
double exact_elu(double x) { return nonlin_test::elu(x, 1.0); }
double exact_elu_d(double x) { return nonlin_test::elu_derivative(x, 1.0); }
double exact_exp(double x) { return std::exp(x); }

#if defined(NONLIN_BENCH_WITH_EIGEN)
using array_map = Eigen::Map<const Eigen::ArrayXf>;
using array_out = Eigen::Map<Eigen::ArrayXf>;
template <class F>
kernel eigen(F f) {
  return [f](std::span<const float> in, std::span<float> out) {
    array_map x(in.data(), static_cast<Eigen::Index>(in.size()));
    array_out y(out.data(), static_cast<Eigen::Index>(out.size()));
    f(x, y);
  };
}
#endif

// The vector peers' entry points follow this build's target: the 16-wide ones with AVX-512, the
// 8-wide AVX2 ones (named *_avx2 below) with AVX2 and fma, which AVX-512 builds run too.
#if (defined(NONLIN_BENCH_WITH_SLEEF) || defined(NONLIN_BENCH_WITH_MVEC)) && defined(__AVX512F__)
#define NONLIN_BENCH_VECTOR16 1
#endif
#if (defined(NONLIN_BENCH_WITH_SLEEF) || defined(NONLIN_BENCH_WITH_MVEC)) && defined(__AVX2__) && defined(__FMA__)
#define NONLIN_BENCH_VECTOR8 1
#endif

#if defined(NONLIN_BENCH_VECTOR16)
// 16 floats at a time with a vector function; tails through a padded buffer.
template <class F>
kernel vector16(F f) {
  return [f](std::span<const float> in, std::span<float> out) {
    std::size_t i = 0;
    for (; i + 16 <= in.size(); i += 16) _mm512_storeu_ps(out.data() + i, f(_mm512_loadu_ps(in.data() + i)));
    if (i < in.size()) {
      alignas(64) float buffer[16] = {};
      std::copy(in.begin() + static_cast<std::ptrdiff_t>(i), in.end(), buffer);
      _mm512_store_ps(buffer, f(_mm512_load_ps(buffer)));
      std::copy(buffer, buffer + (in.size() - i), out.begin() + static_cast<std::ptrdiff_t>(i));
    }
  };
}
#endif

#if defined(NONLIN_BENCH_VECTOR8)
// 8 floats at a time (AVX2 entry points); tails through a padded buffer.
template <class F>
kernel vector8(F f) {
  return [f](std::span<const float> in, std::span<float> out) {
    std::size_t i = 0;
    for (; i + 8 <= in.size(); i += 8) _mm256_storeu_ps(out.data() + i, f(_mm256_loadu_ps(in.data() + i)));
    if (i < in.size()) {
      alignas(32) float buffer[8] = {};
      std::copy(in.begin() + static_cast<std::ptrdiff_t>(i), in.end(), buffer);
      _mm256_store_ps(buffer, f(_mm256_load_ps(buffer)));
      std::copy(buffer, buffer + (in.size() - i), out.begin() + static_cast<std::ptrdiff_t>(i));
    }
  };
}
#endif

#if defined(NONLIN_BENCH_WITH_MVEC)
// glibc's libmvec (what GCC calls for vectorised expf/tanhf/expm1f under -ffast-math).
#if defined(NONLIN_BENCH_VECTOR16)
extern "C" __m512 _ZGVeN16v_expf(__m512);
extern "C" __m512 _ZGVeN16v_tanhf(__m512);
extern "C" __m512 _ZGVeN16v_expm1f(__m512);
#endif
#if defined(NONLIN_BENCH_VECTOR8)
extern "C" __m256 _ZGVdN8v_expf(__m256);
extern "C" __m256 _ZGVdN8v_tanhf(__m256);
extern "C" __m256 _ZGVdN8v_expm1f(__m256);
#endif
#endif

void register_elementwise() {
  // sigmoid
  add("sigmoid/nonlin", nl::sigmoid::apply, exact_sigmoid);
  add("sigmoid/std", std_loop([](float x) { return 1.0f / (1.0f + std::exp(-x)); }), exact_sigmoid);
  add("sigmoid'/nonlin", nl::sigmoid::apply_derivative, exact_sigmoid_d);
  add("sigmoid'/std", std_loop([](float x) { const float s = 1.0f / (1.0f + std::exp(-x)); return s * (1.0f - s); }), exact_sigmoid_d);
  // tanh
  add("tanh/nonlin", nl::tanh::apply, exact_tanh);
  add("tanh/std", std_loop([](float x) { return std::tanh(x); }), exact_tanh);
  add("tanh'/nonlin", nl::tanh::apply_derivative, exact_tanh_d);
  add("tanh'/std", std_loop([](float x) { const float t = std::tanh(x); return 1.0f - t * t; }), exact_tanh_d);
  // relu
  add("relu/nonlin", nl::relu::apply, exact_relu);
  add("relu/std", std_loop([](float x) { return std::max(0.0f, x); }), exact_relu);
  add("relu'/nonlin", nl::relu::apply_derivative, exact_relu_d);
  add("relu'/std", std_loop([](float x) { return x > 0.0f ? 1.0f : 0.0f; }), exact_relu_d);
  // leaky_relu
  add("leaky_relu/nonlin", nl::leaky_relu<>::apply, exact_leaky);
  add("leaky_relu/std", std_loop([](float x) { return x > 0.0f ? x : 0.01f * x; }), exact_leaky);
  add("leaky_relu'/nonlin", nl::leaky_relu<>::apply_derivative, exact_leaky_d);
  add("leaky_relu'/std", std_loop([](float x) { return x > 0.0f ? 1.0f : 0.01f; }), exact_leaky_d);
  // elu
  add("elu/nonlin", nl::elu<>::apply, exact_elu);
  add("elu/std", std_loop([](float x) { return x > 0.0f ? x : std::expm1(x); }), exact_elu);
  add("elu'/nonlin", nl::elu<>::apply_derivative, exact_elu_d);
  add("elu'/std", std_loop([](float x) { return x > 0.0f ? 1.0f : std::exp(x); }), exact_elu_d);
  // exp
  add("exp/nonlin", [](std::span<const float> in, std::span<float> out) {
    nl::detail::apply_elementwise("exp", "apply", in, out, [](auto v) { return nl::math::exp(v); });
  }, exact_exp);
  add("exp/std", std_loop([](float x) { return std::exp(x); }), exact_exp);

#if defined(NONLIN_BENCH_WITH_EIGEN)
  add("sigmoid/eigen", eigen([](auto& x, auto& y) { y = x.logistic(); }), exact_sigmoid);
  add("sigmoid'/eigen", eigen([](auto& x, auto& y) { y = x.logistic() * (1.0f - x.logistic()); }), exact_sigmoid_d);
  add("tanh/eigen", eigen([](auto& x, auto& y) { y = x.tanh(); }), exact_tanh);
  add("tanh'/eigen", eigen([](auto& x, auto& y) { y = 1.0f - x.tanh().square(); }), exact_tanh_d);
  add("relu/eigen", eigen([](auto& x, auto& y) { y = x.max(0.0f); }), exact_relu);
  add("relu'/eigen", eigen([](auto& x, auto& y) { y = (x > 0.0f).template cast<float>(); }), exact_relu_d);
  add("leaky_relu/eigen", eigen([](auto& x, auto& y) { y = (x > 0.0f).select(x, 0.01f * x); }), exact_leaky);
  add("leaky_relu'/eigen", eigen([](auto& x, auto& y) { y = (x > 0.0f).select(Eigen::ArrayXf::Ones(x.size()), 0.01f); }), exact_leaky_d);
  add("elu/eigen", eigen([](auto& x, auto& y) { y = (x > 0.0f).select(x, x.expm1()); }), exact_elu);
  add("elu'/eigen", eigen([](auto& x, auto& y) { y = (x > 0.0f).select(Eigen::ArrayXf::Ones(x.size()), x.exp()); }), exact_elu_d);
  add("exp/eigen", eigen([](auto& x, auto& y) { y = x.exp(); }), exact_exp);
#endif

#if defined(NONLIN_BENCH_WITH_SLEEF) && defined(NONLIN_BENCH_VECTOR16)
  const __m512 one = _mm512_set1_ps(1.0f);
  add("sigmoid/sleef_u10", vector16([one](__m512 x) {
    return _mm512_div_ps(one, _mm512_add_ps(one, Sleef_expf16_u10(_mm512_sub_ps(_mm512_setzero_ps(), x))));
  }), exact_sigmoid);
  add("sigmoid'/sleef_u10", vector16([one](__m512 x) {
    const __m512 s = _mm512_div_ps(one, _mm512_add_ps(one, Sleef_expf16_u10(_mm512_sub_ps(_mm512_setzero_ps(), x))));
    return _mm512_mul_ps(s, _mm512_sub_ps(one, s));
  }), exact_sigmoid_d);
  add("tanh/sleef_u10", vector16([](__m512 x) { return Sleef_tanhf16_u10(x); }), exact_tanh);
  add("tanh/sleef_u35", vector16([](__m512 x) { return Sleef_tanhf16_u35(x); }), exact_tanh);
  add("tanh'/sleef_u35", vector16([one](__m512 x) { const __m512 t = Sleef_tanhf16_u35(x); return _mm512_fnmadd_ps(t, t, one); }), exact_tanh_d);
  add("elu/sleef_u10", vector16([](__m512 x) {
    const __mmask16 positive = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GT_OQ);
    return _mm512_mask_blend_ps(positive, Sleef_expm1f16_u10(x), x);
  }), exact_elu);
  add("elu'/sleef_u10", vector16([one](__m512 x) {
    const __mmask16 positive = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GT_OQ);
    return _mm512_mask_blend_ps(positive, Sleef_expf16_u10(x), one);
  }), exact_elu_d);
  add("exp/sleef_u10", vector16([](__m512 x) { return Sleef_expf16_u10(x); }), exact_exp);
#endif

#if defined(NONLIN_BENCH_WITH_MVEC) && defined(NONLIN_BENCH_VECTOR16)
  const __m512 one_m = _mm512_set1_ps(1.0f);
  add("sigmoid/glibc_mvec", vector16([one_m](__m512 x) {
    return _mm512_div_ps(one_m, _mm512_add_ps(one_m, _ZGVeN16v_expf(_mm512_sub_ps(_mm512_setzero_ps(), x))));
  }), exact_sigmoid);
  add("tanh/glibc_mvec", vector16([](__m512 x) { return _ZGVeN16v_tanhf(x); }), exact_tanh);
  add("elu/glibc_mvec", vector16([](__m512 x) {
    const __mmask16 positive = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GT_OQ);
    return _mm512_mask_blend_ps(positive, _ZGVeN16v_expm1f(x), x);
  }), exact_elu);
  add("elu'/glibc_mvec", vector16([one_m](__m512 x) {
    const __mmask16 positive = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GT_OQ);
    return _mm512_mask_blend_ps(positive, _ZGVeN16v_expf(x), one_m);
  }), exact_elu_d);
  add("exp/glibc_mvec", vector16([](__m512 x) { return _ZGVeN16v_expf(x); }), exact_exp);
#endif

#if defined(NONLIN_BENCH_WITH_SLEEF) && defined(NONLIN_BENCH_VECTOR8)
  const __m256 one8 = _mm256_set1_ps(1.0f);
  add("sigmoid/sleef_u10_avx2", vector8([one8](__m256 x) {
    return _mm256_div_ps(one8, _mm256_add_ps(one8, Sleef_expf8_u10avx2(_mm256_sub_ps(_mm256_setzero_ps(), x))));
  }), exact_sigmoid);
  add("tanh/sleef_u10_avx2", vector8([](__m256 x) { return Sleef_tanhf8_u10avx2(x); }), exact_tanh);
  add("tanh/sleef_u35_avx2", vector8([](__m256 x) { return Sleef_tanhf8_u35avx2(x); }), exact_tanh);
  add("elu/sleef_u10_avx2", vector8([](__m256 x) {
    const __m256 positive = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GT_OQ);
    return _mm256_blendv_ps(Sleef_expm1f8_u10avx2(x), x, positive);
  }), exact_elu);
  add("exp/sleef_u10_avx2", vector8([](__m256 x) { return Sleef_expf8_u10avx2(x); }), exact_exp);
#endif

#if defined(NONLIN_BENCH_WITH_MVEC) && defined(NONLIN_BENCH_VECTOR8)
  const __m256 one8m = _mm256_set1_ps(1.0f);
  add("sigmoid/glibc_mvec_avx2", vector8([one8m](__m256 x) {
    return _mm256_div_ps(one8m, _mm256_add_ps(one8m, _ZGVdN8v_expf(_mm256_sub_ps(_mm256_setzero_ps(), x))));
  }), exact_sigmoid);
  add("tanh/glibc_mvec_avx2", vector8([](__m256 x) { return _ZGVdN8v_tanhf(x); }), exact_tanh);
  add("elu/glibc_mvec_avx2", vector8([](__m256 x) {
    const __m256 positive = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GT_OQ);
    return _mm256_blendv_ps(_ZGVdN8v_expm1f(x), x, positive);
  }), exact_elu);
  add("exp/glibc_mvec_avx2", vector8([](__m256 x) { return _ZGVdN8v_expf(x); }), exact_exp);
#endif
}

#if defined(NONLIN_BENCH_SOFTMAX)
// Softmax over rows of `Row` logits (1M floats in all); the counter is the max ULP over all
// probabilities against a double softmax of the same row.
template <std::size_t Row, class F>
void softmax_rows(benchmark::State& state, F f) {
  const auto& in = inputs();
  std::vector<float> out(n);
  const std::size_t rows = n / Row;
  auto all_rows = [&] {
    for (std::size_t r = 0; r < rows; ++r) {
      f(std::span<const float>(in.data() + r * Row, Row), std::span<float>(out.data() + r * Row, Row));
    }
  };
  all_rows();
  double worst = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const float* z = in.data() + r * Row;
    const double m = *std::max_element(z, z + Row);
    double sum = 0;
    for (std::size_t i = 0; i < Row; ++i) sum += std::exp(static_cast<double>(z[i]) - m);
    for (std::size_t i = 0; i < Row; ++i) {
      worst = std::max(worst, nonlin_test::ulp_error(out[r * Row + i], std::exp(static_cast<double>(z[i]) - m) / sum));
    }
  }
  for (auto _ : state) {
    all_rows();
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(rows * Row));
  state.counters["max_ulp"] = worst;
}

void std_softmax(std::span<const float> z, std::span<float> p) {
  const float m = *std::max_element(z.begin(), z.end());
  float sum = 0;
  for (std::size_t i = 0; i < z.size(); ++i) sum += (p[i] = std::exp(z[i] - m));
  for (auto& v : p) v /= sum;
}

template <std::size_t Row>
void register_softmax() {
  const std::string row = std::to_string(Row);
  benchmark::RegisterBenchmark(("softmax_row" + row + "/nonlin").c_str(), [](benchmark::State& s) {
    softmax_rows<Row>(s, [](std::span<const float> z, std::span<float> p) { nl::softmax<1.0f>::apply(z, p); });
  })->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark(("softmax_row" + row + "/std").c_str(), [](benchmark::State& s) {
    softmax_rows<Row>(s, std_softmax);
  })->Unit(benchmark::kMicrosecond);
#if defined(NONLIN_BENCH_WITH_EIGEN)
  benchmark::RegisterBenchmark(("softmax_row" + row + "/eigen").c_str(), [](benchmark::State& s) {
    softmax_rows<Row>(s, [](std::span<const float> z, std::span<float> p) {
      array_map x(z.data(), static_cast<Eigen::Index>(Row));
      array_out y(p.data(), static_cast<Eigen::Index>(Row));
      y = (x - x.maxCoeff()).exp();
      y /= y.sum();
    });
  })->Unit(benchmark::kMicrosecond);
#endif
}
#endif

}  // namespace

int main(int argc, char** argv) {
  register_elementwise();
#if defined(NONLIN_BENCH_SOFTMAX)
  register_softmax<10>();
  register_softmax<1000>();
#endif
  benchmark::AddCustomContext("nonlin_simd_path", nl::simd::target_name);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
