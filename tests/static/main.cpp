// static_proofs: the static_assert suites (collapse.cpp, numeric.cpp, residual.cpp, symbolic.cpp) are
// proved when this executable compiles; the test cases here check what only runs: the printed text.
#define BOOST_TEST_MODULE static_proofs
#include <boost/test/unit_test.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>

#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/describe.hpp>
#include <nonlin/expr/collapse.hpp>
#include <nonlin/expr/describe_collapse.hpp>
#include <nonlin/network.hpp>

namespace nl = nonlin;

BOOST_AUTO_TEST_CASE(describe_collapse_names_each_run_its_shape_and_its_cost) {
  using net = nl::network<nl::input<4>, nl::dense<4>, nl::dense<4>, nl::dense<2>>;
  BOOST_TEST(nl::describe_collapse<net>() ==
             "layers 1\u20133 (identity run) merge into one 4\u21922 layer: 80 \u2192 16 FLOPs per sample (merged)");
}

BOOST_AUTO_TEST_CASE(describe_collapse_says_when_a_bottleneck_stays_unmerged) {
  using net = nl::network<nl::input<256>, nl::dense<8>, nl::dense<256>>;
  BOOST_TEST(nl::describe_collapse<net>() ==
             "layers 1\u20132 (identity run) would merge into one 256\u2192256 layer: 8192 \u2192 131072 FLOPs per "
             "sample (kept unmerged: cheaper)");
}

BOOST_AUTO_TEST_CASE(describe_collapse_says_when_there_is_nothing_to_merge) {
  using net = nl::network<nl::input<2>, nl::dense<3>>;
  BOOST_TEST(nl::describe_collapse<net>() == "no run of identity layers to merge");
}

BOOST_AUTO_TEST_CASE(describe_ends_with_what_merging_does) {
  using net = nl::network<nl::input<4>, nl::dense<4>, nl::dense<4>, nl::dense<2>>;
  const std::string text = nl::describe<net>();
  BOOST_TEST_MESSAGE(text);
  BOOST_TEST(text.ends_with(nl::describe_collapse<net>() + "\n"));
}

