// Networks too large for a thread's stack: weights on the heap with the value semantics of small
// networks, loaded from a file, evaluated in batch and one sample at a time.
#define BOOST_TEST_MODULE large_networks
#include <boost/test/unit_test.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/io/safetensors.hpp>
#include <nonlin/network.hpp>

namespace nl = nonlin;

namespace {

// 2048·2048·2 + 2048·(2048 + 10) weights: about 33 MB, four times a main thread's default stack.
using wide = nl::network<nl::input<2048>, nl::dense<2048, nl::relu>, nl::dense<2048, nl::tanh>,
                         nl::dense<10>>;
using small = nl::network<nl::input<2>, nl::dense<2, nl::tanh>, nl::dense<1>>;

static_assert(!wide::stores_inline, "a 33 MB network keeps its weights off the stack");
static_assert(small::stores_inline, "a small network stays a literal type with inline weights");
static_assert(sizeof(wide) <= 64, "the object itself is a handle");
static_assert(std::is_nothrow_move_constructible_v<wide>);

template <class Net>
void randomize(Net& m, unsigned seed) {
  std::mt19937 engine(seed);
  nl::for_each_layer(m, [&](auto& layer) {
    const float scale = 1.0f / std::sqrt(static_cast<float>(std::decay_t<decltype(layer)>::inputs));
    std::uniform_real_distribution<float> uniform(-scale, scale);
    for (auto& w : layer.weight) w = uniform(engine);
    for (auto& b : layer.bias) b = uniform(engine);
  });
}

// The network in double precision, layer by layer: the reference both evaluators are held to.
std::vector<double> reference(const wide& m, const float* x) {
  std::vector<double> h(x, x + wide::inputs);
  auto layer = [&](const auto& l, auto activation) {
    using L = std::decay_t<decltype(l)>;
    std::vector<double> z(L::outputs);
    for (std::size_t o = 0; o < L::outputs; ++o) {
      double s = l.bias[o];
      for (std::size_t i = 0; i < L::inputs; ++i) s += static_cast<double>(l.weight[o * L::inputs + i]) * h[i];
      z[o] = activation(s);
    }
    h = std::move(z);
  };
  layer(m.layer<0>(), [](double v) { return v > 0 ? v : 0.0; });
  layer(m.layer<1>(), [](double v) { return std::tanh(v); });
  layer(m.layer<2>(), [](double v) { return v; });
  return h;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_large_network_is_declared_like_a_small_one_and_starts_at_zero) {
  wide m;  // a local variable, as any network
  BOOST_TEST(m.layer<1>().weight[12345] == 0.0f);
  BOOST_TEST(m.layer<2>().bias[9] == 0.0f);
}

BOOST_AUTO_TEST_CASE(copies_of_a_large_network_are_independent_values) {
  wide a;
  randomize(a, 1);
  wide b = a;
  BOOST_TEST(b.layer<1>().weight == a.layer<1>().weight);
  b.layer<1>().weight[7] += 1.0f;
  BOOST_TEST(b.layer<1>().weight[7] != a.layer<1>().weight[7]);
  a = b;
  BOOST_TEST(a.layer<1>().weight[7] == b.layer<1>().weight[7]);
}

BOOST_AUTO_TEST_CASE(a_moved_from_large_network_reads_as_zero_and_can_be_written_again) {
  wide a;
  randomize(a, 2);
  const float kept = a.layer<0>().weight[3];
  wide b = std::move(a);
  BOOST_TEST(b.layer<0>().weight[3] == kept);
  const wide& moved_from = a;
  BOOST_TEST(moved_from.layer<0>().weight[3] == 0.0f);
  a.layer<0>().weight[3] = 5.0f;  // gets fresh storage
  BOOST_TEST(a.layer<0>().weight[3] == 5.0f);
  BOOST_TEST(a.layer<0>().weight[4] == 0.0f);
}

BOOST_AUTO_TEST_CASE(a_2048_wide_network_loaded_from_a_file_matches_a_double_reference) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("nonlin_large_" + std::to_string(std::random_device{}()) + ".safetensors");
  {
    wide original;
    randomize(original, 3);
    nl::save_safetensors(original, file);
  }
  const auto m = nl::load_safetensors<wide>(file);
  std::filesystem::remove(file);

  constexpr std::size_t n = 37;  // two whole tiles and a partial one on every target
  std::vector<float> in(n * wide::inputs), out(n * wide::outputs);
  std::mt19937 engine(4);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  for (auto& v : in) v = uniform(engine);
  m.forward(in, out);

  for (std::size_t s = 0; s < n; ++s) {
    const auto expected = reference(m, in.data() + s * wide::inputs);
    const auto x = std::make_unique<std::array<float, wide::inputs>>();
    std::copy_n(in.begin() + static_cast<std::ptrdiff_t>(s * wide::inputs), wide::inputs, x->begin());
    const auto one = m(*x);
    for (std::size_t o = 0; o < wide::outputs; ++o) {
      BOOST_TEST(std::abs(out[s * wide::outputs + o] - expected[o]) <= 1e-4, "batch, sample " << s << ", output " << o);
      BOOST_TEST(std::abs(one[o] - expected[o]) <= 1e-4, "one sample " << s << ", output " << o);
    }
  }
}
