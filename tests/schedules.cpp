// The learning-rate schedules' contracts: each schedule's rates over 20–30 epochs equal torch 1.13's
// (torch.optim.lr_scheduler, stepped once per epoch) within 1e-6 relative; reduce-on-plateau fed a
// fixed loss sequence gives torch's rates; fit sets the optimiser's rate at the start of every epoch,
// reports it, and still trains, with every optimiser; bad parameters are refused in words.
#define BOOST_TEST_MODULE schedules
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <nonlin/activation/sigmoid.hpp>
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

// torch's rates were made once with /usr/bin/python3 and torch 1.13 by
//   def run(make, n, base, losses=None):
//       p = torch.nn.Parameter(torch.zeros(1)); o = torch.optim.SGD([p], lr=base); s = make(o); r = []
//       for e in range(n):
//           r.append(o.param_groups[0]['lr']); o.step()
//           s.step(losses[e]) if losses is not None else s.step()
//       return r
// and printed with "%.10g"; each constant names the `make` it came from. The base rate is 0.1.
constexpr float base = 0.1f;

// lambda o: StepLR(o, step_size=7, gamma=0.5), 25 epochs
const std::vector<double> torch_step_lr = {
    0.1,   0.1,   0.1,   0.1,   0.1,   0.1,   0.1,    0.05,   0.05,   0.05,   0.05,   0.05,  0.05,
    0.05,  0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.0125, 0.0125};

// lambda o: ExponentialLR(o, gamma=0.9), 25 epochs
const std::vector<double> torch_exponential_lr = {
    0.1,           0.09,          0.081,         0.0729,        0.06561,       0.059049,      0.0531441,
    0.04782969,    0.043046721,   0.0387420489,  0.03486784401, 0.03138105961, 0.02824295365, 0.02541865828,
    0.02287679245, 0.02058911321, 0.01853020189, 0.0166771817,  0.01500946353, 0.01350851718, 0.01215766546,
    0.01094189891, 0.009847709022, 0.00886293812, 0.007976644308};

// lambda o: CosineAnnealingLR(o, T_max=20, eta_min=0.001), 25 epochs (past T_max the rate rises again)
const std::vector<double> torch_cosine_annealing_lr = {
    0.1,           0.09939057286, 0.09757729756, 0.09460482295,  0.09054634122,  0.08550178567,  0.07959536999,
    0.07297252974, 0.06579634122, 0.05824350602, 0.0505,         0.04275649398,  0.03520365878,  0.02802747026,
    0.02140463001, 0.01549821433, 0.01045365878, 0.006395177053, 0.003422702443, 0.001609427141, 0.001,
    0.001609427141, 0.003422702443, 0.006395177053, 0.01045365878};

// lambda o: CosineAnnealingLR(o, T_max=20), 20 epochs (eta_min 0; torch's recursive form and the
// closed form part by rounding near 0, so the sequence stops before t = T_max, where the rate is 0)
const std::vector<double> torch_cosine_annealing_lr_to_zero = {
    0.1,           0.09938441703,  0.09755282581,  0.09455032621,  0.09045084972, 0.08535533906, 0.07938926261,
    0.07269952499, 0.06545084972,  0.05782172325,  0.05,           0.04217827675, 0.03454915028, 0.02730047501,
    0.02061073739, 0.01464466094,  0.009549150281, 0.005449673791, 0.002447174185, 0.0006155829702};

// lambda o: SequentialLR(o, [LinearLR(o, start_factor=0.25, total_iters=5),
//                            CosineAnnealingLR(o, T_max=20, eta_min=0.001)], milestones=[5]), 25 epochs
const std::vector<double> torch_warmup_then_cosine = {
    0.025,         0.04,           0.055,          0.07,           0.085,         0.1,           0.09939057286,
    0.09757729756, 0.09460482295,  0.09054634122,  0.08550178567,  0.07959536999, 0.07297252974, 0.06579634122,
    0.05824350602, 0.0505,         0.04275649398,  0.03520365878,  0.02802747026, 0.02140463001, 0.01549821433,
    0.01045365878, 0.006395177053, 0.003422702443, 0.001609427141};