// Residual blocks: the formula adds each block's input, named after the layer whose output it is
// (x itself for a block at the start), and defines those names below y.
BOOST_AUTO_TEST_CASE(describe_writes_a_block_as_its_input_plus_its_chain) {
  using first = nl::network<nl::input<2>, nl::residual<nl::dense<3>, nl::dense<2>>>;
  BOOST_TEST(nl::detail::fused_formula<first>() == "y = x + (W2·(W1·x + b1) + b2)");
  using lecture = nl::network<nl::input<8>, nl::dense<16, nl::tanh>, nl::residual<nl::dense<32, nl::relu>, nl::dense<16>>,
                              nl::dense<3, nl::softmax<>>>;
  BOOST_TEST(nl::detail::fused_formula<lecture>() ==
             "y = softmax<T=1>(W4·(h1 + (W3·relu(W2·h1 + b2) + b3)) + b4)\n"
             "  where h1 = tanh(W1·x + b1)");
  using two = nl::network<nl::input<4>, nl::dense<4, nl::tanh>, nl::residual<nl::dense<8, nl::relu>, nl::dense<4>>,
                          nl::residual<nl::dense<4, nl::tanh>>, nl::dense<1>>;
  BOOST_TEST(nl::detail::fused_formula<two>() ==
             "y = W5·(h3 + tanh(W4·h3 + b4)) + b5\n"
             "  where h3 = h1 + (W3·relu(W2·h1 + b2) + b3)\n"
             "        h1 = tanh(W1·x + b1)");
  const std::string text = nl::describe<lecture>();
  BOOST_TEST_MESSAGE(text);
  BOOST_TEST(text.find("y = softmax<T=1>(W4·(h1 + (W3·relu(W2·h1 + b2) + b3)) + b4)\n  where h1 = tanh(W1·x + b1)\n") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(describe_formula_of_plain_stacks_is_unchanged) {
  using lecture = nl::network<nl::input<2>, nl::dense<2, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;
  BOOST_TEST(nl::detail::fused_formula<lecture>() == "y = sigmoid(W3·tanh(W2·tanh(W1·x + b1) + b2) + b3)");
  using mixed = nl::network<nl::input<2>, nl::dense<3>, nl::dense<3, nl::relu>, nl::dense<1>>;
  BOOST_TEST(nl::detail::fused_formula<mixed>() == "y = W3·relu(W2·(W1·x + b1) + b2) + b3");
}

BOOST_AUTO_TEST_CASE(describe_collapse_tells_what_happens_to_residual_networks) {
  using linear = nl::network<nl::input<8>, nl::dense<16>, nl::residual<nl::dense<32>, nl::dense<16>>, nl::dense<3>>;
  BOOST_TEST(nl::describe_collapse<linear>() ==
             "layers 1\u20134 with 1 residual block (every layer linear) collapse into one 8\u21923 layer: 2400 \u2192 48 "
             "FLOPs per sample, 16 skip additions aside (collapse_t; forward keeps the layers)");
  using bent = nl::network<nl::input<2>, nl::dense<4>, nl::dense<4, nl::tanh>, nl::residual<nl::dense<4>>,
                           nl::residual<nl::dense<4>>, nl::dense<2>>;
  BOOST_TEST(nl::describe_collapse<bent>() ==
             "no layers merge: 2 residual blocks and a non-linear activation (collapse_t is the network itself: no "
             "run merges inside or beside a block)");
  using single = nl::network<nl::input<3>, nl::residual<nl::dense<3>>>;
  BOOST_TEST(nl::describe_collapse<single>() ==
             "layer 1 with 1 residual block (linear) collapses into one 3\u21923 layer: 18 \u2192 18 FLOPs per sample, 3 "
             "skip additions aside (collapse_t; forward keeps the layers)");
}

// collapse(m) of a linear residual network too large to store inline, at run time: the one layer
// agrees with the layers and blocks to float rounding, and, evaluated in double, to the rounding of
// W' and b' to float.
BOOST_AUTO_TEST_CASE(collapse_of_a_large_linear_residual_network_at_run_time) {
  using net = nl::network<nl::input<64>, nl::dense<128>, nl::residual<nl::dense<256>, nl::dense<128>>,
                          nl::residual<nl::dense<128>>, nl::dense<10>>;
  static_assert(!net::stores_inline);
  static_assert(std::is_same_v<nl::collapse_t<net>, nl::network<nl::input<64>, nl::dense<10>>>);
  auto m = std::make_unique<net>();
  unsigned state = 12345;
  auto next = [&] {  // a small linear congruential generator: uniform in [-0.1, 0.1)
    state = state * 1664525u + 1013904223u;
    return (static_cast<float>(state >> 8) / 16777216.0f - 0.5f) * 0.2f;
  };
  nl::for_each_layer(*m, [&](auto& layer) {
    for (auto& w : layer.weight) w = next();
    for (auto& b : layer.bias) b = next();
  });
  const auto one = nl::collapse(*m);
  std::array<float, 64> x{};
  std::array<double, 64> xd{};
  for (std::size_t i = 0; i < 64; ++i) xd[i] = x[i] = next() * 10.0f;
  const auto y = (*m)(x), y_one = one(x);
  const auto yd = (*m)(xd), yd_one = one(xd);
  double largest = 0.0;
  for (double v : yd) largest = std::fmax(largest, std::fabs(v));
  BOOST_TEST(largest > 0.1);
  BOOST_TEST_MESSAGE("largest |y| " << largest << ", y_one[0] - y[0] = " << y_one[0] - y[0]
                                     << ", in double " << yd_one[0] - yd[0]);
  for (std::size_t o = 0; o < 10; ++o) {
    BOOST_TEST(std::fabs(static_cast<double>(y[o]) - yd[o]) < 1e-6 * largest);
    BOOST_TEST(std::fabs(static_cast<double>(y_one[o]) - yd[o]) < 1e-6 * largest);
    BOOST_TEST(std::fabs(yd_one[o] - yd[o]) < 1e-7 * largest);
  }
}
