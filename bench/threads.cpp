// network::forward on every core against one: the sequential, parallel and automatic policies on the
// same batch, timed in turn inside each iteration so that the ratios come from one run. Batches from
// 16 to 65536 samples (below and above each network's threshold, to show the crossover), for the reference networks C, D and E of bench/networks and the residual R;
// the counters are ns per sample under each policy, the speed-ups over one thread, and the batch size
// from which the automatic policy uses threads (forward_plan::parallel_threshold).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/nonlin.hpp>

namespace nl = nonlin;

namespace {

using net_c = nl::network<nl::input<16>, nl::dense<32, nl::relu>, nl::dense<32, nl::relu>, nl::dense<1>>;
using net_d = nl::network<nl::input<64>, nl::dense<128, nl::relu>, nl::dense<128, nl::relu>, nl::dense<10, nl::softmax<>>>;
using net_e = nl::network<nl::input<256>, nl::dense<256, nl::relu>, nl::dense<256, nl::relu>, nl::dense<256, nl::relu>>;
using block_r = nl::residual<nl::dense<128, nl::relu>, nl::dense<128>>;
using net_r = nl::network<nl::input<64>, nl::dense<128, nl::relu>, block_r, block_r, block_r, block_r, nl::dense<10>>;

template <class Net, class Policy>
double seconds_for(const Net& net, const std::vector<float>& in, std::vector<float>& out, Policy policy) {
  const auto start = std::chrono::steady_clock::now();
  net.forward(in, out, policy);
  benchmark::ClobberMemory();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

template <class Net>
void policies(benchmark::State& state, std::size_t n) {
  Net net;
  nl::init::torch_default(net, 7);
  std::vector<float> in(n * Net::inputs), out(n * Net::outputs), reference(n * Net::outputs);
  std::mt19937 engine(2024);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  for (auto& x : in) x = uniform(engine);
  // The threads split the batch at tile boundaries and each runs the same kernel: the same bits.
  net.forward(in, reference, nl::execution::sequential);
  net.forward(in, out, nl::execution::parallel);
  if (out != reference) {
    state.SkipWithError("the parallel forward differs from the sequential one");
    return;
  }
  double sequential = 0, parallel = 0, automatic = 0;
  for (auto _ : state) {
    sequential += seconds_for(net, in, out, nl::execution::sequential);
    parallel += seconds_for(net, in, out, nl::execution::parallel);
    automatic += seconds_for(net, in, out, nl::execution::automatic);
  }
  const double samples = static_cast<double>(state.iterations() * n);
  state.counters["seq ns/sample"] = sequential / samples * 1e9;
  state.counters["par ns/sample"] = parallel / samples * 1e9;
  state.counters["auto ns/sample"] = automatic / samples * 1e9;
  state.counters["par speed-up"] = sequential / parallel;
  state.counters["auto speed-up"] = sequential / automatic;
  state.counters["auto threshold"] = static_cast<double>(nl::detail::forward_plan<Net>::parallel_threshold);
}

template <class Net>
void register_network(const std::string& name) {
  for (std::size_t n : {16, 32, 64, 128, 256, 1024, 4096, 16384, 65536})
    benchmark::RegisterBenchmark((name + "/batch:" + std::to_string(n)).c_str(),
                                 [n](benchmark::State& state) { policies<Net>(state, n); })
        ->Unit(benchmark::kMillisecond);
}

}  // namespace

int main(int argc, char** argv) {
#if defined(_OPENMP)
  std::printf("threads: %d (OpenMP; OMP_NUM_THREADS sets them); target %s\n", omp_get_max_threads(),
              nl::simd::target_name);
#else
  std::printf("built without OpenMP: every policy runs on one thread; target %s\n", nl::simd::target_name);
#endif
  register_network<net_c>("C_16-32-32-1");
  register_network<net_d>("D_64-128-128-10");
  register_network<net_e>("E_256-256-256-256");
  register_network<net_r>("R_64-128-4x128res-10");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
