// Merged versus unmerged identity runs, batch of 4096 on one thread. A 64-64-64-64 linear stack
// costs three 64×64 layers unmerged and one merged; a 256→8→256 bottleneck costs 2·(256·8) unmerged
// and 256·256 merged. "forward" is what network::forward does: it follows the cost model and, when
// it merges, pays for building the merged weights on every call.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include <nonlin/eval/batch_forward.hpp>
#include <nonlin/eval/execution.hpp>
#include <nonlin/expr/collapse.hpp>
#include <nonlin/eval/cost_model.hpp>
#include <nonlin/network.hpp>

namespace nl = nonlin;

namespace {

constexpr std::size_t batch = 4096;

using linear_stack = nl::network<nl::input<64>, nl::dense<64>, nl::dense<64>, nl::dense<64>>;
using bottleneck = nl::network<nl::input<256>, nl::dense<8>, nl::dense<256>>;
static_assert(std::is_same_v<nl::evaluation_form_t<linear_stack>, nl::collapse_t<linear_stack>>);
static_assert(std::is_same_v<nl::evaluation_form_t<bottleneck>, bottleneck>);

// Weights of torch.nn.Linear's scale, so values stay O(1) through the layers.
template <class Net>
std::unique_ptr<Net> random_network() {
  auto m = std::make_unique<Net>();
  std::mt19937 rng(42);
  nl::for_each_layer(*m, [&](auto& layer) {
    std::uniform_real_distribution<float> u(-1.0f / std::sqrt(float(layer.inputs)), 1.0f / std::sqrt(float(layer.inputs)));
    for (auto& w : layer.weight) w = u(rng);
    for (auto& b : layer.bias) b = u(rng);
  });
  return m;
}

template <class Net>
std::vector<float> random_inputs() {
  std::vector<float> in(batch * Net::inputs);
  std::mt19937 rng(7);
  std::normal_distribution<float> n;
  for (auto& v : in) v = n(rng);
  return in;
}

template <class Net, class Evaluated>
void run(benchmark::State& state, const Evaluated& net) {
  const auto in = random_inputs<Net>();
  std::vector<float> out(batch * Net::outputs);
  for (auto _ : state) {
    nl::detail::batch_forward(net, in, out, nl::execution::sequential);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
  state.counters["FLOPs/sample"] = static_cast<double>(nl::flops_per_sample_v<Evaluated>);
}

template <class Net>
void unmerged(benchmark::State& state) {
  run<Net>(state, *random_network<Net>());
}

template <class Net>
void merged(benchmark::State& state) {
  const auto m = random_network<Net>();
  const auto c = std::make_unique<nl::collapse_t<Net>>(nl::collapse(*m));
  run<Net>(state, *c);
}

template <class Net>
void forward(benchmark::State& state) {
  const auto m = random_network<Net>();
  const auto in = random_inputs<Net>();
  std::vector<float> out(batch * Net::outputs);
  for (auto _ : state) {
    m->forward(in, out, nl::execution::sequential);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
  state.counters["FLOPs/sample"] = static_cast<double>(nl::flops_per_sample_v<nl::evaluation_form_t<Net>>);
}

template <class Net>
void merge_only(benchmark::State& state) {
  const auto m = random_network<Net>();
  auto c = std::make_unique<nl::collapse_t<Net>>();
  for (auto _ : state) {
    *c = nl::collapse(*m);
    benchmark::DoNotOptimize(c.get());
    benchmark::ClobberMemory();
  }
}

}  // namespace

BENCHMARK(unmerged<linear_stack>)->Name("linear_64x3/unmerged")->Unit(benchmark::kMicrosecond);
BENCHMARK(merged<linear_stack>)->Name("linear_64x3/merged")->Unit(benchmark::kMicrosecond);
BENCHMARK(forward<linear_stack>)->Name("linear_64x3/forward(chooses merged)")->Unit(benchmark::kMicrosecond);
BENCHMARK(merge_only<linear_stack>)->Name("linear_64x3/collapse(m) alone")->Unit(benchmark::kMicrosecond);
BENCHMARK(unmerged<bottleneck>)->Name("bottleneck_256_8_256/unmerged")->Unit(benchmark::kMicrosecond);
BENCHMARK(merged<bottleneck>)->Name("bottleneck_256_8_256/merged")->Unit(benchmark::kMicrosecond);
BENCHMARK(forward<bottleneck>)->Name("bottleneck_256_8_256/forward(chooses unmerged)")->Unit(benchmark::kMicrosecond);
