// nonlin/train/schedule.hpp: learning-rate schedules with torch.optim.lr_scheduler's semantics, stepped
// once per epoch. Each is a value type giving the rate of epoch e (0-based) from the base rate:
// nl::step_lr, nl::exponential_lr, nl::cosine_annealing_lr (optionally after a linear warm-up) and
// nl::reduce_lr_on_plateau (which also reads the epoch losses seen so far); nl::lr_schedule holds any
// of them, as nl::fit_options::schedule does. None needs the network's type.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <limits>
#include <numbers>
#include <span>
#include <stdexcept>
#include <string>

namespace nonlin {

namespace detail {

// Negated comparisons, so that a NaN is refused too.
inline void require_above_zero(const char* who, const char* what, float value) {
  if (!(value > 0.0f))
    throw std::invalid_argument(std::string(who) + ": " + what + " must be above 0; got " + std::to_string(value));
}
inline void require_not_negative(const char* who, const char* what, float value) {
  if (!(value >= 0.0f))
    throw std::invalid_argument(std::string(who) + ": " + what + " must be at least 0; got " + std::to_string(value));
}
inline void require_positive_count(const char* who, const char* what, std::size_t value) {
  if (value == 0) throw std::invalid_argument(std::string(who) + ": " + what + " must be at least 1; got 0");
}

}  // namespace detail

/// torch.optim.lr_scheduler.StepLR: lr(e) = base · gamma^⌊e / step_size⌋. step_size has no default
/// (torch's is required); 0 is refused, as is a gamma that is not above 0.
struct step_lr {
  std::size_t step_size = 0;
  float gamma = 0.1f;

  void check() const {
    detail::require_positive_count("nonlin::step_lr", "step_size", step_size);
    detail::require_above_zero("nonlin::step_lr", "gamma", gamma);
  }
  float rate(std::size_t epoch, float base_rate) const {
    check();
    const auto steps = static_cast<double>(epoch / step_size);
    return static_cast<float>(static_cast<double>(base_rate) * std::pow(static_cast<double>(gamma), steps));
  }
};

/// torch.optim.lr_scheduler.ExponentialLR: lr(e) = base · gamma^e. gamma has no default (torch's is
/// required); one that is not above 0 is refused.
struct exponential_lr {
  float gamma = 0.0f;

  void check() const { detail::require_above_zero("nonlin::exponential_lr", "gamma", gamma); }
  float rate(std::size_t epoch, float base_rate) const {
    check();
    return static_cast<float>(static_cast<double>(base_rate) *
                              std::pow(static_cast<double>(gamma), static_cast<double>(epoch)));
  }
};

/// torch.optim.lr_scheduler.CosineAnnealingLR in torch 1.13's closed form,
///   lr(e) = eta_min + (base − eta_min) · (1 + cos(π · e / t_max)) / 2,
/// which past t_max rises again, as torch's does. With warmup_epochs W > 0 it is torch's
/// SequentialLR([LinearLR(start_factor = s, total_iters = W), CosineAnnealingLR(t_max, eta_min)],
/// milestones = [W]): lr(e) = base · (s + (1 − s) · e / W) for e < W, then the cosine of e − W.
/// t_max has no default (torch's T_max is required); 0 is refused, as are a negative eta_min and a
/// start factor outside [0, 1] (LinearLR's check).
struct cosine_annealing_lr {
  std::size_t t_max = 0;
  float eta_min = 0.0f;
  std::size_t warmup_epochs = 0;
  float warmup_start_factor = 1.0f / 3.0f;  // torch.optim.lr_scheduler.LinearLR's default

