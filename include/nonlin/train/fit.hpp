// nonlin/train/fit.hpp: the training loop. nl::fit(m, x, y, loss, optimiser, options) runs epochs of
// seeded, shuffled mini-batches with one fused forward/backward per batch, reports progress, and
// stops with nl::training_diverged (naming the epoch) when the loss or the weights stop being finite;
// fit_options::schedule sets the optimiser's learning rate at the start of every epoch; a validation
// split or set is evaluated after every epoch, for early stopping (patience) with the best weights
// restored; nl::fit_progress records where a run stands, so that a checkpoint can resume it.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
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
#include <nonlin/train/loss.hpp>
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
  /// The loss on the validation data after the epoch's last step; NaN without validation data.
  float validation_loss = std::numeric_limits<float>::quiet_NaN();
  /// The share of validation rows classified right (cross_entropy: argmax; bce: each output on the
  /// target's side of 0.5); NaN without validation data and for mse, which does not classify.
  float validation_accuracy = std::numeric_limits<float>::quiet_NaN();
};

/// Held-out data that fit evaluates after every epoch and never trains on: inputs [n][inputs] and
/// targets [n][outputs], or (for cross_entropy) one class index per row in `labels` instead.
struct validation_data {
  std::span<const float> x = {};
  std::span<const float> targets = {};
  std::span<const std::uint32_t> labels = {};
  bool empty() const noexcept { return x.empty(); }
};

/// Where a run stands after its last finished epoch: what fit needs, besides the weights and the
/// optimiser, to continue it as if it had not stopped. Passed as fit_options::progress, fit starts
/// after epochs_done and updates the record after every epoch (before on_epoch is called);
/// nl::save_checkpoint stores it.
struct fit_progress {
  std::size_t epochs_done = 0;
  bool has_schedule = false;           // whether `schedule` holds a run's position
  lr_schedule::position schedule = {}; // the schedule's base rate, epoch and plateau state
  float best_validation_loss = std::numeric_limits<float>::infinity();  // early stopping's best
  std::size_t best_epoch = 0;                                           // 0: none yet
  std::size_t epochs_without_improvement = 0;
  std::vector<float> best_weights;  // the best epoch's parameters, layer by layer, weight then bias
  bool stopped_early = false;
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
  /// Hold out this share of the rows, in [0, 1), for validation: ⌊split · n⌋ rows that
  /// nl::validation_rows(n, split, seed) names, chosen by the seed. 0: none.
  float validation_split = 0.0f;
  /// Or validation data of one's own (not both).
  validation_data validation = {};
  /// Early stopping: stop after this many epochs in a row without a validation loss below the best
  /// minus min_delta (0: never stop early). Needs validation data.
  std::size_t patience = 0;
  float min_delta = 0.0f;
  /// With early stopping, end the run (early or after the last epoch) with the weights of the epoch
  /// of the lowest validation loss.
  bool restore_best_weights = true;
  /// Where the run stands, read at the start (to resume) and updated after every epoch; nullptr: a
  /// fresh run from epoch 1.
  fit_progress* progress = nullptr;
};

/// The rows fit holds out for validation_split = `split` of n rows with this seed, ascending: the
/// first ⌊split · n⌋ of a Fisher–Yates shuffle of 0 … n−1 drawn from MT19937 seeded with
/// seed ^ 0x76616c69 (a stream apart from the one shuffling the batches). Throws
/// std::invalid_argument for a split outside [0, 1) and for one that holds out no row.
inline std::vector<std::size_t> validation_rows(std::size_t n, float split, std::uint32_t seed) {
  if (!(split >= 0.0f && split < 1.0f))
    throw std::invalid_argument("nonlin::fit: validation_split must lie in [0, 1); got " + std::to_string(split));
  const auto count = static_cast<std::size_t>(std::floor(static_cast<double>(split) * static_cast<double>(n)));
  if (split > 0.0f && count == 0)
    throw std::invalid_argument("nonlin::fit: validation_split " + std::to_string(split) + " of " +
                                std::to_string(n) + " rows holds out no row");
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  random_source rng(seed ^ 0x76616c69u);
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.index(i)]);
  order.resize(count);
  std::sort(order.begin(), order.end());
  return order;
}

