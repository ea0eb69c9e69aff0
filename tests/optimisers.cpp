// The optimisers' contracts: nl::adam and nl::adamw are aggregates set with designated initialisers
// and keep their moments; one step by hand for each update rule (Adam, Adam with L2, AdamW, SGD with
// weight decay and Nesterov); bad hyper-parameters are refused in words; and fit trains with each.
// The trajectories against PyTorch are in training_golden.cpp.
#define BOOST_TEST_MODULE optimisers
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/network.hpp>
#include <nonlin/train/adam.hpp>
#include <nonlin/train/datasets.hpp>
#include <nonlin/train/fit.hpp>
#include <nonlin/train/init.hpp>
#include <nonlin/train/loss.hpp>
#include <nonlin/train/sgd.hpp>

namespace nl = nonlin;

namespace {

using small_net = nl::network<nl::input<2>, nl::dense<3, nl::tanh>, nl::dense<1>>;

// A network whose parameters are 0.1, 0.2, ... and a gradient whose entries alternate in sign and
// span three orders of magnitude, so that Adam's sign-like first step shows on every entry.
void fill(small_net& m, small_net& g) {
  float k = 1.0f;
  auto one = [&](auto& w, auto& d) {
    for (std::size_t i = 0; i < w.size(); ++i, k += 1.0f) {
      w[i] = 0.1f * k;
      const int j = static_cast<int>(k);
      d[i] = (j % 2 == 0 ? -1.0f : 1.0f) * std::pow(10.0f, -static_cast<float>(j % 4));
    }
  };
  one(m.layer<0>().weight, g.layer<0>().weight);
  one(m.layer<0>().bias, g.layer<0>().bias);
  one(m.layer<1>().weight, g.layer<1>().weight);
  one(m.layer<1>().bias, g.layer<1>().bias);
}

// Calls f(parameter_before, parameter_after, gradient) for every parameter.
template <class F>
void each(const small_net& before, const small_net& after, const small_net& g, F f) {
  auto one = [&](const auto& a, const auto& b, const auto& d) {
    for (std::size_t i = 0; i < a.size(); ++i) f(a[i], b[i], d[i]);
  };
  one(before.layer<0>().weight, after.layer<0>().weight, g.layer<0>().weight);
  one(before.layer<0>().bias, after.layer<0>().bias, g.layer<0>().bias);
  one(before.layer<1>().weight, after.layer<1>().weight, g.layer<1>().weight);
  one(before.layer<1>().bias, after.layer<1>().bias, g.layer<1>().bias);
}

float sign(float v) { return v > 0.0f ? 1.0f : v < 0.0f ? -1.0f : 0.0f; }

}  // namespace

// Aggregates whose first members are the hyper-parameters, torch's defaults when left out.
static_assert(std::is_aggregate_v<nl::adam<small_net>> && std::is_aggregate_v<nl::adamw<small_net>>);
static_assert(std::is_aggregate_v<nl::sgd>);

BOOST_AUTO_TEST_CASE(adam_and_adamw_take_designated_initialisers_with_torchs_defaults) {
  const nl::adam<small_net> adam{.learning_rate = 1e-3f, .beta1 = 0.9f, .beta2 = 0.999f, .epsilon = 1e-8f,
                                 .weight_decay = 0.0f};
  const nl::adamw<small_net> adamw{.learning_rate = 1e-3f, .weight_decay = 1e-2f};
  const nl::adam<small_net> defaults{};
  BOOST_TEST(defaults.learning_rate == 1e-3f);
  BOOST_TEST(defaults.beta1 == 0.9f);
  BOOST_TEST(defaults.beta2 == 0.999f);
  BOOST_TEST(defaults.epsilon == 1e-8f);
  BOOST_TEST(defaults.weight_decay == 0.0f);
  BOOST_TEST(nl::adamw<small_net>{}.weight_decay == 1e-2f);  // torch.optim.AdamW's default
  BOOST_TEST(adam.step_count == 0u);
  BOOST_TEST(adamw.step_count == 0u);
  for (float v : adam.first_moment.layer<0>().weight) BOOST_TEST(v == 0.0f);
  for (float v : adamw.second_moment.layer<1>().bias) BOOST_TEST(v == 0.0f);
}

