// Networks compiled into the program: headers written by tools/export_network.py --header hold a
// trained torch model as an object of its nonlin type with its weights as exact float literals.
// The lecture network trained in torch is a constant, checked against torch's outputs by
// static_assert; a network too large for the object is built from its literals before main and equals
// the same weights loaded from safetensors. The headers live in tests/golden/headers.
#define BOOST_TEST_MODULE compiled_weights
#include <boost/test/unit_test.hpp>

#include <array>
#include <bit>
#include <cstdint>
#include <filesystem>
#include <random>
#include <type_traits>
#include <vector>

#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/io/safetensors.hpp>

#include "golden/headers/lecture_trained.hpp"
#include "golden/headers/lecture_trained_expected.hpp"
#include "golden/headers/wide_64_128_128_10.hpp"

namespace nl = nonlin;

namespace {

// Floats between a and b, counted on the number line (0 and −0 are one apart, as the bits say).
constexpr std::uint32_t ulp_distance(float a, float b) noexcept {
  auto ordered = [](float x) {
    const auto bits = std::bit_cast<std::uint32_t>(x);
    return (bits & 0x80000000u) ? 0x80000000u - (bits & 0x7fffffffu) : 0x80000000u + bits;
  };
  const std::uint32_t u = ordered(a), v = ordered(b);
  return u > v ? u - v : v - u;
}

// nonlin's output for probe p, evaluated by the compiler, and the float nearest the float64
// evaluation of the same weights (the truth, to float precision).
template <std::size_t P>
constexpr float compiled_output = lecture_trained(lecture_trained_probes[P].input)[0];
constexpr float truth(const lecture_trained_probe& p) noexcept { return static_cast<float>(p.torch_f64); }

// How far any float evaluation of the network may land from the exact value: a running error bound
// carried through the layers in double. A pre-activation b + Σ w·h summed in float, in any order and
// with one rounding per fma, errs by at most γ_(n+1)·(|b| + Σ|w·h|) (Higham, Accuracy and Stability
// of Numerical Algorithms, §3.1), plus Σ|w|·e_h for the errors e_h its inputs bring; an activation
// adds its own at most 2 ULP, after scaling the error of its argument by the largest slope it has
// within that error.
constexpr double gamma(std::size_t n) noexcept {
  constexpr double u = 0x1p-24;
  return static_cast<double>(n) * u / (1.0 - static_cast<double>(n) * u);
}
constexpr double magnitude_of(double v) noexcept { return v < 0 ? -v : v; }

template <class Activation>
constexpr double largest_slope(double z, double error) noexcept {
  const double t = magnitude_of(z) > error ? magnitude_of(z) - error : 0.0;  // the point of the interval nearest 0
  if constexpr (std::is_same_v<Activation, nl::tanh>) {
    const double a = nl::tanh::value(t);
    return 1.0 - a * a;
  } else {
    static_assert(std::is_same_v<Activation, nl::sigmoid>);
    const double a = nl::sigmoid::value(t);
    return a * (1.0 - a);
  }
}

template <class Net>
constexpr double output_error_bound(const Net& net, const std::array<float, Net::inputs>& x) {
  std::array<double, Net::traits::max_width> value{}, error{};
  for (std::size_t i = 0; i < Net::inputs; ++i) value[i] = x[i];
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    auto layer = [&]<std::size_t k>() {
      const auto& l = net.template layer<k>();
      using L = std::remove_cvref_t<decltype(l)>;
      std::array<double, Net::traits::max_width> next{}, next_error{};
      for (std::size_t o = 0; o < L::outputs; ++o) {
        double z = l.bias[o], magnitude = magnitude_of(l.bias[o]), carried = 0.0;
        for (std::size_t i = 0; i < L::inputs; ++i) {
          const double w = l.weight[o * L::inputs + i];
          z += w * value[i];
          magnitude += magnitude_of(w * value[i]);
          carried += magnitude_of(w) * error[i];
        }
        const double e = carried + gamma(L::inputs + 1) * magnitude;
        using A = typename L::activation_type;
        next[o] = A::value(z);
        next_error[o] = largest_slope<A>(z, e) * e + 0x1p-22 * magnitude_of(next[o]);
      }
      value = next;
      error = next_error;
    };
    (layer.template operator()<K>(), ...);
  }(std::make_index_sequence<Net::depth>{});
  return error[0];
}

// nonlin and torch round the same formula in float in different orders (torch through its matrix
// product, nonlin through its fma chains, whose grouping follows the target's vector width). Where the
// formula is well conditioned, torch's float32 output is within 2 ULP of the truth, and nonlin's must
// be within 2 ULP of torch's. In the sigmoid's tail the output's relative error is (1 − σ)·|Δz| ≈ |Δz|,
// the pre-activation's absolute rounding error, so torch itself lands tens of ULP from the truth (30
// at σ ≈ 7e-6 here), and where another order lands depends on the order: there nonlin must be within
// the error bound above of the truth, as every correct float evaluation is.
constexpr std::uint32_t max_ulp = 2;

constexpr bool agrees_with_torch(const lecture_trained_probe& p, float y) noexcept {
  const bool well_conditioned = ulp_distance(p.torch_f32, truth(p)) <= max_ulp;
  return well_conditioned ? ulp_distance(y, p.torch_f32) <= max_ulp
                          : magnitude_of(y - p.torch_f64) <= output_error_bound(lecture_trained, p.input);
}

