// NaN, +inf and −inf through nonlin's networks against PyTorch: one sample at a time (m(x)) and as a
// batch (m.forward: a single row, the golden rows, and the rows repeated to 37 and 200 samples, which
// run the SIMD tiles), for every activation and for softmax rows. The golden data is
// tests/golden/nonfinite/networks.json, written by tools/golden/make_nonfinite_golden.py; this test
// never needs torch. docs/nonfinite.md is the table of what each case gives.
#define BOOST_TEST_MODULE nonfinite
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <nonlin/activation/elu.hpp>
#include <nonlin/activation/leaky_relu.hpp>
#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/describe.hpp>
#include <nonlin/expr/collapse.hpp>
#include <nonlin/network.hpp>

namespace nl = nonlin;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr float inf = std::numeric_limits<float>::infinity();

// ---- the golden file ---------------------------------------------------------------------------

const json& golden() {
  static const json networks = [] {
    const fs::path path = fs::path(NONLIN_SOURCE_DIR) / "tests" / "golden" / "nonfinite" / "networks.json";
    std::ifstream in(path);
    BOOST_TEST_REQUIRE(static_cast<bool>(in), "cannot open " << path);
    return json::parse(in).at("networks");
  }();
  return networks;
}

// A JSON number, or one of the strings the script writes for the values JSON has no number for.
float number(const json& v) {
  if (v.is_number()) return v.get<float>();  // the value is a float32, so the double converts exactly
  const auto s = v.get<std::string>();
  if (s == "nan") return std::numeric_limits<float>::quiet_NaN();
  if (s == "inf") return inf;
  if (s == "-inf") return -inf;
  BOOST_FAIL("not a number in the golden file: " << s);
  return 0;
}

std::vector<float> numbers(const json& rows) {
  std::vector<float> v;
  for (const auto& row : rows)
    for (const auto& x : row) v.push_back(number(x));
  return v;
}

struct golden_network {
  std::size_t rows = 0;
  std::vector<float> inputs, outputs;  // row-major, as forward takes them
};

template <class Net>
Net load(const std::string& key, golden_network& data) {
  const json& g = golden().at(key);
  Net m;
  std::size_t k = 0;
  nl::for_each_layer(m, [&](auto& layer) {
    const json& l = g.at("layers").at(k++);
    const auto w = numbers(l.at("weight"));
    const auto b = numbers(l.at("bias"));
    BOOST_TEST_REQUIRE(w.size() == layer.weight.size());
    BOOST_TEST_REQUIRE(b.size() == layer.bias.size());
    std::copy(w.begin(), w.end(), layer.weight.begin());
    std::copy(b.begin(), b.end(), layer.bias.begin());
  });
  BOOST_TEST_REQUIRE(k == g.at("layers").size());
  data.rows = g.at("inputs").size();
  data.inputs = numbers(g.at("inputs"));
  data.outputs = numbers(g.at("outputs"));
  BOOST_TEST_REQUIRE(data.inputs.size() == data.rows * Net::inputs);
  BOOST_TEST_REQUIRE(data.outputs.size() == data.rows * Net::outputs);
  return m;
}

// ---- the networks, keyed as in the JSON ----------------------------------------------------------

template <class Activation>
using single_2_3 = nl::network<nl::input<2>, nl::dense<3, Activation>>;
template <class Activation>
using tanh_then_2_3_2 = nl::network<nl::input<2>, nl::dense<3, nl::tanh>, nl::dense<2, Activation>>;