// The plateau's losses: decreasing, flat, a fall too small for threshold 1e-4 (0.59995 is not below
// 0.6·(1 − 1e-4) = 0.59994), one real improvement, then flat again; passed to torch as float32 values
// (L = [float(np.float32(v)) for v in L]).
const std::vector<float> plateau_losses = {1.0f,     0.9f,     0.8f,     0.7f,     0.6f, 0.6f, 0.6f, 0.6f,
                                           0.6f,     0.6f,     0.6f,     0.59995f, 0.59995f, 0.59995f,
                                           0.59995f, 0.5f,     0.5f,     0.5f,     0.5f, 0.5f, 0.5f, 0.5f,
                                           0.5f,     0.5f,     0.5f,     0.5f,     0.5f, 0.5f, 0.5f, 0.5f};

// lambda o: ReduceLROnPlateau(o, factor=0.5, patience=2, threshold=1e-4, min_lr=0.002), 30 epochs, L
const std::vector<double> torch_reduce_lr_on_plateau = {
    0.1,    0.1,    0.1,    0.1,      0.1,      0.1,      0.1,     0.1,     0.05,   0.05,
    0.05,   0.025,  0.025,  0.025,    0.0125,   0.0125,   0.0125,  0.0125,  0.0125, 0.00625,
    0.00625, 0.00625, 0.003125, 0.003125, 0.003125, 0.002, 0.002, 0.002,   0.002,  0.002};

// lambda o: ReduceLROnPlateau(o), 30 epochs, losses [1.0]*30 (torch's defaults, a flat loss)
const std::vector<double> torch_reduce_lr_on_plateau_defaults = {
    0.1,  0.1,  0.1,  0.1,  0.1,  0.1,  0.1,   0.1,   0.1,   0.1,   0.1,   0.1,   0.01,  0.01,  0.01,
    0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001};

// Every rate within 1e-6 relative of torch's; the largest difference is printed (--log_level=message).
void check_rates(const char* name, const std::vector<float>& ours, const std::vector<double>& torch) {
  BOOST_TEST_REQUIRE(ours.size() == torch.size());
  double worst = 0.0;
  for (std::size_t e = 0; e < ours.size(); ++e) {
    const double relative = std::abs(static_cast<double>(ours[e]) - torch[e]) / torch[e];
    worst = std::max(worst, relative);
    BOOST_TEST(relative <= 1e-6, name << ", epoch " << e << ": " << ours[e] << " against torch's " << torch[e]);
  }
  BOOST_TEST_MESSAGE(name << ": largest relative difference from torch " << worst);
}

template <class Schedule>
std::vector<float> rates(const Schedule& schedule, std::size_t epochs) {
  std::vector<float> r;
  for (std::size_t e = 0; e < epochs; ++e) r.push_back(schedule.rate(e, base));
  return r;
}

// The rates one lr_schedule::run gives (fit's way: rate, then the epoch's loss).
std::vector<float> run_rates(const nl::lr_schedule& schedule, const std::vector<float>& losses) {
  nl::lr_schedule::run run(schedule, base);
  std::vector<float> r;
  for (float loss : losses) {
    r.push_back(run.rate());
    run.observe(loss);
  }
  return r;
}

std::string refusal(const nl::lr_schedule& schedule) {
  try {
    schedule.check();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no exception";
}

using net = nl::network<nl::input<2>, nl::dense<4, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;

}  // namespace

// Value types set with designated initialisers, torch's defaults where torch has them.
static_assert(std::is_aggregate_v<nl::step_lr> && std::is_aggregate_v<nl::exponential_lr> &&
              std::is_aggregate_v<nl::cosine_annealing_lr> && std::is_aggregate_v<nl::reduce_lr_on_plateau>);
// fit_options stays an aggregate with the schedule in it.
static_assert(std::is_aggregate_v<nl::fit_options>);