  void check() const {
    detail::require_positive_count("nonlin::cosine_annealing_lr", "t_max", t_max);
    detail::require_not_negative("nonlin::cosine_annealing_lr", "eta_min", eta_min);
    if (warmup_epochs != 0 && !(warmup_start_factor >= 0.0f && warmup_start_factor <= 1.0f))
      throw std::invalid_argument("nonlin::cosine_annealing_lr: warmup_start_factor must lie in [0, 1]; got " +
                                  std::to_string(warmup_start_factor));
  }
  float rate(std::size_t epoch, float base_rate) const {
    check();
    const double base = base_rate;
    if (epoch < warmup_epochs) {
      const double s = warmup_start_factor;
      return static_cast<float>(base * (s + (1.0 - s) * static_cast<double>(epoch) /
                                                static_cast<double>(warmup_epochs)));
    }
    const double t = static_cast<double>(epoch - warmup_epochs), low = eta_min;
    return static_cast<float>(low + (base - low) *
                                        (1.0 + std::cos(std::numbers::pi * t / static_cast<double>(t_max))) / 2.0);
  }
};

/// torch.optim.lr_scheduler.ReduceLROnPlateau with mode 'min', threshold_mode 'rel' and cooldown 0,
/// stepped with each epoch's loss: a loss below best · (1 − threshold) is the new best; after more
/// than `patience` epochs in a row without one, the rate becomes max(rate · factor, min_lr) (kept
/// when that changes it by no more than torch's eps, 1e-8) and the count starts again. The rate of
/// epoch e depends on the losses of epochs 0 … e−1. A factor outside [0, 1), a negative patience,
/// threshold or min_lr are refused.
struct reduce_lr_on_plateau {
  float factor = 0.1f;
  int patience = 10;
  float threshold = 1e-4f;
  float min_lr = 0.0f;

  void check() const {
    if (!(factor >= 0.0f && factor < 1.0f))
      throw std::invalid_argument("nonlin::reduce_lr_on_plateau: factor must lie in [0, 1) (a factor of 1 or more "
                                  "would never reduce the rate); got " +
                                  std::to_string(factor));
    if (patience < 0)
      throw std::invalid_argument("nonlin::reduce_lr_on_plateau: patience must be at least 0; got " +
                                  std::to_string(patience));
    detail::require_not_negative("nonlin::reduce_lr_on_plateau", "threshold", threshold);
    detail::require_not_negative("nonlin::reduce_lr_on_plateau", "min_lr", min_lr);
  }

  /// The state torch's scheduler object keeps, advanced by one epoch's loss at a time.
  struct state {
    double rate;
    double best = std::numeric_limits<double>::infinity();
    int bad_epochs = 0;

    void observe(const reduce_lr_on_plateau& s, float loss) {
      const double current = loss;
      if (current < best * (1.0 - static_cast<double>(s.threshold))) {
        best = current;
        bad_epochs = 0;
      } else {
        ++bad_epochs;
      }
      if (bad_epochs > s.patience) {
        const double reduced = std::max(rate * static_cast<double>(s.factor), static_cast<double>(s.min_lr));
        if (rate - reduced > 1e-8) rate = reduced;
        bad_epochs = 0;
      }
    }
  };

  /// The rate of epoch e, replaying the losses of epochs 0 … e−1 (losses may hold more; fewer than e
  /// is refused).
  float rate(std::size_t epoch, float base_rate, std::span<const float> losses) const {
    check();
    if (losses.size() < epoch)
      throw std::invalid_argument("nonlin::reduce_lr_on_plateau: the rate of epoch " + std::to_string(epoch) +
                                  " needs the losses of the " + std::to_string(epoch) +
                                  " epochs before it; got " + std::to_string(losses.size()));
    state s{base_rate};
    for (std::size_t e = 0; e < epoch; ++e) s.observe(*this, losses[e]);
    return static_cast<float>(s.rate);
  }
};

/// Any one of the schedules above, or none (the default: the optimiser's own rate every epoch); built
/// implicitly from each, so that fit_options{.schedule = nl::step_lr{.step_size = 10}} reads as it says.
class lr_schedule {
 public:
  lr_schedule() = default;
  lr_schedule(step_lr s) : kind_(kind::step), step_(s) {}
  lr_schedule(exponential_lr s) : kind_(kind::exponential), exponential_(s) {}
  lr_schedule(cosine_annealing_lr s) : kind_(kind::cosine), cosine_(s) {}
  lr_schedule(reduce_lr_on_plateau s) : kind_(kind::plateau), plateau_(s) {}

