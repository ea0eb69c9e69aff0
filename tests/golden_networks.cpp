// nonlin against PyTorch: networks exported from torch.nn.Sequential by tools/export_network.py load
// with load_safetensors and give PyTorch's outputs, one sample at a time (m(x)) and as a batch
// (m.forward). The golden files live in tests/golden/networks; the suite never needs torch.
#define BOOST_TEST_MODULE golden_networks
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <nonlin/activation/elu.hpp>
#include <nonlin/activation/leaky_relu.hpp>
#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/io/safetensors.hpp>
#include <nonlin/network.hpp>

namespace nl = nonlin;
namespace fs = std::filesystem;
namespace st = nonlin::detail::safetensors;

namespace {

const fs::path golden_dir = fs::path(NONLIN_SOURCE_DIR) / "tests" / "golden" / "networks";

// The accuracy claim: |nonlin − torch| ≤ relative_tolerance · max(|torch|, absolute_floor).
// The floor keeps outputs near zero (a ReLU network's linear output, a softmax probability of 1e-6)
// from demanding more than float can give: below it, 1e-5 · 1e-2 = 1e-7 absolute is required.
constexpr double relative_tolerance = 1e-5;
constexpr double absolute_floor = 1e-2;

double deviation(double value, double reference) {
  return std::fabs(value - reference) / std::max(std::fabs(reference), absolute_floor);
}

struct golden_data {
  std::size_t rows = 0;
  std::vector<float> inputs, outputs;
  std::vector<double> outputs_f64;
};

std::vector<double> f64_values(const st::file_contents& f, const st::tensor_entry& t) {
  BOOST_TEST_REQUIRE(t.dtype == "F64");
  const auto bytes = f.data(t);
  std::vector<double> v;
  for (std::size_t i = 0; i < bytes.size() / 8; ++i)
  {
    std::uint64_t bits = 0;  // little-endian on disk
    for (std::size_t b = 0; b < 8; ++b) bits |= static_cast<std::uint64_t>(bytes[8 * i + b]) << (8 * b);
    v.push_back(std::bit_cast<double>(bits));
  }
  return v;
}

template <class Net>
golden_data load_data(const std::string& name) {
  const auto f = st::open(golden_dir / (name + ".data.safetensors"));
  const auto& in = f.tensors.at("inputs");
  const auto& out = f.tensors.at("outputs");
  const auto& out64 = f.tensors.at("outputs_f64");
  golden_data d;
  d.rows = in.shape.at(0);
  BOOST_TEST_REQUIRE(d.rows > 0u);
  BOOST_TEST_REQUIRE((in.shape == std::vector<std::size_t>{d.rows, Net::inputs}));
  BOOST_TEST_REQUIRE((out.shape == std::vector<std::size_t>{d.rows, Net::outputs}));
  BOOST_TEST_REQUIRE((out64.shape == std::vector<std::size_t>{d.rows, Net::outputs}));
  d.inputs = st::to_float(f, in);
  d.outputs = st::to_float(f, out);
  d.outputs_f64 = f64_values(f, out64);
  return d;
}

struct worst_case {
  double value = 0;
  std::size_t index = 0;
  void update(double d, std::size_t i) {
    if (d > value) value = d, index = i;
  }
};

// Loads the golden network `name` as Net and compares nonlin's outputs with PyTorch's.
template <class Net>
void check_against_torch(const std::string& name) {
  const Net m = nl::load_safetensors<Net>(golden_dir / (name + ".safetensors"));
  const auto data = load_data<Net>(name);
  constexpr std::size_t ni = Net::inputs, no = Net::outputs;

  std::vector<float> single(data.rows * no);
  for (std::size_t r = 0; r < data.rows; ++r) {
    std::array<float, ni> x;
    std::copy_n(data.inputs.begin() + static_cast<std::ptrdiff_t>(r * ni), ni, x.begin());
    const auto y = m(x);
    std::copy(y.begin(), y.end(), single.begin() + static_cast<std::ptrdiff_t>(r * no));
  }
  std::vector<float> batch(data.rows * no);
  m.forward(data.inputs, batch);

  worst_case single_vs_f32, batch_vs_f32, single_vs_f64, batch_vs_f64, torch_vs_f64, unfloored;
  for (std::size_t i = 0; i < data.rows * no; ++i) {
    single_vs_f32.update(deviation(single[i], data.outputs[i]), i);
    batch_vs_f32.update(deviation(batch[i], data.outputs[i]), i);
    single_vs_f64.update(deviation(single[i], data.outputs_f64[i]), i);
    batch_vs_f64.update(deviation(batch[i], data.outputs_f64[i]), i);
    torch_vs_f64.update(deviation(data.outputs[i], data.outputs_f64[i]), i);
    if (data.outputs[i] != 0)
      unfloored.update(std::fabs(double{batch[i]} - data.outputs[i]) / std::fabs(double{data.outputs[i]}), i);
    BOOST_TEST(deviation(single[i], data.outputs[i]) <= relative_tolerance,
               name << " m(x), row " << i / no << " output " << i % no << ": nonlin " << single[i] << ", torch "
                    << data.outputs[i]);
    BOOST_TEST(deviation(batch[i], data.outputs[i]) <= relative_tolerance,
               name << " forward, row " << i / no << " output " << i % no << ": nonlin " << batch[i] << ", torch "
                    << data.outputs[i]);
  }
  // The float64 evaluation of the same weights says which of two float results is nearer the truth;
  // nonlin must be as close to it as the tolerance allows, too.
  BOOST_TEST(single_vs_f64.value <= relative_tolerance);
  BOOST_TEST(batch_vs_f64.value <= relative_tolerance);
  BOOST_TEST_MESSAGE(name << " (" << data.rows << " rows x " << no << " outputs), worst relative deviation"
                          << " (floor " << absolute_floor << "): m(x) vs torch f32 " << single_vs_f32.value
                          << ", forward vs torch f32 " << batch_vs_f32.value << ", m(x) vs f64 "
                          << single_vs_f64.value << ", forward vs f64 " << batch_vs_f64.value
                          << ", torch f32 vs f64 " << torch_vs_f64.value << "; without the floor, forward vs torch f32 "
                          << unfloored.value << " (torch output " << data.outputs[unfloored.index] << ")");
}

}  // namespace

