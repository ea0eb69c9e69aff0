// Training against PyTorch: gradients of MSE, cross-entropy and BCE on golden networks, and where
// 100 SGD steps (plain and with momentum) end. Data from tools/golden/make_training_golden.py.
#define BOOST_TEST_MODULE training_golden
#include <boost/test/unit_test.hpp>

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
