// Training against PyTorch: gradients of MSE, cross-entropy and BCE on golden networks, where 100 SGD
// steps (plain and with momentum) end, and the 100-step trajectories of Adam, Adam with L2 weight
// decay, AdamW and SGD with weight decay and Nesterov momentum. Data from
// tools/golden/make_training_golden.py.
#define BOOST_TEST_MODULE training_golden
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nonlin/activation/elu.hpp>
#include <nonlin/activation/leaky_relu.hpp>
#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/network.hpp>
#include <nonlin/train/adam.hpp>
#include <nonlin/train/gradient.hpp>
#include <nonlin/train/loss.hpp>
#include <nonlin/train/sgd.hpp>

namespace nl = nonlin;

namespace {

using tensors = std::map<std::string, std::vector<float>>;

tensors read_golden(const std::string& name) {
  std::ifstream f(std::string(NONLIN_SOURCE_DIR) + "/tests/golden/training/" + name + ".txt");
  if (!f) throw std::runtime_error("missing golden file " + name);
  tensors t;
  std::string line;
  while (std::getline(f, line)) {
    std::istringstream in(line);
    std::string key;
    std::size_t n = 0;
    in >> key >> n;
    std::vector<float> v(n);
    for (auto& x : v) in >> x;
    t[key] = std::move(v);
  }
  return t;
}

template <class Net>
void load(Net& m, const tensors& t, const std::string& prefix) {
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    auto one = [&](auto& l, std::size_t k) {
      const auto& w = t.at(prefix + std::to_string(k) + ".weight");
      const auto& b = t.at(prefix + std::to_string(k) + ".bias");
      BOOST_REQUIRE_EQUAL(w.size(), l.weight.size());
      BOOST_REQUIRE_EQUAL(b.size(), l.bias.size());
      std::copy(w.begin(), w.end(), l.weight.begin());
      std::copy(b.begin(), b.end(), l.bias.begin());
    };
    (one(m.template layer<K>(), K), ...);
  }(std::make_index_sequence<Net::depth>{});
}

// Every gradient entry within 1e-5 of the largest one (float rounding of different summation orders).
template <class Net>
void check_gradient(const Net& g, const Net& expected) {
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    auto one = [&](const auto& a, const auto& e) {
      float scale = 1e-7f;
      for (float v : e.weight) scale = std::max(scale, std::abs(v));
      for (std::size_t i = 0; i < a.weight.size(); ++i)
        BOOST_TEST(std::abs(a.weight[i] - e.weight[i]) <= 1e-5f * scale + 1e-8f);
      for (std::size_t i = 0; i < a.bias.size(); ++i)
        BOOST_TEST(std::abs(a.bias[i] - e.bias[i]) <= 1e-5f * scale + 1e-8f);
    };
    (one(g.template layer<K>(), expected.template layer<K>()), ...);
  }(std::make_index_sequence<Net::depth>{});
}

template <class Net, class Loss>
void check_case(const std::string& name, Loss loss) {
  const tensors t = read_golden(name);
  Net m, expected, g;
  load(m, t, "");
  load(expected, t, "grad.");
  const auto& x = t.at("x");
  const auto& y = t.at("y");
  nl::gradient_workspace<Net> ws;
  const float l = nl::loss_and_gradient(m, x, y, loss, g, ws);
  BOOST_TEST(l == t.at("loss")[0], boost::test_tools::tolerance(2e-6f));
  check_gradient(g, expected);

  // 100 full-batch steps with torch's SGD settings end at torch's loss.
  const nl::sgd opt{.learning_rate = t.at("sgd.learning_rate")[0], .momentum = t.at("sgd.momentum")[0]};
  Net velocity{};
  const auto steps = static_cast<std::size_t>(t.at("sgd.steps")[0]);
  for (std::size_t s = 0; s < steps; ++s) {
    nl::loss_and_gradient(m, x, y, loss, g, ws);
    opt.step(m, g, velocity);
  }
  const float final_loss = nl::loss_and_gradient(m, x, y, loss, g, ws);
  BOOST_TEST_MESSAGE(name << ": loss after " << steps << " steps " << final_loss << ", torch "
                          << t.at("loss_after_steps")[0]);
  BOOST_TEST(final_loss == t.at("loss_after_steps")[0], boost::test_tools::tolerance(1e-4f));
}