// The lecture's classifiers: Dense(k, tanh), Dense(2, tanh), Dense(1, sigmoid) for k = 2, 3, 4.
using lecture_2_2_2_1 = nl::network<nl::input<2>, nl::dense<2, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;
using lecture_2_3_2_1 = nl::network<nl::input<2>, nl::dense<3, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;
using lecture_2_4_2_1 = nl::network<nl::input<2>, nl::dense<4, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;
using relu_16_32_32_1 = nl::network<nl::input<16>, nl::dense<32, nl::relu>, nl::dense<32, nl::relu>, nl::dense<1>>;
using elu_leaky_softmax_8_16_16_10 = nl::network<nl::input<8>, nl::dense<16, nl::elu<1.0f>>,
                                                 nl::dense<16, nl::leaky_relu<0.1f>>, nl::dense<10, nl::softmax<1.0f>>>;
using relu_softmax_64_64_64_10 = nl::network<nl::input<64>, nl::dense<64, nl::relu>, nl::dense<64, nl::relu>,
                                             nl::dense<10, nl::softmax<2.0f>>>;

BOOST_AUTO_TEST_CASE(lecture_2_2_2_1_matches_pytorch) { check_against_torch<lecture_2_2_2_1>("lecture_2_2_2_1"); }
BOOST_AUTO_TEST_CASE(lecture_2_3_2_1_matches_pytorch) { check_against_torch<lecture_2_3_2_1>("lecture_2_3_2_1"); }
BOOST_AUTO_TEST_CASE(lecture_2_4_2_1_matches_pytorch) { check_against_torch<lecture_2_4_2_1>("lecture_2_4_2_1"); }
BOOST_AUTO_TEST_CASE(relu_16_32_32_1_matches_pytorch) { check_against_torch<relu_16_32_32_1>("relu_16_32_32_1"); }
BOOST_AUTO_TEST_CASE(elu_leaky_relu_softmax_8_16_16_10_matches_pytorch) {
  check_against_torch<elu_leaky_softmax_8_16_16_10>("elu_leaky_softmax_8_16_16_10");
}
BOOST_AUTO_TEST_CASE(relu_softmax_t2_64_64_64_10_matches_pytorch) {
  check_against_torch<relu_softmax_64_64_64_10>("relu_softmax_64_64_64_10");
}

