// nonlin's activations against PyTorch, from the committed golden files (written by
// tools/golden/make_activation_golden.py; this test never needs torch). Every result must be within
// its bound of torch's float64 result, the reference. It should also agree with torch's float32
// result; where it does not, torch float32 must be the one farther from the reference (elu near 0
// computes e^x − 1, sigmoid' and tanh' come from a rounded output, softmax(z / T) overflows), and
// the disagreements are counted and reported, not hidden.
#define BOOST_TEST_MODULE activations_golden
#include <boost/test/unit_test.hpp>

#include <nonlin/activation/elu.hpp>
#include <nonlin/activation/entropy.hpp>
#include <nonlin/activation/leaky_relu.hpp>
#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/activation/tanh.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace nl = nonlin;

namespace {

std::string golden_path(const std::string& file) {
  return std::string(NONLIN_SOURCE_DIR) + "/tests/golden/activations/" + file;
}

// Lines without comments, split into tokens.
std::vector<std::vector<std::string>> read_lines(const std::string& file) {
  std::ifstream in(golden_path(file));
  BOOST_REQUIRE_MESSAGE(in, "cannot open " << golden_path(file));
  std::vector<std::vector<std::string>> lines;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::vector<std::string> tokens;
    for (std::string w; words >> w;) tokens.push_back(w);
    lines.push_back(tokens);
  }
  return lines;
}

// strtod reads the hex floats the script writes, and inf, -inf, nan.
double parse(const std::string& token) { return std::strtod(token.c_str(), nullptr); }

template <class T>
std::vector<T> parse_all(const std::vector<std::string>& tokens, std::size_t first) {
  std::vector<T> values;
  for (std::size_t i = first; i < tokens.size(); ++i) values.push_back(static_cast<T>(parse(tokens[i])));
  return values;
}

// |got − exact| in ulps of exact (the ulp of a subnormal is 2^-149). NaN only matches NaN, an
// infinity only the same infinity, and a zero must have the reference's sign.
double ulp_error(float got, double exact) {
  constexpr double unbounded = std::numeric_limits<double>::infinity();
  if (std::isnan(exact) || std::isnan(got)) return std::isnan(exact) && std::isnan(got) ? 0 : unbounded;
  if (std::isinf(exact) || std::isinf(got)) return static_cast<double>(got) == exact ? 0 : unbounded;
  if (got == 0 && exact == 0) return std::signbit(got) == std::signbit(exact) ? 0 : unbounded;
  const double magnitude = std::abs(exact);
  const double ulp = magnitude < 0x1p-126 ? 0x1p-149 : std::ldexp(1.0, std::ilogb(magnitude) - 23);
  return std::abs(static_cast<double>(got) - exact) / ulp;
}

// Statistics of one comparison, reported in the test log.
struct tally {
  explicit tally(std::string name) : what(std::move(name)) {}
  tally(const tally&) = delete;
  tally& operator=(const tally&) = delete;

  std::string what;
  double worst_vs_reference = 0;  // nonlin against torch float64
  double worst_vs_torch = 0;      // nonlin against torch float32
  double worst_torch_vs_reference = 0;
  int reference_decided = 0;      // disagreements with torch float32 settled by the reference
  std::string worst_torch_input;

  ~tally() {
    BOOST_TEST_MESSAGE(what << ": worst " << worst_vs_reference << " ULP from torch float64, "
                            << worst_vs_torch << " ULP from torch float32 (torch float32 itself: "
                            << worst_torch_vs_reference << " ULP from float64" << worst_torch_input
                            << "); " << reference_decided << " disagreements decided by float64");
  }
};

// One result: within `bound` ULP of the float64 reference; and within `bound` ULP of torch float32
// unless torch float32 is farther from the reference than nonlin is.
void check(tally& t, float got, float torch32, double reference, double bound, const std::string& where) {
  const double vs_reference = ulp_error(got, reference);
  const double vs_torch = ulp_error(got, torch32);
  const double torch_vs_reference = ulp_error(torch32, reference);
  t.worst_vs_reference = std::max(t.worst_vs_reference, vs_reference);
  if (std::isfinite(vs_torch)) t.worst_vs_torch = std::max(t.worst_vs_torch, vs_torch);
  if (std::isfinite(torch_vs_reference) && torch_vs_reference > t.worst_torch_vs_reference) {
    t.worst_torch_vs_reference = torch_vs_reference;
    t.worst_torch_input = " at " + where;
  }
  BOOST_TEST(vs_reference <= bound, t.what << " at " << where << ": " << got << " is " << vs_reference
                                           << " ULP from the float64 reference " << reference);
  if (vs_torch > bound) {
    ++t.reference_decided;
    BOOST_TEST(torch_vs_reference >= vs_reference,
               t.what << " at " << where << ": " << got << " differs from torch float32 " << torch32
                      << " although torch is closer to the reference " << reference);
  }
}