using identity_2_3 = single_2_3<nl::identity>;
using relu_2_3 = single_2_3<nl::relu>;
using leaky_relu_2_3 = single_2_3<nl::leaky_relu<0.1f>>;
using elu_2_3 = single_2_3<nl::elu<1.0f>>;
using sigmoid_2_3 = single_2_3<nl::sigmoid>;
using tanh_2_3 = single_2_3<nl::tanh>;
using tanh_identity_2_3_2 = tanh_then_2_3_2<nl::identity>;
using tanh_relu_2_3_2 = tanh_then_2_3_2<nl::relu>;
using tanh_leaky_relu_2_3_2 = tanh_then_2_3_2<nl::leaky_relu<0.1f>>;
using tanh_elu_2_3_2 = tanh_then_2_3_2<nl::elu<1.0f>>;
using tanh_sigmoid_2_3_2 = tanh_then_2_3_2<nl::sigmoid>;
using tanh_tanh_2_3_2 = tanh_then_2_3_2<nl::tanh>;
using identity_identity_2_3_2 = nl::network<nl::input<2>, nl::dense<3>, nl::dense<2>>;
using softmax_3_4 = nl::network<nl::input<3>, nl::dense<4, nl::softmax<>>>;
using softmax_masked_2_3 = nl::network<nl::input<2>, nl::dense<3, nl::softmax<>>>;
using tanh_softmax_2_3_3 = nl::network<nl::input<2>, nl::dense<3, nl::tanh>, nl::dense<3, nl::softmax<>>>;
using wide_leaky_relu_17_20 = nl::network<nl::input<17>, nl::dense<20, nl::leaky_relu<0.1f>>>;
using wide_tanh_softmax_17_20_10 =
    nl::network<nl::input<17>, nl::dense<20, nl::tanh>, nl::dense<10, nl::softmax<>>>;

template <class Net>
struct golden_type {
  using network = Net;
  const char* key;
};

const auto golden_types = std::tuple{
    golden_type<identity_2_3>{"identity_2_3"},
    golden_type<relu_2_3>{"relu_2_3"},
    golden_type<leaky_relu_2_3>{"leaky_relu_2_3"},
    golden_type<elu_2_3>{"elu_2_3"},
    golden_type<sigmoid_2_3>{"sigmoid_2_3"},
    golden_type<tanh_2_3>{"tanh_2_3"},
    golden_type<tanh_identity_2_3_2>{"tanh_identity_2_3_2"},
    golden_type<tanh_relu_2_3_2>{"tanh_relu_2_3_2"},
    golden_type<tanh_leaky_relu_2_3_2>{"tanh_leaky_relu_2_3_2"},
    golden_type<tanh_elu_2_3_2>{"tanh_elu_2_3_2"},
    golden_type<tanh_sigmoid_2_3_2>{"tanh_sigmoid_2_3_2"},
    golden_type<tanh_tanh_2_3_2>{"tanh_tanh_2_3_2"},
    golden_type<identity_identity_2_3_2>{"identity_identity_2_3_2"},
    golden_type<softmax_3_4>{"softmax_3_4"},
    golden_type<softmax_masked_2_3>{"softmax_masked_2_3"},
    golden_type<tanh_softmax_2_3_3>{"tanh_softmax_2_3_3"},
    golden_type<wide_leaky_relu_17_20>{"wide_leaky_relu_17_20"},
    golden_type<wide_tanh_softmax_17_20_10>{"wide_tanh_softmax_17_20_10"},
};

template <class F>
void for_each_golden_type(F f) {
  std::apply([&](const auto&... t) { (f(t), ...); }, golden_types);
}

// forward merges a run of identity layers into one layer (W' = W2·W1) once the batch saves more than
// the merge costs (eval/forward.hpp): for identity_identity_2_3_2 from 13 samples on, when every input
// is finite. The merged layer would not see the NaN that 0 · inf makes inside the run; see the test at
// the end.
template <class Net>
constexpr bool merges_in_large_batches = !std::is_same_v<nl::evaluation_form_t<Net>, Net>;

// ---- comparing ---------------------------------------------------------------------------------

enum class kind { nan, plus_inf, minus_inf, finite };

kind classify(float v) {
  return std::isnan(v) ? kind::nan : v == inf ? kind::plus_inf : v == -inf ? kind::minus_inf : kind::finite;
}

std::string text(float v) {
  std::ostringstream s;
  s << v;
  if (std::isfinite(v)) s << " (" << std::hexfloat << v << ")";
  return s.str();
}