BOOST_AUTO_TEST_CASE(golden_files_use_sequential_names_with_activation_modules_in_between) {
  // Linear, Tanh, Linear, Tanh, Linear, Sigmoid: the Linear modules are 0, 2 and 4, and load as layers 0, 1, 2.
  const auto f = st::open(golden_dir / "lecture_2_2_2_1.safetensors");
  std::vector<std::string> names;
  for (const auto& [name, entry] : f.tensors) names.push_back(name);
  BOOST_TEST(names == (std::vector<std::string>{"0.bias", "0.weight", "2.bias", "2.weight", "4.bias", "4.weight"}),
             boost::test_tools::per_element());
  const auto m = nl::load_safetensors<lecture_2_2_2_1>(golden_dir / "lecture_2_2_2_1.safetensors");
  const auto w4 = st::to_float(f, f.tensors.at("4.weight"));
  BOOST_TEST(std::equal(w4.begin(), w4.end(), m.layer<2>().weight.begin()));
}

BOOST_AUTO_TEST_CASE(the_export_tool_and_save_spell_the_type_the_same_way) {
  // The metadata written by tools/export_network.py is what save_safetensors writes for the same type.
  auto check = [](const std::string& name, const std::string& spelled) {
    const auto f = st::open(golden_dir / (name + ".safetensors"));
    const auto header_end = f.bytes.begin() + static_cast<std::ptrdiff_t>(f.data_start);
    const auto header = nlohmann::json::parse(f.bytes.begin() + 8, header_end);
    BOOST_TEST(header["__metadata__"]["nonlin_type"].get<std::string>() == spelled);
  };
  check("lecture_2_3_2_1", nl::detail::network_type_name<lecture_2_3_2_1>("nl::"));
  check("relu_16_32_32_1", nl::detail::network_type_name<relu_16_32_32_1>("nl::"));
  check("elu_leaky_softmax_8_16_16_10", nl::detail::network_type_name<elu_leaky_softmax_8_16_16_10>("nl::"));
  check("relu_softmax_64_64_64_10", nl::detail::network_type_name<relu_softmax_64_64_64_10>("nl::"));
}

BOOST_AUTO_TEST_CASE(a_golden_network_saved_by_nonlin_reloads_bit_for_bit) {
  const auto m = nl::load_safetensors<relu_softmax_64_64_64_10>(golden_dir / "relu_softmax_64_64_64_10.safetensors");
  const auto path = fs::temp_directory_path() /
                    ("nonlin-golden-resave-" + std::to_string(std::random_device{}()) + ".safetensors");
  nl::save_safetensors(m, path);
  const auto again = nl::load_safetensors<relu_softmax_64_64_64_10>(path);
  fs::remove(path);
  // Same names as torch (0, 2, 4), so the bytes of every tensor are the same too.
  auto same_bits = [](const auto& a, const auto& b) {
    return std::equal(a.begin(), a.end(), b.begin(), [](float x, float y) {
      return std::bit_cast<std::uint32_t>(x) == std::bit_cast<std::uint32_t>(y);
    });
  };
  BOOST_TEST(same_bits(again.layer<0>().weight, m.layer<0>().weight));
  BOOST_TEST(same_bits(again.layer<1>().weight, m.layer<1>().weight));
  BOOST_TEST(same_bits(again.layer<2>().bias, m.layer<2>().bias));
}
