// fit's options beyond the loop itself: a validation split (rows chosen by the seed, never trained on)
// or a validation set of one's own, its loss and accuracy in every epoch's report, early stopping with
// patience and min_delta and the best weights restored; class indices as targets for cross-entropy
// (the same loss, gradient and run as one-hot rows, bit for bit); bad options refused in words; and
// the example of docs/training.md that sets every field.
#define BOOST_TEST_MODULE fit_options
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/network.hpp>
#include <nonlin/train/adam.hpp>
#include <nonlin/train/datasets.hpp>
#include <nonlin/train/fit.hpp>
#include <nonlin/train/init.hpp>
#include <nonlin/train/loss.hpp>
#include <nonlin/train/schedule.hpp>
#include <nonlin/train/sgd.hpp>

namespace nl = nonlin;

namespace {

using net = nl::network<nl::input<2>, nl::dense<8, nl::tanh>, nl::dense<1, nl::sigmoid>>;
using classifier = nl::network<nl::input<2>, nl::dense<8, nl::relu>, nl::dense<3, nl::softmax<>>>;

template <class Net>
std::vector<float> parameters(const Net& m) {
  std::vector<float> p;
  nl::detail::flatten(m, p);
  return p;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Three classes: the two moons and, far to the right, a third cluster.
struct three_classes {
  std::vector<float> x;
  std::vector<std::uint32_t> labels;
};
three_classes make_three(std::size_t n, std::uint32_t seed) {
  const auto moons = nl::datasets::moons(n, seed);
  three_classes d;
  nl::random_source rng(seed + 1);
  for (std::size_t i = 0; i < n; ++i) {
    const bool third = i % 3 == 2;
    d.x.push_back(third ? 3.0f + 0.3f * rng.normal() : moons.x[2 * i]);
    d.x.push_back(third ? 0.3f * rng.normal() : moons.x[2 * i + 1]);
    d.labels.push_back(third ? 2u : static_cast<std::uint32_t>(moons.y[i]));
  }
  return d;
}

template <class F>
std::string invalid_argument_of(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(nothing thrown)";
}

}  // namespace

BOOST_AUTO_TEST_CASE(validation_rows_are_a_seeded_share_in_ascending_order) {
  const auto rows = nl::validation_rows(100, 0.2f, 7);
  BOOST_TEST(rows.size() == 20u);
  BOOST_TEST(std::is_sorted(rows.begin(), rows.end()));
  BOOST_TEST((std::adjacent_find(rows.begin(), rows.end()) == rows.end()));
  BOOST_TEST(rows.back() < 100u);
  BOOST_TEST(nl::validation_rows(100, 0.2f, 7) == rows);  // the seed fixes them
  BOOST_TEST(nl::validation_rows(100, 0.2f, 8) != rows);
  BOOST_TEST(nl::validation_rows(1437, 0.2f, 0).size() == 287u);  // ⌊0.2 · 1437⌋
  BOOST_TEST(nl::validation_rows(10, 0.0f, 0).empty());
}

// A split is the run on the rows left, with the held-out rows as a validation set: bit for bit.
BOOST_AUTO_TEST_CASE(a_validation_split_trains_on_the_other_rows_only_and_reports_their_loss) {
  const auto data = nl::datasets::circles(200, /*seed*/ 1);
  const auto held = nl::validation_rows(200, 0.25f, 3);
  std::vector<float> tx, ty, vx, vy;
  for (std::size_t r = 0, h = 0; r < 200; ++r) {
    const bool out = h < held.size() && held[h] == r;
    h += out;
    (out ? vx : tx).insert((out ? vx : tx).end(), {data.x[2 * r], data.x[2 * r + 1]});
    (out ? vy : ty).push_back(data.y[r]);
  }
  net a, b;
  nl::init::glorot_uniform(a, 7);
  nl::init::glorot_uniform(b, 7);
  std::vector<nl::epoch_report> ra, rb;
  const auto ha = nl::fit(a, data.x, data.y, nl::bce{}, nl::sgd{.learning_rate = 0.5f},
                          {.epochs = 20, .seed = 3,
                           .on_epoch = [&](const nl::epoch_report& r) { return ra.push_back(r), true; },
                           .validation_split = 0.25f});
  const auto hb = nl::fit(b, tx, ty, nl::bce{}, nl::sgd{.learning_rate = 0.5f},
                          {.epochs = 20, .seed = 3,
                           .on_epoch = [&](const nl::epoch_report& r) { return rb.push_back(r), true; },
                           .validation = {.x = vx, .targets = vy}});
  BOOST_TEST(same_bits(ha, hb));
  BOOST_TEST(same_bits(parameters(a), parameters(b)));
  BOOST_TEST_REQUIRE(ra.size() == 20u);
  for (std::size_t e = 0; e < 20; ++e) {
    BOOST_TEST(ra[e].validation_loss == rb[e].validation_loss);
    BOOST_TEST(ra[e].validation_accuracy == rb[e].validation_accuracy);
  }
  // The last report's numbers are the trained network's on the held-out rows.
  std::vector<float> out(vy.size());
  a.forward(vx, out);
  BOOST_TEST(ra.back().validation_loss == nl::bce_loss(out, vy));
  BOOST_TEST(ra.back().validation_accuracy == nl::datasets::accuracy(a, vx, vy));
  BOOST_TEST(ra.back().validation_accuracy > 0.6f);  // better than chance after 20 epochs
}

BOOST_AUTO_TEST_CASE(validation_accuracy_is_argmax_for_cross_entropy_and_absent_for_mse) {
  const auto d = make_three(300, 5);
  classifier m;
  nl::init::he_uniform(m, 2);
  nl::epoch_report last{};
  nl::fit(m, d.x, d.labels, nl::cross_entropy{}, nl::adam<classifier>{.learning_rate = 0.02f},
          {.epochs = 30, .seed = 1, .on_epoch = [&](const nl::epoch_report& r) { return last = r, true; },
           .validation_split = 0.2f});
  BOOST_TEST(last.validation_accuracy > 0.9f);
  BOOST_TEST(last.validation_loss < 0.5f);

  const auto data = nl::datasets::circles(100, 1);
  net r;
  nl::init::glorot_uniform(r, 1);
  nl::fit(r, data.x, data.y, nl::mse{}, nl::sgd{.learning_rate = 0.5f},
          {.epochs = 2, .on_epoch = [&](const nl::epoch_report& e) { return last = e, true; },
           .validation_split = 0.1f});
  BOOST_TEST(std::isfinite(last.validation_loss));
  BOOST_TEST(std::isnan(last.validation_accuracy));  // mse is regression: no accuracy
  nl::fit(r, data.x, data.y, nl::mse{}, nl::sgd{}, {.epochs = 1, .on_epoch = [&](const nl::epoch_report& e) {
                                                      return last = e, true;
                                                    }});
  BOOST_TEST(std::isnan(last.validation_loss));  // no validation data
}

// Early stopping: at most `patience` epochs without improvement, then the best epoch's weights.
BOOST_AUTO_TEST_CASE(early_stopping_stops_after_patience_epochs_and_restores_the_best_weights) {
  const auto data = nl::datasets::moons(200, 2);
  net m;
  nl::init::glorot_uniform(m, 3);
  std::vector<nl::epoch_report> reports;
  nl::fit_progress progress;
  // A high rate makes the validation loss wander, so that the best epoch is not the last.
  nl::fit(m, data.x, data.y, nl::bce{}, nl::adam<net>{.learning_rate = 0.3f},
          {.epochs = 500, .seed = 4,
           .on_epoch = [&](const nl::epoch_report& r) { return reports.push_back(r), true; },
           .validation_split = 0.3f, .patience = 4, .progress = &progress});
  BOOST_TEST_REQUIRE(progress.stopped_early);
  BOOST_TEST(reports.size() < 500u);
  std::size_t best = 0;
  for (std::size_t e = 0; e < reports.size(); ++e)
    if (reports[e].validation_loss < reports[best].validation_loss) best = e;
  BOOST_TEST(progress.best_epoch == best + 1);
  BOOST_TEST(reports.size() == best + 1 + 4);  // four epochs in a row without a better loss
  BOOST_TEST(progress.best_validation_loss == reports[best].validation_loss);
  // m holds the best epoch's weights: its validation loss is the best one.
  const auto held = nl::validation_rows(200, 0.3f, 4);
  std::vector<float> vx, vy, out(held.size());
  for (std::size_t r : held) vx.insert(vx.end(), {data.x[2 * r], data.x[2 * r + 1]}), vy.push_back(data.y[r]);
  m.forward(vx, out);
  BOOST_TEST(nl::bce_loss(out, vy) == reports[best].validation_loss);
  BOOST_TEST(same_bits(parameters(m), progress.best_weights));
}

BOOST_AUTO_TEST_CASE(min_delta_counts_small_improvements_as_none_and_restoring_can_be_turned_off) {
  const auto data = nl::datasets::moons(200, 2);
  for (bool restore : {true, false}) {
    net m;
    nl::init::glorot_uniform(m, 3);
    std::vector<float> after_each;
    nl::fit_progress progress;
    const auto history = nl::fit(m, data.x, data.y, nl::bce{}, nl::sgd{.learning_rate = 0.5f},
                                 {.epochs = 100, .seed = 4, .validation_split = 0.2f, .patience = 3,
                                  .min_delta = 10.0f, .restore_best_weights = restore, .progress = &progress});
    // Epoch 1 improves on no loss at all; no later one improves by 10.
    BOOST_TEST(history.size() == 4u);
    BOOST_TEST(progress.best_epoch == 1u);
    BOOST_TEST(progress.stopped_early);
    BOOST_TEST(same_bits(parameters(m), progress.best_weights) == restore);
    BOOST_TEST(progress.best_weights.empty() == !restore);
  }
}

BOOST_AUTO_TEST_CASE(the_report_line_shows_the_validation_loss_and_accuracy) {
  const auto data = nl::datasets::circles(100, 1);
  net m;
  nl::init::glorot_uniform(m, 1);
  std::ostringstream out;
  nl::fit(m, data.x, data.y, nl::bce{}, nl::sgd{.learning_rate = 0.5f},
          {.epochs = 2, .report_every = 1, .report_to = &out, .validation_split = 0.2f});
  BOOST_TEST_MESSAGE(out.str());
  BOOST_TEST(out.str().find("epoch 2/2  loss ") == out.str().find("epoch 2/2"));
  BOOST_TEST(out.str().find("  validation loss ") != std::string::npos);
  BOOST_TEST(out.str().find("  accuracy ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_validation_and_early_stopping_options_are_refused_in_words) {
  const auto data = nl::datasets::circles(50, 1);
  net m;
  const nl::sgd opt{};
  auto run = [&](const nl::fit_options& o) { return [&, o] { nl::fit(m, data.x, data.y, nl::bce{}, opt, o); }; };
  BOOST_TEST(invalid_argument_of(run({.epochs = 1, .patience = 3})) ==
             "nonlin::fit: early stopping (patience 3) needs validation data: set validation_split or validation");
  BOOST_TEST(invalid_argument_of(run({.validation_split = 1.0f})) ==
             "nonlin::fit: validation_split must lie in [0, 1); got 1.000000");
  BOOST_TEST(invalid_argument_of(run({.validation_split = -0.5f})).find("must lie in [0, 1)") != std::string::npos);
  BOOST_TEST(invalid_argument_of(run({.validation_split = 0.01f})) ==
             "nonlin::fit: validation_split 0.010000 of 50 rows holds out no row");
  BOOST_TEST(invalid_argument_of(run({.validation_split = 0.2f, .validation = {.x = data.x, .targets = data.y}})) ==
             "nonlin::fit: give validation_split or validation data, not both");
  BOOST_TEST(invalid_argument_of(run({.validation_split = 0.2f, .patience = 2, .min_delta = -1.0f})) ==
             "nonlin::fit: min_delta must be at least 0; got -1.000000");
  const std::vector<float> short_targets(3);
  BOOST_TEST(invalid_argument_of(run({.validation = {.x = data.x, .targets = short_targets}}))
                 .find("nonlin::fit (validation): expected the input to hold n rows") == 0u);
  const std::vector<std::uint32_t> labels(50);
  BOOST_TEST(invalid_argument_of(run({.validation = {.x = data.x, .labels = labels}})) ==
             "nonlin::fit: validation labels (class indices) need the cross_entropy loss");
}

// Class indices: the loss, its gradient and a whole run equal the one-hot form's, bit for bit.
BOOST_AUTO_TEST_CASE(class_indices_give_the_loss_and_gradient_of_one_hot_rows) {
  const std::vector<float> probs{0.7f, 0.2f, 0.1f, 0.05f, 0.05f, 0.9f, 0.3f, 0.3f, 0.4f, 1e-45f, 0.5f, 0.5f};
  const std::vector<std::uint32_t> labels{0, 2, 1, 0};
  const std::vector<float> rows = nl::one_hot(labels, 3);
  BOOST_TEST(rows == (std::vector<float>{1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0}), boost::test_tools::per_element());
  BOOST_TEST(nl::cross_entropy_loss(probs, labels, 3) == nl::cross_entropy_loss(probs, rows, 3));
  std::vector<float> g1(12), g2(12);
  nl::cross_entropy_gradient_logits(probs, labels, 3, 2.0f, g1);
  nl::cross_entropy_gradient_logits(probs, rows, 3, 2.0f, g2);
  BOOST_TEST(same_bits(g1, g2));
  BOOST_TEST(nl::cross_entropy_loss(std::span<const float>{}, std::span<const std::uint32_t>{}, 3) == 0.0f);
}

BOOST_AUTO_TEST_CASE(fit_on_class_indices_is_the_one_hot_run_bit_for_bit) {
  const auto d = make_three(240, 9);
  const std::vector<float> rows = nl::one_hot(d.labels, 3);
  const auto v = make_three(60, 10);
  const std::vector<float> v_rows = nl::one_hot(v.labels, 3);
  classifier a, b;
  nl::init::he_uniform(a, 4);
  nl::init::he_uniform(b, 4);
  std::vector<float> va, vb;
  nl::adam<classifier> oa{.learning_rate = 0.01f}, ob{.learning_rate = 0.01f};
  const auto ha = nl::fit(a, d.x, d.labels, nl::cross_entropy{}, oa,
                          {.epochs = 25, .batch_size = 16, .seed = 2,
                           .on_epoch = [&](const nl::epoch_report& r) { return va.push_back(r.validation_loss), true; },
                           .validation = {.x = v.x, .labels = v.labels}});
  const auto hb = nl::fit(b, d.x, rows, nl::cross_entropy{}, ob,
                          {.epochs = 25, .batch_size = 16, .seed = 2,
                           .on_epoch = [&](const nl::epoch_report& r) { return vb.push_back(r.validation_loss), true; },
                           .validation = {.x = v.x, .targets = v_rows}});
  BOOST_TEST(same_bits(ha, hb));
  BOOST_TEST(same_bits(va, vb));
  BOOST_TEST(same_bits(parameters(a), parameters(b)));
  BOOST_TEST(ha.back() < 0.5f * ha.front());
}

BOOST_AUTO_TEST_CASE(a_class_index_not_below_the_number_of_classes_is_refused_naming_it) {
  const std::vector<float> probs(9, 1.0f / 3.0f);
  const std::vector<std::uint32_t> labels{0, 2, 3};
  std::vector<float> g(9);
  const std::string expected = "label 2 is 3, not below the number of classes, 3";
  BOOST_TEST(invalid_argument_of([&] { nl::cross_entropy_loss(probs, labels, 3); }) ==
             "nonlin::cross_entropy_loss: " + expected);
  BOOST_TEST(invalid_argument_of([&] { nl::cross_entropy_gradient_logits(probs, labels, 3, 1.0f, g); }) ==
             "nonlin::cross_entropy_gradient_logits: " + expected);
  BOOST_TEST(invalid_argument_of([&] { nl::one_hot(labels, 3); }) == "nonlin::one_hot: " + expected);
  BOOST_TEST(invalid_argument_of([&] { nl::cross_entropy_loss(probs, std::span(labels).first(2), 3); })
                 .find("expected one row of `classes` (3) probabilities per label; got 9 floats and 2 labels") !=
             std::string::npos);
  const std::vector<float> x(6);
  classifier m;
  BOOST_TEST(invalid_argument_of([&] { nl::fit(m, x, labels, nl::cross_entropy{}, nl::sgd{}); }) ==
             "nonlin::fit: " + expected);
  BOOST_TEST(invalid_argument_of([&] { nl::fit(m, x, std::span(labels).first(2), nl::cross_entropy{}, nl::sgd{}); }) ==
             "nonlin::fit: expected one label per row of 2 inputs; got 2 labels and 6 floats");
}

// docs/training.md, "fit's options": every field of fit_options, compiled and run.
BOOST_AUTO_TEST_CASE(the_fit_options_example_of_the_training_docs) {
  using net = nl::network<nl::input<2>, nl::dense<16, nl::relu>, nl::dense<2, nl::softmax<>>>;
  const auto data = nl::datasets::moons(500, /*seed*/ 1);
  std::vector<std::uint32_t> labels;  // class indices, for cross-entropy
  for (float y : data.y) labels.push_back(static_cast<std::uint32_t>(y));
  net m;
  nl::init::he_uniform(m, /*seed*/ 7);
  nl::adam<net> adam{.learning_rate = 0.01f};
  nl::fit_progress progress;  // where the run stands (for nl::save_checkpoint)
  std::ostringstream log;
  float best_accuracy = 0.0f;

  const std::vector<float> losses = nl::fit(m, data.x, labels, nl::cross_entropy{}, adam,
      {.epochs = 300,                      // at most 300 epochs
       .batch_size = 32,                   // 0: the whole training set per step
       .seed = 7,                          // shuffling and the validation rows
       .shuffle = true,                    // reshuffle every epoch
       .report_every = 50,                 // print a line every 50 epochs ...
       .report_to = &log,                  // ... here (nullptr: std::clog)
       .on_epoch = [&](const nl::epoch_report& r) {
         best_accuracy = std::max(best_accuracy, r.validation_accuracy);
         return true;                      // false stops the run
       },
       .schedule = nl::reduce_lr_on_plateau{.factor = 0.5f, .patience = 5},
       .validation_split = 0.2f,           // hold out 100 rows, chosen by the seed
       .validation = {},                   // or {.x = ..., .targets = ...} / {.x = ..., .labels = ...}
       .patience = 10,                     // stop after 10 epochs without a better validation loss
       .min_delta = 1e-4f,                 // "better" means lower by more than this
       .restore_best_weights = true,       // end with the best epoch's weights
       .progress = &progress});

  BOOST_TEST_MESSAGE("stopped after " << losses.size() << " epochs, best " << progress.best_epoch << ", accuracy "
                                      << best_accuracy << "\n" << log.str());
  BOOST_TEST(progress.stopped_early);
  BOOST_TEST(losses.size() == progress.epochs_done);
  BOOST_TEST(best_accuracy > 0.95f);
}

namespace {

// A loss tag of one's own with only what training needs (no mean, no accuracy): mse under another name.
struct own_mse {
  static constexpr nl::wrt seed_at = nl::wrt::output;
  template <class Act>
  static constexpr void check_output_activation() noexcept {}
  template <std::size_t Outputs>
  static float scale(std::size_t n) noexcept { return nl::mse::scale<Outputs>(n); }
  template <class Act, class V, std::size_t N>
  static V tile(const std::array<V, N>& y, const std::array<V, N>& t, std::array<V, N>& g, float scale) noexcept {
    return nl::mse::tile<Act>(y, t, g, scale);
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_loss_tag_of_ones_own_trains_and_is_refused_validation_in_words) {
  const auto data = nl::datasets::circles(100, 1);
  net a, b;
  nl::init::glorot_uniform(a, 1);
  nl::init::glorot_uniform(b, 1);
  const auto own = nl::fit(a, data.x, data.y, own_mse{}, nl::sgd{.learning_rate = 0.5f}, {.epochs = 5});
  const auto tag = nl::fit(b, data.x, data.y, nl::mse{}, nl::sgd{.learning_rate = 0.5f}, {.epochs = 5});
  BOOST_TEST(own == tag, boost::test_tools::per_element());
  BOOST_TEST(invalid_argument_of([&] {
               nl::fit(a, data.x, data.y, own_mse{}, nl::sgd{}, {.epochs = 1, .validation_split = 0.2f});
             }) == "nonlin::fit: validation needs a loss with mean(out, target, outputs) and accuracy members, as "
                   "nonlin::mse, bce and cross_entropy have");
}

// A residual classifier trains through fit like any network: the three classes separate, and a
// checkpointless rerun with the same seed repeats bit for bit.
BOOST_AUTO_TEST_CASE(fit_trains_a_network_with_residual_blocks) {
  using residual_classifier =
      nl::network<nl::input<2>, nl::dense<16, nl::relu>, nl::residual<nl::dense<16, nl::relu>, nl::dense<16>>,
                  nl::residual<nl::dense<16, nl::tanh>>, nl::dense<3, nl::softmax<>>>;
  const auto d = make_three(300, 7);
  auto run = [&] {
    residual_classifier m;
    nl::init::he_uniform(m, 3);
    nl::epoch_report last{};
    nl::fit(m, d.x, d.labels, nl::cross_entropy{}, nl::adam<residual_classifier>{.learning_rate = 0.01f},
            {.epochs = 40, .seed = 2, .on_epoch = [&](const nl::epoch_report& r) { return last = r, true; },
             .validation_split = 0.2f});
    return std::pair{parameters(m), last};
  };
  const auto [weights, last] = run();
  BOOST_TEST(last.validation_accuracy > 0.9f);
  BOOST_TEST(last.validation_loss < 0.4f);
  BOOST_TEST(same_bits(run().first, weights));
}
