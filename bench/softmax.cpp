// Softmax throughput on one thread over 2^20 logits: rows of 10 (classifier outputs, normalised 16
// rows at a time across SIMD lanes) and rows of 1000 (one row at a time, three vectorised passes),
// one row of 10 through apply, and a plain std::exp loop over the same logits for scale. Items are
// elements, so items_per_second reads as elements per second.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include <benchmark/benchmark.h>

#include <nonlin/activation/softmax.hpp>

namespace nl = nonlin;

namespace {

constexpr std::size_t total = std::size_t{1} << 20;

// Logits of a trained classifier's scale: normal with standard deviation 3.
std::vector<float> random_logits(std::size_t n) {
  std::vector<float> z(n);
  std::mt19937 rng(42);
  std::normal_distribution<float> logit(0.0f, 3.0f);
  for (float& x : z) x = logit(rng);
  return z;
}

void softmax_rows(benchmark::State& state) {
  const auto row_length = static_cast<std::size_t>(state.range(0));
  const std::size_t n = total / row_length * row_length;
  const auto in = random_logits(n);
  std::vector<float> out(n);
  for (auto _ : state) {
    nl::softmax<>::apply_rows(in, out, row_length);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.counters["ns_per_row"] = benchmark::Counter(
      static_cast<double>(state.iterations() * (n / row_length)),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(softmax_rows)->Arg(10)->Arg(1000)->Unit(benchmark::kMicrosecond);

// One row at a time through apply: what a caller with a single sample pays.
void softmax_apply_one_row(benchmark::State& state) {
  const auto row_length = static_cast<std::size_t>(state.range(0));
  const std::size_t n = total / row_length * row_length;
  const auto in = random_logits(n);
  std::vector<float> out(n);
  for (auto _ : state) {
    for (std::size_t r = 0; r < n; r += row_length) {
      nl::softmax<>::apply(std::span(in).subspan(r, row_length), std::span(out).subspan(r, row_length));
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.counters["ns_per_row"] = benchmark::Counter(
      static_cast<double>(state.iterations() * (n / row_length)),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(softmax_apply_one_row)->Arg(10)->Arg(1000)->Unit(benchmark::kMicrosecond);

// The floor a naive softmax starts from: one std::exp per element and nothing else.
void std_exp_loop(benchmark::State& state) {
  const auto in = random_logits(total);
  std::vector<float> out(total);
  for (auto _ : state) {
    for (std::size_t i = 0; i < total; ++i) out[i] = std::exp(in[i]);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * total));
}
BENCHMARK(std_exp_loop)->Unit(benchmark::kMicrosecond);

}  // namespace