namespace detail {

/// Prints "epoch e/E  loss L" to `out` (std::clog when null); compiled in the library, so that fit
/// does not bring <iostream> into every translation unit.
void print_epoch(std::ostream* out, std::size_t epoch, std::size_t epochs, float loss);
/// The same with the validation loss and accuracy ("epoch e/E  loss L  validation loss V  accuracy A").
void print_epoch(std::ostream* out, const epoch_report& report, std::size_t epochs);

// A network's parameters as one flat vector, layer by layer, weight then bias, and back.
template <class Net>
void flatten(const Net& m, std::vector<float>& flat) {
  flat.clear();
  for_each_parameter_array([&](const auto& w) { flat.insert(flat.end(), w.begin(), w.end()); }, m);
}
template <class Net>
void unflatten(std::span<const float> flat, Net& m) {
  std::size_t at = 0;
  for_each_parameter_array(
      [&](auto& w) {
        for (auto& v : w) v = flat[at++];
      },
      m);
}

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

// What validation needs from a loss tag: its mean over outputs and targets, and its kind of accuracy
// (nl::mse, nl::bce and nl::cross_entropy have both; a tag of one's own may train without them).
template <class Loss>
concept validating_loss = requires(std::span<const float> s) {
  { Loss::mean(s, s, std::size_t{1}) } -> std::convertible_to<float>;
  { Loss::accuracy } -> std::convertible_to<accuracy_kind>;
};

// Validation and early stopping after an epoch, out of line so that the training loop's code is the
// same whether or not they run (see `scheduled` on why that matters).
template <class Net, class Loss>
class epoch_end {
 public:
  epoch_end(const fit_options& options, fit_progress& progress)
      : options_(options), progress_(progress), out_(options.validation.x.size() / Net::inputs * Net::outputs) {
    if (options.patience != 0 && options.validation.empty())
      throw std::invalid_argument("nonlin::fit: early stopping (patience " + std::to_string(options.patience) +
                                  ") needs validation data: set validation_split or validation");
    if (!(options.min_delta >= 0.0f))
      throw std::invalid_argument("nonlin::fit: min_delta must be at least 0; got " +
                                  std::to_string(options.min_delta));
    if (!options.validation.empty()) {
      check_gradient_spans<Net>("nonlin::fit (validation)", options.validation.x, options.validation.targets);
      if constexpr (!validating_loss<Loss>)
        throw std::invalid_argument("nonlin::fit: validation needs a loss with mean(out, target, outputs) and "
                                    "accuracy members, as nonlin::mse, bce and cross_entropy have");
    }
  }

  // Fills the report's validation fields and updates the progress record; returns whether early
  // stopping ends the run.
  [[gnu::noinline]] bool operator()(const Net& m, epoch_report& report) {
    progress_.epochs_done = report.epoch;
    if constexpr (validating_loss<Loss>) {
      if (options_.validation.empty()) return false;
      m.forward(options_.validation.x, out_);
      const auto& target = options_.validation.targets;
      report.validation_loss = Loss::mean(out_, target, Net::outputs);
      report.validation_accuracy = accuracy(target);
    } else {
      return false;  // the constructor refused validation data for this loss
    }
    if (options_.patience == 0) return false;
    if (report.validation_loss < progress_.best_validation_loss - options_.min_delta) {
      progress_.best_validation_loss = report.validation_loss;
      progress_.best_epoch = report.epoch;
      progress_.epochs_without_improvement = 0;
      if (options_.restore_best_weights) flatten(m, progress_.best_weights);
      return false;
    }
    return ++progress_.epochs_without_improvement >= options_.patience;
  }

  // At the end of the run: the best epoch's weights, when early stopping kept them.
  void finish(Net& m) const {
    if (options_.patience != 0 && options_.restore_best_weights && progress_.best_epoch != 0 &&
        progress_.best_weights.size() == Net::parameter_count)
      unflatten(progress_.best_weights, m);
  }

 private:
  float accuracy(std::span<const float> target) const
    requires validating_loss<Loss>
  {
    constexpr std::size_t no = Net::outputs;
    if constexpr (Loss::accuracy == accuracy_kind::none) {
      return std::numeric_limits<float>::quiet_NaN();
    } else if constexpr (Loss::accuracy == accuracy_kind::argmax) {
      const std::size_t rows = out_.size() / no;
      std::size_t right = 0;
      for (std::size_t r = 0; r < rows; ++r) {
        const float* y = out_.data() + r * no;
        const float* t = target.data() + r * no;
        right += std::max_element(y, y + no) - y == std::max_element(t, t + no) - t;
      }
      return rows ? static_cast<float>(right) / static_cast<float>(rows) : 0.0f;
    } else {
      std::size_t right = 0;
      for (std::size_t i = 0; i < out_.size(); ++i) right += (out_[i] > 0.5f) == (target[i] > 0.5f);
      return out_.empty() ? 0.0f : static_cast<float>(right) / static_cast<float>(out_.size());
    }
  }