std::string hex(double x) {
  std::ostringstream s;
  s << std::hexfloat << x;
  return s.str();
}

}  // namespace

namespace {

struct bounds {
  double value;
  double derivative;
  double derivative_from_output;  // against torch's autograd; negative: torch works from x, skip
  bool derivative_of_nan_is_nan_in_torch;
};

// An elementwise activation against its golden file: value, derivative and the derivative computed
// from the output, the way torch's backward computes it.
template <class A>
void check_elementwise(const std::string& file, bounds b) {
  tally values(file + " value");
  tally derivatives(file + " derivative");
  tally from_output(file + " derivative_from_output (against torch's autograd)");
  for (const auto& tokens : read_lines(file)) {
    BOOST_REQUIRE(tokens.size() == 5);
    const float x = static_cast<float>(parse(tokens[0]));
    const float y32 = static_cast<float>(parse(tokens[1]));
    const float dy32 = static_cast<float>(parse(tokens[2]));
    const double y64 = parse(tokens[3]);
    const double dy64 = parse(tokens[4]);
    const std::string where = tokens[0];
    const float y = A::value(x);
    check(values, y, y32, y64, b.value, where);
    // torch's derivative of relu, leaky_relu and elu at NaN is the positive branch (NaN > 0 is
    // false in its "x <= 0" test); nonlin returns NaN, which is documented.
    if (std::isnan(x) && !b.derivative_of_nan_is_nan_in_torch) {
      BOOST_TEST(std::isnan(A::derivative(x)));
      continue;
    }
    check(derivatives, A::derivative(x), dy32, dy64, b.derivative, where);
    // Given torch's own output, nonlin's derivative_from_output is the formula torch's backward
    // uses, so the two should agree; where they do not, nonlin must be the one closer to the true
    // derivative. (nonlin's y itself is held to the float64 reference above.)
    if (b.derivative_from_output < 0) continue;
    const float from_y = A::derivative_from_output(y32);
    const double from_y_error = ulp_error(from_y, dy32);
    from_output.worst_vs_torch = std::max(from_output.worst_vs_torch, from_y_error);
    if (from_y_error > b.derivative_from_output) {
      ++from_output.reference_decided;
      BOOST_TEST(std::abs(from_y - dy64) < std::abs(dy32 - dy64),
                 file << " derivative_from_output at " << where << ": " << from_y << " vs torch " << dy32);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(sigmoid_matches_torch) {
  check_elementwise<nl::sigmoid>("sigmoid.txt", {2, 3, 1, true});
}
BOOST_AUTO_TEST_CASE(tanh_matches_torch) { check_elementwise<nl::tanh>("tanh.txt", {2, 3, 1, true}); }
BOOST_AUTO_TEST_CASE(relu_matches_torch) { check_elementwise<nl::relu>("relu.txt", {0, 0, 0, false}); }
BOOST_AUTO_TEST_CASE(leaky_relu_matches_torch) {
  check_elementwise<nl::leaky_relu<0.01f>>("leaky_relu_0.01.txt", {0.5, 0, 0, false});
  check_elementwise<nl::leaky_relu<0.1f>>("leaky_relu_0.1.txt", {0.5, 0, 0, false});
}
BOOST_AUTO_TEST_CASE(elu_matches_torch) {
  check_elementwise<nl::elu<1.0f>>("elu_1.txt", {2, 2, -1, false});
  check_elementwise<nl::elu<0.3f>>("elu_0.3.txt", {2, 2, -1, false});
}

namespace {

struct softmax_row {
  std::vector<float> z, g, p32, dz32;
  std::vector<double> p64, dz64;
};

std::vector<softmax_row> read_softmax(const std::string& file) {
  const auto lines = read_lines(file);
  BOOST_REQUIRE(lines.size() % 6 == 0);
  std::vector<softmax_row> rows;
  for (std::size_t i = 0; i < lines.size(); i += 6) {
    BOOST_REQUIRE(lines[i][0] == "z");
    softmax_row r;
    r.z = parse_all<float>(lines[i], 2);
    r.g = parse_all<float>(lines[i + 1], 1);
    r.p32 = parse_all<float>(lines[i + 2], 1);
    r.p64 = parse_all<double>(lines[i + 3], 1);
    r.dz32 = parse_all<float>(lines[i + 4], 1);
    r.dz64 = parse_all<double>(lines[i + 5], 1);
    BOOST_REQUIRE(r.z.size() == std::stoul(lines[i][1]));
    rows.push_back(r);
  }
  return rows;
}

std::string describe(const std::vector<float>& z) {
  std::ostringstream s;
  s << "[";
  for (std::size_t i = 0; i < z.size() && i < 4; ++i) s << (i ? ", " : "") << z[i];
  s << (z.size() > 4 ? ", ...]" : "]");
  return s.str();
}

// The backward map needs a compile-time row length: one instantiation per length in the files.
template <float Temperature, std::size_t N>
std::array<float, N> softmax_vjp(const std::vector<float>& p, const std::vector<float>& g) {
  std::array<float, N> pa{}, ga{};
  std::copy(p.begin(), p.end(), pa.begin());
  std::copy(g.begin(), g.end(), ga.begin());
  return nl::softmax<Temperature>::vjp(pa, ga);
}
template <float Temperature, std::size_t... Lengths>
std::vector<float> softmax_vjp_any(const std::vector<float>& p, const std::vector<float>& g,
                                   std::index_sequence<Lengths...>) {
  std::vector<float> result;
  const auto try_length = [&]<std::size_t N>(std::integral_constant<std::size_t, N>) {
    if (p.size() != N) return;
    const auto r = softmax_vjp<Temperature, N>(p, g);
    result.assign(r.begin(), r.end());
  };
  (try_length(std::integral_constant<std::size_t, Lengths>{}), ...);
  BOOST_REQUIRE_MESSAGE(result.size() == p.size(), "no vjp instantiation for length " << p.size());
  return result;
}

template <float Temperature>
void check_softmax(const std::string& file) {
  tally probabilities(file + " softmax");
  double worst_vjp = 0;  // in units of the error bound below
  for (const auto& row : read_softmax(file)) {
    std::vector<float> p(row.z.size());
    nl::softmax<Temperature>::apply(row.z, p);
    for (std::size_t i = 0; i < p.size(); ++i) {
      check(probabilities, p[i], row.p32[i], row.p64[i], 3,
            describe(row.z) + " element " + std::to_string(i));
    }
    // vjp: g − ⟨g, p⟩ may cancel, so the bound is absolute: a few float roundings of the terms.
    const auto dz = softmax_vjp_any<Temperature>(p, row.g, std::index_sequence<1, 3, 4, 10, 17, 33, 40>{});
    double scale = 0, largest_g = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      scale += std::abs(static_cast<double>(p[i]) * row.g[i]);
      largest_g = std::max(largest_g, static_cast<double>(std::abs(row.g[i])));
    }
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (std::isnan(row.dz64[i])) {
        BOOST_TEST(std::isnan(dz[i]), file << " vjp of " << describe(row.z) << " should be NaN");
        continue;
      }
      // The second term: a subnormal p_i is only known to within its last bit, 2^-149.
      const double bound = (8 * 0x1p-24 * std::abs(p[i]) * (std::abs(row.g[i]) + scale) +
                            2 * 0x1p-149 * (std::abs(row.g[i]) + largest_g)) / Temperature + 0x1p-149;
      const double error = std::abs(dz[i] - row.dz64[i]);
      worst_vjp = std::max(worst_vjp, error / bound);
      BOOST_TEST(error <= bound, file << " vjp of " << describe(row.z) << " element " << i << ": "
                                      << dz[i] << " vs " << row.dz64[i]);
    }
  }
  BOOST_TEST_MESSAGE(file << " vjp: worst error " << worst_vjp << " of its bound");
}

}  // namespace

BOOST_AUTO_TEST_CASE(softmax_matches_torch_at_every_temperature) {
  check_softmax<0.01f>("softmax_T0.01.txt");
  check_softmax<0.5f>("softmax_T0.5.txt");
  check_softmax<1.0f>("softmax_T1.txt");
  check_softmax<2.0f>("softmax_T2.txt");
  check_softmax<5.0f>("softmax_T5.txt");
}

BOOST_AUTO_TEST_CASE(entropy_of_torch_probabilities) {
  // The float64 probabilities rounded to float, against their float64 entropy.
  for (const char* file : {"softmax_T0.5.txt", "softmax_T1.txt", "softmax_T5.txt"}) {
    for (const auto& row : read_softmax(file)) {
      if (std::any_of(row.p64.begin(), row.p64.end(), [](double x) { return std::isnan(x); })) continue;
      std::vector<float> p(row.p64.begin(), row.p64.end());
      double exact = 0;
      for (float pi : p) exact -= pi > 0 ? pi * std::log(static_cast<double>(pi)) : 0.0;
      BOOST_TEST(ulp_error(nl::entropy(p), exact) <= 1, file << " " << describe(row.z) << ": "
                                                           << hex(nl::entropy(p)) << " vs " << hex(exact));
    }
  }
}