template <std::size_t... P>
constexpr bool every_probe_agrees(std::index_sequence<P...>) {
  return (agrees_with_torch(lecture_trained_probes[P], compiled_output<P>) && ...);
}

}  // namespace

// The trained network is a constant: the compiler evaluates it and compares it with torch.
static_assert(lecture_trained_type::stores_inline);
static_assert(every_probe_agrees(std::make_index_sequence<lecture_trained_probes.size()>{}),
              "the compiled-in lecture network must give torch's outputs (within 2 ULP where torch is "
              "within 2 ULP of the float64 truth, else within the float evaluation's error bound of the truth)");
static_assert(compiled_output<0> > 0.5f && compiled_output<4> < 0.5f,
              "an inner-circle sample is classified 1, an outer-circle one 0");

BOOST_AUTO_TEST_CASE(the_compiled_lecture_network_gives_torchs_outputs) {
  std::uint32_t worst_well_conditioned = 0;
  for (const auto& p : lecture_trained_probes) {
    const float y = lecture_trained(p.input)[0];
    BOOST_TEST(agrees_with_torch(p, y), "input (" << p.input[0] << ", " << p.input[1] << "): nonlin " << y
                                                  << ", torch " << p.torch_f32 << ", float64 " << p.torch_f64);
    BOOST_TEST_MESSAGE("output " << p.torch_f64 << ": nonlin " << ulp_distance(y, p.torch_f32)
                                 << " ULP from torch; from the truth, nonlin " << ulp_distance(y, truth(p))
                                 << " ULP, torch " << ulp_distance(p.torch_f32, truth(p))
                                 << " ULP, the error bound " << output_error_bound(lecture_trained, p.input) / p.torch_f64
                                 << " relative");
    // Torch, a correct float evaluation too, is within the bound: the bound is not too tight.
    BOOST_TEST(magnitude_of(p.torch_f32 - p.torch_f64) <= output_error_bound(lecture_trained, p.input));
    if (ulp_distance(p.torch_f32, truth(p)) <= max_ulp && ulp_distance(y, p.torch_f32) > worst_well_conditioned)
      worst_well_conditioned = ulp_distance(y, p.torch_f32);
  }
  BOOST_TEST_MESSAGE("where torch is within 2 ULP of the truth, nonlin is within " << worst_well_conditioned
                                                                                   << " ULP of torch");
}

BOOST_AUTO_TEST_CASE(its_batch_forward_at_run_time_agrees_with_the_constant) {
  // The batch kernel sums in its own order (4 lanes on AArch64, 8 or 16 on x86); it is held to the same
  // rule, and so to the constant's value: where the formula is well conditioned both are within 2 ULP
  // of torch's, so within 4 of each other; else both lie within the error bound of the truth, so within
  // twice the bound of each other.
  std::vector<float> in, out(lecture_trained_probes.size());
  for (const auto& p : lecture_trained_probes) in.insert(in.end(), p.input.begin(), p.input.end());
  lecture_trained.forward(in, out);
  constexpr auto constant = [] {
    std::array<float, lecture_trained_probes.size()> y{};
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = lecture_trained(lecture_trained_probes[i].input)[0];
    return y;
  }();
  for (std::size_t i = 0; i < out.size(); ++i) {
    BOOST_TEST(agrees_with_torch(lecture_trained_probes[i], out[i]),
               "probe " << i << ": forward " << out[i] << ", torch " << lecture_trained_probes[i].torch_f32);
    const auto& p = lecture_trained_probes[i];
    if (ulp_distance(p.torch_f32, truth(p)) <= max_ulp)
      BOOST_TEST(ulp_distance(out[i], constant[i]) <= 2 * max_ulp,
                 "probe " << i << ": " << ulp_distance(out[i], constant[i]) << " ULP from the constant");
    else
      BOOST_TEST(magnitude_of(out[i] - constant[i]) <= 2 * output_error_bound(lecture_trained, p.input),
                 "probe " << i << ": forward " << out[i] << ", the constant " << constant[i]);
  }
}

BOOST_AUTO_TEST_CASE(a_compiled_network_too_large_for_the_object_equals_its_weight_file) {
  static_assert(!wide_64_128_128_10_type::stores_inline);
  const auto loaded = nl::load_safetensors<wide_64_128_128_10_type>(
      std::filesystem::path(NONLIN_SOURCE_DIR) / "tests/golden/headers/wide_64_128_128_10.safetensors");
  auto same_bits = [](const auto& a, const auto& b) {
    for (std::size_t i = 0; i < a.size(); ++i)
      if (std::bit_cast<std::uint32_t>(a[i]) != std::bit_cast<std::uint32_t>(b[i])) return false;
    return true;
  };
  BOOST_TEST(same_bits(wide_64_128_128_10.layer<0>().weight, loaded.layer<0>().weight));
  BOOST_TEST(same_bits(wide_64_128_128_10.layer<1>().weight, loaded.layer<1>().weight));
  BOOST_TEST(same_bits(wide_64_128_128_10.layer<2>().weight, loaded.layer<2>().weight));
  BOOST_TEST(same_bits(wide_64_128_128_10.layer<2>().bias, loaded.layer<2>().bias));

  std::mt19937 rng(5);
  std::normal_distribution<float> normal;
  std::vector<float> in(64 * 100), a(10 * 100), b(10 * 100);
  for (auto& v : in) v = normal(rng);
  wide_64_128_128_10.forward(in, a);
  loaded.forward(in, b);
  BOOST_TEST(same_bits(a, b));
}