  const fit_options& options_;
  fit_progress& progress_;
  std::vector<float> out_;
};

// The epochs of a run, on data and options that the overloads of fit have made plain: targets
// (no labels), validation data given (no split), the optimiser the one to step.
template <class Net, class Loss, class Optimizer>
std::vector<float> run_epochs(Net& m, std::span<const float> x, std::span<const float> targets, const Loss& loss,
                              Optimizer& optimizer, const fit_options& options, fit_progress& progress) {
  using optimizer_type = std::remove_reference_t<Optimizer>;
  constexpr std::size_t ni = Net::inputs, no = Net::outputs;
  const std::size_t n = x.size() / ni;
  const std::size_t batch = options.batch_size == 0 ? n : std::min(options.batch_size, n);
  std::vector<float> history;
  epoch_end<Net, Loss> end_of_epoch(options, progress);
  if (n == 0) return history;

  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  random_source rng(options.seed);
  // A resumed run draws the shuffles of the epochs it has done, so that its batches are the ones an
  // uninterrupted run would have.
  if (options.shuffle)
    for (std::size_t e = 0; e < progress.epochs_done; ++e)
      for (std::size_t i = n - 1; i > 0; --i) std::swap(order[i], order[rng.index(i + 1)]);
  progress.stopped_early = false;
  std::vector<float> bx(batch * ni), by(batch * no);
  gradient_workspace<Net> ws;
  Net g, before;

  for (std::size_t epoch = progress.epochs_done + 1; epoch <= options.epochs; ++epoch) {
    if constexpr (is_scheduled_v<optimizer_type>) optimizer.begin_epoch();
    const float epoch_rate = reported_learning_rate(optimizer);
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
      if (!all_finite(g)) throw training_diverged(epoch, batch_index, "the gradient is not finite");
      before = m;
      optimizer.step(m, g);
      if (!all_finite(m)) {
        m = before;
        throw training_diverged(epoch, batch_index, "a weight overflowed");
      }
      epoch_loss += static_cast<double>(l) * static_cast<double>(count);
    }
    epoch_report report{epoch, static_cast<float>(epoch_loss / static_cast<double>(n)), epoch_rate};
    history.push_back(report.loss);
    if constexpr (is_scheduled_v<optimizer_type>) {
      optimizer.end_epoch(report.loss);
      progress.has_schedule = true;
      progress.schedule = optimizer.run.where();
    }
    const bool stop = end_of_epoch(m, report);
    if (options.report_every != 0 && epoch % options.report_every == 0) {
      if (options.validation.empty())
        print_epoch(options.report_to, epoch, options.epochs, report.loss);
      else
        print_epoch(options.report_to, report, options.epochs);
    }
    if (stop) progress.stopped_early = true;
    if ((options.on_epoch && !options.on_epoch(report)) || stop) break;
  }
  end_of_epoch.finish(m);
  return history;
}

}  // namespace detail

