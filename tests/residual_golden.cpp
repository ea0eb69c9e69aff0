// Residual blocks against PyTorch: networks with nl::residual<dense...> (h + f(h), torch's
// x + block(x)) give torch's outputs one sample at a time (m(x)) and as a batch (m.forward), torch's
// gradients of MSE, BCE and cross-entropy, and follow torch's 100 steps of SGD (with momentum). Their
// weights go through save_safetensors and load_safetensors bit for bit, and the files and the header
// tools/export_network.py writes for a torch model with Residual modules load into the nonlin type.
// Data from tools/golden/make_residual_golden.py, in tests/golden/residual.
#define BOOST_TEST_MODULE residual_golden
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/describe.hpp>
#include <nonlin/io/safetensors.hpp>
#include <nonlin/network.hpp>
#include <nonlin/network_traits.hpp>
#include <nonlin/train/gradient.hpp>
#include <nonlin/train/loss.hpp>
#include <nonlin/train/sgd.hpp>

#include "golden/residual/two_blocks_trained.hpp"

namespace nl = nonlin;
namespace fs = std::filesystem;
namespace st = nonlin::detail::safetensors;

namespace {

const fs::path golden_dir = fs::path(NONLIN_SOURCE_DIR) / "tests" / "golden" / "residual";

// The networks of the golden files. Two blocks, the first ending in a linear layer, the second in
// tanh, then a head outside the blocks (softmax, sigmoid, or linear after a linear first layer).
using two_blocks_softmax =
    nl::network<nl::input<4>, nl::dense<8, nl::tanh>, nl::residual<nl::dense<16, nl::relu>, nl::dense<8>>,
                nl::residual<nl::dense<8, nl::tanh>, nl::dense<8, nl::tanh>>, nl::dense<3, nl::softmax<>>>;
using two_blocks_sigmoid =
    nl::network<nl::input<4>, nl::dense<8, nl::tanh>, nl::residual<nl::dense<16, nl::relu>, nl::dense<8>>,
                nl::residual<nl::dense<8, nl::tanh>, nl::dense<8, nl::tanh>>, nl::dense<3, nl::sigmoid>>;
using linear_into_blocks =
    nl::network<nl::input<4>, nl::dense<8>, nl::residual<nl::dense<16, nl::relu>, nl::dense<8>>,
                nl::residual<nl::dense<8, nl::tanh>, nl::dense<8, nl::tanh>>, nl::dense<3>>;
// A block first (its input the network's), a block of one layer, and a block at the end.
using ends_with_block = nl::network<nl::input<3>, nl::residual<nl::dense<3, nl::tanh>>, nl::dense<6, nl::relu>,
                                    nl::residual<nl::dense<12, nl::tanh>, nl::dense<6, nl::sigmoid>>>;
using ends_with_linear_block =
    nl::network<nl::input<4>, nl::dense<4, nl::tanh>, nl::residual<nl::dense<8, nl::relu>, nl::dense<4>>>;

// ---------------------------------------------------------------------------------------------------
// Tolerances. Each is a claim about float rounding, not a fit to the data; the worst measured values
// are printed with --log_level=message.

// Outputs: |nonlin − torch| ≤ 1e-5 · max(|torch|, 1e-2), the claim of golden_networks.cpp. Both sides
// round every product and sum of ~6 layers of width ≤ 16 in float (~1e-7 each, in different orders)
// and nonlin's tanh is within a few ulp of the correctly rounded one; a skip adds one more rounding
// and passes the errors of its input on unamplified. The floor keeps outputs near zero from asking
// for more than float's absolute precision gives: 1e-2 under a bounded head (softmax, sigmoid, tanh),
// so 1e-7 absolute. A linear last layer's output is a sum of products of order 1 (the blocks carry
// their inputs to it undamped: Σ|w·h| + |b| is 0.4 to 3 here) that can cancel to near zero, where
// float's error is absolute, an ulp of those terms (2.4e-7 at 2): its floor is 1e-1, 1e-6 absolute.
// (torch's own float32 outputs miss the float64 ones by 1.7e-5 of the smaller floor there.)
constexpr double output_tolerance = 1e-5;
constexpr double bounded_floor = 1e-2;
constexpr double linear_floor = 1e-1;

template <class Net>
constexpr double output_floor = nl::network_traits<Net>::is_identity[Net::depth - 1] ? linear_floor : bounded_floor;
// Gradients, as training_golden.cpp: every entry of a layer's gradient within 1e-5 of the largest
// entry of that layer's torch gradient (sums over 100-300 samples in another order cancel terms of
// that size); the loss within 2e-6 relative (a mean accumulated in double from float terms).
constexpr float gradient_tolerance = 1e-5f;
constexpr float loss_tolerance = 2e-6f;
// 100 SGD steps, as training_golden.cpp's trajectories: the loss before every step within 2e-4
// relative (rounding differences grow along the way, momentum carries them on), the final loss
// within 1e-4, every final weight within 1e-3 absolute (the weights being of order 1).
constexpr float trajectory_tolerance = 2e-4f;
constexpr float final_loss_tolerance = 1e-4f;
constexpr float final_weight_tolerance = 1e-3f;

// ---------------------------------------------------------------------------------------------------
// The golden files: one tensor a line, `name n v1 ... vn`.

struct golden {
  std::map<std::string, std::vector<float>> f32;
  std::map<std::string, std::vector<double>> f64;  // the same values, parsed as double