std::string row_text(const std::vector<float>& values, std::size_t row, std::size_t width) {
  std::ostringstream s;
  s << "[";
  for (std::size_t i = 0; i < width && i < 6; ++i) s << (i ? ", " : "") << values[row * width + i];
  s << (width > 6 ? ", ...]" : "]");
  return s.str();
}

std::int64_t ordered(float v) {
  const auto bits = static_cast<std::int64_t>(std::bit_cast<std::int32_t>(v));
  return bits < 0 ? std::int64_t{std::numeric_limits<std::int32_t>::min()} - bits : bits;
}

// The claim for one output: NaN where torch gives NaN, the same infinity where torch gives one, and a
// finite value within 4 ULP of torch's or 1e-6 of it absolutely (for values near zero, where a
// different order of the sums leaves a few ULP of a tiny number).
bool agrees(float got, float torch) {
  if (classify(got) != classify(torch)) return false;
  if (classify(torch) != kind::finite) return true;
  return std::abs(ordered(got) - ordered(torch)) <= 4 || std::abs(double{got} - double{torch}) <= 1e-6;
}

// The rows repeated cyclically to `count` samples: a batch long enough for the SIMD tiles.
std::vector<float> repeated(const std::vector<float>& rows, std::size_t width, std::size_t count) {
  std::vector<float> v(count * width);
  const std::size_t n = rows.size() / width;
  for (std::size_t s = 0; s < count; ++s)
    std::copy_n(rows.begin() + static_cast<std::ptrdiff_t>(s % n * width), width,
                v.begin() + static_cast<std::ptrdiff_t>(s * width));
  return v;
}

template <class Net>
std::vector<float> single_samples(const Net& m, const std::vector<float>& inputs) {
  constexpr std::size_t ni = Net::inputs, no = Net::outputs;
  const std::size_t rows = inputs.size() / ni;
  std::vector<float> out(rows * no);
  for (std::size_t r = 0; r < rows; ++r) {
    std::array<float, ni> x;
    std::copy_n(inputs.begin() + static_cast<std::ptrdiff_t>(r * ni), ni, x.begin());
    const auto y = m(x);
    std::copy(y.begin(), y.end(), out.begin() + static_cast<std::ptrdiff_t>(r * no));
  }
  return out;
}

template <class Net>
std::vector<float> batch(const Net& m, const std::vector<float>& inputs) {
  std::vector<float> out(inputs.size() / Net::inputs * Net::outputs);
  m.forward(inputs, out);
  return out;
}

// forward on a batch of one sample per call: the register kernel's tail (or the blocked kernel's
// one-pack tile), and never a merged identity run.
template <class Net>
std::vector<float> batches_of_one(const Net& m, const std::vector<float>& inputs) {
  constexpr std::size_t ni = Net::inputs, no = Net::outputs;
  std::vector<float> out(inputs.size() / ni * no);
  for (std::size_t r = 0; r < inputs.size() / ni; ++r)
    m.forward(std::span<const float>(inputs).subspan(r * ni, ni), std::span<float>(out).subspan(r * no, no));
  return out;
}

// Compares `got` (samples cycling through the golden rows) with torch, output by output, and reports
// each disagreement.
void compare(const std::string& what, const golden_network& g, std::size_t ni, std::size_t no,
                    const std::vector<float>& got) {
  for (std::size_t i = 0; i < got.size(); ++i) {
    const std::size_t sample = i / no, row = sample % g.rows, j = i % no;
    const float torch = g.outputs[row * no + j];
    if (agrees(got[i], torch)) continue;
    BOOST_ERROR(what << ", sample " << sample << " (input " << row_text(g.inputs, row, ni) << "), output " << j
                     << ": nonlin " << text(got[i]) << ", torch " << text(torch));
  }
}

struct evaluations {
  golden_network golden;
  std::vector<float> single, one_at_a_time, rows, tiles_37, tiles_200;
};

