// One training step (forward, loss, backward, SGD update) of the lecture's 2-2-2-1 network and of a
// 64-128-128-10 classifier, in nonlin and in libtorch (one thread) in the same run; the summary
// prints nonlin's speed-up over libtorch and the step's FLOP rate as a share of one core's FMA peak.
#include <benchmark/benchmark.h>

#include <ctime>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/network.hpp>
#include <nonlin/simd/pack.hpp>
#include <nonlin/train/gradient.hpp>
#include <nonlin/train/init.hpp>
#include <nonlin/train/loss.hpp>
#include <nonlin/train/random.hpp>
#include <nonlin/train/sgd.hpp>

#include "fma_peak.hpp"

#if defined(NONLIN_BENCH_WITH_TORCH)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <torch/torch.h>
#pragma GCC diagnostic pop

#include "torch_blas.hpp"
#endif

namespace nl = nonlin;

namespace {

using lecture_net = nl::network<nl::input<2>, nl::dense<2, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;
using wide_net = nl::network<nl::input<64>, nl::dense<128, nl::relu>, nl::dense<128, nl::relu>, nl::dense<10, nl::softmax<>>>;

// FLOPs of one step as the kernels execute them: forward, weight gradient and input gradient are one
// multiply-add per weight and sample each, except that the first layer needs no input gradient.
template <class Net>
constexpr double step_flops(std::size_t batch) {
  double macs = 0.0, first = 0.0;
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    ((macs += double(Net::template layer_type<K>::inputs * Net::template layer_type<K>::outputs)), ...);
  }(std::make_index_sequence<Net::depth>{});
  first = double(Net::template layer_type<0>::inputs * Net::template layer_type<0>::outputs);
  return 2.0 * (3.0 * macs - first) * double(batch);
}

struct problem {
  std::vector<float> x, y;
};

template <class Net>
problem make_problem(std::size_t batch) {
  nl::random_source rng(42);
  problem p;
  p.x.resize(batch * Net::inputs);
  for (auto& v : p.x) v = rng.uniform(-1.0f, 1.0f);
  p.y.assign(batch * Net::outputs, 0.0f);
  for (std::size_t s = 0; s < batch; ++s) {
    if constexpr (Net::outputs == 1) p.y[s] = static_cast<float>(s % 2);
    else p.y[s * Net::outputs + rng.index(Net::outputs)] = 1.0f;
  }
  return p;
}

template <class Net, class Loss>
void nonlin_step(benchmark::State& state) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  const problem p = make_problem<Net>(batch);
  Net m, g;
  nl::init::torch_default(m, 1);
  nl::gradient_workspace<Net> ws;
  const nl::sgd opt{.learning_rate = 1e-4f};
  for (auto _ : state) {
    benchmark::DoNotOptimize(nl::loss_and_gradient(m, p.x, p.y, Loss{}, g, ws));
    opt.step(m, g);
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(step_flops<Net>(batch) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

#if defined(NONLIN_BENCH_WITH_TORCH)
template <class Net>
void torch_step(benchmark::State& state) {
  at::set_num_threads(1);
  const auto batch = static_cast<std::int64_t>(state.range(0));
  const problem p = make_problem<Net>(static_cast<std::size_t>(batch));
  torch::manual_seed(1);
  torch::nn::Sequential model;
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    auto add = [&]<std::size_t Idx>() {
      using L = typename Net::template layer_type<Idx>;
      model->push_back(torch::nn::Linear(L::inputs, L::outputs));
      using A = typename L::activation_type;
      if constexpr (std::is_same_v<A, nl::tanh>) model->push_back(torch::nn::Tanh());
      else if constexpr (std::is_same_v<A, nl::sigmoid>) model->push_back(torch::nn::Sigmoid());
      else if constexpr (std::is_same_v<A, nl::relu>) model->push_back(torch::nn::ReLU());
      // softmax is inside cross_entropy, which takes logits
    };
    (add.template operator()<K>(), ...);
  }(std::make_index_sequence<Net::depth>{});
  auto x = torch::from_blob(const_cast<float*>(p.x.data()), {batch, std::int64_t(Net::inputs)}).clone();
  auto y = torch::from_blob(const_cast<float*>(p.y.data()), {batch, std::int64_t(Net::outputs)}).clone();
  auto labels = y.argmax(1);
  torch::optim::SGD opt(model->parameters(), torch::optim::SGDOptions(1e-4));
  for (auto _ : state) {
    opt.zero_grad();
    auto out = model->forward(x);
    auto loss = Net::outputs == 1 ? torch::mse_loss(out, y) : torch::nn::functional::cross_entropy(out, labels);
    loss.backward();
    opt.step();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(step_flops<Net>(static_cast<std::size_t>(batch)) * 1e-9,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(torch_step<lecture_net>)->Name("torch/lecture_2-2-2-1")->Arg(64)->Arg(4096);
BENCHMARK(torch_step<wide_net>)->Name("torch/64-128-128-10")->Arg(64)->Arg(4096);
#endif

BENCHMARK(nonlin_step<lecture_net, nl::mse>)->Name("nonlin/lecture_2-2-2-1")->Arg(64)->Arg(4096);
BENCHMARK(nonlin_step<wide_net, nl::cross_entropy>)->Name("nonlin/64-128-128-10")->Arg(64)->Arg(4096);

// One core's FMA peak, as bench/networks measures it (bench/fma_peak.hpp).
double fma_peak_gflops() { return nonlin_bench::measure_fma_peak() * 1e-9; }

// Keeps each run's time per iteration and GFLOP/s for the summary.
class recording_reporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, std::pair<double, double>> results;  // name -> (CPU ns per step, GFLOP/s)
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      const auto it = r.counters.find("GFLOP/s");
      results[r.benchmark_name()] = {r.GetAdjustedCPUTime(), it == r.counters.end() ? 0.0 : double(it->second)};
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
#if defined(NONLIN_BENCH_WITH_TORCH)
  nonlin_bench::report_torch_blas();
#endif
  benchmark::Initialize(&argc, argv);
  recording_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const double peak = fma_peak_gflops();
  std::printf("\nOne-core FMA peak (measured, %s): %.1f GFLOP/s; times are CPU time per step\n\n", nl::simd::target_name, peak);
  std::printf("| network | batch | nonlin step | GFLOP/s | of FMA peak | libtorch step | nonlin speed-up |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  for (const char* net : {"lecture_2-2-2-1", "64-128-128-10"})
    for (const char* batch : {"64", "4096"}) {
      const std::string key = std::string("/") + net + "/" + batch;
      const auto n = reporter.results.find("nonlin" + key);
      if (n == reporter.results.end()) continue;
      const auto t = reporter.results.find("torch" + key);
      std::printf("| %s | %s | %.3g us | %.1f | %.0f%% |", net, batch, n->second.first * 1e-3, n->second.second,
                  100.0 * n->second.second / peak);
      if (t != reporter.results.end())
        std::printf(" %.3g us | %.1fx |\n", t->second.first * 1e-3, t->second.first / n->second.first);
      else
        std::printf(" (libtorch not built in) | |\n");
    }
  return 0;
}