  const std::vector<float>& at(const std::string& key) const { return f32.at(key); }
  float scalar(const std::string& key) const { return f32.at(key).at(0); }
};

golden read_golden(const std::string& name) {
  std::ifstream f(golden_dir / (name + ".txt"));
  if (!f) throw std::runtime_error("missing golden file " + name);
  golden g;
  std::string line;
  while (std::getline(f, line)) {
    std::istringstream in(line);
    std::string key, value;
    std::size_t n = 0;
    in >> key >> n;
    std::vector<float> v(n);
    std::vector<double> d(n);
    for (std::size_t i = 0; i < n; ++i) {
      in >> value;
      v[i] = std::strtof(value.c_str(), nullptr);
      d[i] = std::strtod(value.c_str(), nullptr);
    }
    if (!in) throw std::runtime_error(name + ": " + key + " holds fewer than " + std::to_string(n) + " values");
    g.f32[key] = std::move(v);
    g.f64[key] = std::move(d);
  }
  return g;
}

template <class Net, class F>
void each_layer(F f) {
  [&]<std::size_t... K>(std::index_sequence<K...>) { (f(std::integral_constant<std::size_t, K>{}), ...); }(
      std::make_index_sequence<Net::depth>{});
}

template <class Net>
Net load(const golden& g, const std::string& prefix) {
  Net m;
  each_layer<Net>([&](auto k) {
    auto& l = m.template layer<k>();
    const auto& w = g.at(prefix + std::to_string(k) + ".weight");
    const auto& b = g.at(prefix + std::to_string(k) + ".bias");
    BOOST_TEST_REQUIRE(w.size() == l.weight.size());
    BOOST_TEST_REQUIRE(b.size() == l.bias.size());
    std::copy(w.begin(), w.end(), l.weight.begin());
    std::copy(b.begin(), b.end(), l.bias.begin());
  });
  return m;
}

// Every weight and bias of a and b, bit for bit; the first difference is reported.
template <class Net>
bool same_bits(const Net& a, const Net& b, const std::string& what) {
  bool same = true;
  each_layer<Net>([&](auto k) {
    const auto& la = a.template layer<k>();
    const auto& lb = b.template layer<k>();
    auto compare = [&](const auto& x, const auto& y, const char* part) {
      for (std::size_t i = 0; i < x.size() && same; ++i)
        if (std::bit_cast<std::uint32_t>(x[i]) != std::bit_cast<std::uint32_t>(y[i])) {
          BOOST_TEST_MESSAGE(what << ": layer " << k << " " << part << "[" << i << "] " << x[i] << " against "
                                  << y[i]);
          same = false;
        }
    };
    compare(la.weight, lb.weight, "weight");
    compare(la.bias, lb.bias, "bias");
  });
  return same;
}

double deviation(double value, double reference, double floor) {
  return std::fabs(value - reference) / std::max(std::fabs(reference), floor);
}

// ---------------------------------------------------------------------------------------------------
// Forward

struct worst_case {
  double value = 0;
  std::size_t index = 0;
  void update(double d, std::size_t i) {
    if (d > value) value = d, index = i;
  }
};

// m(x) on every sample and m.forward on the batch (every policy, and shorter batches that leave a
// partial tile) against torch's float32 outputs `key` (and its float64 ones, `key_f64`).
template <class Net>
void check_outputs(const Net& m, const golden& g, const std::string& what, const std::string& key) {
  constexpr std::size_t ni = Net::inputs, no = Net::outputs;
  constexpr double floor = output_floor<Net>;
  auto deviation = [](double value, double reference) { return ::deviation(value, reference, floor); };
  const auto& x = g.at("x");
  const auto& torch = g.at(key);
  const auto& truth = g.f64.at(key + "_f64");
  const std::size_t rows = x.size() / ni;
  BOOST_TEST_REQUIRE(torch.size() == rows * no);

  std::vector<float> single(rows * no);
  for (std::size_t r = 0; r < rows; ++r) {
    std::array<float, ni> in;
    std::copy_n(x.begin() + static_cast<std::ptrdiff_t>(r * ni), ni, in.begin());
    const auto y = m(in);
    std::copy(y.begin(), y.end(), single.begin() + static_cast<std::ptrdiff_t>(r * no));
  }
  std::vector<float> automatic(rows * no), sequential(rows * no), parallel(rows * no);
  m.forward(x, automatic);
  m.forward(x, sequential, nl::execution::sequential);
  m.forward(x, parallel, nl::execution::parallel);

  worst_case single_vs_torch, batch_vs_torch, single_vs_f64, batch_vs_f64, torch_vs_f64;
  for (std::size_t i = 0; i < rows * no; ++i) {
    single_vs_torch.update(deviation(single[i], torch[i]), i);
    single_vs_f64.update(deviation(single[i], truth[i]), i);
    torch_vs_f64.update(deviation(torch[i], truth[i]), i);
    for (const auto* batch : {&automatic, &sequential, &parallel}) {
      batch_vs_torch.update(deviation((*batch)[i], torch[i]), i);
      batch_vs_f64.update(deviation((*batch)[i], truth[i]), i);
    }
  }
  BOOST_TEST(single_vs_torch.value <= output_tolerance,
             what << " m(x), row " << single_vs_torch.index / no << " output " << single_vs_torch.index % no
                  << ": nonlin " << single[single_vs_torch.index] << ", torch " << torch[single_vs_torch.index]);
  BOOST_TEST(batch_vs_torch.value <= output_tolerance,
             what << " forward, row " << batch_vs_torch.index / no << " output " << batch_vs_torch.index % no
                  << ": nonlin " << automatic[batch_vs_torch.index] << ", torch " << torch[batch_vs_torch.index]);
  // The float64 evaluation of the same weights: nonlin is as close to the truth as the tolerance says.
  BOOST_TEST(single_vs_f64.value <= output_tolerance);
  BOOST_TEST(batch_vs_f64.value <= output_tolerance);
  // The policies compute the same numbers (the batch kernels promise bit-identical results).
  BOOST_TEST((automatic == sequential));
  BOOST_TEST((parallel == sequential));

  // Batches that end inside a tile or a block of the kernels (and may take another kernel).
  for (std::size_t n : {std::size_t{1}, std::size_t{5}, std::size_t{17}, rows - 1}) {
    std::vector<float> part(n * no);
    m.forward(std::span<const float>(x).first(n * ni), part, nl::execution::sequential);
    worst_case part_vs_torch;
    for (std::size_t i = 0; i < n * no; ++i) part_vs_torch.update(deviation(part[i], torch[i]), i);
    BOOST_TEST(part_vs_torch.value <= output_tolerance,
               what << " forward of the first " << n << " rows, row " << part_vs_torch.index / no << " output "
                    << part_vs_torch.index % no << ": nonlin " << part[part_vs_torch.index] << ", torch "
                    << torch[part_vs_torch.index]);
    batch_vs_torch.update(part_vs_torch.value, part_vs_torch.index);
  }
  BOOST_TEST_MESSAGE(what << " (" << rows << " rows x " << no << " outputs), worst relative deviation (floor "
                          << floor << "): m(x) vs torch " << single_vs_torch.value << ", forward vs torch "
                          << batch_vs_torch.value << ", m(x) vs f64 " << single_vs_f64.value << ", forward vs f64 "
                          << batch_vs_f64.value << ", torch vs f64 " << torch_vs_f64.value);
}

// ---------------------------------------------------------------------------------------------------
// Gradients and SGD

// Per layer: the largest |nonlin − torch| over the layer's weight and bias gradients, relative to the
// largest entry of torch's weight gradient of that layer.
template <class Net>
void check_gradient(const Net& g, const Net& expected, const std::string& what) {
  float worst = 0.0f;
  std::size_t worst_layer = 0;
  each_layer<Net>([&](auto k) {
    const auto& a = g.template layer<k>();
    const auto& e = expected.template layer<k>();
    float scale = 1e-7f;
    for (float v : e.weight) scale = std::max(scale, std::abs(v));
    float weight_error = 0.0f, bias_error = 0.0f;
    for (std::size_t i = 0; i < a.weight.size(); ++i) weight_error = std::max(weight_error, std::abs(a.weight[i] - e.weight[i]));
    for (std::size_t i = 0; i < a.bias.size(); ++i) bias_error = std::max(bias_error, std::abs(a.bias[i] - e.bias[i]));
    BOOST_TEST(weight_error <= gradient_tolerance * scale + 1e-8f,
               what << ": layer " << k << " weight gradient off by " << weight_error << " (largest entry " << scale
                    << ")");
    BOOST_TEST(bias_error <= gradient_tolerance * scale + 1e-8f,
               what << ": layer " << k << " bias gradient off by " << bias_error << " (largest weight entry "
                    << scale << ")");
    const float relative = std::max(weight_error, bias_error) / scale;
    if (relative > worst) worst = relative, worst_layer = k;
  });
  BOOST_TEST_MESSAGE(what << ": worst gradient difference " << worst << " of the layer's largest entry (layer "
                          << worst_layer << ")");
}

// Forward outputs, the loss and its gradient at the initial weights, then torch's SGD steps: the loss
// before every step, the final loss, the final weights and the final network's outputs.
template <class Net, class Loss>
void check_case(const std::string& name, Loss loss) {
  const golden t = read_golden(name);
  Net m = load<Net>(t, "");
  check_outputs(m, t, name + " (initial weights)", "outputs");

  const Net expected = load<Net>(t, "grad.");
  const Net after = load<Net>(t, "after.");
  const auto& x = t.at("x");
  const auto& y = t.at("y");
  Net g;
  nl::gradient_workspace<Net> ws;
  const float l = nl::loss_and_gradient(m, x, y, loss, g, ws);
  BOOST_TEST(l == t.scalar("loss"), boost::test_tools::tolerance(loss_tolerance));
  BOOST_TEST_MESSAGE(name << ": loss " << l << ", torch " << t.scalar("loss") << " (relative difference "
                          << std::abs(l - t.scalar("loss")) / t.scalar("loss") << ")");
  check_gradient(g, expected, name);

  const nl::sgd opt{.learning_rate = t.scalar("sgd.learning_rate"), .momentum = t.scalar("sgd.momentum")};
  const auto steps = static_cast<std::size_t>(t.scalar("sgd.steps"));
  const auto& losses = t.at("losses");
  BOOST_TEST_REQUIRE(losses.size() == steps);
  Net velocity{};
  float worst = 0.0f;
  std::size_t worst_step = 0;
  for (std::size_t s = 0; s < steps; ++s) {
    const float ls = nl::loss_and_gradient(m, x, y, loss, g, ws);
    const float d = std::abs(ls - losses[s]) / losses[s];
    if (d > worst) worst = d, worst_step = s;
    if (opt.momentum != 0.0f)
      opt.step(m, g, velocity);
    else
      opt.step(m, g);
  }
  BOOST_TEST(worst <= trajectory_tolerance,
             name << ": loss before step " << worst_step << " off by " << worst << " relative");
  const float final_loss = nl::loss_and_gradient(m, x, y, loss, g, ws);
  const float torch_loss = t.scalar("loss_after_steps");
  BOOST_TEST(final_loss == torch_loss, boost::test_tools::tolerance(final_loss_tolerance));
  float weight_error = 0.0f;
  std::size_t weight_layer = 0;
  each_layer<Net>([&](auto k) {
    const auto& a = m.template layer<k>();
    const auto& e = after.template layer<k>();
    float layer_error = 0.0f;
    for (std::size_t i = 0; i < a.weight.size(); ++i) layer_error = std::max(layer_error, std::abs(a.weight[i] - e.weight[i]));
    for (std::size_t i = 0; i < a.bias.size(); ++i) layer_error = std::max(layer_error, std::abs(a.bias[i] - e.bias[i]));
    BOOST_TEST(layer_error <= final_weight_tolerance,
               name << ": layer " << k << " after " << steps << " steps off by " << layer_error);
    if (layer_error > weight_error) weight_error = layer_error, weight_layer = k;
  });
  BOOST_TEST_MESSAGE(name << ": loss after " << steps << " steps " << final_loss << ", torch " << torch_loss
                          << " (relative difference " << std::abs(final_loss - torch_loss) / torch_loss
                          << "; worst along the way " << worst << " before step " << worst_step
                          << "; largest weight difference " << weight_error << ", layer " << weight_layer << ")");

  // torch's trained weights give torch's outputs.
  check_outputs(after, t, name + " (after the steps, torch's weights)", "after.outputs");
}

// The file save_safetensors writes: positional names 0.weight, 0.bias, 1.weight, ..., the type as
// `nl::` spells it; loading it gives back every bit.
template <class Net>
void check_round_trip(const std::string& name, const std::string& type) {
  const golden t = read_golden(name);
  const Net m = load<Net>(t, "after.");
  const fs::path path = fs::temp_directory_path() / ("nonlin_residual_golden_" + name + ".safetensors");
  nl::save_safetensors(m, path.string());
  const auto f = st::open(path.string());
  BOOST_TEST(f.tensors.size() == 2 * Net::depth);
  for (std::size_t k = 0; k < Net::depth; ++k) {
    BOOST_TEST(f.tensors.count(std::to_string(k) + ".weight") == 1u, name << ": " << k << ".weight");
    BOOST_TEST(f.tensors.count(std::to_string(k) + ".bias") == 1u, name << ": " << k << ".bias");
  }
  BOOST_TEST(f.metadata.at("nonlin_type") == type);
  BOOST_TEST(nl::detail::network_type_name<Net>("nl::") == type);
  const Net back = nl::load_safetensors<Net>(path.string());
  BOOST_TEST(same_bits(back, m, name + " round trip"));
  fs::remove(path);
}

// A file tools/export_network.py wrote from the torch model after its SGD steps: the names, the
// recorded type, torch's weights bit for bit and torch's outputs.
template <class Net>
Net check_exported(const std::string& file, const std::string& name, const std::string& type) {
  const std::string path = (golden_dir / file).string();
  const auto f = st::open(path);
  BOOST_TEST(f.metadata.at("nonlin_type") == type);
  BOOST_TEST(f.tensors.size() == 2 * Net::depth);
  for (std::size_t k = 0; k < Net::depth; ++k)
    BOOST_TEST(f.tensors.count(std::to_string(k) + ".weight") == 1u, file << ": " << k << ".weight");
  const Net m = nl::load_safetensors<Net>(path);
  const golden t = read_golden(name);
  BOOST_TEST(same_bits(m, load<Net>(t, "after."), file + " against " + name + ".txt"));
  check_outputs(m, t, file, "after.outputs");
  return m;
}

const std::string two_blocks_softmax_type =
    "nl::network<nl::input<4>, nl::dense<8, nl::tanh>, nl::residual<nl::dense<16, nl::relu>, nl::dense<8>>, "
    "nl::residual<nl::dense<8, nl::tanh>, nl::dense<8, nl::tanh>>, nl::dense<3, nl::softmax<1.0f>>>";
const std::string ends_with_block_type =
    "nl::network<nl::input<3>, nl::residual<nl::dense<3, nl::tanh>>, nl::dense<6, nl::relu>, "
    "nl::residual<nl::dense<12, nl::tanh>, nl::dense<6, nl::sigmoid>>>";

// The header's network is a constant: the compiler evaluates it, through both blocks.
static_assert(std::is_same_v<two_blocks_trained_type, two_blocks_softmax>);
static_assert(two_blocks_trained_type::stores_inline);
constexpr auto compiled_probe = two_blocks_trained(std::array<float, 4>{0.5f, -1.0f, 0.25f, 2.0f});
static_assert(compiled_probe[0] > 0.0f && compiled_probe[1] > 0.0f && compiled_probe[2] > 0.0f);
constexpr float compiled_sum = compiled_probe[0] + compiled_probe[1] + compiled_probe[2];
static_assert(compiled_sum > 1.0f - 1e-5f && compiled_sum < 1.0f + 1e-5f);

}  // namespace