template <class Net>
evaluations evaluate(const std::string& key) {
  evaluations e;
  const Net m = load<Net>(key, e.golden);
  e.single = single_samples(m, e.golden.inputs);
  e.one_at_a_time = batches_of_one(m, e.golden.inputs);
  e.rows = batch(m, e.golden.inputs);
  e.tiles_37 = batch(m, repeated(e.golden.inputs, Net::inputs, 37));
  e.tiles_200 = batch(m, repeated(e.golden.inputs, Net::inputs, 200));
  return e;
}

// Every evaluation of `key` against torch: m(x), forward of one sample, of the golden rows and of 37
// and 200 samples (the last three only where forward evaluates layer by layer, as torch does).
template <class Net>
void check_against_torch(const std::string& key) {
  const auto e = evaluate<Net>(key);
  constexpr std::size_t ni = Net::inputs, no = Net::outputs;
  compare(key + " m(x)", e.golden, ni, no, e.single);
  compare(key + " forward of one sample", e.golden, ni, no, e.one_at_a_time);
  if constexpr (!merges_in_large_batches<Net>) {
    compare(key + " forward of " + std::to_string(e.golden.rows) + " samples", e.golden, ni, no, e.rows);
    compare(key + " forward of 37 samples", e.golden, ni, no, e.tiles_37);
    compare(key + " forward of 200 samples", e.golden, ni, no, e.tiles_200);
  }
}

// ---- what the activations give, read off the golden networks -------------------------------------

// For a single-layer network act_2_3, the pre-activations are identity_2_3's outputs (the same
// weights). Every output whose pre-activation is `pre` must be `expected` in torch, in m(x) and in
// forward (golden rows and 200 samples). Returns how many outputs had that pre-activation.
template <class Net>
std::size_t check_activation_of(const std::string& key, float pre, float expected) {
  for (const char* part : {"weight", "bias"})
    BOOST_TEST_REQUIRE(golden().at(key).at("layers").at(0).at(part) == golden().at("identity_2_3").at("layers").at(0).at(part),
                       key << " and identity_2_3 must have the same " << part);
  const auto e = evaluate<Net>(key);
  const auto pre_activation = evaluate<identity_2_3>("identity_2_3");
  // NaN is any NaN; a zero must have the sign of the expected zero (relu(−inf) and σ(−inf) are +0).
  const auto same = [](float a, float b) {
    return std::isnan(a) ? std::isnan(b) : a == b && std::signbit(a) == std::signbit(b);
  };
  std::size_t count = 0;
  for (std::size_t i = 0; i < pre_activation.golden.outputs.size(); ++i) {
    if (!same(pre_activation.golden.outputs[i], pre)) continue;
    ++count;
    BOOST_TEST(same(pre_activation.single[i], pre), "nonlin's pre-activation differs from torch's at " << i);
    BOOST_TEST(same(e.golden.outputs[i], expected), key << " torch of " << pre << ": " << e.golden.outputs[i]);
    BOOST_TEST(same(e.single[i], expected), key << " m(x) of " << pre << ": " << e.single[i]);
    BOOST_TEST(same(e.rows[i], expected), key << " forward of " << pre << ": " << e.rows[i]);
    BOOST_TEST(same(e.tiles_200[i], expected), key << " forward (200) of " << pre << ": " << e.tiles_200[i]);
  }
  BOOST_TEST(count > 0u, "the golden inputs never give the pre-activation " << pre);
  return count;
}

template <class Net>
void check_activation(const std::string& key, float of_nan, float of_plus_inf, float of_minus_inf) {
  const std::size_t n = check_activation_of<Net>(key, std::numeric_limits<float>::quiet_NaN(), of_nan);
  const std::size_t p = check_activation_of<Net>(key, inf, of_plus_inf);
  const std::size_t m = check_activation_of<Net>(key, -inf, of_minus_inf);
  BOOST_TEST_MESSAGE(key << ": NaN -> " << of_nan << " (" << n << " outputs), +inf -> " << of_plus_inf << " (" << p
                         << "), -inf -> " << of_minus_inf << " (" << m << "), in torch, m(x) and forward");
}

}  // namespace

