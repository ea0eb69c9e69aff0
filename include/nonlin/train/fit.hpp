// nonlin/train/fit.hpp: the training loop. nl::fit(m, x, y, loss, optimiser, options) runs epochs of
// seeded, shuffled mini-batches with one fused forward/backward per batch, reports progress, and
// stops with nl::training_diverged (naming the epoch) when the loss or the weights stop being finite;
// fit_options::schedule sets the optimiser's learning rate at the start of every epoch.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nonlin/train/gradient.hpp>
#include <nonlin/train/random.hpp>
#include <nonlin/train/schedule.hpp>
#include <nonlin/train/sgd.hpp>

namespace nonlin {

/// Thrown by fit when training produces a loss, gradient or weight that is NaN or infinite. The
/// network keeps the weights it had before the step that failed.
class training_diverged : public std::runtime_error {
 public:
  training_diverged(std::size_t epoch, std::size_t batch, const std::string& what)
      : std::runtime_error("nonlin::fit: training diverged in epoch " + std::to_string(epoch) + ", batch " +
                           std::to_string(batch) + ": " + what +
                           "; the weights are left at their last finite values (try a smaller learning rate)"),
        epoch_(epoch),
        batch_(batch) {}
  std::size_t epoch() const noexcept { return epoch_; }
  std::size_t batch() const noexcept { return batch_; }

 private:
  std::size_t epoch_, batch_;
};

/// What fit reports after each epoch (epochs count from 1).
struct epoch_report {
  std::size_t epoch;
  float loss;  // mean of the mini-batch losses over the epoch, weighted by batch size
  float learning_rate = std::numeric_limits<float>::quiet_NaN();  // the epoch's; NaN if the optimiser has none
};

/// What fit calls after every epoch: any callable taking the epoch's report and returning whether to
/// go on, held by value (copied with the options). Written out rather than std::function, whose
/// header would cost every translation unit that includes training a fifth of its parse time.
class epoch_callback {
 public:
  epoch_callback() = default;
  template <class F>
    requires(!std::is_same_v<std::decay_t<F>, epoch_callback> && std::is_invocable_r_v<bool, F&, const epoch_report&>)
  epoch_callback(F f) : held_(new holder<std::decay_t<F>>(std::move(f))) {}  // implicit, as std::function's
  epoch_callback(const epoch_callback& other) : held_(other.held_ ? other.held_->clone() : nullptr) {}
  epoch_callback(epoch_callback&& other) noexcept : held_(std::exchange(other.held_, nullptr)) {}
  epoch_callback& operator=(epoch_callback other) noexcept {
    std::swap(held_, other.held_);
    return *this;
  }
  ~epoch_callback() { delete held_; }

  explicit operator bool() const noexcept { return held_ != nullptr; }
  bool operator()(const epoch_report& report) const { return held_->call(report); }

 private:
  struct callable {
    virtual ~callable() = default;
    virtual bool call(const epoch_report& report) = 0;
    virtual callable* clone() const = 0;
  };
  template <class F>
  struct holder final : callable {
    explicit holder(F f) : function(std::move(f)) {}
    bool call(const epoch_report& report) override { return static_cast<bool>(function(report)); }
    callable* clone() const override { return new holder(function); }
    F function;
  };
  callable* held_ = nullptr;
};

struct fit_options {
  std::size_t epochs = 100;
  std::size_t batch_size = 32;  // 0: the whole data set (full-batch gradient descent)
  std::uint32_t seed = 0;       // the shuffling; the same seed gives the same run
  bool shuffle = true;
  std::size_t report_every = 0;        // print "epoch e/E  loss L" every this many epochs (0: never)
  std::ostream* report_to = nullptr;  // where to print; nullptr: std::clog
  /// Called after every epoch; return false to stop (early stopping, or measuring epochs to a goal).
  epoch_callback on_epoch = {};
  /// The learning rate of each epoch (nl::step_lr, exponential_lr, cosine_annealing_lr,
  /// reduce_lr_on_plateau, fed the epoch losses); the base rate is the optimiser's when fit starts.
  /// None (the default): the optimiser's rate is left alone.
  lr_schedule schedule = {};
};

namespace detail {

/// Prints "epoch e/E  loss L" to `out` (std::clog when null); compiled in the library, so that fit
/// does not bring <iostream> into every translation unit.
void print_epoch(std::ostream* out, std::size_t epoch, std::size_t epochs, float loss);

template <class Net>
bool all_finite(const Net& m) {
  bool ok = true;
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    auto check = [&](const auto& l) {
      for (float w : l.weight) ok = ok && std::isfinite(w);
      for (float b : l.bias) ok = ok && std::isfinite(b);
    };
    (check(m.template layer<K>()), ...);
  }(std::make_index_sequence<Net::depth>{});
  return ok;
}

// The optimiser of a run with a schedule: steps with the optimiser it refers to and sets that
// optimiser's learning rate at the start of every epoch. A type of its own, so that the loop of a run
// without a schedule holds no write to the rate: with one that might run, GCC fused the updates'
// multiply-adds differently in two inlined copies of one run, and a seed no longer repeated bit for bit.
template <class Optimizer>
struct scheduled {
  Optimizer& optimizer;
  lr_schedule::run run;