BOOST_AUTO_TEST_CASE(two_blocks_softmax_cross_entropy_and_100_momentum_steps_match_pytorch) {
  check_case<two_blocks_softmax>("two_blocks_cross_entropy", nl::cross_entropy{});
}

BOOST_AUTO_TEST_CASE(two_blocks_sigmoid_bce_and_100_sgd_steps_match_pytorch) {
  check_case<two_blocks_sigmoid>("two_blocks_bce", nl::bce{});
}

BOOST_AUTO_TEST_CASE(linear_layer_into_two_blocks_mse_and_100_momentum_steps_match_pytorch) {
  check_case<linear_into_blocks>("linear_into_blocks_mse", nl::mse{});
}

BOOST_AUTO_TEST_CASE(network_ending_with_a_block_mse_and_100_momentum_steps_match_pytorch) {
  check_case<ends_with_block>("ends_with_block_mse", nl::mse{});
}

BOOST_AUTO_TEST_CASE(network_ending_with_a_linear_block_mse_and_100_momentum_steps_match_pytorch) {
  check_case<ends_with_linear_block>("ends_with_linear_block_mse", nl::mse{});
}

// A gradient at the logits has no meaning when the block's input is added after the last activation.
BOOST_AUTO_TEST_CASE(a_gradient_at_the_logits_of_a_network_ending_with_a_block_is_refused) {
  const golden t = read_golden("ends_with_block_mse");
  const auto m = load<ends_with_block>(t, "");
  const std::vector<float> x(3, 0.5f), d(6, 1.0f);
  ends_with_block g;
  nl::gradient_workspace<ends_with_block> ws;
  BOOST_CHECK_THROW(nl::gradient(m, x, d, g, ws, nl::wrt::logits), std::invalid_argument);
  BOOST_CHECK_NO_THROW(nl::gradient(m, x, d, g, ws, nl::wrt::output));
}