BOOST_AUTO_TEST_CASE(step_lr_and_exponential_lr_give_torchs_rates) {
  check_rates("step_lr", rates(nl::step_lr{.step_size = 7, .gamma = 0.5f}, 25), torch_step_lr);
  check_rates("exponential_lr", rates(nl::exponential_lr{.gamma = 0.9f}, 25), torch_exponential_lr);
  BOOST_TEST(nl::step_lr{.step_size = 3}.rate(3, base) == 0.01f, boost::test_tools::tolerance(1e-6f));  // γ 0.1
}

BOOST_AUTO_TEST_CASE(cosine_annealing_lr_gives_torchs_rates_with_and_without_warm_up) {
  check_rates("cosine_annealing_lr", rates(nl::cosine_annealing_lr{.t_max = 20, .eta_min = 0.001f}, 25),
              torch_cosine_annealing_lr);
  check_rates("cosine_annealing_lr to 0", rates(nl::cosine_annealing_lr{.t_max = 20}, 20),
              torch_cosine_annealing_lr_to_zero);
  check_rates("cosine_annealing_lr with warm-up",
              rates(nl::cosine_annealing_lr{
                        .t_max = 20, .eta_min = 0.001f, .warmup_epochs = 5, .warmup_start_factor = 0.25f},
                    25),
              torch_warmup_then_cosine);
  BOOST_TEST(nl::cosine_annealing_lr{.t_max = 20}.rate(20, base) == 0.0f);  // eta_min at t = t_max
}