// ---- the golden file and the types ----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(every_golden_network_has_a_nonlin_type_and_every_type_a_golden_network) {
  std::set<std::string> keys;
  for_each_golden_type([&](const auto& t) {
    using Net = typename std::remove_cvref_t<decltype(t)>::network;
    keys.insert(t.key);
    BOOST_TEST_REQUIRE(golden().contains(t.key), "no golden network " << t.key);
    // The type the script describes is the type the test builds.
    BOOST_TEST(golden().at(t.key).at("type").template get<std::string>() == nl::detail::network_type_name<Net>("nl::"));
  });
  for (const auto& [key, value] : golden().items()) BOOST_TEST(keys.count(key) == 1u, "no C++ type for " << key);
}

// ---- every network, every path ----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(every_network_matches_torch_for_nan_and_infinite_inputs_in_m_of_x_and_forward) {
  for_each_golden_type([&](const auto& t) {
    check_against_torch<typename std::remove_cvref_t<decltype(t)>::network>(t.key);
  });
}

BOOST_AUTO_TEST_CASE(one_sample_and_a_batch_give_the_same_nan_and_infinity_pattern) {
  for_each_golden_type([&](const auto& t) {
    using Net = typename std::remove_cvref_t<decltype(t)>::network;
    const auto e = evaluate<Net>(t.key);
    std::size_t different_bits = 0;
    for (const auto* batch : {&e.one_at_a_time, &e.rows, &e.tiles_37, &e.tiles_200}) {
      // A merged identity run's large batches are the last test's case.
      if (merges_in_large_batches<Net> && batch != &e.one_at_a_time) continue;
      for (std::size_t i = 0; i < batch->size(); ++i) {
        const float one = e.single[i % e.single.size()], many = (*batch)[i];
        BOOST_TEST(agrees(many, one), t.key << " output " << i << ": m(x) " << text(one) << ", forward " << text(many));
        different_bits += std::bit_cast<std::uint32_t>(one) != std::bit_cast<std::uint32_t>(many) &&
                          !(std::isnan(one) && std::isnan(many));
      }
    }
    // Narrow layers sum in the same order in both; m(x) reads a 17-input layer as dot products.
    BOOST_TEST_MESSAGE(t.key << ": m(x) and forward differ in the bits of " << different_bits << " finite outputs");
  });
}

// ---- each activation ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(identity_passes_nan_and_infinities_through_as_torch_does) {
  check_activation<identity_2_3>("identity_2_3", NAN, inf, -inf);
}

BOOST_AUTO_TEST_CASE(relu_of_nan_is_nan_of_inf_is_inf_and_of_minus_inf_is_zero_as_in_torch) {
  check_activation<relu_2_3>("relu_2_3", NAN, inf, 0.0f);
}

BOOST_AUTO_TEST_CASE(leaky_relu_of_nan_is_nan_and_keeps_both_infinities_as_in_torch) {
  check_activation<leaky_relu_2_3>("leaky_relu_2_3", NAN, inf, -inf);
}

BOOST_AUTO_TEST_CASE(elu_of_nan_is_nan_of_inf_is_inf_and_of_minus_inf_is_minus_alpha_as_in_torch) {
  check_activation<elu_2_3>("elu_2_3", NAN, inf, -1.0f);
}

BOOST_AUTO_TEST_CASE(sigmoid_of_nan_is_nan_of_inf_is_one_and_of_minus_inf_is_zero_as_in_torch) {
  check_activation<sigmoid_2_3>("sigmoid_2_3", NAN, 1.0f, 0.0f);
}

BOOST_AUTO_TEST_CASE(tanh_of_nan_is_nan_and_of_infinities_is_plus_or_minus_one_as_in_torch) {
  check_activation<tanh_2_3>("tanh_2_3", NAN, 1.0f, -1.0f);
}

