// network<>: construction, single-sample evaluation (also at compile time), shapes, the batch
// kernels against single-sample evaluation and a double-precision reference, threads, describe.
#define BOOST_TEST_MODULE network
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nonlin/activation/elu.hpp>
#include <nonlin/activation/leaky_relu.hpp>
#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/describe.hpp>
#include <nonlin/nonlin.hpp>

namespace nl = nonlin;

namespace {

using net_a = nl::network<nl::input<2>, nl::dense<2, nl::tanh>, nl::dense<2, nl::tanh>,
                          nl::dense<1, nl::sigmoid>>;
using net_b = nl::network<nl::input<3>, nl::dense<5, nl::elu<>>, nl::dense<4, nl::leaky_relu<0.1f>>,
                          nl::dense<3, nl::softmax<2.0f>>>;
using net_c = nl::network<nl::input<16>, nl::dense<32, nl::relu>, nl::dense<32, nl::relu>, nl::dense<1>>;
using net_d = nl::network<nl::input<64>, nl::dense<128, nl::relu>, nl::dense<128, nl::relu>,
                          nl::dense<10, nl::softmax<>>>;
// Odd widths: partial row blocks, a transposed input that is not a whole number of 16×16 blocks.
using net_odd = nl::network<nl::input<37>, nl::dense<29, nl::tanh>, nl::dense<13, nl::elu<0.5f>>,
                            nl::dense<7, nl::sigmoid>>;
// A softmax wider than the register file, normalised after the layer's product.
using net_wide_softmax = nl::network<nl::input<20>, nl::dense<40, nl::leaky_relu<>>,
                                     nl::dense<40, nl::softmax<0.5f>>>;
using net_fan_out = nl::network<nl::input<3>, nl::dense<40, nl::relu>, nl::dense<2, nl::sigmoid>>;
using net_e = nl::network<nl::input<256>, nl::dense<256, nl::relu>, nl::dense<256, nl::relu>,
                          nl::dense<256, nl::relu>>;

template <class Net>
void randomize(Net& m, unsigned seed) {
  std::mt19937 engine(seed);
  nl::for_each_layer(m, [&](auto& layer) {
    // Glorot-like scale keeps activations O(1) through the layers, so no output saturates trivially.
    const float scale = 1.5f / std::sqrt(static_cast<float>(std::decay_t<decltype(layer)>::inputs));
    std::uniform_real_distribution<float> uniform(-scale, scale);
    for (auto& w : layer.weight) w = uniform(engine);
    for (auto& b : layer.bias) b = uniform(engine);
  });
}

std::vector<float> random_batch(std::size_t floats, unsigned seed) {
  std::mt19937 engine(seed);
  std::uniform_real_distribution<float> uniform(-2.0f, 2.0f);
  std::vector<float> v(floats);
  for (auto& x : v) x = uniform(engine);
  return v;
}

// True when every layer reads fewer inputs than a pack has lanes: then m(x) sums in input order,
// as the batch kernels do, and the two agree bit for bit (eval/single_sample.hpp).
template <class Net>
constexpr bool sums_in_input_order = []<std::size_t... K>(std::index_sequence<K...>) {
  return (!nl::detail::uses_dot_products<Net::template layer_type<K>::inputs> && ...);
}(std::make_index_sequence<Net::depth>{});

// forward on n samples equals m(x) on each sample: bit for bit when both sum in input order (bias
// first, one fma per input, the same activation code), otherwise within 4e-6 of the sample's largest
// |output| (at least 1): two summation orders over up to 256 terms, seen to differ by up to 8e-7.
template <class Net>
void check_batch_matches_single_samples(std::size_t n) {
  Net m;
  randomize(m, 7);
  const auto in = random_batch(n * Net::inputs, static_cast<unsigned>(n));
  std::vector<float> out(n * Net::outputs, -1.0f);
  m.forward(in, out, nl::execution::sequential);
  std::size_t mismatches = 0;
  double worst = 0.0;
  for (std::size_t s = 0; s < n; ++s) {
    std::array<float, Net::inputs> x;
    std::copy_n(in.data() + s * Net::inputs, Net::inputs, x.data());
    const auto y = m(x);
    mismatches += std::memcmp(y.data(), out.data() + s * Net::outputs, sizeof y) != 0;
    double scale = 1.0;
    for (float v : y) scale = std::max(scale, static_cast<double>(std::abs(v)));
    for (std::size_t o = 0; o < Net::outputs; ++o)
      worst = std::max(worst, std::abs(static_cast<double>(y[o]) - out[s * Net::outputs + o]) / scale);
  }
  if constexpr (sums_in_input_order<Net>)
    BOOST_TEST(mismatches == 0u, "n = " << n << ": " << mismatches << " samples differ");
  else
    BOOST_TEST(worst <= 4e-6, "n = " << n << ": largest relative difference " << worst);
}

template <class Net>
void check_every_batch_size() {
  for (std::size_t n = 0; n <= 40; ++n)
    check_batch_matches_single_samples<Net>(n);
  check_batch_matches_single_samples<Net>(1000 + 7);
}

template <class Net>
void check_parallel_is_bit_identical(std::size_t n) {
  Net m;
  randomize(m, 11);
  const auto in = random_batch(n * Net::inputs, 3);
  std::vector<float> sequential(n * Net::outputs), parallel(n * Net::outputs, -1.0f),
      automatic(n * Net::outputs, -2.0f);
  m.forward(in, sequential, nl::execution::sequential);
  m.forward(in, parallel, nl::execution::parallel);
  m.forward(in, automatic);
  BOOST_TEST(std::memcmp(sequential.data(), parallel.data(), sequential.size() * sizeof(float)) == 0);
  BOOST_TEST(std::memcmp(sequential.data(), automatic.data(), sequential.size() * sizeof(float)) == 0);
}

// A literal network: y = relu(W1·x + b1) then W2·h + b2, with weights the compiler can see.
using literal_net = nl::network<nl::input<2>, nl::dense<2, nl::relu>, nl::dense<1>>;
constexpr literal_net make_literal_net() {
  literal_net m;
  m.layer<0>().weight = {1.0f, -1.0f, 0.5f, 2.0f};  // [out][in]
  m.layer<0>().bias = {0.0f, -1.0f};
  m.layer<1>().weight = {3.0f, -2.0f};
  m.layer<1>().bias = {0.25f};
  return m;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(construction)

BOOST_AUTO_TEST_CASE(a_network_is_zero_initialised_and_constexpr_constructible) {
  constexpr net_a m;
  static_assert(std::ranges::all_of(m.layer<0>().weight, [](float w) { return w == 0.0f; }));
  static_assert(std::ranges::all_of(m.layer<2>().bias, [](float b) { return b == 0.0f; }));
  // A zero network outputs sigmoid(0) = 0.5 whatever the input.
  static_assert(m(std::array<float, 2>{3.0f, -4.0f})[0] == 0.5f);
  BOOST_TEST(m(std::array<float, 2>{1.0f, 2.0f})[0] == 0.5f);
}

BOOST_AUTO_TEST_CASE(a_network_with_literal_weights_is_evaluated_by_the_compiler) {
  constexpr literal_net m = make_literal_net();
  // x = (2, 1): h = relu(2 − 1, 1 + 2 − 1) = (1, 2); y = 3·1 − 2·2 + 0.25 = −0.75.
  static_assert(m(std::array<float, 2>{2.0f, 1.0f})[0] == -0.75f);
  // x = (−1, 0): h = relu(−1, −1.5) = (0, 0); y = 0.25.
  static_assert(m(std::array<float, 2>{-1.0f, 0.0f})[0] == 0.25f);
  // The same network in double precision, as a reference evaluator uses it.
  static_assert(m(std::array<double, 2>{2.0, 1.0})[0] == -0.75);
}

// A 20-24-3 network with weights from a formula, wide enough for the dot-product order.
using wide_literal_net = nl::network<nl::input<20>, nl::dense<24, nl::tanh>, nl::dense<3, nl::softmax<2.0f>>>;
constexpr wide_literal_net make_wide_literal_net() {
  wide_literal_net m;
  for (std::size_t i = 0; i < m.layer<0>().weight.size(); ++i)
    m.layer<0>().weight[i] = static_cast<float>(static_cast<int>(i * 7919 % 97) - 48) / 61.0f;
  for (std::size_t i = 0; i < m.layer<1>().weight.size(); ++i)
    m.layer<1>().weight[i] = static_cast<float>(static_cast<int>(i * 104729 % 89) - 44) / 37.0f;
  m.layer<0>().bias.fill(0.125f);
  m.layer<1>().bias = {0.5f, -0.25f, 0.0f};
  return m;
}
constexpr std::array<float, 20> wide_literal_input = [] {
  std::array<float, 20> x{};
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(static_cast<int>(i % 7) - 3) / 3.0f;
  return x;
}();

[[gnu::noinline]] std::array<float, 3> evaluate_at_run_time(const wide_literal_net& m,
                                                           const std::array<float, 20>& x) {
  return m(x);
}

// Few inputs, many outputs: the weights are read as columns, 16 outputs at a time, the last block partial.
using fan_out_net = nl::network<nl::input<3>, nl::dense<40, nl::elu<>>, nl::dense<2>>;
constexpr fan_out_net make_fan_out_net() {
  fan_out_net m;
  for (std::size_t i = 0; i < m.layer<0>().weight.size(); ++i)
    m.layer<0>().weight[i] = static_cast<float>(static_cast<int>(i * 31 % 23) - 11) / 7.0f;
  for (std::size_t i = 0; i < m.layer<1>().weight.size(); ++i)
    m.layer<1>().weight[i] = static_cast<float>(static_cast<int>(i * 17 % 13) - 6) / 11.0f;
  m.layer<0>().bias.fill(-0.375f);
  return m;
}

[[gnu::noinline]] std::array<float, 2> evaluate_at_run_time(const fan_out_net& m,
                                                           const std::array<float, 3>& x) {
  return m(x);
}

BOOST_AUTO_TEST_CASE(m_of_x_gives_the_same_bits_at_compile_time_and_at_run_time) {
  {
    constexpr fan_out_net m = make_fan_out_net();
    constexpr std::array<float, 3> x{0.7f, -1.3f, 0.2f};
    constexpr std::array<float, 2> at_compile_time = m(x);
    const std::array<float, 2> at_run_time = evaluate_at_run_time(m, x);
    BOOST_TEST(std::memcmp(at_compile_time.data(), at_run_time.data(), sizeof at_run_time) == 0);
  }
  constexpr wide_literal_net m = make_wide_literal_net();
  constexpr std::array<float, 3> at_compile_time = m(wide_literal_input);
  const std::array<float, 3> at_run_time = evaluate_at_run_time(m, wide_literal_input);
  BOOST_TEST(std::memcmp(at_compile_time.data(), at_run_time.data(), sizeof at_run_time) == 0);
  BOOST_TEST(at_compile_time[0] + at_compile_time[1] + at_compile_time[2] == 1.0f,
             boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(parameter_count_is_the_sum_of_weights_and_biases) {
  static_assert(net_a::parameter_count == (2 * 2 + 2) + (2 * 2 + 2) + (2 * 1 + 1));
  static_assert(net_d::parameter_count == (64 * 128 + 128) + (128 * 128 + 128) + (128 * 10 + 10));
  static_assert(net_e::parameter_count == 3 * (256 * 256 + 256));
  BOOST_TEST(net_a::parameter_count == 15u);
}

BOOST_AUTO_TEST_CASE(layer_k_has_the_declared_shape) {
  static_assert(net_b::depth == 3 && net_b::inputs == 3 && net_b::outputs == 3);
  static_assert(net_b::layer_type<0>::inputs == 3 && net_b::layer_type<0>::outputs == 5);
  static_assert(net_b::layer_type<1>::inputs == 5 && net_b::layer_type<1>::outputs == 4);
  static_assert(net_b::layer_type<2>::inputs == 4 && net_b::layer_type<2>::outputs == 3);
  static_assert(std::is_same_v<net_b::layer_type<1>::activation_type, nl::leaky_relu<0.1f>>);
  net_b m;
  static_assert(std::is_same_v<decltype(m.layer<1>().weight), std::array<float, 4 * 5>>);
  static_assert(std::is_same_v<decltype(m.layer<1>().bias), std::array<float, 4>>);
  m.layer<1>().weight[4 * 5 - 1] = 1.0f;  // row-major [out][in]: the last output's last input
  BOOST_TEST(m.layer<1>().weight.back() == 1.0f);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(batch_forward)

BOOST_AUTO_TEST_CASE(the_register_kernel_runs_narrow_networks_and_the_blocked_kernel_wide_ones) {
  using nl::detail::forward_kernel, nl::detail::forward_plan;
  static_assert(forward_plan<net_a>::kernel == forward_kernel::registers);
  static_assert(forward_plan<net_b>::kernel == forward_kernel::registers);
  static_assert(forward_plan<net_c>::kernel == forward_kernel::blocked);
  static_assert(forward_plan<net_d>::kernel == forward_kernel::blocked);
  static_assert(forward_plan<net_e>::kernel == forward_kernel::blocked);
  BOOST_TEST(true);
}

BOOST_AUTO_TEST_CASE(register_kernel_equals_single_samples_for_every_batch_size) {
  check_every_batch_size<net_a>();
  check_every_batch_size<net_b>();
}

BOOST_AUTO_TEST_CASE(blocked_kernel_equals_single_samples_for_every_batch_size) {
  check_every_batch_size<net_c>();
  check_every_batch_size<net_d>();
  check_every_batch_size<net_odd>();
  check_every_batch_size<net_wide_softmax>();
  check_every_batch_size<net_fan_out>();
}

BOOST_AUTO_TEST_CASE(blocked_kernel_equals_single_samples_on_a_256_wide_network) {
  for (std::size_t n : {0u, 1u, 15u, 16u, 17u, 31u, 32u, 33u, 40u, 100u})
    check_batch_matches_single_samples<net_e>(n);
}

// Against torch-style float math the kernel differs only by rounding: compared with the same network
// evaluated in double, each output is within 1e-5 of the largest |output| of its sample (float
// accumulation over 256 inputs, three layers deep, errs by a few 1e-7 relative).
BOOST_AUTO_TEST_CASE(blocked_kernel_is_within_1e_5_of_a_double_precision_reference) {
  net_e m;
  randomize(m, 5);
  constexpr std::size_t n = 70;
  const auto in = random_batch(n * net_e::inputs, 9);
  std::vector<float> out(n * net_e::outputs);
  m.forward(in, out);
  double worst = 0.0;
  for (std::size_t s = 0; s < n; ++s) {
    std::array<double, net_e::inputs> x;
    std::copy_n(in.data() + s * net_e::inputs, net_e::inputs, x.data());
    const auto reference = m(x);
    double scale = 1.0;
    for (double r : reference) scale = std::max(scale, std::abs(r));
    for (std::size_t o = 0; o < net_e::outputs; ++o)
      worst = std::max(worst, std::abs(out[s * net_e::outputs + o] - reference[o]) / scale);
  }
  BOOST_TEST(worst < 1e-5, "largest relative difference " << worst);
}

BOOST_AUTO_TEST_CASE(softmax_outputs_of_the_batch_are_distributions) {
  net_d m;
  randomize(m, 13);
  constexpr std::size_t n = 45;
  const auto in = random_batch(n * net_d::inputs, 2);
  std::vector<float> out(n * net_d::outputs);
  m.forward(in, out);
  for (std::size_t s = 0; s < n; ++s) {
    double sum = 0.0;
    for (std::size_t o = 0; o < net_d::outputs; ++o) sum += out[s * net_d::outputs + o];
    BOOST_TEST(std::abs(sum - 1.0) < 1e-5);
  }
}

BOOST_AUTO_TEST_CASE(parallel_forward_is_bit_identical_to_sequential) {
  check_parallel_is_bit_identical<net_a>(20011);
  check_parallel_is_bit_identical<net_b>(517);
  check_parallel_is_bit_identical<net_d>(1003);
  check_parallel_is_bit_identical<net_e>(77);
}

BOOST_AUTO_TEST_CASE(spans_of_the_wrong_size_throw_naming_the_expected_sizes) {
  net_a m;
  std::vector<float> in(7), out(3);
  const std::string expected =
      "nonlin::network::forward: expected the input to hold n rows of 2 floats and the output n rows "
      "of 1 floats; got 7 input and 3 output floats";
  BOOST_CHECK_EXCEPTION(m.forward(in, out), std::invalid_argument,
                        [&](const std::invalid_argument& e) { return e.what() == expected; });
  std::vector<float> in_ok(6);  // 3 rows, but 3 outputs expected and 3 given: fine; 2 given: not
  std::vector<float> out_short(2);
  BOOST_CHECK_THROW(m.forward(in_ok, out_short, nl::execution::parallel), std::invalid_argument);
  std::vector<float> out_ok(3);
  BOOST_CHECK_NO_THROW(m.forward(in_ok, out_ok, nl::execution::sequential));
}

BOOST_AUTO_TEST_CASE(an_empty_batch_is_a_valid_batch) {
  net_d m;
  std::vector<float> in, out;
  BOOST_CHECK_NO_THROW(m.forward(in, out));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(describe)

BOOST_AUTO_TEST_CASE(describe_lists_layers_parameters_flops_and_the_fused_formula) {
  const std::string text = nl::describe<net_a>();
  BOOST_TEST_MESSAGE(text);
  BOOST_TEST(text.starts_with(
      "network<input<2>, dense<2, tanh>, dense<2, tanh>, dense<1, sigmoid>>\n"));
  BOOST_TEST(text.find("layer 3:  dense 2 → 1       sigmoid         3 parameters") != std::string::npos);
  BOOST_TEST(text.find("parameters: 15\n") != std::string::npos);
  BOOST_TEST(text.find("FLOPs per sample: 20 ") != std::string::npos);
  BOOST_TEST(text.find("y = sigmoid(W3·tanh(W2·tanh(W1·x + b1) + b2) + b3)\n") != std::string::npos);
  BOOST_TEST(text.find(std::string("kernels compiled for: ") + nl::simd::target_name + "\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(describe_spells_activation_parameters) {
  const std::string text = nl::describe<net_b>();
  BOOST_TEST_MESSAGE(text);
  BOOST_TEST(text.starts_with(
      "network<input<3>, dense<5, elu<1.0f>>, dense<4, leaky_relu<0.1f>>, dense<3, softmax<2.0f>>>\n"));
  BOOST_TEST(text.find("leaky_relu(0.1)") != std::string::npos);
  BOOST_TEST(text.find("softmax(T=2)") != std::string::npos);
  BOOST_TEST(text.find("elu(α=1)") != std::string::npos);
  BOOST_TEST(text.find("y = softmax<T=2>(W3·leaky_relu<0.1>(W2·elu<α=1>(W1·x + b1) + b2) + b3)") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(describe_writes_identity_layers_as_bare_affine_maps) {
  using net = nl::network<nl::input<4>, nl::dense<3>, nl::dense<2, nl::relu>, nl::dense<1>>;
  const std::string text = nl::describe<net>();
  BOOST_TEST(text.starts_with("network<input<4>, dense<3>, dense<2, relu>, dense<1>>\n"));
  BOOST_TEST(text.find("y = W3·relu(W2·(W1·x + b1) + b2) + b3\n") != std::string::npos);
  BOOST_TEST(text.find("FLOPs per sample: " + std::to_string(2 * (4 * 3 + 3 * 2 + 2 * 1))) !=
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- residual blocks ------------------------------------------------------------------------------
namespace {

// Narrow (the register kernel), with adjacent blocks, a one-layer block and blocks ending in an
// activation and in none.
using res_narrow = nl::network<nl::input<2>, nl::dense<4, nl::tanh>, nl::residual<nl::dense<4, nl::tanh>, nl::dense<4>>,
                               nl::residual<nl::dense<4, nl::sigmoid>>, nl::dense<1, nl::sigmoid>>;
// Wide (the blocked kernel, whose tile keeps a block's input in a third buffer).
using res_wide = nl::network<nl::input<16>, nl::dense<32, nl::relu>, nl::residual<nl::dense<64, nl::relu>, nl::dense<32>>,
                             nl::residual<nl::dense<32, nl::tanh>, nl::dense<32, nl::elu<>>, nl::dense<32>>,
                             nl::dense<3, nl::softmax<>>>;
// A block first and last: the skip is the network's input, the output the block's sum.
using res_only = nl::network<nl::input<8>, nl::residual<nl::dense<24, nl::relu>, nl::dense<8>>>;
using res_256 = nl::network<nl::input<64>, nl::dense<256, nl::relu>, nl::residual<nl::dense<256, nl::relu>, nl::dense<256>>,
                            nl::residual<nl::dense<256, nl::relu>, nl::dense<256>>, nl::dense<10>>;

// y = x + W2·relu(W1·x + b1) + b2 with small integers: every operation exact.
using literal_residual = nl::network<nl::input<2>, nl::residual<nl::dense<2, nl::relu>, nl::dense<2>>>;
constexpr literal_residual make_literal_residual() {
  literal_residual m;
  m.layer<0>().weight = {1.0f, 2.0f, -1.0f, 1.0f};
  m.layer<0>().bias = {0.0f, 1.0f};
  m.layer<1>().weight = {2.0f, 0.0f, 1.0f, -1.0f};
  m.layer<1>().bias = {0.5f, -0.5f};
  return m;
}

// The same network evaluated by hand in double: the reference for forward on every kernel.
template <class Net>
double worst_against_double(const Net& m, std::span<const float> in, std::span<const float> out) {
  double worst = 0.0;
  for (std::size_t s = 0; s < in.size() / Net::inputs; ++s) {
    std::array<double, Net::inputs> x;
    std::copy_n(in.data() + s * Net::inputs, Net::inputs, x.data());
    const auto reference = m(x);
    double scale = 1.0;
    for (double r : reference) scale = std::max(scale, std::abs(r));
    for (std::size_t o = 0; o < Net::outputs; ++o)
      worst = std::max(worst, std::abs(out[s * Net::outputs + o] - reference[o]) / scale);
  }
  return worst;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(residual_blocks)

BOOST_AUTO_TEST_CASE(blocks_are_flattened_into_dense_layers_and_marked) {
  using traits = nl::network_traits<res_narrow>;
  static_assert(res_narrow::depth == 5 && traits::residual_blocks == 2);
  static_assert(traits::widths == std::array<std::size_t, 6>{2, 4, 4, 4, 4, 1});
  static_assert(traits::blocks.begins == std::array{false, true, false, true, false});
  static_assert(traits::blocks.ends == std::array{false, false, true, true, false});
  static_assert(traits::blocks.source[2] == 1 && traits::blocks.source[3] == 3);
  static_assert(std::is_same_v<res_narrow::layer_type<2>, nl::dense_layer<4, 4, nl::identity>>);
  static_assert(res_narrow::parameter_count == 12 + 20 + 20 + 20 + 5);
  static_assert(nl::network_traits<res_only>::skip_additions == 8);
  BOOST_TEST(nl::detail::network_type_name<res_narrow>() ==
             "network<input<2>, dense<4, tanh>, residual<dense<4, tanh>, dense<4>>, residual<dense<4, sigmoid>>, "
             "dense<1, sigmoid>>");
}

BOOST_AUTO_TEST_CASE(the_register_and_the_blocked_kernel_both_run_residual_networks) {
  using nl::detail::forward_kernel, nl::detail::forward_plan;
  static_assert(forward_plan<res_narrow>::kernel == forward_kernel::registers);
  static_assert(forward_plan<res_only>::kernel == forward_kernel::blocked);
  static_assert(forward_plan<res_wide>::kernel == forward_kernel::blocked);
  // The blocked tile: a block's input keeps its buffer while the block's layers alternate the others.
  constexpr auto slots = nl::detail::activation_buffers<res_wide>();
  static_assert(slots[1] != slots[2] && slots[1] != slots[3]);
  static_assert(slots[3] != slots[4] && slots[3] != slots[5] && slots[3] != slots[6]);
  BOOST_TEST(true);
}

BOOST_AUTO_TEST_CASE(a_residual_network_with_literal_weights_is_evaluated_by_the_compiler) {
  constexpr auto m = make_literal_residual();
  // x = (1, 2): z1 = (5, 2), relu = (5, 2), W2·h + b2 = (10.5, 2.5), plus x: (11.5, 4.5).
  static_assert(m(std::array{1.0f, 2.0f}) == std::array{11.5f, 4.5f});
  // x = (-3, 1): z1 = (-1, 5), relu = (0, 5), W2·h + b2 = (0.5, -5.5), plus x: (-2.5, -4.5).
  static_assert(m(std::array{-3.0f, 1.0f}) == std::array{-2.5f, -4.5f});
  const std::vector<float> in{1.0f, 2.0f, -3.0f, 1.0f};
  std::vector<float> out(4);
  m.forward(in, out);
  BOOST_TEST(out == (std::vector<float>{11.5f, 4.5f, -2.5f, -4.5f}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_block_of_zero_weights_passes_its_input_through_unchanged) {
  res_only m;  // zero-initialised: f(h) = 0, so h + f(h) = h bit for bit
  const auto in = random_batch(37 * res_only::inputs, 4);
  std::vector<float> out(in.size());
  m.forward(in, out);
  BOOST_TEST(out == in, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(forward_equals_single_samples_for_every_batch_size) {
  check_every_batch_size<res_narrow>();
  check_every_batch_size<res_wide>();
  check_every_batch_size<res_only>();
  for (std::size_t n : {0u, 1u, 15u, 16u, 17u, 33u, 100u})
    check_batch_matches_single_samples<res_256>(n);
}

// As for the plain networks: within 1e-5 of the largest |output| of a sample against double.
BOOST_AUTO_TEST_CASE(forward_is_within_1e_5_of_a_double_precision_reference) {
  auto check = [](auto m) {
    using Net = decltype(m);
    randomize(m, 21);
    constexpr std::size_t n = 300;
    const auto in = random_batch(n * Net::inputs, 8);
    std::vector<float> out(n * Net::outputs);
    m.forward(in, out);
    const double worst = worst_against_double(m, in, out);
    BOOST_TEST(worst < 1e-5, nl::detail::network_type_name<Net>() << ": largest relative difference " << worst);
  };
  check(res_narrow{});
  check(res_wide{});
  check(res_only{});
  check(res_256{});
}

BOOST_AUTO_TEST_CASE(parallel_forward_is_bit_identical_to_sequential) {
  check_parallel_is_bit_identical<res_narrow>(20011);
  check_parallel_is_bit_identical<res_wide>(3001);
  check_parallel_is_bit_identical<res_256>(301);
}

BOOST_AUTO_TEST_CASE(inspect_units_follows_the_skip) {
  // Layer 0's units are dead (bias −100); the block's output is its input plus its chain, so the
  // last layer sees x itself where the chain is zero.
  using net = nl::network<nl::input<2>, nl::residual<nl::dense<3, nl::relu>, nl::dense<2>>, nl::dense<1, nl::relu>>;
  net m;
  m.layer<0>().bias.fill(-100.0f);
  m.layer<2>().weight = {1.0f, 1.0f};
  const std::vector<float> in{1.0f, 2.0f, 3.0f, -1.0f};
  const auto report = nl::inspect_units(m, in);
  BOOST_TEST(report.dead[0] == 3u);
  BOOST_TEST(report.dead[2] == 0u);  // x₀ + x₁ > 0 on both samples: only the skip keeps it alive
  BOOST_TEST(report.active[2] == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
