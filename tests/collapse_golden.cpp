// collapse against PyTorch: a 4-16-16-3 network without activations (tests/golden/collapse), its
// one-layer collapse and torch's float64 outputs. The compiler proves the two forms equal in real
// arithmetic; in float they differ in the last bits, and this test measures by how much.
#define BOOST_TEST_MODULE collapse_golden
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <map>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nonlin/expr/affine.hpp>
#include <nonlin/expr/collapse.hpp>
#include <nonlin/eval/cost_model.hpp>
#include <nonlin/network.hpp>

namespace nl = nonlin;

namespace {

using linear_net = nl::network<nl::input<4>, nl::dense<16>, nl::dense<16>, nl::dense<3>>;
constexpr std::size_t samples = 64;

// "name count" then count numbers, as make_golden.py writes them.
std::map<std::string, std::vector<double>> read_golden() {
  std::ifstream file(NONLIN_SOURCE_DIR "/tests/golden/collapse/linear_net.txt");
  if (!file) throw std::runtime_error("tests/golden/collapse/linear_net.txt is missing");
  std::map<std::string, std::vector<double>> tensors;
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream header(line);
    std::string name;
    std::size_t count = 0;
    header >> name >> count;
    std::getline(file, line);
    std::istringstream values(line);
    auto& v = tensors[name];
    for (double d; values >> d;) v.push_back(d);
    if (v.size() != count) throw std::runtime_error("tests/golden/collapse: " + name + " is truncated");
  }
  return tensors;
}

template <class Array>
void copy_into(Array& to, const std::vector<double>& from) {
  BOOST_TEST_REQUIRE(from.size() == to.size());
  std::transform(from.begin(), from.end(), to.begin(), [](double d) { return static_cast<float>(d); });
}

struct golden {
  std::map<std::string, std::vector<double>> tensors = read_golden();
  linear_net net = [this] {
    linear_net m;
    copy_into(m.layer<0>().weight, tensors["0.weight"]);
    copy_into(m.layer<0>().bias, tensors["0.bias"]);
    copy_into(m.layer<1>().weight, tensors["1.weight"]);
    copy_into(m.layer<1>().bias, tensors["1.bias"]);
    copy_into(m.layer<2>().weight, tensors["2.weight"]);
    copy_into(m.layer<2>().bias, tensors["2.bias"]);
    return m;
  }();
  std::array<float, 4> input(std::size_t s) const {
    std::array<float, 4> x{};
    for (std::size_t i = 0; i < 4; ++i) x[i] = static_cast<float>(tensors.at("input")[s * 4 + i]);
    return x;
  }
  double reference(std::size_t s, std::size_t o) const { return tensors.at("output_float64")[s * 3 + o]; }
  double torch_float32(std::size_t s, std::size_t o) const { return tensors.at("output_float32")[s * 3 + o]; }
};