BOOST_AUTO_TEST_CASE(a_zero_weight_times_an_infinite_input_is_nan_as_in_torch) {
  // identity_2_3's W = [[1, 0], [0.5, −1], [0, −0.25]]: output 0 for x1 = ±inf, output 2 for x0 = ±inf.
  const auto e = evaluate<identity_2_3>("identity_2_3");
  std::size_t count = 0;
  for (std::size_t r = 0; r < e.golden.rows; ++r) {
    const float x0 = e.golden.inputs[2 * r], x1 = e.golden.inputs[2 * r + 1];
    for (const auto& [j, x] : {std::pair{std::size_t{0}, x1}, std::pair{std::size_t{2}, x0}}) {
      if (!std::isinf(x)) continue;
      ++count;
      const std::size_t i = 3 * r + j;
      BOOST_TEST(std::isnan(e.golden.outputs[i]));
      BOOST_TEST(std::isnan(e.single[i]));
      BOOST_TEST(std::isnan(e.rows[i]));
      BOOST_TEST(std::isnan(e.tiles_200[i]));
    }
  }
  BOOST_TEST(count > 0u);
}

BOOST_AUTO_TEST_CASE(tanh_saturates_an_infinite_input_so_the_next_layer_is_finite_as_in_torch) {
  // The hidden layer's weights on x0 are all non-zero: x0 = ±inf with x1 finite makes every hidden
  // unit ±1, and every output of the next layer finite (softmax included).
  const auto check = [](const evaluations& e, const std::string& key, std::size_t no) {
    std::size_t count = 0;
    for (std::size_t r = 0; r < e.golden.rows; ++r) {
      if (!std::isinf(e.golden.inputs[2 * r]) || !std::isfinite(e.golden.inputs[2 * r + 1])) continue;
      for (std::size_t j = 0; j < no; ++j, ++count) {
        BOOST_TEST(std::isfinite(e.golden.outputs[r * no + j]), key);
        BOOST_TEST(std::isfinite(e.single[r * no + j]), key);
        BOOST_TEST(std::isfinite(e.tiles_200[r * no + j]), key);
      }
    }
    BOOST_TEST(count > 0u, key);
  };
  check(evaluate<tanh_identity_2_3_2>("tanh_identity_2_3_2"), "tanh_identity_2_3_2", 2);
  check(evaluate<tanh_relu_2_3_2>("tanh_relu_2_3_2"), "tanh_relu_2_3_2", 2);
  check(evaluate<tanh_leaky_relu_2_3_2>("tanh_leaky_relu_2_3_2"), "tanh_leaky_relu_2_3_2", 2);
  check(evaluate<tanh_elu_2_3_2>("tanh_elu_2_3_2"), "tanh_elu_2_3_2", 2);
  check(evaluate<tanh_sigmoid_2_3_2>("tanh_sigmoid_2_3_2"), "tanh_sigmoid_2_3_2", 2);
  check(evaluate<tanh_tanh_2_3_2>("tanh_tanh_2_3_2"), "tanh_tanh_2_3_2", 2);
  check(evaluate<tanh_softmax_2_3_3>("tanh_softmax_2_3_3"), "tanh_softmax_2_3_3", 3);
}

// ---- softmax rows ---------------------------------------------------------------------------------