  /// Whether a schedule is set (false: the rate stays the optimiser's).
  explicit operator bool() const noexcept { return kind_ != kind::constant; }

  /// Throws std::invalid_argument, in words, for the held schedule's bad parameters.
  void check() const {
    switch (kind_) {
      case kind::constant: break;
      case kind::step: step_.check(); break;
      case kind::exponential: exponential_.check(); break;
      case kind::cosine: cosine_.check(); break;
      case kind::plateau: plateau_.check(); break;
    }
  }

  /// The rate of epoch e (0-based) from the base rate; `losses` (the epoch losses so far) is read only
  /// by reduce_lr_on_plateau.
  float rate(std::size_t epoch, float base_rate, std::span<const float> losses = {}) const {
    switch (kind_) {
      case kind::step: return step_.rate(epoch, base_rate);
      case kind::exponential: return exponential_.rate(epoch, base_rate);
      case kind::cosine: return cosine_.rate(epoch, base_rate);
      case kind::plateau: return plateau_.rate(epoch, base_rate, losses);
      case kind::constant: break;
    }
    return base_rate;
  }

  /// Where a run of a schedule stands: everything a resumed run needs to give the rates the
  /// uninterrupted one would have (nl::save_checkpoint stores it).
  struct position {
    float base_rate = 0.0f;
    std::size_t epoch = 0;                // epochs observed
    reduce_lr_on_plateau::state plateau;  // read by reduce_lr_on_plateau only
  };

  /// One run of the schedule, advanced epoch by epoch (what fit uses): rate() is the current epoch's,
  /// observe(loss) ends the epoch. Constant time per epoch, also for the plateau schedule. The run
  /// refers to the schedule, which must outlive it; built from a position, it continues from there.
  class run {
   public:
    run(const lr_schedule& schedule, float base_rate) : run(schedule, position{base_rate, 0, {base_rate}}) {}
    run(const lr_schedule& schedule, const position& from)
        : schedule_(schedule), base_(from.base_rate), plateau_(from.plateau), epoch_(from.epoch) {
      schedule_.check();
    }
    float rate() const {
      return schedule_.kind_ == kind::plateau ? static_cast<float>(plateau_.rate) : schedule_.rate(epoch_, base_);
    }
    void observe(float loss) {
      if (schedule_.kind_ == kind::plateau) plateau_.observe(schedule_.plateau_, loss);
      ++epoch_;
    }
    position where() const { return {base_, epoch_, plateau_}; }

   private:
    const lr_schedule& schedule_;
    float base_;
    reduce_lr_on_plateau::state plateau_;
    std::size_t epoch_ = 0;
  };

 private:
  enum class kind { constant, step, exponential, cosine, plateau };
  kind kind_ = kind::constant;
  step_lr step_{};
  exponential_lr exponential_{};
  cosine_annealing_lr cosine_{};
  reduce_lr_on_plateau plateau_{};
};

namespace detail {

// Where an optimiser keeps its learning rate: opt.learning_rate (nl::sgd, nl::adam, nl::adamw) or
// opt.settings.learning_rate (nl::sgd_with_momentum).
template <class Optimizer>
concept has_learning_rate = requires(Optimizer& opt) {
  { opt.learning_rate } -> std::convertible_to<float>;
} || requires(Optimizer& opt) {
  { opt.settings.learning_rate } -> std::convertible_to<float>;
};

template <class Optimizer>
  requires has_learning_rate<Optimizer>
auto& learning_rate_of(Optimizer& opt) {
  if constexpr (requires { opt.learning_rate; })
    return opt.learning_rate;
  else
    return opt.settings.learning_rate;
}

}  // namespace detail

}  // namespace nonlin