BOOST_AUTO_TEST_CASE(the_first_adam_step_moves_every_weight_by_the_learning_rate_against_its_gradient) {
  // After one step m̂ = g and v̂ = g², so the update is lr·g/(|g| + ε) ≈ lr·sign(g), whatever |g| is.
  small_net m, g;
  fill(m, g);
  const small_net before = m;
  nl::adam<small_net> opt{.learning_rate = 0.01f};
  opt.step(m, g);
  BOOST_TEST(opt.step_count == 1u);
  each(before, m, g, [](float w0, float w1, float d) {
    BOOST_TEST(w0 - w1 == 0.01f * sign(d), boost::test_tools::tolerance(1e-4f));
  });
  // The moments hold (1 − β₁)g and (1 − β₂)g², as torch's exp_avg and exp_avg_sq.
  BOOST_TEST(opt.first_moment.layer<0>().weight[0] == 0.1f * g.layer<0>().weight[0],
             boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(opt.second_moment.layer<0>().weight[0] == 0.001f * g.layer<0>().weight[0] * g.layer<0>().weight[0],
             boost::test_tools::tolerance(1e-4f));
}

BOOST_AUTO_TEST_CASE(the_second_adam_step_applies_both_bias_corrections) {
  // One parameter, gradients 1 then 0.5: m = 0.1·1·0.9 + 0.1·0.5 = 0.14, v = 0.001·0.999 + 0.001·0.25;
  // the step is lr·(m/(1 − 0.9²)) / (√(v/(1 − 0.999²)) + ε).
  using one = nl::network<nl::input<1>, nl::dense<1>>;
  one m, g;
  nl::adam<one> opt{.learning_rate = 0.1f};
  g.layer<0>().weight[0] = 1.0f;
  opt.step(m, g);
  const float after_first = m.layer<0>().weight[0];
  g.layer<0>().weight[0] = 0.5f;
  opt.step(m, g);
  const double m2 = 0.14, v2 = 0.001 * 0.999 + 0.001 * 0.25;
  const double expected = 0.1 * (m2 / (1 - 0.81)) / (std::sqrt(v2 / (1 - 0.999 * 0.999)) + 1e-8);
  BOOST_TEST(after_first - m.layer<0>().weight[0] == expected, boost::test_tools::tolerance(1e-4));
  BOOST_TEST(opt.step_count == 2u);
}

BOOST_AUTO_TEST_CASE(adam_adds_l2_decay_to_the_gradient_and_adamw_shrinks_the_weights_first) {
  small_net m, g;
  fill(m, g);
  const small_net before = m;
  // Adam: the first step follows the sign of g + λw, so a large λ turns every step towards zero.
  nl::adam<small_net> l2{.learning_rate = 0.01f, .weight_decay = 1000.0f};
  l2.step(m, g);
  each(before, m, g, [](float w0, float w1, float) {
    BOOST_TEST(w0 - w1 == 0.01f * sign(w0), boost::test_tools::tolerance(1e-4f));
  });
  // AdamW: w·(1 − lr·λ), then the plain Adam step of g.
  m = before;
  nl::adamw<small_net> decoupled{.learning_rate = 0.01f, .weight_decay = 2.0f};
  decoupled.step(m, g);
  each(before, m, g, [](float w0, float w1, float d) {
    BOOST_TEST(w1 == w0 * (1.0f - 0.02f) - 0.01f * sign(d), boost::test_tools::tolerance(1e-4f));
  });
}

BOOST_AUTO_TEST_CASE(sgd_weight_decay_and_nesterov_follow_torch) {
  using one = nl::network<nl::input<1>, nl::dense<1>>;
  one m, g;
  m.layer<0>().weight[0] = 1.0f;
  g.layer<0>().weight[0] = 0.5f;
  // Weight decay: d = g + λw = 0.5 + 0.1·1 = 0.6; w = 1 − 0.1·0.6.
  nl::sgd{.learning_rate = 0.1f, .weight_decay = 0.1f}.step(m, g);
  BOOST_TEST(m.layer<0>().weight[0] == 0.94f, boost::test_tools::tolerance(1e-6f));
  // Nesterov: v = μv + g, w −= lr·(g + μv): v = 0.5, w = 1 − 0.1·0.95; v = 0.95, w −= 0.1·(0.5 + 0.855).
  m.layer<0>().weight[0] = 1.0f;
  nl::sgd_with_momentum<one> opt{{.learning_rate = 0.1f, .momentum = 0.9f, .nesterov = true}};
  opt.step(m, g);
  BOOST_TEST(m.layer<0>().weight[0] == 0.905f, boost::test_tools::tolerance(1e-6f));
  opt.step(m, g);
  BOOST_TEST(m.layer<0>().weight[0] == 0.7695f, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(opt.velocity.layer<0>().weight[0] == 0.95f, boost::test_tools::tolerance(1e-6f));
  // Nesterov with weight decay, the velocity passed by hand: d = 0.5 + 0.1·1 = 0.6, v = 0.6,
  // w = 1 − 0.1·(0.6 + 0.9·0.6).
  m.layer<0>().weight[0] = 1.0f;
  one velocity{};
  nl::sgd{.learning_rate = 0.1f, .momentum = 0.9f, .weight_decay = 0.1f, .nesterov = true}.step(m, g, velocity);
  BOOST_TEST(m.layer<0>().weight[0] == 0.886f, boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(plain_sgd_step_refuses_momentum_and_nesterov_it_has_no_velocity_for) {
  small_net m, g;
  BOOST_CHECK_THROW((nl::sgd{.momentum = 0.9f}.step(m, g)), std::logic_error);
  BOOST_CHECK_THROW((nl::sgd{.momentum = 0.9f, .nesterov = true}.step(m, g)), std::logic_error);
  BOOST_CHECK_NO_THROW((nl::sgd{.learning_rate = 0.1f, .weight_decay = 0.1f}.step(m, g)));
}

BOOST_AUTO_TEST_CASE(bad_hyper_parameters_are_refused_in_words_at_the_first_step) {
  small_net m, g, v;
  auto message = [&](auto opt) {
    try {
      opt.step(m, g);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  BOOST_TEST(message(nl::adam<small_net>{.learning_rate = -1e-3f})
                 .find("nonlin::adam::step: the learning rate must be at least 0; got -0.001") == 0u);
  BOOST_TEST(message(nl::adam<small_net>{.beta1 = 1.0f}).find("nonlin::adam::step: beta1 must lie in [0, 1)") ==
             0u);
  BOOST_TEST(message(nl::adam<small_net>{.beta2 = -0.5f}).find("beta2 must lie in [0, 1)") != std::string::npos);
  BOOST_TEST(message(nl::adam<small_net>{.epsilon = -1.0f}).find("the epsilon must be at least 0") !=
             std::string::npos);
  BOOST_TEST(message(nl::adam<small_net>{.weight_decay = -0.1f}).find("the weight decay must be at least 0") !=
             std::string::npos);
  BOOST_TEST(message(nl::adamw<small_net>{.weight_decay = -0.1f}).find("nonlin::adamw::step: the weight decay") ==
             0u);
  BOOST_TEST(message(nl::adamw<small_net>{.beta1 = std::nanf("")}).find("beta1 must lie in [0, 1)") !=
             std::string::npos);
  BOOST_TEST(message(nl::sgd{.learning_rate = -0.1f}).find("nonlin::sgd::step(m, g): the learning rate") == 0u);
  BOOST_TEST(message(nl::sgd{.weight_decay = -0.1f}).find("the weight decay must be at least 0") !=
             std::string::npos);
  BOOST_CHECK_THROW((nl::sgd{.momentum = -0.9f}.step(m, g, v)), std::invalid_argument);
  BOOST_CHECK_THROW((nl::sgd{.nesterov = true}.step(m, g, v)), std::invalid_argument);  // torch: needs momentum
  // A refused step changes nothing, and counts no step.
  nl::adam<small_net> bad{.beta2 = 1.0f};
  BOOST_CHECK_THROW(bad.step(m, g), std::invalid_argument);
  BOOST_TEST(bad.step_count == 0u);
}

BOOST_AUTO_TEST_CASE(fit_trains_with_adam_and_with_adamw) {
  using net =
      nl::network<nl::input<2>, nl::dense<4, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;
  const auto data = nl::datasets::circles(200, /*seed*/ 1);
  for (int kind = 0; kind < 2; ++kind) {
    net m;
    nl::init::glorot_uniform(m, /*seed*/ 7);
    const nl::fit_options options{.epochs = 30, .batch_size = 32, .seed = 7};
    const std::vector<float> history =
        kind == 0 ? nl::fit(m, data.x, data.y, nl::mse{}, nl::adam<net>{.learning_rate = 0.01f}, options)
                  : nl::fit(m, data.x, data.y, nl::mse{}, nl::adamw<net>{.learning_rate = 0.01f}, options);
    BOOST_TEST_MESSAGE((kind == 0 ? "adam" : "adamw") << ": loss " << history.front() << " -> " << history.back());
    BOOST_TEST(history.size() == 30u);
    BOOST_TEST(history.back() < 0.8f * history.front());
  }
}

// A plain sgd with momentum has no velocity of its own; fit gives it one for the run, so that the run
// is the one sgd_with_momentum makes. (To rounding, not bit for bit: the two are separate
// instantiations, and under -std=gnu++20, CMake's default, GCC may fuse v = μv + g into an fma in one
// and not in the other.)
BOOST_AUTO_TEST_CASE(fit_gives_a_plain_sgd_with_momentum_a_velocity) {
  using net =
      nl::network<nl::input<2>, nl::dense<4, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;
  const auto data = nl::datasets::circles(200, /*seed*/ 1);
  const nl::fit_options options{.epochs = 10, .batch_size = 32, .seed = 3};
  const nl::sgd settings{.learning_rate = 0.05f, .momentum = 0.9f, .nesterov = true};
  net a, b;
  nl::init::glorot_uniform(a, /*seed*/ 5);
  nl::init::glorot_uniform(b, /*seed*/ 5);
  const auto plain = nl::fit(a, data.x, data.y, nl::mse{}, settings, options);
  const auto kept = nl::fit(b, data.x, data.y, nl::mse{}, nl::sgd_with_momentum<net>{settings}, options);
  BOOST_TEST(plain == kept, boost::test_tools::tolerance(1e-5f) << boost::test_tools::per_element());
  for (std::size_t i = 0; i < a.layer<0>().weight.size(); ++i)
    BOOST_TEST(a.layer<0>().weight[i] == b.layer<0>().weight[i], boost::test_tools::tolerance(1e-5f));
}

// docs/training.md, "Optimisers": the example, compiled and run.
BOOST_AUTO_TEST_CASE(the_optimisers_example_of_the_training_docs) {
  using net =
      nl::network<nl::input<2>, nl::dense<4, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;
  const auto data = nl::datasets::circles(400, /*seed*/ 1);
  net m;
  nl::init::glorot_uniform(m, /*seed*/ 7);

  // Adam keeps its moments and step count; fit takes it by reference, so they survive the call.
  nl::adam<net> adam{.learning_rate = 1e-2f};
  nl::fit(m, data.x, data.y, nl::mse{}, adam, {.epochs = 20, .batch_size = 32, .seed = 7});
  std::vector<float> out(data.size());
  m.forward(data.x, out);
  const float after_adam = nl::mse_loss(out, data.y);

  // By hand: one step of AdamW (decoupled decay) on a full-batch gradient.
  nl::adamw<net> adamw{.learning_rate = 1e-3f, .weight_decay = 1e-2f};
  net g;
  nl::gradient_workspace<net> ws;
  nl::loss_and_gradient(m, data.x, data.y, nl::mse{}, g, ws);
  adamw.step(m, g);

  // SGD with L2 weight decay and Nesterov momentum; sgd_with_momentum keeps the velocity.
  nl::sgd_with_momentum<net> sgd{
      {.learning_rate = 0.1f, .momentum = 0.9f, .weight_decay = 1e-4f, .nesterov = true}};
  nl::fit(m, data.x, data.y, nl::mse{}, sgd, {.epochs = 5});

  BOOST_TEST(adam.step_count == 20u * 13u);  // 400 samples in batches of 32: 13 per epoch
  BOOST_TEST(adamw.step_count == 1u);
  BOOST_TEST(after_adam < 0.25f);
}