namespace {

enum class logit_row { has_nan, has_plus_inf, only_minus_inf, minus_inf_next_to_finite, finite };

// What torch.softmax looks at, in its order: a NaN anywhere, then +inf, then all −inf.
logit_row classify_row(std::span<const float> z) {
  if (std::any_of(z.begin(), z.end(), [](float v) { return std::isnan(v); })) return logit_row::has_nan;
  if (std::any_of(z.begin(), z.end(), [](float v) { return v == inf; })) return logit_row::has_plus_inf;
  const auto minus_inf = std::count(z.begin(), z.end(), -inf);
  if (minus_inf == static_cast<std::ptrdiff_t>(z.size())) return logit_row::only_minus_inf;
  return minus_inf > 0 ? logit_row::minus_inf_next_to_finite : logit_row::finite;
}

// A softmax network's rows sorted by their logits, which the same weights without softmax give (the
// weights are dyadic, so nonlin's logits are exact); for each row, `check(row case, outputs)` on
// torch's, m(x)'s and forward's outputs. Returns how many rows of each case there were.
template <class Net, class Logits>
std::array<std::size_t, 5> check_softmax_rows(const std::string& key, auto check) {
  const auto e = evaluate<Net>(key);
  Logits logits;
  golden_network unused;
  logits.template layer<0>().weight = load<Net>(key, unused).template layer<0>().weight;
  logits.template layer<0>().bias = load<Net>(key, unused).template layer<0>().bias;
  const auto z = single_samples(logits, e.golden.inputs);
  constexpr std::size_t no = Net::outputs;
  std::array<std::size_t, 5> counts{};
  for (std::size_t r = 0; r < e.golden.rows; ++r) {
    const auto row = classify_row(std::span<const float>(z).subspan(r * no, no));
    ++counts[static_cast<std::size_t>(row)];
    const auto at = [&](const std::vector<float>& v) { return std::span<const float>(v).subspan(r * no, no); };
    const std::string where = key + " input " + row_text(e.golden.inputs, r, Net::inputs) + ", logits " +
                              row_text(z, r, no);
    check(row, at(e.golden.outputs), where + ", torch");
    check(row, at(e.single), where + ", m(x)");
    check(row, at(e.rows), where + ", forward");
    check(row, at(e.tiles_200), where + ", forward of 200");
  }
  return counts;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_softmax_row_with_nan_or_plus_inf_or_only_minus_inf_is_all_nan_as_in_torch) {
  const auto all_nan = [](logit_row row, std::span<const float> p, const std::string& where) {
    if (row == logit_row::has_nan || row == logit_row::has_plus_inf || row == logit_row::only_minus_inf)
      BOOST_TEST(std::all_of(p.begin(), p.end(), [](float v) { return std::isnan(v); }), where);
  };
  const auto a = check_softmax_rows<softmax_3_4, nl::network<nl::input<3>, nl::dense<4>>>("softmax_3_4", all_nan);
  const auto b = check_softmax_rows<softmax_masked_2_3, nl::network<nl::input<2>, nl::dense<3>>>(
      "softmax_masked_2_3", all_nan);
  for (std::size_t c = 0; c < 3; ++c) BOOST_TEST(a[c] + b[c] > 0u, "no softmax row of case " << c);
  BOOST_TEST_MESSAGE("softmax rows with NaN: " << a[0] + b[0] << ", with +inf: " << a[1] + b[1]
                                               << ", only -inf: " << a[2] + b[2]);
}

BOOST_AUTO_TEST_CASE(a_minus_inf_logit_next_to_finite_ones_gets_probability_zero_as_in_torch) {
  // From a finite input of −3e38 times 2 (softmax_3_4) and from a bias of −inf, a masked class
  // (softmax_masked_2_3): the other probabilities are finite and sum to 1.
  const auto zero = [](logit_row row, std::span<const float> p, const std::string& where) {
    if (row != logit_row::minus_inf_next_to_finite && row != logit_row::finite) return;
    double sum = 0;
    for (float v : p) {
      BOOST_TEST(std::isfinite(v), where);
      sum += v;
    }
    BOOST_TEST(std::abs(sum - 1) <= 1e-6, where);
  };
  const auto a = check_softmax_rows<softmax_3_4, nl::network<nl::input<3>, nl::dense<4>>>("softmax_3_4", zero);
  const auto b = check_softmax_rows<softmax_masked_2_3, nl::network<nl::input<2>, nl::dense<3>>>(
      "softmax_masked_2_3", zero);
  BOOST_TEST(a[3] > 0u);
  BOOST_TEST(b[3] > 0u);
  // Which probability is 0: the masked class, for every finite input.
  const auto e = evaluate<softmax_masked_2_3>("softmax_masked_2_3");
  for (std::size_t r = 0; r < e.golden.rows; ++r) {
    if (!std::isfinite(e.golden.inputs[2 * r]) || !std::isfinite(e.golden.inputs[2 * r + 1])) continue;
    BOOST_TEST(e.golden.outputs[3 * r + 1] == 0.0f);
    BOOST_TEST(e.single[3 * r + 1] == 0.0f);
    BOOST_TEST(e.tiles_200[3 * r + 1] == 0.0f);
  }
  BOOST_TEST_MESSAGE("softmax rows with -inf next to finite logits: " << a[3] + b[3]);
}

// ---- the identity run forward merges --------------------------------------------------------------

BOOST_AUTO_TEST_CASE(an_identity_run_matches_torch_in_m_of_x_and_in_forward_of_a_small_batch) {
  static_assert(merges_in_large_batches<identity_identity_2_3_2>);
  check_against_torch<identity_identity_2_3_2>("identity_identity_2_3_2");  // m(x) and one sample
}

// torch, and nonlin's m(x), evaluate dense<3> -> dense<2> layer by layer: the hidden layer of an input
// with an infinity holds inf − inf or 0 · inf (W1 = [[1, 0], [0.5, −1], [−0.75, 0.25]]), so every
// output is NaN. forward merges the run into W'x + b' for large batches (W' = W2·W1 =
// [[−0.375, 0.5], [1.125, −1.625]]; eval/forward.hpp), the same function for finite inputs only: the
// merged layer never forms the hidden infinities and would give ±inf. So a batch holding a non-finite
// input runs layer by layer, and gives torch's NaN at every size.
BOOST_AUTO_TEST_CASE(a_large_batch_with_an_infinite_input_runs_the_identity_run_layer_by_layer_as_torch) {
  golden_network g;
  const auto m = load<identity_identity_2_3_2>("identity_identity_2_3_2", g);
  const auto e = evaluate<identity_identity_2_3_2>("identity_identity_2_3_2");
  for (const auto* outputs : {&e.rows, &e.tiles_37, &e.tiles_200}) {
    for (std::size_t i = 0; i < outputs->size(); ++i) {
      const std::size_t r = i / 2 % g.rows, j = r * 2 + i % 2;
      BOOST_TEST(agrees((*outputs)[i], g.outputs[j]), "forward of " << outputs->size() / 2 << " samples, input "
                                                       << row_text(g.inputs, r, 2) << ": " << (*outputs)[i]
                                                       << ", torch " << g.outputs[j]);
    }
  }
  // For example x = (0.5, inf): torch, m(x) and a forward of 200 samples give (NaN, NaN); the merged
  // layer alone (nl::collapse) gives (+inf, −inf).
  const std::size_t row = [&] {
    for (std::size_t r = 0; r < g.rows; ++r)
      if (g.inputs[2 * r] == 0.5f && g.inputs[2 * r + 1] == inf) return r;
    BOOST_FAIL("no input (0.5, inf) in the golden file");
    return std::size_t{0};
  }();
  BOOST_TEST((std::isnan(g.outputs[2 * row]) && std::isnan(g.outputs[2 * row + 1])));
  BOOST_TEST((std::isnan(e.tiles_200[2 * row]) && std::isnan(e.tiles_200[2 * row + 1])));
  const auto merged = single_samples(nl::collapse(m), g.inputs);
  BOOST_TEST(merged[2 * row] == inf);
  BOOST_TEST(merged[2 * row + 1] == -inf);
  // A large batch of finite inputs is merged, and gives torch's values to rounding.
  std::vector<float> finite_in, finite_torch;
  for (std::size_t r = 0; r < g.rows; ++r) {
    if (!std::isfinite(g.inputs[2 * r]) || !std::isfinite(g.inputs[2 * r + 1])) continue;
    finite_in.insert(finite_in.end(), {g.inputs[2 * r], g.inputs[2 * r + 1]});
    finite_torch.insert(finite_torch.end(), {g.outputs[2 * r], g.outputs[2 * r + 1]});
  }
  std::vector<float> big_in, big_torch;
  while (big_in.size() / 2 < 200) {
    big_in.insert(big_in.end(), finite_in.begin(), finite_in.end());
    big_torch.insert(big_torch.end(), finite_torch.begin(), finite_torch.end());
  }
  std::vector<float> big_out(big_in.size());
  m.forward(big_in, big_out);
  for (std::size_t i = 0; i < big_out.size(); ++i) BOOST_TEST(agrees(big_out[i], big_torch[i]));
}