// Runs torch's number of full-batch steps with `opt` from the file's initial weights: the loss before
// every step stays within 2e-4 relative of torch's, the final loss within 1e-4, and every final weight
// within 1e-3 of torch's (absolute, the weights being of order 1).
template <class Net, class Loss, class Optimiser>
void check_trajectory(const std::string& name, Loss loss, Optimiser opt) {
  const tensors t = read_golden(name);
  Net m, after, g;
  load(m, t, "");
  load(after, t, "after.");
  const auto& x = t.at("x");
  const auto& y = t.at("y");
  const auto& losses = t.at("losses");
  const auto steps = static_cast<std::size_t>(t.at("steps")[0]);
  BOOST_REQUIRE_EQUAL(losses.size(), steps);
  nl::gradient_workspace<Net> ws;
  float worst = 0.0f;
  for (std::size_t s = 0; s < steps; ++s) {
    const float l = nl::loss_and_gradient(m, x, y, loss, g, ws);
    worst = std::max(worst, std::abs(l - losses[s]) / losses[s]);
    BOOST_TEST(l == losses[s], boost::test_tools::tolerance(2e-4f));
    opt.step(m, g);
  }
  const float final_loss = nl::loss_and_gradient(m, x, y, loss, g, ws);
  const float torch_loss = t.at("loss_after_steps")[0];
  float weight_error = 0.0f;
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    auto one = [&](const auto& a, const auto& e) {
      for (std::size_t i = 0; i < a.weight.size(); ++i)
        weight_error = std::max(weight_error, std::abs(a.weight[i] - e.weight[i]));
      for (std::size_t i = 0; i < a.bias.size(); ++i)
        weight_error = std::max(weight_error, std::abs(a.bias[i] - e.bias[i]));
    };
    (one(m.template layer<K>(), after.template layer<K>()), ...);
  }(std::make_index_sequence<Net::depth>{});
  BOOST_TEST_MESSAGE(name << ": loss after " << steps << " steps " << final_loss << ", torch " << torch_loss
                          << " (relative difference " << std::abs(final_loss - torch_loss) / torch_loss
                          << "; worst along the way " << worst << "; largest weight difference " << weight_error
                          << ")");
  BOOST_TEST(final_loss == torch_loss, boost::test_tools::tolerance(1e-4f));
  BOOST_TEST(weight_error <= 1e-3f);
}

using lecture_net =
    nl::network<nl::input<2>, nl::dense<4, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;
using softmax_net = nl::network<nl::input<4>, nl::dense<16, nl::relu>, nl::dense<8, nl::leaky_relu<0.1f>>,
                                nl::dense<3, nl::softmax<>>>;

// The optimiser's settings as the golden file records them (torch's were the same floats).
template <class Adam>
Adam adam_from(const std::string& name) {
  const tensors t = read_golden(name);
  return Adam{.learning_rate = t.at("opt.lr")[0],
              .beta1 = t.at("opt.betas")[0],
              .beta2 = t.at("opt.betas")[1],
              .epsilon = t.at("opt.eps")[0],
              .weight_decay = t.at("opt.weight_decay")[0]};
}

}  // namespace

BOOST_AUTO_TEST_CASE(lecture_network_mse_gradient_and_100_sgd_steps_match_pytorch) {
  using net = nl::network<nl::input<2>, nl::dense<4, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;
  check_case<net>("lecture_mse_sgd", nl::mse{});
}

BOOST_AUTO_TEST_CASE(softmax_cross_entropy_gradient_and_100_momentum_steps_match_pytorch) {
  using net = nl::network<nl::input<4>, nl::dense<16, nl::relu>, nl::dense<8, nl::leaky_relu<0.1f>>,
                          nl::dense<3, nl::softmax<>>>;
  check_case<net>("relu_softmax_cross_entropy_momentum", nl::cross_entropy{});
}

BOOST_AUTO_TEST_CASE(sigmoid_bce_gradient_and_100_sgd_steps_match_pytorch) {
  using net = nl::network<nl::input<3>, nl::dense<8, nl::elu<>>, nl::dense<2, nl::sigmoid>>;
  check_case<net>("elu_sigmoid_bce", nl::bce{});
}

BOOST_AUTO_TEST_CASE(adam_on_the_lecture_network_follows_pytorchs_100_step_trajectory) {
  check_trajectory<lecture_net>("lecture_mse_adam", nl::mse{}, adam_from<nl::adam<lecture_net>>("lecture_mse_adam"));
}

BOOST_AUTO_TEST_CASE(adam_with_l2_weight_decay_follows_pytorchs_100_step_trajectory) {
  const auto opt = adam_from<nl::adam<lecture_net>>("lecture_mse_adam_weight_decay");
  BOOST_TEST(opt.weight_decay > 0.0f);
  check_trajectory<lecture_net>("lecture_mse_adam_weight_decay", nl::mse{}, opt);
}

BOOST_AUTO_TEST_CASE(adamw_on_a_softmax_network_follows_pytorchs_100_step_trajectory) {
  const auto opt = adam_from<nl::adamw<softmax_net>>("relu_softmax_cross_entropy_adamw");
  BOOST_TEST(opt.weight_decay > 0.0f);
  check_trajectory<softmax_net>("relu_softmax_cross_entropy_adamw", nl::cross_entropy{}, opt);
}

BOOST_AUTO_TEST_CASE(sgd_with_weight_decay_and_nesterov_follows_pytorchs_100_step_trajectory) {
  const std::string name = "relu_softmax_cross_entropy_sgd_nesterov_weight_decay";
  const tensors t = read_golden(name);
  BOOST_REQUIRE_EQUAL(t.at("opt.nesterov")[0], 1.0f);
  const nl::sgd_with_momentum<softmax_net> opt{{.learning_rate = t.at("opt.lr")[0],
                                                .momentum = t.at("opt.momentum")[0],
                                                .weight_decay = t.at("opt.weight_decay")[0],
                                                .nesterov = true}};
  check_trajectory<softmax_net>(name, nl::cross_entropy{}, opt);
}
