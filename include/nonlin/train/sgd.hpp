// nonlin/train/sgd.hpp: stochastic gradient descent with torch.optim.SGD's semantics.
// nl::sgd{.learning_rate = 0.005f}.step(m, g) is plain SGD and holds no state; with momentum the
// velocity lives in a network-shaped buffer: sgd::step(m, g, velocity), or nl::sgd_with_momentum<Net>.
#pragma once

#include <cstddef>
#include <stdexcept>

#include <utility>

namespace nonlin {

namespace detail {

// Calls f(param, grad, velocity) on matching float arrays of three networks of one type.
template <class Net, class F>
void for_each_parameter_array(Net& m, const Net& g, Net* v, F f) {
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    auto one = [&](auto& p, const auto& d, auto* vel) {
      f(p.weight, d.weight, vel ? &vel->weight : nullptr);
      f(p.bias, d.bias, vel ? &vel->bias : nullptr);
    };
    (one(m.template layer<K>(), g.template layer<K>(), v ? &v->template layer<K>() : nullptr), ...);
  }(std::make_index_sequence<Net::depth>{});
}

}  // namespace detail

/// Plain SGD (w −= lr·g) or, with a velocity buffer, heavy-ball momentum as torch does it
/// (dampening 0, no Nesterov): v = μ·v + g; w −= lr·v. A zero velocity makes the first step w −= lr·g,
/// as torch's lazily created buffer does.
struct sgd {
  float learning_rate = 0.01f;
  float momentum = 0.0f;

  /// Plain SGD. Throws std::logic_error if momentum is set, since that needs a velocity buffer.
  template <class Net>
  void step(Net& m, const Net& g) const {
    if (momentum != 0.0f)
      throw std::logic_error("nonlin::sgd::step(m, g): momentum needs a velocity; call step(m, g, velocity) "
                             "or use nonlin::sgd_with_momentum<Net>");
    const float lr = learning_rate;
    detail::for_each_parameter_array(m, g, static_cast<Net*>(nullptr), [lr](auto& w, const auto& d, auto*) {
      for (std::size_t i = 0; i < w.size(); ++i) w[i] -= lr * d[i];
    });
  }

  /// SGD with momentum; `velocity` is a network of m's type that starts at zero and is kept by the caller.
  template <class Net>
  void step(Net& m, const Net& g, Net& velocity) const {
    const float lr = learning_rate, mu = momentum;
    detail::for_each_parameter_array(m, g, &velocity, [lr, mu](auto& w, const auto& d, auto* v) {
      auto& vel = *v;
      for (std::size_t i = 0; i < w.size(); ++i) {
        vel[i] = mu * vel[i] + d[i];
        w[i] -= lr * vel[i];
      }
    });
  }
};

/// SGD that keeps its own momentum buffer, as a torch optimiser object does.
template <class Net>
struct sgd_with_momentum {
  sgd settings;
  Net velocity{};

  void step(Net& m, const Net& g) { settings.step(m, g, velocity); }
};

}  // namespace nonlin