BOOST_AUTO_TEST_CASE(reduce_lr_on_plateau_fed_fixed_losses_gives_torchs_rates) {
  const nl::reduce_lr_on_plateau plateau{.factor = 0.5f, .patience = 2, .threshold = 1e-4f, .min_lr = 0.002f};
  std::vector<float> replayed;
  for (std::size_t e = 0; e < plateau_losses.size(); ++e) replayed.push_back(plateau.rate(e, base, plateau_losses));
  check_rates("reduce_lr_on_plateau", replayed, torch_reduce_lr_on_plateau);
  check_rates("reduce_lr_on_plateau, run", run_rates(plateau, plateau_losses), torch_reduce_lr_on_plateau);
  check_rates("reduce_lr_on_plateau defaults", run_rates(nl::reduce_lr_on_plateau{}, std::vector<float>(30, 1.0f)),
              torch_reduce_lr_on_plateau_defaults);
  // The rate of epoch e needs the losses of the e epochs before it.
  BOOST_CHECK_THROW(plateau.rate(5, base, std::span<const float>(plateau_losses).first(4)), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(an_lr_schedule_gives_the_rates_of_the_schedule_it_holds) {
  const nl::lr_schedule none;
  BOOST_TEST(!none);
  BOOST_TEST(none.rate(12, base) == base);
  const nl::lr_schedule step = nl::step_lr{.step_size = 7, .gamma = 0.5f};
  BOOST_TEST(static_cast<bool>(step));
  check_rates("lr_schedule(step_lr), run", run_rates(step, std::vector<float>(25, 1.0f)), torch_step_lr);
  const nl::lr_schedule cosine = nl::cosine_annealing_lr{.t_max = 20, .eta_min = 0.001f};
  for (std::size_t e = 0; e < 25; ++e)
    BOOST_TEST(cosine.rate(e, base) == (nl::cosine_annealing_lr{.t_max = 20, .eta_min = 0.001f}.rate(e, base)));
}

BOOST_AUTO_TEST_CASE(bad_schedule_parameters_are_refused_in_words) {
  BOOST_TEST(refusal(nl::step_lr{}) == "nonlin::step_lr: step_size must be at least 1; got 0");
  BOOST_TEST(refusal(nl::step_lr{.step_size = 5, .gamma = 0.0f}).find("nonlin::step_lr: gamma must be above 0") ==
             0u);
  BOOST_TEST(refusal(nl::step_lr{.step_size = 5, .gamma = -0.5f}).find("gamma must be above 0; got -0.5") !=
             std::string::npos);
  BOOST_TEST(refusal(nl::exponential_lr{}).find("nonlin::exponential_lr: gamma must be above 0; got 0") == 0u);
  BOOST_TEST(refusal(nl::exponential_lr{.gamma = std::nanf("")}).find("gamma must be above 0") != std::string::npos);
  BOOST_TEST(refusal(nl::cosine_annealing_lr{}) == "nonlin::cosine_annealing_lr: t_max must be at least 1; got 0");
  BOOST_TEST(refusal(nl::cosine_annealing_lr{.t_max = 10, .eta_min = -1e-3f}).find("eta_min must be at least 0") !=
             std::string::npos);
  BOOST_TEST(refusal(nl::cosine_annealing_lr{.t_max = 10, .warmup_epochs = 3, .warmup_start_factor = 1.5f})
                 .find("warmup_start_factor must lie in [0, 1]") != std::string::npos);
  BOOST_TEST(refusal(nl::reduce_lr_on_plateau{.factor = 1.0f})
                 .find("nonlin::reduce_lr_on_plateau: factor must lie in [0, 1)") == 0u);
  BOOST_TEST(refusal(nl::reduce_lr_on_plateau{.factor = 2.0f}).find("factor must lie in [0, 1)") !=
             std::string::npos);
  BOOST_TEST(refusal(nl::reduce_lr_on_plateau{.patience = -1}) ==
             "nonlin::reduce_lr_on_plateau: patience must be at least 0; got -1");
  BOOST_TEST(refusal(nl::reduce_lr_on_plateau{.threshold = -1e-4f}).find("threshold must be at least 0") !=
             std::string::npos);
  BOOST_TEST(refusal(nl::reduce_lr_on_plateau{.min_lr = -1.0f}).find("min_lr must be at least 0") !=
             std::string::npos);
  BOOST_CHECK_THROW(nl::step_lr{}.rate(0, base), std::invalid_argument);  // rate() checks too
  // fit refuses a bad schedule before it trains.
  net m;
  nl::init::glorot_uniform(m, /*seed*/ 7);
  const net before = m;
  const auto data = nl::datasets::circles(64, /*seed*/ 1);
  BOOST_CHECK_THROW(nl::fit(m, data.x, data.y, nl::mse{}, nl::sgd{}, {.epochs = 2, .schedule = nl::exponential_lr{}}),
                    std::invalid_argument);
  BOOST_TEST(m.layer<0>().weight == before.layer<0>().weight);
}

BOOST_AUTO_TEST_CASE(fit_sets_the_scheduled_rate_at_the_start_of_every_epoch_and_still_trains) {
  const auto data = nl::datasets::circles(200, /*seed*/ 1);
  // Plain SGD with a step schedule: the reported rates are the schedule's from the optimiser's rate,
  // and the optimiser (an lvalue) keeps the last epoch's rate.
  {
    net m;
    nl::init::glorot_uniform(m, /*seed*/ 7);
    nl::sgd opt{.learning_rate = 0.5f};
    std::vector<float> seen;
    const nl::step_lr step{.step_size = 10, .gamma = 0.5f};
    const auto history = nl::fit(m, data.x, data.y, nl::mse{}, opt,
                                 {.epochs = 30,
                                  .seed = 7,
                                  .on_epoch = [&](const nl::epoch_report& r) {
                                    seen.push_back(r.learning_rate);
                                    return true;
                                  },
                                  .schedule = step});
    BOOST_TEST_REQUIRE(seen.size() == 30u);
    for (std::size_t e = 0; e < 30; ++e) BOOST_TEST(seen[e] == step.rate(e, 0.5f));
    BOOST_TEST(seen[29] == 0.125f);
    BOOST_TEST(opt.learning_rate == 0.125f);
    BOOST_TEST(history.back() < 0.8f * history.front());
  }
  // Adam with warm-up then cosine, AdamW with an exponential decay, SGD with momentum (whose rate is
  // settings.learning_rate) on a plateau schedule: every optimiser's rate follows, and each trains.
  {
    net m;
    nl::init::glorot_uniform(m, /*seed*/ 7);
    nl::adam<net> adam{.learning_rate = 0.02f};
    const nl::cosine_annealing_lr cosine{.t_max = 25, .warmup_epochs = 5, .warmup_start_factor = 0.1f};
    std::vector<float> seen;
    const auto history = nl::fit(m, data.x, data.y, nl::mse{}, adam,
                                 {.epochs = 30,
                                  .seed = 7,
                                  .on_epoch = [&](const nl::epoch_report& r) {
                                    seen.push_back(r.learning_rate);
                                    return true;
                                  },
                                  .schedule = cosine});
    for (std::size_t e = 0; e < 30; ++e) BOOST_TEST(seen[e] == cosine.rate(e, 0.02f));
    BOOST_TEST(seen[0] == 0.002f, boost::test_tools::tolerance(1e-6f));
    BOOST_TEST(seen[5] == 0.02f);
    BOOST_TEST(history.back() < 0.8f * history.front());
    BOOST_TEST_MESSAGE("adam, warm-up and cosine: loss " << history.front() << " -> " << history.back());
  }
  {
    net m;
    nl::init::glorot_uniform(m, /*seed*/ 7);
    nl::adamw<net> adamw{.learning_rate = 0.02f};
    const auto history = nl::fit(m, data.x, data.y, nl::mse{}, adamw,
                                 {.epochs = 30, .seed = 7, .schedule = nl::exponential_lr{.gamma = 0.95f}});
    BOOST_TEST(adamw.learning_rate == nl::exponential_lr{.gamma = 0.95f}.rate(29, 0.02f));
    BOOST_TEST(history.back() < 0.8f * history.front());
  }
  {
    net m;
    nl::init::glorot_uniform(m, /*seed*/ 7);
    nl::sgd_with_momentum<net> sgd{{.learning_rate = 0.1f, .momentum = 0.9f}};
    const nl::reduce_lr_on_plateau plateau{.factor = 0.5f, .patience = 1, .threshold = 0.05f};
    std::vector<float> seen;
    const auto history = nl::fit(m, data.x, data.y, nl::mse{}, sgd,
                                 {.epochs = 30,
                                  .seed = 7,
                                  .on_epoch = [&](const nl::epoch_report& r) {
                                    seen.push_back(r.learning_rate);
                                    return true;
                                  },
                                  .schedule = plateau});
    // The rates are the plateau's, replayed on the losses fit returned.
    for (std::size_t e = 0; e < 30; ++e) BOOST_TEST(seen[e] == plateau.rate(e, 0.1f, history));
    BOOST_TEST(seen.back() < 0.1f);  // a 5% threshold is not met for long
    BOOST_TEST(sgd.settings.learning_rate == seen.back());
    BOOST_TEST(history.back() < 0.8f * history.front());
  }
}

BOOST_AUTO_TEST_CASE(fit_without_a_schedule_reports_the_optimisers_own_rate_and_leaves_it) {
  const auto data = nl::datasets::circles(64, /*seed*/ 1);
  net m;
  nl::init::glorot_uniform(m, /*seed*/ 7);
  nl::adam<net> adam{.learning_rate = 0.01f};
  std::vector<float> seen;
  nl::fit(m, data.x, data.y, nl::mse{}, adam, {.epochs = 3, .on_epoch = [&](const nl::epoch_report& r) {
                                                 seen.push_back(r.learning_rate);
                                                 return true;
                                               }});
  BOOST_TEST(seen == std::vector<float>(3, 0.01f), boost::test_tools::per_element());
  BOOST_TEST(adam.learning_rate == 0.01f);
}

// A const optimiser is copied for the run, so its rate is left alone; a plain sgd with momentum gets
// its velocity and its schedule; an optimiser with no learning_rate member cannot take a schedule.
BOOST_AUTO_TEST_CASE(fit_copies_a_const_optimiser_and_refuses_one_without_a_rate) {
  const auto data = nl::datasets::circles(64, /*seed*/ 1);
  net m;
  nl::init::glorot_uniform(m, /*seed*/ 7);
  const nl::sgd constant{.learning_rate = 0.2f};
  std::vector<float> seen;
  const nl::fit_options options{.epochs = 4, .on_epoch = [&](const nl::epoch_report& r) {
                                  seen.push_back(r.learning_rate);
                                  return true;
                                },
                                .schedule = nl::step_lr{.step_size = 2, .gamma = 0.5f}};
  nl::fit(m, data.x, data.y, nl::mse{}, constant, options);
  BOOST_TEST(seen == (std::vector<float>{0.2f, 0.2f, 0.1f, 0.1f}), boost::test_tools::per_element());
  BOOST_TEST(constant.learning_rate == 0.2f);
  seen.clear();
  nl::fit(m, data.x, data.y, nl::mse{}, nl::sgd{.learning_rate = 0.2f, .momentum = 0.9f}, options);
  BOOST_TEST(seen == (std::vector<float>{0.2f, 0.2f, 0.1f, 0.1f}), boost::test_tools::per_element());

  struct fixed_step {  // an optimiser of the user's with no learning_rate
    void step(net& w, const net& g) { nl::sgd{.learning_rate = 0.01f}.step(w, g); }
  };
  BOOST_CHECK_THROW(nl::fit(m, data.x, data.y, nl::mse{}, fixed_step{}, options), std::invalid_argument);
  seen.clear();
  nl::fit(m, data.x, data.y, nl::mse{}, fixed_step{}, {.epochs = 1, .on_epoch = options.on_epoch});
  BOOST_TEST_REQUIRE(seen.size() == 1u);
  BOOST_TEST(std::isnan(seen[0]));  // no rate to report
}

// docs/training.md, "Learning-rate schedules": the example, compiled and run.
BOOST_AUTO_TEST_CASE(the_schedules_example_of_the_training_docs) {
  const auto data = nl::datasets::circles(400, /*seed*/ 1);
  net m;
  nl::init::glorot_uniform(m, /*seed*/ 7);

  // Five epochs of linear warm-up from 0.1 · 0.02, then a cosine down to 1e-4 over 45 epochs.
  nl::adam<net> adam{.learning_rate = 0.02f};
  std::vector<float> rates;
  nl::fit(m, data.x, data.y, nl::mse{}, adam,
          {.epochs = 50,
           .seed = 7,
           .on_epoch = [&](const nl::epoch_report& r) {
             rates.push_back(r.learning_rate);  // the rate epoch r.epoch (from 1) trained with
             return true;
           },
           .schedule = nl::cosine_annealing_lr{
               .t_max = 45, .eta_min = 1e-4f, .warmup_epochs = 5, .warmup_start_factor = 0.1f}});

  // Halve plain SGD's rate every 20 epochs; or cut it tenfold when the loss stalls for 5 epochs.
  nl::fit(m, data.x, data.y, nl::mse{}, nl::sgd{.learning_rate = 0.5f},
          {.epochs = 40, .schedule = nl::step_lr{.step_size = 20, .gamma = 0.5f}});
  nl::fit(m, data.x, data.y, nl::mse{}, nl::sgd{.learning_rate = 0.5f},
          {.epochs = 40, .schedule = nl::reduce_lr_on_plateau{.patience = 5}});

  // A schedule alone: the rate of epoch e (0-based) from a base rate.
  const float third = nl::exponential_lr{.gamma = 0.9f}.rate(2, 0.1f);  // 0.1 · 0.9²

  BOOST_TEST(rates.front() == 0.002f, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(rates[5] == 0.02f);
  BOOST_TEST(rates.back() == (nl::cosine_annealing_lr{.t_max = 45, .eta_min = 1e-4f}.rate(44, 0.02f)));
  BOOST_TEST(adam.learning_rate == rates.back());
  BOOST_TEST(third == 0.081f, boost::test_tools::tolerance(1e-6f));
  std::vector<float> out(data.size());
  m.forward(data.x, out);
  BOOST_TEST(nl::mse_loss(out, data.y) < 0.05f);
}