/// Trains m on x ([n][inputs]) and targets ([n][outputs]) with a loss tag (nl::mse, nl::bce,
/// nl::cross_entropy) and an optimiser offering step(m, g) (nl::sgd, nl::sgd_with_momentum<Net>,
/// nl::adam<Net>, nl::adamw<Net>). A plain nl::sgd with momentum gets a velocity buffer for the run,
/// as if it were sgd_with_momentum<Net>. With options.schedule, the optimiser's learning rate
/// (opt.learning_rate, or opt.settings.learning_rate) is set at the start of every epoch and keeps the
/// last epoch's after fit; a const optimiser is copied for the run. With validation data (a split or
/// a set) every epoch's report carries the validation loss and accuracy, and options.patience stops
/// early. Returns the training loss of every epoch run.
template <class Net, class Loss, class Optimizer>
std::vector<float> fit(Net& m, std::span<const float> x, std::span<const float> targets, const Loss& loss,
                       Optimizer&& optimizer, const fit_options& options = {}) {
  using optimizer_type = std::remove_reference_t<Optimizer>;
  if constexpr (std::is_same_v<std::remove_cv_t<optimizer_type>, sgd>) {
    if (optimizer.momentum != 0.0f) {
      if (options.progress)
        throw std::invalid_argument("nonlin::fit: a run with a progress record (to be resumed) must keep its "
                                    "momentum's velocity: pass nonlin::sgd_with_momentum<Net>, not a plain sgd");
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
  detail::check_gradient_spans<Net>("nonlin::fit", x, targets);
  // Validation data the run needs in plain form: class indices as one-hot rows, a split as rows apart.
  if (!options.validation.labels.empty()) {
    if constexpr (std::is_same_v<Loss, cross_entropy>) {
      if (options.validation.labels.size() * Net::inputs != options.validation.x.size())
        throw std::invalid_argument("nonlin::fit: expected one validation label per validation row; got " +
                                    std::to_string(options.validation.labels.size()) + " labels for " +
                                    std::to_string(options.validation.x.size() / Net::inputs) + " rows");
      if (!options.validation.targets.empty())
        throw std::invalid_argument("nonlin::fit: give validation targets or validation labels, not both");
      const std::vector<float> rows = one_hot(options.validation.labels, Net::outputs);
      fit_options plain = options;
      plain.validation.targets = rows;
      plain.validation.labels = {};
      return fit(m, x, targets, loss, optimizer, plain);
    } else {
      throw std::invalid_argument("nonlin::fit: validation labels (class indices) need the cross_entropy loss");
    }
  }
  if (options.validation_split != 0.0f) {
    if (!options.validation.empty())
      throw std::invalid_argument("nonlin::fit: give validation_split or validation data, not both");
    constexpr std::size_t ni = Net::inputs, no = Net::outputs;
    const std::size_t n = x.size() / ni;
    const std::vector<std::size_t> held = validation_rows(n, options.validation_split, options.seed);
    std::vector<float> tx, ty, vx, vy;
    tx.reserve((n - held.size()) * ni);
    ty.reserve((n - held.size()) * no);
    vx.reserve(held.size() * ni);
    vy.reserve(held.size() * no);
    for (std::size_t r = 0, h = 0; r < n; ++r) {
      const bool out = h < held.size() && held[h] == r;
      h += out;
      auto& dx = out ? vx : tx;
      auto& dy = out ? vy : ty;
      dx.insert(dx.end(), x.begin() + static_cast<std::ptrdiff_t>(r * ni), x.begin() + static_cast<std::ptrdiff_t>((r + 1) * ni));
      dy.insert(dy.end(), targets.begin() + static_cast<std::ptrdiff_t>(r * no),
                targets.begin() + static_cast<std::ptrdiff_t>((r + 1) * no));
    }
    fit_options plain = options;
    plain.validation_split = 0.0f;
    plain.validation = {vx, vy, {}};
    return fit(m, tx, ty, loss, optimizer, plain);
  }
  fit_progress fresh;
  fit_progress& progress = options.progress ? *options.progress : fresh;
  if constexpr (!detail::is_scheduled_v<optimizer_type>) {
    if (options.schedule) {
      if constexpr (detail::has_learning_rate<optimizer_type> && !std::is_const_v<optimizer_type>) {
        // A resumed run continues its schedule where it stood, from the base rate it started with.
        detail::scheduled<optimizer_type> scheduled{
            optimizer, progress.has_schedule && progress.epochs_done != 0
                           ? lr_schedule::run{options.schedule, progress.schedule}
                           : lr_schedule::run{options.schedule, detail::learning_rate_of(optimizer)}};
        return detail::run_epochs(m, x, targets, loss, scheduled, options, progress);
      } else {
        throw std::invalid_argument("nonlin::fit: a learning-rate schedule needs an optimiser with a learning_rate "
                                    "(or settings.learning_rate) member it can set");
      }
    }
  }
  return detail::run_epochs(m, x, targets, loss, optimizer, options, progress);
}

/// The same with class indices for cross_entropy: one label per row of x, each below Net::outputs
/// (std::invalid_argument names the first that is not). The run is the one-hot run, bit for bit.
template <class Net, class Loss, class Optimizer>
std::vector<float> fit(Net& m, std::span<const float> x, std::span<const std::uint32_t> labels, const Loss& loss,
                       Optimizer&& optimizer, const fit_options& options = {}) {
  static_assert(std::is_same_v<Loss, cross_entropy>,
                "nonlin::fit: class indices as targets need the cross_entropy loss (and a softmax output)");
  if (labels.size() * Net::inputs != x.size() || x.size() % Net::inputs != 0)
    throw std::invalid_argument("nonlin::fit: expected one label per row of " + std::to_string(Net::inputs) +
                                " inputs; got " + std::to_string(labels.size()) + " labels and " +
                                std::to_string(x.size()) + " floats");
  detail::check_labels("nonlin::fit", labels, Net::outputs);
  const std::vector<float> rows = one_hot(labels, Net::outputs);
  return fit(m, x, std::span<const float>(rows), loss, std::forward<Optimizer>(optimizer), options);
}

}  // namespace nonlin
