// Backpropagation checked against central finite differences computed in double precision, for a
// network of every activation, batches that end mid-tile and span several blocks, and each loss.
#define BOOST_TEST_MODULE training_gradient
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstddef>
#include <random>
#include <utility>
#include <vector>

#include <nonlin/activation/elu.hpp>
#include <nonlin/activation/leaky_relu.hpp>
#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/network.hpp>
#include <nonlin/train/gradient.hpp>
#include <nonlin/train/loss.hpp>
#include <nonlin/train/sgd.hpp>

namespace nl = nonlin;

namespace {

// Every parameter of a network, in layer order (weight then bias): what the checks perturb.
template <class Net>
std::vector<float*> parameters(Net& m) {
  std::vector<float*> p;
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    auto add = [&](auto& layer) {
      for (auto& w : layer.weight) p.push_back(&w);
      for (auto& b : layer.bias) p.push_back(&b);
    };
    (add(m.template layer<K>()), ...);
  }(std::make_index_sequence<Net::depth>{});
  return p;
}

// The network on one sample in double, with parameters given in double: finite differences in
// float would drown the derivative in rounding.
template <class Net>
std::vector<double> forward_double(const Net& shape, const std::vector<double>& theta, const float* x) {
  std::vector<double> h(x, x + Net::inputs), skip;
  std::size_t at = 0;
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    auto layer = [&]<std::size_t Idx>() {
      using L = typename Net::template layer_type<Idx>;
      constexpr auto blocks = nl::network_traits<Net>::blocks;
      if constexpr (blocks.begins[Idx]) skip = h;  // a residual block's input, added at its end
      std::array<double, L::outputs> z{};
      for (std::size_t o = 0; o < L::outputs; ++o) {
        double acc = theta[at + L::outputs * L::inputs + o];
        for (std::size_t i = 0; i < L::inputs; ++i) acc += theta[at + o * L::inputs + i] * h[i];
        z[o] = acc;
      }
      at += L::parameter_count;
      if constexpr (L::activation_type::is_elementwise) {
        for (auto& v : z) v = L::activation_type::value(v);
      } else {
        L::activation_type::apply_lanes(z);
      }
      if constexpr (blocks.ends[Idx])
        for (std::size_t o = 0; o < L::outputs; ++o) z[o] += skip[o];
      h.assign(z.begin(), z.end());
    };
    (layer.template operator()<K>(), ...);
  }(std::make_index_sequence<Net::depth>{});
  (void)shape;
  return h;
}

template <class Net>
void randomise(Net& m, std::mt19937& rng, float scale) {
  std::uniform_real_distribution<float> u(-scale, scale);
  for (float* p : parameters(m)) *p = u(rng);
}

std::vector<float> random_vector(std::size_t n, std::mt19937& rng, float lo = -1.0f, float hi = 1.0f) {
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = u(rng);
  return v;
}

// Checks analytic (float) against numeric (double) with a tolerance relative to the gradient's scale.
// The gradient of `loss` at theta by central differences, with a step relative to each parameter.
template <class Loss>
std::vector<double> central_differences(const std::vector<double>& theta, Loss loss) {
  std::vector<double> numeric(theta.size());
  for (std::size_t i = 0; i < theta.size(); ++i) {
    const double h = 1e-6 * std::max(1.0, std::abs(theta[i]));
    auto plus = theta, minus = theta;
    plus[i] += h;
    minus[i] -= h;
    numeric[i] = (loss(plus) - loss(minus)) / (2 * h);
  }
  return numeric;
}

void check_close(const std::vector<double>& numeric, const std::vector<float*>& analytic) {
  double scale = 1e-6;
  for (double g : numeric) scale = std::max(scale, std::abs(g));
  std::size_t bad = 0;
  for (std::size_t i = 0; i < numeric.size(); ++i) {
    const double err = std::abs(numeric[i] - static_cast<double>(*analytic[i]));
    if (err > 2e-4 * scale + 1e-6 * std::abs(numeric[i]) && bad++ < 5)
      BOOST_TEST_MESSAGE("parameter " << i << ": numeric " << numeric[i] << " analytic " << *analytic[i]);
  }
  BOOST_TEST(bad == 0u);
}

