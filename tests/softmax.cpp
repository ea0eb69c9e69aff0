// The contract of nonlin::softmax and nonlin::entropy: what a softmax row is (a probability
// distribution), what the temperature changes (its spread, measured by entropy) and what it does
// not (argmax, sum), and how special rows behave (as torch.softmax).
#define BOOST_TEST_MODULE softmax
#include <boost/test/unit_test.hpp>

#include <nonlin/activation/entropy.hpp>
#include <nonlin/activation/softmax.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace nl = nonlin;

namespace {

constexpr float infinity = std::numeric_limits<float>::infinity();
constexpr float not_a_number = std::numeric_limits<float>::quiet_NaN();
constexpr std::array temperatures{0.01f, 0.1f, 0.5f, 1.0f, 2.0f, 5.0f, 10.0f, 100.0f};

// Rows of many lengths (so that both the vectorised body and the tail are exercised) and spreads.
std::vector<std::vector<float>> random_rows(unsigned seed, int count) {
  std::mt19937 gen(seed);
  std::vector<std::vector<float>> rows;
  for (int r = 0; r < count; ++r) {
    const std::size_t n = 1 + gen() % 100;
    std::normal_distribution<float> logit(0.0f, 0.5f + static_cast<float>(r % 7) * 4.0f);
    std::vector<float> row(n);
    for (float& z : row) z = logit(gen);
    rows.push_back(row);
  }
  return rows;
}

std::vector<float> softmax_of(const std::vector<float>& logits, float temperature) {
  std::vector<float> p(logits.size());
  nl::softmax<>::apply(logits, p, temperature);
  return p;
}

std::size_t argmax(const std::vector<float>& v) {
  return static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

// Distance in units in the last place between two floats of the same sign.
std::int64_t ulp_distance(float a, float b) {
  return std::abs(static_cast<std::int64_t>(std::bit_cast<std::int32_t>(a)) -
                  std::bit_cast<std::int32_t>(b));
}

}  // namespace

// Compile time: softmax and entropy are constant expressions. (ln 2 / 2 = 0.3465..., so at T = 0.5
// the second probability is 2/3.)
static_assert(nl::softmax<>::value(std::array{0.0, 0.0})[0] == 0.5);
static_assert(nl::softmax<>::value(std::array{0.0f, 0.0f, 0.0f, 0.0f})[3] == 0.25f);
static_assert(nl::softmax<0.5f>::value(std::array{3.0, 3.0 + 0.34657359027997264})[1] > 0.6666666);
static_assert(nl::softmax<0.5f>::value(std::array{3.0, 3.0 + 0.34657359027997264})[1] < 0.6666667);
static_assert(nl::entropy(std::array{1.0, 0.0, 0.0}) == 0.0);
static_assert(nl::entropy(std::array{0.5f, 0.5f}) == static_cast<float>(0.69314718055994531));
static_assert(nl::softmax<2.0f>::temperature == 2.0f && !nl::softmax<>::is_elementwise);
static_assert(nl::softmax<>::name == "softmax");

BOOST_AUTO_TEST_CASE(softmax_rows_sum_to_one) {
  // Each probability is within 3 ULP of the exact one, so the exact sum of the floats is within
  // 3·2^-23 ≈ 3.6e-7 of 1; it is accumulated in double here.
  for (float t : temperatures) {
    for (const auto& row : random_rows(1, 300)) {
      const auto p = softmax_of(row, t);
      const double sum = std::accumulate(p.begin(), p.end(), 0.0);
      BOOST_TEST(std::abs(sum - 1.0) <= 3.6e-7, "T = " << t << ", n = " << row.size());
    }
  }
}

BOOST_AUTO_TEST_CASE(softmax_is_within_three_ulp_of_the_exact_value) {
  int worst = 0;
  for (float t : temperatures) {
    for (const auto& row : random_rows(2, 300)) {
      const auto p = softmax_of(row, t);
      const long double m = *std::max_element(row.begin(), row.end());
      std::vector<long double> e(row.size());
      long double sum = 0;
      for (std::size_t i = 0; i < row.size(); ++i) sum += e[i] = std::exp((row[i] - m) / t);
      for (std::size_t i = 0; i < row.size(); ++i) {
        const float exact = static_cast<float>(e[i] / sum);
        if (exact < std::numeric_limits<float>::min()) continue;  // subnormal: absolute error only
        worst = std::max(worst, static_cast<int>(ulp_distance(p[i], exact)));
      }
    }
  }
  BOOST_TEST_MESSAGE("worst error against long double: " << worst << " ULP");
  BOOST_TEST(worst <= 3);
}

BOOST_AUTO_TEST_CASE(softmax_argmax_is_invariant_under_temperature) {
  for (const auto& row : random_rows(3, 200)) {
    const std::size_t expected = argmax(row);
    for (float t : temperatures) BOOST_TEST(argmax(softmax_of(row, t)) == expected, "T = " << t);
  }
}

BOOST_AUTO_TEST_CASE(entropy_increases_strictly_with_temperature) {
  // Any row with two different logits: the distribution spreads as T grows.
  const std::vector<std::vector<float>> rows{
      {1.0f, 2.0f, 3.0f}, {-1.5f, 0.3f, 2.2f, 0.9f, -0.4f, 1.1f, 3.0f, -2.0f, 0.0f, 0.7f}, {0.0f, 0.5f}};
  const std::array grid{0.05f, 0.1f, 0.2f, 0.5f, 1.0f, 2.0f, 5.0f, 10.0f, 50.0f};
  for (const auto& row : rows) {
    float previous = -1.0f;
    for (float t : grid) {
      const float h = nl::entropy(softmax_of(row, t));
      BOOST_TEST(h > previous, "T = " << t << ": " << h << " after " << previous);
      previous = h;
    }
    BOOST_TEST(previous < std::log(static_cast<float>(row.size())));
  }
}

BOOST_AUTO_TEST_CASE(entropy_is_between_zero_and_log_n) {
  for (float t : temperatures) {
    for (const auto& row : random_rows(4, 200)) {
      const float h = nl::entropy(softmax_of(row, t));
      BOOST_TEST(h >= 0.0f);
      // ln n is reached only by the uniform row; one float rounding of slack for it.
      BOOST_TEST(h <= std::log(static_cast<float>(row.size())) * (1 + 2e-7f));
    }
  }
}

BOOST_AUTO_TEST_CASE(entropy_counts_zero_log_zero_as_zero) {
  BOOST_TEST(nl::entropy(std::vector<float>{1.0f, 0.0f, 0.0f}) == 0.0f);
  BOOST_TEST(nl::entropy(std::vector<float>{0.0f, 1.0f, -0.0f}) == 0.0f);
  BOOST_TEST(nl::entropy(std::vector<float>{0.5f, 0.0f, 0.5f}) == std::log(2.0f));
  BOOST_TEST(nl::entropy(std::vector<float>{}) == 0.0f);
  BOOST_TEST(std::isnan(nl::entropy(std::vector<float>{0.5f, not_a_number, 0.5f})));
}

BOOST_AUTO_TEST_CASE(uniform_logits_have_entropy_log_n) {
  for (std::size_t n : {1u, 2u, 3u, 10u, 16u, 17u, 100u, 1000u}) {
    for (float t : temperatures) {
      const auto p = softmax_of(std::vector<float>(n, 4.25f), t);
      for (float pi : p) BOOST_TEST(pi == 1.0f / static_cast<float>(n));
      const double expected = std::log(static_cast<double>(n));
      BOOST_TEST(std::abs(nl::entropy(p) - expected) <= 4e-7 * std::max(1.0, expected));
    }
  }
}

BOOST_AUTO_TEST_CASE(large_logits_do_not_overflow) {
  for (float t : temperatures) {
    const auto p = softmax_of({1e30f, -1e30f, 0.0f}, t);
    BOOST_TEST((p == std::vector<float>{1.0f, 0.0f, 0.0f}));
  }
  // z/T would overflow to infinity here (torch.softmax(z / 0.01) gives NaN); (z − max)/T does not.
  std::vector<float> p(3);
  nl::softmax<0.01f>::apply(std::vector<float>{3e38f, 3e38f, 0.0f}, p);
  BOOST_TEST((p == std::vector<float>{0.5f, 0.5f, 0.0f}));
  nl::softmax<0.01f>::apply(std::vector<float>{-3e38f, 3e38f, -3e38f}, p);  // z − max overflows
  BOOST_TEST((p == std::vector<float>{0.0f, 1.0f, 0.0f}));
}

BOOST_AUTO_TEST_CASE(special_rows_behave_as_in_torch) {
  const auto all_nan = [](const std::vector<float>& p) {
    return std::all_of(p.begin(), p.end(), [](float x) { return std::isnan(x); });
  };
  for (std::size_t pad : {0u, 20u}) {  // short rows take the scalar tail, long ones the packs
    const auto row = [pad](std::vector<float> r) {
      r.insert(r.end(), pad, -infinity);
      return r;
    };
    for (float t : {0.01f, 1.0f, 5.0f}) {
      BOOST_TEST(all_nan(softmax_of(row({infinity, 1.0f, 2.0f}), t)));
      BOOST_TEST(all_nan(softmax_of(row({infinity, infinity, infinity}), t)));
      BOOST_TEST(all_nan(softmax_of(row({-infinity, -infinity, -infinity}), t)));
      BOOST_TEST(all_nan(softmax_of(row({1.0f, not_a_number, 2.0f}), t)));
      BOOST_TEST(all_nan(softmax_of(row({infinity, -infinity, not_a_number}), t)));
      const auto p = softmax_of(row({-infinity, 1.0f, -infinity, 1.0f}), t);
      BOOST_TEST(p[0] == 0.0f);
      BOOST_TEST(p[1] == 0.5f);
      BOOST_TEST(p[2] == 0.0f);
      BOOST_TEST(p[3] == 0.5f);
    }
  }
}

BOOST_AUTO_TEST_CASE(compile_time_and_run_time_temperatures_agree) {
  for (const auto& row : random_rows(5, 50)) {
    std::vector<float> fixed(row.size());
    nl::softmax<0.5f>::apply(row, fixed);
    BOOST_TEST((fixed == softmax_of(row, 0.5f)));
    nl::softmax<5.0f>::apply(row, fixed);
    BOOST_TEST((fixed == softmax_of(row, 5.0f)));
  }
}

BOOST_AUTO_TEST_CASE(softmax_works_in_place) {
  std::vector<float> z{0.5f, -1.0f, 2.0f, 3.5f, 0.0f};
  const auto expected = softmax_of(z, 1.0f);
  nl::softmax<>::apply(z, z);
  BOOST_TEST((z == expected));
}

BOOST_AUTO_TEST_CASE(apply_rows_is_apply_on_every_row) {
  const std::size_t row_length = 19;
  std::vector<float> in(row_length * 7);
  std::mt19937 gen(6);
  std::normal_distribution<float> logit(0.0f, 3.0f);
  for (float& z : in) z = logit(gen);
  std::vector<float> out(in.size()), batch_at_two(in.size());
  nl::softmax<2.0f>::apply_rows(in, out, row_length);
  nl::softmax<>::apply_rows(in, batch_at_two, row_length, 2.0f);
  for (std::size_t r = 0; r < in.size(); r += row_length) {
    std::vector<float> row(row_length);
    nl::softmax<2.0f>::apply(std::span(in).subspan(r, row_length), row);
    BOOST_TEST(std::equal(row.begin(), row.end(), out.begin() + static_cast<std::ptrdiff_t>(r)));
  }
  BOOST_TEST((out == batch_at_two));
}

// Rows of up to 16 classes are normalised 16 at a time, one row per SIMD lane; every row of such a
// batch, the last rows that do not fill a tile included, gets exactly what value() gives it.
template <std::size_t Length>
void check_short_rows_against_value(std::mt19937& gen) {
  std::normal_distribution<float> logit(0.0f, 6.0f);
  for (std::size_t rows : {1u, 15u, 16u, 17u, 40u}) {
    std::vector<float> in(rows * Length), out(in.size());
    for (float& z : in) z = logit(gen);
    nl::softmax<0.5f>::apply_rows(in, out, Length);
    for (std::size_t r = 0; r < rows; ++r) {
      std::array<float, Length> row{};
      std::copy_n(in.begin() + static_cast<std::ptrdiff_t>(r * Length), Length, row.begin());
      const auto expected = nl::softmax<0.5f>::value(row);
      std::array<float, Length> single{};
      nl::softmax<0.5f>::apply(row, single);
      for (std::size_t i = 0; i < Length; ++i) {
        BOOST_TEST(out[r * Length + i] == expected[i], "length " << Length << ", row " << r << " of " << rows);
        BOOST_TEST(ulp_distance(out[r * Length + i], single[i]) <= 1);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(short_rows_in_a_batch_get_the_lane_wise_result_of_value) {
  std::mt19937 gen(9);
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (check_short_rows_against_value<I + 1>(gen), ...);
  }(std::make_index_sequence<16>{});
}

BOOST_AUTO_TEST_CASE(special_rows_in_a_batch_behave_as_in_torch_and_leave_their_neighbours_alone) {
  // Short rows (4 and 10 classes, normalised lane-wise) and long ones (40, one row at a time).
  for (std::size_t length : {4u, 10u, 40u}) {
    const std::vector<std::vector<float>> specials{{infinity, 1.0f, 2.0f},
                                                   {-infinity, -infinity, -infinity},
                                                   {1.0f, not_a_number, 2.0f},
                                                   {-infinity, 1.0f, -infinity, 1.0f}};
    std::vector<float> in;
    for (std::size_t r = 0; r < 20; ++r) {
      std::vector<float> row(length, -infinity);
      if (r % 5 == 4) {
        std::copy(specials[r / 5].begin(), specials[r / 5].end(), row.begin());
      } else {
        for (std::size_t i = 0; i < length; ++i) row[i] = static_cast<float>((i * 7 + r) % 5);
      }
      in.insert(in.end(), row.begin(), row.end());
    }
    std::vector<float> out(in.size());
    nl::softmax<>::apply_rows(in, out, length, 0.5f);
    for (std::size_t r = 0; r < 20; ++r) {
      const auto first = out.begin() + static_cast<std::ptrdiff_t>(r * length);
      const std::vector<float> p(first, first + static_cast<std::ptrdiff_t>(length));
      const auto nan_count = std::count_if(p.begin(), p.end(), [](float x) { return std::isnan(x); });
      if (r % 5 == 4 && r / 5 < 3) {
        BOOST_TEST(nan_count == static_cast<std::ptrdiff_t>(length), "length " << length << ", row " << r);
      } else if (r % 5 == 4) {
        BOOST_TEST(p[1] == 0.5f);
        BOOST_TEST(p[3] == 0.5f);
        BOOST_TEST(p[0] == 0.0f);
      } else {
        const std::vector<float> row(in.begin() + static_cast<std::ptrdiff_t>(r * length),
                                     in.begin() + static_cast<std::ptrdiff_t>((r + 1) * length));
        const auto expected = softmax_of(row, 0.5f);
        for (std::size_t i = 0; i < length; ++i) BOOST_TEST(ulp_distance(p[i], expected[i]) <= 1);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_subnormal_temperature_picks_the_largest_logits) {
  // 1/T overflows for a subnormal T; the kernels divide by T instead, in every path.
  const float t = std::numeric_limits<float>::denorm_min();
  for (std::size_t length : {3u, 40u}) {
    std::vector<float> in(length * 17), out(in.size());
    for (std::size_t k = 0; k < in.size(); ++k) in[k] = static_cast<float>(k % length == 1 || k % length == 2);
    nl::softmax<>::apply_rows(in, out, length, t);
    for (std::size_t k = 0; k < in.size(); ++k) BOOST_TEST(out[k] == (in[k] == 1.0f ? 0.5f : 0.0f));
  }
}

BOOST_AUTO_TEST_CASE(mismatched_sizes_are_rejected_with_both_sizes) {
  std::vector<float> in(5), out(4);
  try {
    nl::softmax<>::apply(in, out);
    BOOST_FAIL("expected std::invalid_argument");
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    BOOST_TEST(what.find('5') != std::string::npos);
    BOOST_TEST(what.find('4') != std::string::npos);
  }
  std::vector<float> six(6), seven(7);
  BOOST_CHECK_THROW(nl::softmax<>::apply_rows(six, seven, 3), std::invalid_argument);
  BOOST_CHECK_THROW(nl::softmax<>::apply_rows(seven, seven, 3), std::invalid_argument);
  BOOST_CHECK_THROW(nl::softmax<>::apply_rows(six, six, 0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(run_time_temperature_must_be_finite_and_positive) {
  std::vector<float> z{1.0f, 2.0f}, p(2);
  for (float t : {0.0f, -0.0f, -1.0f, infinity, -infinity, not_a_number}) {
    BOOST_CHECK_THROW(nl::softmax<>::apply(z, p, t), std::invalid_argument);
    BOOST_CHECK_THROW(nl::softmax<>::apply_rows(z, p, 2, t), std::invalid_argument);
  }
  BOOST_CHECK_NO_THROW(nl::softmax<>::apply(z, p, std::numeric_limits<float>::denorm_min()));
  BOOST_TEST((p == std::vector<float>{0.0f, 1.0f}));
}

BOOST_AUTO_TEST_CASE(apply_lanes_treats_every_lane_as_a_sample) {
  using pack = nl::simd::float_pack;
  constexpr std::size_t lanes = nl::simd::lanes_v<pack>;
  constexpr std::size_t classes = 10;
  std::mt19937 gen(7);
  std::normal_distribution<float> logit(0.0f, 4.0f);
  std::array<pack, classes> z{};
  std::array<std::array<float, classes>, lanes> samples{};
  for (std::size_t j = 0; j < lanes; ++j) {
    for (std::size_t i = 0; i < classes; ++i) z[i][j] = samples[j][i] = logit(gen);
  }
  z[3][1] = infinity;  // one poisoned sample must not touch its neighbours
  samples[1][3] = infinity;
  nl::softmax<0.5f>::apply_lanes(z);
  for (std::size_t j = 0; j < lanes; ++j) {
    const auto p = nl::softmax<0.5f>::value(samples[j]);
    for (std::size_t i = 0; i < classes; ++i) {
      if (j == 1) {
        BOOST_TEST(std::isnan(z[i][j]));
      } else {
        const float zij = z[i][j];
        BOOST_TEST(zij == p[i], "lane " << j << ", class " << i);  // same arithmetic, bit for bit
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(value_and_apply_agree_within_one_ulp) {
  std::mt19937 gen(8);
  std::normal_distribution<float> logit(0.0f, 5.0f);
  for (int trial = 0; trial < 200; ++trial) {
    std::array<float, 37> z{};
    for (float& x : z) x = logit(gen);
    const auto expected = nl::softmax<2.0f>::value(z);
    std::array<float, 37> p{};
    nl::softmax<2.0f>::apply(z, p);
    for (std::size_t i = 0; i < z.size(); ++i) BOOST_TEST(ulp_distance(p[i], expected[i]) <= 1);
  }
}

BOOST_AUTO_TEST_CASE(vjp_matches_finite_differences) {
  // d/dz_k of L = Σ g_i p_i(z), by central differences in double, against the vjp at T = 0.5.
  using sm = nl::softmax<0.5f>;
  const std::array<double, 5> z{0.3, -1.2, 2.0, 0.9, -0.1};
  const std::array<double, 5> g{1.0, -2.0, 0.5, 3.0, -0.7};
  const auto loss = [&](const std::array<double, 5>& x) {
    const auto p = sm::value(x);
    double l = 0;
    for (std::size_t i = 0; i < 5; ++i) l += g[i] * p[i];
    return l;
  };
  const auto grad = sm::vjp(sm::value(z), g);
  for (std::size_t k = 0; k < 5; ++k) {
    const double h = 1e-6;
    auto up = z, down = z;
    up[k] += h;
    down[k] -= h;
    const double numeric = (loss(up) - loss(down)) / (2 * h);
    BOOST_TEST(grad[k] == numeric, boost::test_tools::tolerance(1e-7));
  }
}

BOOST_AUTO_TEST_CASE(vjp_gradients_sum_to_zero) {
  // Adding a constant to every logit leaves softmax unchanged, so the gradient has no component
  // along (1, ..., 1).
  const std::array<float, 4> p = nl::softmax<2.0f>::value(std::array{1.0f, 0.5f, -2.0f, 4.0f});
  const auto grad = nl::softmax<2.0f>::vjp(p, std::array{0.3f, -1.0f, 2.0f, 0.25f});
  BOOST_TEST(std::abs(grad[0] + grad[1] + grad[2] + grad[3]) <= 1e-7f);
}
