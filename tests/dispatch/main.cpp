// Run-time dispatch: a program compiled for the x86-64 baseline runs each variant of a network's
// kernels the CPU has (the best one by default), every variant computes the network (held to the
// network in double precision), and a variant compiled for another network, an unknown variant name
// and spans of the wrong size are clear errors.
#define BOOST_TEST_MODULE dispatch
#include <boost/test/unit_test.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nonlin/dispatch.hpp>
#include <nonlin/train/init.hpp>

#include "networks.hpp"

namespace nl = nonlin;
using namespace dispatch_test;

NONLIN_DISPATCH_DECLARE(lecture_kernels);
NONLIN_DISPATCH_DECLARE(mlp_kernels);
NONLIN_DISPATCH_DECLARE(residual_kernels);

#if defined(__x86_64__)
static_assert(std::string_view(nl::simd::target_name) == "sse",
              "the program is compiled for the x86-64 baseline; only its variants know more");
#endif

namespace {

template <class Net>
Net random_network(unsigned seed) {
  Net m;
  nl::init::torch_default(m, seed);  // U(±1/√fan_in), as torch.nn.Linear starts
  return m;
}

std::vector<float> random_inputs(std::size_t floats, unsigned seed) {
  std::mt19937 engine(seed);
  std::uniform_real_distribution<float> uniform(-2.0f, 2.0f);
  std::vector<float> x(floats);
  for (auto& v : x) v = uniform(engine);
  return x;
}

// The variants this CPU runs, best first: what dispatched may choose.
std::vector<std::string> variants_this_cpu_runs() {
#if defined(__x86_64__)
  std::vector<std::string> names;
  if (__builtin_cpu_supports("x86-64-v4")) names.push_back("avx512");
  if (__builtin_cpu_supports("x86-64-v3")) names.push_back("avx2");
  names.push_back("baseline");
  return names;
#else
  return {"native"};
#endif
}

// Every variant the CPU runs, on batches that take each kernel's paths (a lone sample, the tail of
// a tile, several tiles, threads), against the network evaluated in double precision.
template <class Net>
void check_every_variant(const Net& net, const nl::dispatch_variants& kernels, double tolerance) {
  for (const std::string& name : variants_this_cpu_runs()) {
    const nl::dispatched<Net> fast(net, kernels, name);
    BOOST_TEST(fast.target() == name);
    BOOST_TEST_MESSAGE(name << " variant: " << fast.path() << " kernels");
    for (const std::size_t n : {1u, 3u, 17u, 64u, 1000u, 4096u}) {
      const std::vector<float> x = random_inputs(n * Net::inputs, static_cast<unsigned>(n));
      std::vector<float> y(n * Net::outputs), y_sequential(n * Net::outputs);
      fast.forward(x, y);
      fast.forward(x, y_sequential, nl::execution::sequential);
      BOOST_TEST(y == y_sequential);  // threads change no bit
      double worst = 0;
      for (std::size_t s = 0; s < n; ++s) {
        std::array<double, Net::inputs> xd;
        for (std::size_t i = 0; i < Net::inputs; ++i) xd[i] = x[s * Net::inputs + i];
        const auto reference = net(xd);
        for (std::size_t o = 0; o < Net::outputs; ++o)
          worst = std::max(worst, std::abs(y[s * Net::outputs + o] - reference[o]) / (1.0 + std::abs(reference[o])));
      }
      BOOST_TEST(worst <= tolerance, name << ", batch " << n << ": " << worst << " from double");
    }
    std::array<float, Net::inputs> one;
    const std::vector<float> x = random_inputs(Net::inputs, 99);
    for (std::size_t i = 0; i < Net::inputs; ++i) one[i] = x[i];
    std::vector<float> y(Net::outputs);
    fast.forward(x, y);
    const auto y_one = fast(one);
    BOOST_TEST(std::vector<float>(y_one.begin(), y_one.end()) == y);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_best_variant_the_cpu_runs_is_chosen) {
  const auto net = random_network<lecture>(1);
  unsetenv("NONLIN_DISPATCH");
  const nl::dispatched<lecture> fast(net, lecture_kernels);
  BOOST_TEST(fast.target() == variants_this_cpu_runs().front());
#if defined(__x86_64__)
  const std::string path = fast.path();
  BOOST_TEST(path == (fast.target() == std::string("baseline") ? "sse" : fast.target()));
#endif
  BOOST_TEST(fast.describe().find(std::string("kernels, chosen at run time: ") + fast.target()) != std::string::npos);
  BOOST_TEST(fast.describe().find("dense<2, tanh>") != std::string::npos);
  BOOST_TEST(fast.describe().find("kernels compiled for:") == std::string::npos);  // the program's, replaced
}

BOOST_AUTO_TEST_CASE(the_environment_caps_the_choice) {
  const auto net = random_network<lecture>(2);
  struct environment_cap {  // set for this case only, even when a check throws
    explicit environment_cap(const char* highest) { setenv("NONLIN_DISPATCH", highest, 1); }
    ~environment_cap() { unsetenv("NONLIN_DISPATCH"); }
  } cap("baseline");
#if defined(__x86_64__)
  const nl::dispatched<lecture> fast(net, lecture_kernels);
  BOOST_TEST(fast.target() == std::string("baseline"));
#else
  // Elsewhere the one variant is "native": a cap that names no compiled variant is refused.
  BOOST_CHECK_THROW(nl::dispatched<lecture>(net, lecture_kernels), std::invalid_argument);
#endif
}

BOOST_AUTO_TEST_CASE(every_variant_computes_the_lecture_network) {
  check_every_variant(random_network<lecture>(3), lecture_kernels, 1e-6);
}

BOOST_AUTO_TEST_CASE(every_variant_computes_a_64_128_128_10_network) {
  check_every_variant(random_network<mlp>(4), mlp_kernels, 1e-5);
}

BOOST_AUTO_TEST_CASE(every_variant_computes_a_residual_network) {
  check_every_variant(random_network<residual_mlp>(5), residual_kernels, 1e-5);
}

BOOST_AUTO_TEST_CASE(assign_gives_the_variant_new_weights) {
  auto net = random_network<mlp>(6);
  nl::dispatched<mlp> fast(net, mlp_kernels);
  const std::vector<float> x = random_inputs(8 * mlp::inputs, 7);
  std::vector<float> before(8 * mlp::outputs), after(8 * mlp::outputs), expected(8 * mlp::outputs);
  fast.forward(x, before);
  net = random_network<mlp>(8);
  fast.forward(x, after);
  BOOST_TEST(after == before);  // a copy: the program's later changes do not reach it
  fast.assign(net);
  fast.forward(x, after);
  const nl::dispatched<mlp> fresh(net, mlp_kernels, fast.target());
  fresh.forward(x, expected);
  BOOST_TEST(after == expected);
  BOOST_TEST(after != before);
}

BOOST_AUTO_TEST_CASE(a_variant_of_another_network_is_refused) {
  const auto net = random_network<lecture>(9);
  try {
    const nl::dispatched<lecture> wrong(net, mlp_kernels);
    BOOST_FAIL("a variant compiled for the 64-128-128-10 network was taken for the lecture network");
  } catch (const std::invalid_argument& e) {
    BOOST_TEST_MESSAGE(e.what());
    BOOST_TEST(std::string(e.what()).find("was compiled for another network (64 inputs, 10 outputs") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(an_unknown_variant_name_is_refused) {
  const auto net = random_network<lecture>(10);
  try {
    const nl::dispatched<lecture> wrong(net, lecture_kernels, "sse4");
    BOOST_FAIL("an unknown variant name was accepted");
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()) == "nonlin::dispatched: no compiled variant is named \"sse4\"");
  }
}

BOOST_AUTO_TEST_CASE(spans_of_the_wrong_size_are_refused_by_the_variant) {
  const nl::dispatched<mlp> fast(random_network<mlp>(11), mlp_kernels);
  std::vector<float> x(2 * mlp::inputs + 1), y(2 * mlp::outputs);
  BOOST_CHECK_THROW(fast.forward(x, y), std::invalid_argument);
  try {
    fast.forward(x, y);
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()).find("nonlin::network::forward: expected the input to hold n rows of 64") == 0);
  }
}