// L = Σ c ⊙ y with random c, so that dL/dy = c: the plain gradient(m, in, dloss) contract.
template <class Net>
void check_against_finite_differences(std::size_t n, unsigned seed, float weight_scale = 0.8f) {
  std::mt19937 rng(seed);
  Net m;
  randomise(m, rng, weight_scale);
  const auto x = random_vector(n * Net::inputs, rng, -2.0f, 2.0f);
  const auto c = random_vector(n * Net::outputs, rng);

  Net g = nl::gradient(m, x, c);

  auto ptrs = parameters(m);
  std::vector<double> theta(ptrs.size());
  for (std::size_t i = 0; i < ptrs.size(); ++i) theta[i] = *ptrs[i];
  auto loss = [&](const std::vector<double>& th) {
    double l = 0.0;
    for (std::size_t s = 0; s < n; ++s) {
      const auto y = forward_double(m, th, &x[s * Net::inputs]);
      for (std::size_t o = 0; o < Net::outputs; ++o) l += c[s * Net::outputs + o] * y[o];
    }
    return l;
  };
  check_close(central_differences(theta, loss), parameters(g));
}

template <class A>
using deep = nl::network<nl::input<3>, nl::dense<9, A>, nl::dense<13, A>, nl::dense<4, A>>;

}  // namespace

BOOST_AUTO_TEST_CASE(gradient_of_a_tanh_network_matches_finite_differences) {
  check_against_finite_differences<deep<nl::tanh>>(37, 1);
}
BOOST_AUTO_TEST_CASE(gradient_of_a_sigmoid_network_matches_finite_differences) {
  check_against_finite_differences<deep<nl::sigmoid>>(37, 2);
}
BOOST_AUTO_TEST_CASE(gradient_of_a_relu_network_matches_finite_differences) {
  check_against_finite_differences<deep<nl::relu>>(37, 3);
}
BOOST_AUTO_TEST_CASE(gradient_of_a_leaky_relu_network_matches_finite_differences) {
  check_against_finite_differences<deep<nl::leaky_relu<0.1f>>>(37, 4);
}
BOOST_AUTO_TEST_CASE(gradient_of_an_elu_network_matches_finite_differences) {
  check_against_finite_differences<deep<nl::elu<1.0f>>>(37, 5);
}
BOOST_AUTO_TEST_CASE(gradient_of_an_identity_network_matches_finite_differences) {
  check_against_finite_differences<deep<nl::identity>>(37, 6);
}
BOOST_AUTO_TEST_CASE(gradient_through_a_softmax_output_uses_its_vjp_and_matches_finite_differences) {
  using net = nl::network<nl::input<3>, nl::dense<8, nl::tanh>, nl::dense<5, nl::softmax<2.0f>>>;
  check_against_finite_differences<net>(37, 7);
}
BOOST_AUTO_TEST_CASE(gradient_sums_over_batches_that_span_several_blocks) {
  using net = nl::network<nl::input<2>, nl::dense<4, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;
  check_against_finite_differences<net>(2 * nl::gradient_workspace<net>::block_samples + 19, 8);
}
BOOST_AUTO_TEST_CASE(gradient_of_a_wide_network_matches_finite_differences) {
  // Wide enough that every register block and every remainder block of the kernels runs.
  using net = nl::network<nl::input<11>, nl::dense<33, nl::relu>, nl::dense<10, nl::softmax<>>>;
  check_against_finite_differences<net>(21, 9, 0.4f);
}

// Residual blocks: the gradient at a block's output reaches its input twice, through the chain
// and through the skip. Adjacent blocks, one-layer blocks, blocks with and without a last
// activation, a network that begins and one that ends with a block, and batches over several blocks
// of samples.
BOOST_AUTO_TEST_CASE(gradient_through_residual_blocks_matches_finite_differences) {
  using adjacent = nl::network<nl::input<3>, nl::dense<6, nl::tanh>, nl::residual<nl::dense<9, nl::tanh>, nl::dense<6>>,
                               nl::residual<nl::dense<6, nl::sigmoid>>, nl::dense<2, nl::softmax<>>>;
  using begins_and_ends = nl::network<nl::input<4>, nl::residual<nl::dense<7, nl::elu<>>, nl::dense<4, nl::tanh>>,
                                      nl::dense<4, nl::leaky_relu<0.1f>>, nl::residual<nl::dense<4>>>;
  using wide = nl::network<nl::input<5>, nl::dense<19, nl::relu>, nl::residual<nl::dense<33, nl::relu>, nl::dense<19>>,
                           nl::dense<3>>;
  check_against_finite_differences<adjacent>(37, 31);
  check_against_finite_differences<begins_and_ends>(37, 32);
  check_against_finite_differences<wide>(21, 33, 0.4f);
  check_against_finite_differences<adjacent>(2 * nl::gradient_workspace<adjacent>::block_samples + 19, 34);
}