  template <class Net>
  void step(Net& m, const Net& g) {
    optimizer.step(m, g);
  }
  void begin_epoch() { learning_rate_of(optimizer) = run.rate(); }
  void end_epoch(float loss) { run.observe(loss); }
};

template <class Optimizer>
inline constexpr bool is_scheduled_v = false;
template <class Optimizer>
inline constexpr bool is_scheduled_v<scheduled<Optimizer>> = true;

// The rate epoch_report shows: the optimiser's, or NaN for one without a learning_rate member.
template <class Optimizer>
float reported_learning_rate(const Optimizer& opt) {
  if constexpr (is_scheduled_v<Optimizer>)
    return learning_rate_of(opt.optimizer);
  else if constexpr (has_learning_rate<Optimizer>)
    return learning_rate_of(opt);
  else
    return std::numeric_limits<float>::quiet_NaN();
}

}  // namespace detail

/// Trains m on x ([n][inputs]) and targets ([n][outputs]) with a loss tag (nl::mse, nl::bce,
/// nl::cross_entropy) and an optimiser offering step(m, g) (nl::sgd, nl::sgd_with_momentum<Net>,
/// nl::adam<Net>, nl::adamw<Net>). A plain nl::sgd with momentum gets a velocity buffer for the run,
/// as if it were sgd_with_momentum<Net>. With options.schedule, the optimiser's learning rate
/// (opt.learning_rate, or opt.settings.learning_rate) is set at the start of every epoch and keeps the
/// last epoch's after fit; a const optimiser is copied for the run. Returns the loss of every epoch.
template <class Net, class Loss, class Optimizer>
std::vector<float> fit(Net& m, std::span<const float> x, std::span<const float> targets, const Loss& loss,
                       Optimizer&& optimizer, const fit_options& options = {}) {
  using optimizer_type = std::remove_reference_t<Optimizer>;
  if constexpr (std::is_same_v<std::remove_cv_t<optimizer_type>, sgd>) {
    if (optimizer.momentum != 0.0f) {
      sgd_with_momentum<Net> with_velocity{optimizer};
      return fit(m, x, targets, loss, with_velocity, options);
    }
  }
  if constexpr (std::is_const_v<optimizer_type> && std::is_copy_constructible_v<std::remove_cv_t<optimizer_type>>) {
    if (options.schedule) {  // the schedule needs a rate it may set
      std::remove_cv_t<optimizer_type> copy = optimizer;
      return fit(m, x, targets, loss, copy, options);
    }
  }
  if constexpr (!detail::is_scheduled_v<optimizer_type>) {
    if (options.schedule) {
      if constexpr (detail::has_learning_rate<optimizer_type> && !std::is_const_v<optimizer_type>) {
        detail::scheduled<optimizer_type> scheduled{optimizer,
                                                    {options.schedule, detail::learning_rate_of(optimizer)}};
        return fit(m, x, targets, loss, scheduled, options);
      } else {
        throw std::invalid_argument("nonlin::fit: a learning-rate schedule needs an optimiser with a learning_rate "
                                    "(or settings.learning_rate) member it can set");
      }
    }
  }
  detail::check_gradient_spans<Net>("nonlin::fit", x, targets);
  constexpr std::size_t ni = Net::inputs, no = Net::outputs;
  const std::size_t n = x.size() / ni;
  const std::size_t batch = options.batch_size == 0 ? n : std::min(options.batch_size, n);
  std::vector<float> history;
  if (n == 0) return history;

  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  random_source rng(options.seed);
  std::vector<float> bx(batch * ni), by(batch * no);
  gradient_workspace<Net> ws;
  Net g, before;

  for (std::size_t epoch = 1; epoch <= options.epochs; ++epoch) {
    if constexpr (detail::is_scheduled_v<optimizer_type>) optimizer.begin_epoch();
    const float epoch_rate = detail::reported_learning_rate(optimizer);
    if (options.shuffle)  // Fisher–Yates with the reproducible index draw
      for (std::size_t i = n - 1; i > 0; --i) std::swap(order[i], order[rng.index(i + 1)]);
    double epoch_loss = 0.0;
    std::size_t batch_index = 0;
    for (std::size_t first = 0; first < n; first += batch, ++batch_index) {
      const std::size_t count = std::min(batch, n - first);
      for (std::size_t s = 0; s < count; ++s) {
        const std::size_t r = order[first + s];
        std::copy_n(x.data() + r * ni, ni, bx.data() + s * ni);
        std::copy_n(targets.data() + r * no, no, by.data() + s * no);
      }
      const float l = loss_and_gradient(m, std::span<const float>(bx.data(), count * ni),
                                        std::span<const float>(by.data(), count * no), loss, g, ws);
      if (!std::isfinite(l)) throw training_diverged(epoch, batch_index, "the loss is " + std::to_string(l));
      if (!detail::all_finite(g)) throw training_diverged(epoch, batch_index, "the gradient is not finite");
      before = m;
      optimizer.step(m, g);
      if (!detail::all_finite(m)) {
        m = before;
        throw training_diverged(epoch, batch_index, "a weight overflowed");
      }
      epoch_loss += static_cast<double>(l) * static_cast<double>(count);
    }
    const epoch_report report{epoch, static_cast<float>(epoch_loss / static_cast<double>(n)), epoch_rate};
    history.push_back(report.loss);
    if constexpr (detail::is_scheduled_v<optimizer_type>) optimizer.end_epoch(report.loss);
    if (options.report_every != 0 && epoch % options.report_every == 0)
      detail::print_epoch(options.report_to, epoch, options.epochs, report.loss);
    if (options.on_epoch && !options.on_epoch(report)) break;
  }
  return history;
}

}  // namespace nonlin
