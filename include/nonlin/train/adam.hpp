// nonlin/train/adam.hpp: Adam and AdamW with torch.optim's semantics (torch 1.13, single-tensor path).
// nl::adam<Net>{.learning_rate = 1e-3f}.step(m, g) keeps network-shaped moment buffers and a step
// count in the optimiser, as a torch optimiser object keeps its state; nl::adamw<Net> decouples the decay.
#pragma once

#include <cmath>
#include <cstddef>

#include <nonlin/train/sgd.hpp>  // detail::for_each_parameter_array, the hyper-parameter checks

namespace nonlin {

namespace detail {

struct adam_settings {
  float learning_rate, beta1, beta2, epsilon;
  float l2;               // Adam's weight decay, added to the gradient
  float decoupled_decay;  // AdamW's, shrinking the weights before the update
};

// One step of torch 1.13's _single_tensor_adam / _single_tensor_adamw, in its order of float
// operations, so that a trajectory stays on torch's to float rounding: the scalars (bias
// corrections, step size, AdamW's shrink factor) in double as Python computes them, rounded to
// float where torch passes them to a kernel; the moments as mul_ then add_/addcmul_ (whose CPU
// kernels fuse the last multiply-add, as std::fma does); the update as addcdiv_, p + (−s·m)/denom.
template <class Net>
void adam_step(const char* who, const adam_settings& s, Net& m, const Net& g, Net& first_moment, Net& second_moment,
               std::size_t& step_count) {
  require_at_least_zero(who, "learning rate", s.learning_rate);
  require_beta(who, "beta1", s.beta1);
  require_beta(who, "beta2", s.beta2);
  require_at_least_zero(who, "epsilon", s.epsilon);
  require_at_least_zero(who, "weight decay", s.l2);
  require_at_least_zero(who, "weight decay", s.decoupled_decay);
  const double step = static_cast<double>(++step_count);
  const double lr = s.learning_rate, beta1 = s.beta1, beta2 = s.beta2;
  const double bias_correction1 = 1.0 - std::pow(beta1, step);
  const double bias_correction2 = 1.0 - std::pow(beta2, step);
  const auto neg_step_size = static_cast<float>(-(lr / bias_correction1));
  const auto bias_correction2_sqrt = static_cast<float>(std::sqrt(bias_correction2));
  const auto shrink = static_cast<float>(1.0 - lr * static_cast<double>(s.decoupled_decay));
  const auto keep1 = s.beta1, keep2 = s.beta2;
  const auto take1 = static_cast<float>(1.0 - beta1), take2 = static_cast<float>(1.0 - beta2);
  const float l2 = s.l2, eps = s.epsilon, decoupled = s.decoupled_decay;
  for_each_parameter_array(
      [&](auto& w, const auto& grad, auto& avg, auto& avg_sq) {
        for (std::size_t i = 0; i < w.size(); ++i) {
          if (decoupled != 0.0f) w[i] *= shrink;
          const float d = l2 != 0.0f ? std::fma(w[i], l2, grad[i]) : grad[i];
          avg[i] = std::fma(d, take1, avg[i] * keep1);
          avg_sq[i] = std::fma(take2 * d, d, avg_sq[i] * keep2);
          const float denom = std::sqrt(avg_sq[i]) / bias_correction2_sqrt + eps;
          w[i] = w[i] + (neg_step_size * avg[i]) / denom;
        }
      },
      m, g, first_moment, second_moment);
}

}  // namespace detail

/// torch.optim.Adam: m = β₁m + (1−β₁)d, v = β₂v + (1−β₂)d², w −= lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε),
/// with d = g + λw (L2 weight decay added to the gradient, torch's weight_decay). An aggregate: the
/// hyper-parameters come first, for designated initialisers; the moments and the step count after
/// them start at zero. Each step checks the hyper-parameters (std::invalid_argument for a negative
/// learning rate, epsilon or weight decay, or a beta outside [0, 1)).
template <class Net>
struct adam {
  float learning_rate = 1e-3f;
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float epsilon = 1e-8f;
  float weight_decay = 0.0f;
  Net first_moment{};   // torch's exp_avg
  Net second_moment{};  // torch's exp_avg_sq
  std::size_t step_count = 0;

  void step(Net& m, const Net& g) {
    detail::adam_step("nonlin::adam::step", {learning_rate, beta1, beta2, epsilon, weight_decay, 0.0f}, m, g,
                      first_moment, second_moment, step_count);
  }
};

/// torch.optim.AdamW: Adam with decoupled weight decay, w ← w·(1 − lr·λ) before the Adam update of the
/// plain gradient. Same layout and checks as adam; the decay defaults to torch's 0.01.
template <class Net>
struct adamw {
  float learning_rate = 1e-3f;
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float epsilon = 1e-8f;
  float weight_decay = 1e-2f;
  Net first_moment{};
  Net second_moment{};
  std::size_t step_count = 0;

  void step(Net& m, const Net& g) {
    detail::adam_step("nonlin::adamw::step", {learning_rate, beta1, beta2, epsilon, 0.0f, weight_decay}, m, g,
                      first_moment, second_moment, step_count);
  }
};

}  // namespace nonlin
