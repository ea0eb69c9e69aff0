// nonlin/train/sgd.hpp: stochastic gradient descent with torch.optim.SGD's semantics.
// nl::sgd{.learning_rate = 0.005f}.step(m, g) is plain SGD and holds no state; with momentum the
// velocity lives in a network-shaped buffer: sgd::step(m, g, velocity), or nl::sgd_with_momentum<Net>.
#pragma once

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace nonlin {

namespace detail {

// Calls f(arrays...) on the matching weight arrays, then the bias arrays, of every layer of
// networks of one type (the parameter, its gradient, an optimiser's buffers).
template <class F, class First, class... Rest>
void for_each_parameter_array(F&& f, First& first, Rest&... rest) {
  using net_type = std::remove_const_t<First>;
  static_assert((std::is_same_v<net_type, std::remove_const_t<Rest>> && ...),
                "nonlin optimisers: the parameters, gradient and buffers must be networks of one type");
  auto layer = [&]<std::size_t K>(std::integral_constant<std::size_t, K>) {
    auto one = [&](auto& p, auto&... others) {
      f(p.weight, others.weight...);
      f(p.bias, others.bias...);
    };
    one(first.template layer<K>(), rest.template layer<K>()...);
  };
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    (layer(std::integral_constant<std::size_t, K>{}), ...);
  }(std::make_index_sequence<net_type::depth>{});
}

// The hyper-parameter checks torch.optim makes in its constructors, worded for nonlin. Negated
// comparisons, so that a NaN is refused too.
inline void require_at_least_zero(const char* who, const char* what, float value) {
  if (!(value >= 0.0f))
    throw std::invalid_argument(std::string(who) + ": the " + what + " must be at least 0; got " +
                                std::to_string(value));
}
inline void require_beta(const char* who, const char* what, float value) {
  if (!(value >= 0.0f && value < 1.0f))
    throw std::invalid_argument(std::string(who) + ": " + what + " must lie in [0, 1); got " + std::to_string(value));
}

}  // namespace detail

/// torch.optim.SGD (dampening 0): the gradient with L2 weight decay d = g + λ·w; plain SGD w −= lr·d
/// or, with a velocity buffer, momentum v = μ·v + d and w −= lr·v (Nesterov: w −= lr·(d + μ·v), v
/// already updated). A zero velocity makes the first step's v = d, as torch's lazily created buffer
/// does. Without weight decay and Nesterov the arithmetic is the same expressions as before they
/// existed (so old runs repeat bit for bit); torch's CPU kernels fuse d = g + λw as std::fma does,
/// and a compiler may fuse the other multiply-adds, a difference of float rounding (the golden
/// trajectories stay within 2e-7 of torch's loss). The settings are checked at every step:
/// std::invalid_argument for a negative learning rate, momentum or weight decay, or for Nesterov
/// without momentum (as torch's constructor refuses them).
struct sgd {
  float learning_rate = 0.01f;
  float momentum = 0.0f;
  float weight_decay = 0.0f;  // L2, added to the gradient (torch's weight_decay)
  bool nesterov = false;

  /// Plain SGD. Throws std::logic_error if momentum (or Nesterov) is set, since that needs a velocity
  /// buffer.
  template <class Net>
  void step(Net& m, const Net& g) const {
    check("nonlin::sgd::step(m, g)");
    if (momentum != 0.0f)
      throw std::logic_error("nonlin::sgd::step(m, g): momentum needs a velocity; call step(m, g, velocity) "
                             "or use nonlin::sgd_with_momentum<Net>");
    const float lr = learning_rate, wd = weight_decay;
    detail::for_each_parameter_array(
        [lr, wd](auto& w, const auto& grad) {
          for (std::size_t i = 0; i < w.size(); ++i) {
            const float d = wd != 0.0f ? std::fma(w[i], wd, grad[i]) : grad[i];
            w[i] -= lr * d;
          }
        },
        m, g);
  }

  /// SGD with momentum; `velocity` is a network of m's type that starts at zero and is kept by the caller.
  template <class Net>
  void step(Net& m, const Net& g, Net& velocity) const {
    check("nonlin::sgd::step(m, g, velocity)");
    const float lr = learning_rate, mu = momentum, wd = weight_decay;
    const bool look_ahead = nesterov;
    detail::for_each_parameter_array(
        [lr, mu, wd, look_ahead](auto& w, const auto& grad, auto& vel) {
          for (std::size_t i = 0; i < w.size(); ++i) {
            const float d = wd != 0.0f ? std::fma(w[i], wd, grad[i]) : grad[i];
            vel[i] = mu * vel[i] + d;
            w[i] -= lr * (look_ahead ? d + mu * vel[i] : vel[i]);
          }
        },
        m, g, velocity);
  }

 private:
  void check(const char* who) const {
    detail::require_at_least_zero(who, "learning rate", learning_rate);
    detail::require_at_least_zero(who, "momentum", momentum);
    detail::require_at_least_zero(who, "weight decay", weight_decay);
    if (nesterov && momentum == 0.0f)
      throw std::invalid_argument(std::string(who) + ": Nesterov momentum needs a momentum above 0");
  }
};

/// SGD that keeps its own momentum buffer, as a torch optimiser object does; every setting of
/// `settings` (weight decay, Nesterov) applies.
template <class Net>
struct sgd_with_momentum {
  sgd settings;
  Net velocity{};

  void step(Net& m, const Net& g) { settings.step(m, g, velocity); }
};

}  // namespace nonlin
