// Checkpoints: a run of 2N epochs in one go ends where N epochs, a checkpoint, fresh objects loaded
// from it and N more epochs end, bit for bit: weights, optimiser state and losses, for SGD with
// momentum and a step schedule, Adam on a plateau schedule, AdamW with a cosine, and a run with early
// stopping checkpointed from on_epoch. Bad checkpoints are refused in words.
#define BOOST_TEST_MODULE checkpoint
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/io/format_error.hpp>
#include <nonlin/io/safetensors.hpp>
#include <nonlin/network.hpp>
#include <nonlin/train/adam.hpp>
#include <nonlin/train/checkpoint.hpp>
#include <nonlin/train/datasets.hpp>
#include <nonlin/train/fit.hpp>
#include <nonlin/train/init.hpp>
#include <nonlin/train/loss.hpp>
#include <nonlin/train/schedule.hpp>
#include <nonlin/train/sgd.hpp>

namespace nl = nonlin;

namespace {

using net = nl::network<nl::input<2>, nl::dense<8, nl::tanh>, nl::dense<4, nl::relu>, nl::dense<1, nl::sigmoid>>;

std::string temporary(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("nonlin_checkpoint_" + name + ".safetensors")).string();
}

bool same_bits(const net& a, const net& b) {
  std::vector<float> x, y;
  nl::detail::flatten(a, x);
  nl::detail::flatten(b, y);
  return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Runs `epochs` in one go and as half, checkpoint, load into fresh objects, the other half; checks
// that both end with the same bits. make() gives a fresh optimiser of the run's settings.
template <class MakeOptimizer>
void check_resume(const std::string& name, MakeOptimizer make, nl::fit_options options, std::size_t epochs) {
  const auto data = nl::datasets::moons(300, /*seed*/ 3);
  options.epochs = epochs;

  net whole;
  nl::init::glorot_uniform(whole, /*seed*/ 11);
  auto whole_opt = make();
  nl::fit_progress whole_progress;
  options.progress = &whole_progress;
  const std::vector<float> whole_history = nl::fit(whole, data.x, data.y, nl::mse{}, whole_opt, options);

  net first;
  nl::init::glorot_uniform(first, /*seed*/ 11);
  auto first_opt = make();
  nl::fit_progress first_progress;
  options.progress = &first_progress;
  options.epochs = epochs / 2;
  std::vector<float> history = nl::fit(first, data.x, data.y, nl::mse{}, first_opt, options);
  const std::string path = temporary(name);
  nl::save_checkpoint(path, first, first_opt, first_progress);

  net resumed;  // fresh objects: zero weights, default settings
  auto resumed_opt = decltype(make()){};
  nl::fit_progress resumed_progress;
  nl::load_checkpoint(path, resumed, resumed_opt, resumed_progress);
  BOOST_TEST(same_bits(resumed, first));
  BOOST_TEST(resumed_progress.epochs_done == epochs / 2);
  options.progress = &resumed_progress;
  options.epochs = epochs;
  const std::vector<float> rest = nl::fit(resumed, data.x, data.y, nl::mse{}, resumed_opt, options);
  history.insert(history.end(), rest.begin(), rest.end());

  BOOST_TEST_MESSAGE(name << ": loss " << whole_history.front() << " -> " << whole_history.back());
  BOOST_TEST(whole_history.size() == epochs);
  BOOST_TEST(same_bits(history, whole_history));
  BOOST_TEST(same_bits(resumed, whole));
  BOOST_TEST(resumed_progress.epochs_done == whole_progress.epochs_done);
  BOOST_TEST(resumed_progress.schedule.epoch == whole_progress.schedule.epoch);
  std::remove(path.c_str());
}

}  // namespace

BOOST_AUTO_TEST_CASE(sgd_with_momentum_and_a_step_schedule_resume_bit_for_bit) {
  check_resume(
      "sgd", [] { return nl::sgd_with_momentum<net>{{.learning_rate = 0.1f, .momentum = 0.9f, .nesterov = true}}; },
      {.batch_size = 16, .seed = 5, .schedule = nl::step_lr{.step_size = 7, .gamma = 0.5f}}, 40);
}

BOOST_AUTO_TEST_CASE(plain_sgd_resumes_bit_for_bit) {
  check_resume("plain", [] { return nl::sgd{.learning_rate = 0.3f, .weight_decay = 1e-3f}; },
               {.batch_size = 32, .seed = 2}, 30);
}

BOOST_AUTO_TEST_CASE(adam_on_a_plateau_schedule_resumes_bit_for_bit) {
  check_resume("adam", [] { return nl::adam<net>{.learning_rate = 0.01f}; },
               {.batch_size = 32, .seed = 9, .schedule = nl::reduce_lr_on_plateau{.factor = 0.5f, .patience = 1,
                                                                                  .threshold = 0.05f}},
               40);
}