BOOST_AUTO_TEST_CASE(save_and_load_safetensors_give_back_every_bit) {
  check_round_trip<two_blocks_softmax>("two_blocks_cross_entropy", two_blocks_softmax_type);
  check_round_trip<two_blocks_sigmoid>(
      "two_blocks_bce",
      "nl::network<nl::input<4>, nl::dense<8, nl::tanh>, nl::residual<nl::dense<16, nl::relu>, nl::dense<8>>, "
      "nl::residual<nl::dense<8, nl::tanh>, nl::dense<8, nl::tanh>>, nl::dense<3, nl::sigmoid>>");
  check_round_trip<linear_into_blocks>(
      "linear_into_blocks_mse",
      "nl::network<nl::input<4>, nl::dense<8>, nl::residual<nl::dense<16, nl::relu>, nl::dense<8>>, "
      "nl::residual<nl::dense<8, nl::tanh>, nl::dense<8, nl::tanh>>, nl::dense<3>>");
  check_round_trip<ends_with_block>("ends_with_block_mse", ends_with_block_type);
  check_round_trip<ends_with_linear_block>(
      "ends_with_linear_block_mse",
      "nl::network<nl::input<4>, nl::dense<4, nl::tanh>, nl::residual<nl::dense<8, nl::relu>, nl::dense<4>>>");
}