// Largest |a - b| over all samples and outputs, and the largest |reference| for scale.
struct deviation {
  double max_abs = 0.0;
  void add(double a, double b) { max_abs = std::max(max_abs, std::abs(a - b)); }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(collapse_against_torch, golden)

BOOST_AUTO_TEST_CASE(merged_and_unmerged_differ_from_torch_float64_only_by_float_rounding) {
  const auto merged = nl::collapse(net);
  static_assert(decltype(merged)::depth == 1);
  deviation unmerged_vs_torch, merged_vs_torch, merged_vs_unmerged, torch32_vs_torch;
  double scale = 0.0;
  std::size_t differing = 0;
  for (std::size_t s = 0; s < samples; ++s) {
    const auto x = input(s);
    const auto y = net(x);
    const auto y_merged = merged(x);
    for (std::size_t o = 0; o < 3; ++o) {
      scale = std::max(scale, std::abs(reference(s, o)));
      unmerged_vs_torch.add(y[o], reference(s, o));
      merged_vs_torch.add(y_merged[o], reference(s, o));
      merged_vs_unmerged.add(y_merged[o], y[o]);
      differing += y_merged[o] != y[o];
      torch32_vs_torch.add(torch_float32(s, o), reference(s, o));
    }
  }
  const double ulp = scale * 0x1p-23;  // one float ulp at the largest output
  BOOST_TEST_MESSAGE("largest |output| " << scale << ", one ulp there " << ulp);
  BOOST_TEST_MESSAGE("unmerged float vs torch float64: " << unmerged_vs_torch.max_abs);
  BOOST_TEST_MESSAGE("merged float   vs torch float64: " << merged_vs_torch.max_abs);
  BOOST_TEST_MESSAGE("merged vs unmerged (float):      " << merged_vs_unmerged.max_abs << " (" << differing
                                                             << " of " << samples * 3 << " outputs differ)");
  BOOST_TEST_MESSAGE("torch float32  vs torch float64: " << torch32_vs_torch.max_abs);
  // Both forms stay within a few ulp of the exact result, as torch's own float32 does: merging
  // changes which roundings happen, not how many matter.
  BOOST_TEST(unmerged_vs_torch.max_abs <= 4 * ulp);
  BOOST_TEST(merged_vs_torch.max_abs <= 4 * ulp);
  BOOST_TEST(merged_vs_unmerged.max_abs <= 8 * ulp);
  BOOST_TEST(merged_vs_unmerged.max_abs > 0.0, "float rounding makes the two forms differ somewhere");
}

BOOST_AUTO_TEST_CASE(affine_map_is_the_collapse) {
  const auto map = nl::affine_map(net);
  const auto merged = nl::collapse(net);
  BOOST_TEST(map.weight == merged.layer<0>().weight);
  BOOST_TEST(map.bias == merged.layer<0>().bias);
}

BOOST_AUTO_TEST_CASE(forward_evaluates_the_cheaper_form_and_agrees_with_torch) {
  static_assert(std::is_same_v<nl::evaluation_form_t<linear_net>, nl::collapse_t<linear_net>>);
  std::vector<float> in(samples * 4), out(samples * 3);
  for (std::size_t s = 0; s < samples; ++s)
    for (std::size_t i = 0; i < 4; ++i) in[s * 4 + i] = input(s)[i];
  net.forward(in, out);
  double scale = 0.0, worst = 0.0;
  for (std::size_t s = 0; s < samples; ++s)
    for (std::size_t o = 0; o < 3; ++o) {
      scale = std::max(scale, std::abs(reference(s, o)));
      worst = std::max(worst, std::abs(out[s * 3 + o] - reference(s, o)));
    }
  BOOST_TEST_MESSAGE("forward (batch of 64) vs torch float64: " << worst);
  BOOST_TEST(worst <= 4 * scale * 0x1p-23);
}

BOOST_AUTO_TEST_CASE(forward_merges_only_when_the_batch_pays_for_the_merge) {
  // 4-16-16-3: 736 FLOPs per sample layer by layer, 24 merged; building the merged weights costs about
  // as much as a handful of samples save, so one sample runs unmerged and 64 run merged.
  const auto merged = nl::collapse(net);
  std::vector<float> in(samples * 4), out(samples * 3), unmerged_out(samples * 3), merged_out(samples * 3);
  for (std::size_t s = 0; s < samples; ++s)
    for (std::size_t i = 0; i < 4; ++i) in[s * 4 + i] = input(s)[i];

  const std::span<const float> one_in(in.data(), 4);
  net.forward(one_in, std::span<float>(out.data(), 3));
  nl::detail::batch_forward(net, one_in, std::span<float>(unmerged_out.data(), 3));
  for (std::size_t o = 0; o < 3; ++o) BOOST_TEST(out[o] == unmerged_out[o]);

  net.forward(in, out);
  nl::detail::batch_forward(merged, in, merged_out);
  for (std::size_t k = 0; k < out.size(); ++k) BOOST_TEST(out[k] == merged_out[k]);
}

BOOST_AUTO_TEST_SUITE_END()