BOOST_AUTO_TEST_CASE(a_network_ending_in_a_residual_block_refuses_a_gradient_at_the_logits) {
  using net = nl::network<nl::input<2>, nl::residual<nl::dense<3, nl::tanh>, nl::dense<2, nl::sigmoid>>>;
  net m;
  const std::vector<float> x{1.0f, 2.0f}, seed{0.5f, 0.5f};
  BOOST_CHECK_THROW(nl::gradient(m, x, seed, nl::wrt::logits), std::invalid_argument);
  BOOST_CHECK_NO_THROW(nl::gradient(m, x, seed, nl::wrt::output));
}

namespace {

// The fused loss_and_gradient: the loss value against the double-precision reference, the gradient
// against finite differences of that reference.
template <class Net, class Loss, class RefLoss>
void check_fused_loss(Loss loss_tag, RefLoss ref_loss, std::vector<float> target, std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  Net m;
  randomise(m, rng, 0.8f);
  const auto x = random_vector(n * Net::inputs, rng, -2.0f, 2.0f);
  Net g;
  nl::gradient_workspace<Net> ws;
  const float l = nl::loss_and_gradient(m, x, target, loss_tag, g, ws);

  auto ptrs = parameters(m);
  std::vector<double> theta(ptrs.size());
  for (std::size_t i = 0; i < ptrs.size(); ++i) theta[i] = *ptrs[i];
  auto loss = [&](const std::vector<double>& th) {
    std::vector<double> y;
    for (std::size_t s = 0; s < n; ++s) {
      auto r = forward_double(m, th, &x[s * Net::inputs]);
      y.insert(y.end(), r.begin(), r.end());
    }
    return ref_loss(y, target);
  };
  BOOST_TEST(l == loss(theta), boost::test_tools::tolerance(1e-5));
  check_close(central_differences(theta, loss), parameters(g));
}

}  // namespace

BOOST_AUTO_TEST_CASE(mse_loss_and_gradient_match_torch_mse_definition_and_finite_differences) {
  using net = nl::network<nl::input<2>, nl::dense<4, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<3, nl::sigmoid>>;
  std::mt19937 rng(10);
  const std::size_t n = 45;
  auto t = random_vector(n * 3, rng, 0.0f, 1.0f);
  check_fused_loss<net>(nl::mse{}, [](const std::vector<double>& y, const std::vector<float>& t) {
    double s = 0;
    for (std::size_t i = 0; i < y.size(); ++i) s += (y[i] - t[i]) * (y[i] - t[i]);
    return s / static_cast<double>(y.size());
  }, t, n, 11);
}

BOOST_AUTO_TEST_CASE(bce_loss_and_gradient_through_the_logit_match_finite_differences) {
  using net = nl::network<nl::input<2>, nl::dense<5, nl::relu>, nl::dense<2, nl::sigmoid>>;
  std::mt19937 rng(12);
  const std::size_t n = 29;
  std::vector<float> t(n * 2);
  for (auto& v : t) v = static_cast<float>(rng() % 2);
  check_fused_loss<net>(nl::bce{}, [](const std::vector<double>& p, const std::vector<float>& t) {
    double s = 0;
    for (std::size_t i = 0; i < p.size(); ++i) s -= t[i] * std::log(p[i]) + (1 - t[i]) * std::log(1 - p[i]);
    return s / static_cast<double>(p.size());
  }, t, n, 13);
}

BOOST_AUTO_TEST_CASE(cross_entropy_gradient_is_p_minus_y_over_temperature_and_matches_finite_differences) {
  using net = nl::network<nl::input<3>, nl::dense<6, nl::elu<>>, nl::dense<4, nl::softmax<0.5f>>>;
  std::mt19937 rng(14);
  const std::size_t n = 33;
  std::vector<float> t(n * 4, 0.0f);
  for (std::size_t s = 0; s < n; ++s) t[s * 4 + rng() % 4] = 1.0f;
  check_fused_loss<net>(nl::cross_entropy{}, [](const std::vector<double>& p, const std::vector<float>& t) {
    double s = 0;
    for (std::size_t i = 0; i < p.size(); ++i) s -= t[i] * std::log(p[i]);
    return s / static_cast<double>(p.size() / 4);
  }, t, n, 15);
}