BOOST_AUTO_TEST_CASE(files_exported_from_torch_residual_modules_load_and_match_pytorch) {
  check_exported<two_blocks_softmax>("two_blocks_trained.safetensors", "two_blocks_cross_entropy",
                                     two_blocks_softmax_type);
  check_exported<ends_with_block>("ends_with_block_trained.safetensors", "ends_with_block_mse",
                                  ends_with_block_type);
  // The file records its type: it does not load into a network with the blocks' activations swapped.
  using swapped =
      nl::network<nl::input<4>, nl::dense<8, nl::tanh>, nl::residual<nl::dense<16, nl::tanh>, nl::dense<8>>,
                  nl::residual<nl::dense<8, nl::relu>, nl::dense<8, nl::tanh>>, nl::dense<3, nl::softmax<>>>;
  BOOST_CHECK_THROW(nl::load_safetensors<swapped>((golden_dir / "two_blocks_trained.safetensors").string()),
                    nl::format_error);
}

BOOST_AUTO_TEST_CASE(the_exported_header_holds_the_exported_weights_and_matches_pytorch) {
  const auto loaded = nl::load_safetensors<two_blocks_softmax>((golden_dir / "two_blocks_trained.safetensors").string());
  BOOST_TEST(same_bits(two_blocks_trained, loaded, "two_blocks_trained.hpp against its safetensors twin"));
  const golden t = read_golden("two_blocks_cross_entropy");
  check_outputs(two_blocks_trained, t, "two_blocks_trained.hpp", "after.outputs");
  // The compiler's evaluation agrees with the run time's to float rounding.
  const auto probe = two_blocks_trained(std::array<float, 4>{0.5f, -1.0f, 0.25f, 2.0f});
  for (std::size_t o = 0; o < 3; ++o)
    BOOST_TEST(deviation(compiled_probe[o], probe[o], bounded_floor) <= output_tolerance);
}