BOOST_AUTO_TEST_CASE(adamw_with_warm_up_and_cosine_and_a_validation_split_resumes_bit_for_bit) {
  check_resume("adamw", [] { return nl::adamw<net>{.learning_rate = 0.02f, .weight_decay = 0.05f}; },
               {.batch_size = 24,
                .seed = 4,
                .schedule = nl::cosine_annealing_lr{.t_max = 20, .warmup_epochs = 4},
                .validation_split = 0.2f},
               30);
}

// With early stopping, fit restores the best weights when the run ends; a checkpoint that is to be
// resumed is taken in on_epoch, where the weights are the epoch's own.
BOOST_AUTO_TEST_CASE(a_run_with_early_stopping_checkpointed_in_on_epoch_resumes_bit_for_bit) {
  const auto data = nl::datasets::moons(300, /*seed*/ 3);
  const std::string path = temporary("early");
  const nl::fit_options options{.epochs = 200, .batch_size = 32, .seed = 8, .validation_split = 0.25f,
                                .patience = 5, .min_delta = 1e-4f};
  net whole;
  nl::init::glorot_uniform(whole, /*seed*/ 1);
  nl::adam<net> whole_opt{.learning_rate = 0.05f};
  nl::fit_progress whole_progress;
  nl::fit_options o = options;
  o.progress = &whole_progress;
  const auto whole_history = nl::fit(whole, data.x, data.y, nl::mse{}, whole_opt, o);
  BOOST_TEST_REQUIRE(whole_progress.stopped_early);
  BOOST_TEST_MESSAGE("early stopping after " << whole_history.size() << " epochs, best "
                                             << whole_progress.best_epoch);
  const std::size_t half = whole_history.size() / 2;

  net first;
  nl::init::glorot_uniform(first, /*seed*/ 1);
  nl::adam<net> first_opt{.learning_rate = 0.05f};
  nl::fit_progress first_progress;
  o.progress = &first_progress;
  o.on_epoch = [&](const nl::epoch_report& r) {
    if (r.epoch == half) nl::save_checkpoint(path, first, first_opt, first_progress);
    return r.epoch < half;
  };
  auto history = nl::fit(first, data.x, data.y, nl::mse{}, first_opt, o);

  net resumed;
  nl::adam<net> resumed_opt;
  nl::fit_progress resumed_progress;
  nl::load_checkpoint(path, resumed, resumed_opt, resumed_progress);
  o.progress = &resumed_progress;
  o.on_epoch = {};
  const auto rest = nl::fit(resumed, data.x, data.y, nl::mse{}, resumed_opt, o);
  history.insert(history.end(), rest.begin(), rest.end());
  BOOST_TEST(same_bits(history, whole_history));
  BOOST_TEST(same_bits(resumed, whole));
  BOOST_TEST(resumed_progress.best_epoch == whole_progress.best_epoch);
  BOOST_TEST(resumed_progress.stopped_early);
  BOOST_TEST(resumed_opt.step_count == whole_opt.step_count);
  std::remove(path.c_str());
}

BOOST_AUTO_TEST_CASE(a_checkpoint_holds_the_optimisers_settings_and_state_exactly) {
  net m;
  nl::init::he_uniform(m, /*seed*/ 2);
  nl::adamw<net> opt{.learning_rate = 0.0123f, .beta1 = 0.8f, .beta2 = 0.99f, .epsilon = 1e-7f, .weight_decay = 0.3f};
  opt.first_moment = m;
  opt.second_moment.layer<1>().bias[2] = 0.75f;
  opt.step_count = 123456789012ull;
  nl::fit_progress p;
  p.epochs_done = 17;
  p.has_schedule = true;
  p.schedule = {0.1f, 17, {0.025, 0.3333333333333333, 2}};
  p.best_validation_loss = 0.1f;
  p.best_epoch = 12;
  p.epochs_without_improvement = 5;
  nl::detail::flatten(m, p.best_weights);
  const std::string path = temporary("exact");
  nl::save_checkpoint(path, m, opt, p);

  net m2;
  nl::adamw<net> opt2;
  nl::fit_progress p2;
  nl::load_checkpoint(path, m2, opt2, p2);
  BOOST_TEST(same_bits(m2, m));
  BOOST_TEST(same_bits(opt2.first_moment, opt.first_moment));
  BOOST_TEST(same_bits(opt2.second_moment, opt.second_moment));
  BOOST_TEST(opt2.learning_rate == opt.learning_rate);
  BOOST_TEST(opt2.beta1 == opt.beta1);
  BOOST_TEST(opt2.beta2 == opt.beta2);
  BOOST_TEST(opt2.epsilon == opt.epsilon);
  BOOST_TEST(opt2.weight_decay == opt.weight_decay);
  BOOST_TEST(opt2.step_count == opt.step_count);
  BOOST_TEST(p2.epochs_done == 17u);
  BOOST_TEST(p2.has_schedule);
  BOOST_TEST(p2.schedule.base_rate == 0.1f);
  BOOST_TEST(p2.schedule.epoch == 17u);
  BOOST_TEST(p2.schedule.plateau.rate == 0.025);
  BOOST_TEST(p2.schedule.plateau.best == 0.3333333333333333);
  BOOST_TEST(p2.schedule.plateau.bad_epochs == 2);
  BOOST_TEST(p2.best_validation_loss == 0.1f);
  BOOST_TEST(p2.best_epoch == 12u);
  BOOST_TEST(p2.epochs_without_improvement == 5u);
  BOOST_TEST(same_bits(p2.best_weights, p.best_weights));
  BOOST_TEST(!p2.stopped_early);

  // A fresh progress record (no validation yet) keeps its infinite best.
  nl::save_checkpoint(path, m, nl::sgd{}, nl::fit_progress{});
  nl::sgd s{.learning_rate = 5.0f};
  nl::load_checkpoint(path, m2, s, p2);
  BOOST_TEST(p2.best_validation_loss == std::numeric_limits<float>::infinity());
  BOOST_TEST(s.learning_rate == 0.01f);
  BOOST_TEST(p2.best_weights.empty());
  std::remove(path.c_str());
}