BOOST_AUTO_TEST_CASE(fused_losses_through_residual_blocks_match_finite_differences) {
  std::mt19937 rng(40);
  const std::size_t n = 31;
  // mse on a network whose output is a block's sum, x + f(x).
  using ends_in_block = nl::network<nl::input<3>, nl::dense<3, nl::tanh>, nl::residual<nl::dense<8, nl::relu>, nl::dense<3, nl::tanh>>>;
  auto t = random_vector(n * 3, rng, -1.0f, 1.0f);
  check_fused_loss<ends_in_block>(nl::mse{}, [](const std::vector<double>& y, const std::vector<float>& t) {
    double s = 0;
    for (std::size_t i = 0; i < y.size(); ++i) s += (y[i] - t[i]) * (y[i] - t[i]);
    return s / static_cast<double>(y.size());
  }, t, n, 41);
  // cross-entropy through the logits of a softmax head after two blocks.
  using classifier = nl::network<nl::input<3>, nl::dense<6, nl::elu<>>, nl::residual<nl::dense<6, nl::tanh>>,
                                 nl::residual<nl::dense<12, nl::relu>, nl::dense<6>>, nl::dense<4, nl::softmax<>>>;
  std::vector<float> c(n * 4, 0.0f);
  for (std::size_t s = 0; s < n; ++s) c[s * 4 + rng() % 4] = 1.0f;
  check_fused_loss<classifier>(nl::cross_entropy{}, [](const std::vector<double>& p, const std::vector<float>& t) {
    double s = 0;
    for (std::size_t i = 0; i < p.size(); ++i) s -= t[i] * std::log(p[i]);
    return s / static_cast<double>(p.size() / 4);
  }, c, n, 42);
}

BOOST_AUTO_TEST_CASE(mse_loss_is_the_mean_over_all_elements) {
  const std::vector<float> y{1, 2, 3, 4}, t{0, 2, 3, 2};
  BOOST_TEST(nl::mse_loss(y, t) == 5.0f / 4.0f);
  std::vector<float> g(4);
  nl::mse_loss_gradient(y, t, g);
  BOOST_TEST(g == (std::vector<float>{0.5f, 0.0f, 0.0f, 1.0f}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(bce_loss_clamps_log_at_minus_100_like_torch) {
  const std::vector<float> p{0.0f, 1.0f}, t{1.0f, 0.0f};
  BOOST_TEST(nl::bce_loss(p, t) == 100.0f);
}

BOOST_AUTO_TEST_CASE(gradient_seeded_at_the_logits_equals_the_fused_loss_gradient) {
  using net = nl::network<nl::input<3>, nl::dense<6, nl::tanh>, nl::dense<4, nl::softmax<>>>;
  std::mt19937 rng(16);
  net m;
  randomise(m, rng, 1.0f);
  const std::size_t n = 20;
  auto x = random_vector(n * 3, rng);
  std::vector<float> t(n * 4, 0.0f);
  for (std::size_t s = 0; s < n; ++s) t[s * 4 + rng() % 4] = 1.0f;
  std::vector<float> p(n * 4), seed(n * 4);
  m.forward(x, p);
  nl::cross_entropy_gradient_logits(p, t, 4, 1.0f, seed);
  const net a = nl::gradient(m, x, seed, nl::wrt::logits);
  net b;
  nl::gradient_workspace<net> ws;
  const float l = nl::loss_and_gradient(m, x, t, nl::cross_entropy{}, b, ws);
  BOOST_TEST(l == nl::cross_entropy_loss(p, t, 4), boost::test_tools::tolerance(1e-5f));
  auto pa = parameters(const_cast<net&>(a)), pb = parameters(b);
  for (std::size_t i = 0; i < pa.size(); ++i) BOOST_TEST(*pa[i] == *pb[i], boost::test_tools::tolerance(1e-4f));
}

BOOST_AUTO_TEST_CASE(sgd_momentum_follows_torch_v_equals_mu_v_plus_g) {
  using net = nl::network<nl::input<1>, nl::dense<1>>;
  net m, g;
  m.layer<0>().weight[0] = 1.0f;
  g.layer<0>().weight[0] = 0.5f;
  nl::sgd_with_momentum<net> opt{{.learning_rate = 0.1f, .momentum = 0.9f}};
  opt.step(m, g);  // v = 0.5, w = 1 − 0.05
  opt.step(m, g);  // v = 0.95, w = 0.95 − 0.095
  BOOST_TEST(m.layer<0>().weight[0] == 0.855f, boost::test_tools::tolerance(1e-6f));
  nl::sgd{.learning_rate = 0.5f}.step(m, g);
  BOOST_TEST(m.layer<0>().weight[0] == 0.605f, boost::test_tools::tolerance(1e-6f));
  BOOST_CHECK_THROW((nl::sgd{.learning_rate = 0.1f, .momentum = 0.5f}.step(m, g)), std::logic_error);
}