namespace {

template <class F>
std::string message_of(F f) {
  try {
    f();
  } catch (const nl::format_error& e) {
    return e.what();
  }
  return "(nothing thrown)";
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_checkpoint_of_another_network_optimiser_or_no_checkpoint_is_refused_in_words) {
  const std::string path = temporary("refused");
  net m;
  nl::init::glorot_uniform(m, 1);
  nl::save_checkpoint(path, m, nl::adam<net>{});
  nl::fit_progress p;

  using other = nl::network<nl::input<2>, nl::dense<8, nl::relu>, nl::dense<4, nl::relu>, nl::dense<1, nl::sigmoid>>;
  other o;
  nl::adam<other> adam_other;
  const std::string type = message_of([&] { nl::load_checkpoint(path, o, adam_other, p); });
  BOOST_TEST_MESSAGE(type);
  BOOST_TEST(type.find("nonlin::load_checkpoint: " + path) == 0u);
  BOOST_TEST(type.find("not of nl::network<") != std::string::npos);

  nl::sgd_with_momentum<net> sgd;
  const std::string kind = message_of([&] { nl::load_checkpoint(path, m, sgd, p); });
  BOOST_TEST_MESSAGE(kind);
  BOOST_TEST(kind.find("the checkpoint's optimiser is adam, not sgd_with_momentum") != std::string::npos);

  // Weights saved for loading into a network are no checkpoint.
  nl::save_safetensors(m, path);
  nl::adam<net> adam;
  const std::string weights = message_of([&] { nl::load_checkpoint(path, m, adam, p); });
  BOOST_TEST_MESSAGE(weights);
  BOOST_TEST(weights.find("not a nonlin checkpoint") != std::string::npos);

  const std::string missing = message_of([&] { nl::load_checkpoint(path + ".none", m, adam, p); });
  BOOST_TEST_MESSAGE(missing);
  BOOST_TEST(missing.find("nonlin::load_checkpoint: " + path + ".none: cannot open the file") == 0u);

  // A refused load leaves the objects as they were.
  BOOST_TEST(adam.step_count == 0u);
  std::remove(path.c_str());
}

BOOST_AUTO_TEST_CASE(a_run_to_resume_refuses_a_plain_sgd_whose_velocity_would_be_lost) {
  const auto data = nl::datasets::moons(64, 1);
  net m;
  nl::fit_progress p;
  BOOST_CHECK_THROW(nl::fit(m, data.x, data.y, nl::mse{}, nl::sgd{.momentum = 0.9f}, {.epochs = 1, .progress = &p}),
                    std::invalid_argument);
}

// docs/training.md, "Checkpoints": the example, compiled and run.
BOOST_AUTO_TEST_CASE(the_checkpoint_example_of_the_training_docs) {
  const std::string path = temporary("docs");
  const auto data = nl::datasets::moons(300, /*seed*/ 3);
  net m;
  nl::init::glorot_uniform(m, /*seed*/ 11);
  nl::adam<net> adam{.learning_rate = 0.01f};
  nl::fit_progress progress;
  nl::fit(m, data.x, data.y, nl::mse{}, adam, {.epochs = 20, .seed = 9, .progress = &progress});
  nl::save_checkpoint(path, m, adam, progress);
  // ... later, in another process:
  net m2;
  nl::adam<net> adam2;
  nl::fit_progress progress2;
  nl::load_checkpoint(path, m2, adam2, progress2);
  const auto rest =
      nl::fit(m2, data.x, data.y, nl::mse{}, adam2, {.epochs = 40, .seed = 9, .progress = &progress2});  // epochs 21 … 40
  BOOST_TEST(rest.size() == 20u);
  BOOST_TEST(progress2.epochs_done == 40u);
  BOOST_TEST(adam2.step_count == 40u * 10u);  // 300 rows in batches of 32: 10 per epoch
  std::remove(path.c_str());
}
