// bench/dispatch: a program compiled for the x86-64 baseline (no -march) evaluates the networks A–E
// and R through nonlin::dispatched, three ways in one run: the variant chosen for this CPU
// ("dispatched:<variant>"), the baseline variant (what the program's own code would run), and a
// variant compiled with -march=native ("native": what a build for this machine gives). One sample
// (batch:1) and a batch of 4096, one thread, time per sample. The chosen variant's outputs are
// compared with the native one's before timing; a mismatch makes the program exit with status 1.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include <nonlin/dispatch.hpp>
#include <nonlin/train/init.hpp>

#include "network_zoo.hpp"

namespace nl = nonlin;
using namespace network_zoo;

NONLIN_DISPATCH_DECLARE(a_kernels);
NONLIN_DISPATCH_DECLARE(b_kernels);
NONLIN_DISPATCH_DECLARE(c_kernels);
NONLIN_DISPATCH_DECLARE(d_kernels);
NONLIN_DISPATCH_DECLARE(e_kernels);
NONLIN_DISPATCH_DECLARE(r_kernels);

namespace {

bool failed = false;

template <class Net>
Net random_network(unsigned seed) {
  Net m;
  nl::init::torch_default(m, seed);  // U(±1/√fan_in), as torch.nn.Linear starts
  return m;
}

std::vector<float> random_inputs(std::size_t floats) {
  std::mt19937 engine(7);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> x(floats);
  for (auto& v : x) v = uniform(engine);
  return x;
}

template <class Net>
void time_forward(benchmark::State& state, const nl::dispatched<Net>& fast, std::size_t n) {
  const std::vector<float> x = random_inputs(n * Net::inputs);
  std::vector<float> y(n * Net::outputs);
  for (auto _ : state) {
    fast.forward(x, y, nl::execution::sequential);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  // Seconds per sample (printed with an SI prefix: 7.2n is 7.2 ns).
  state.counters["per_sample"] = benchmark::Counter(static_cast<double>(n) * static_cast<double>(state.iterations()),
                                                    benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// The three variants of one network, each at batch 1 and 4096; the variants live as long as the
// program (the benchmarks run after main registers them).
template <class Net>
void register_network(const char* name, const nl::dispatch_variants& kernels) {
  static const Net net = random_network<Net>(1);
  static const nl::dispatched<Net> chosen(net, kernels);
  static const nl::dispatched<Net> baseline(net, kernels, "baseline");
  static const nl::dispatched<Net> native(net, kernels, "native");
  const std::vector<float> x = random_inputs(4096 * Net::inputs);
  std::vector<float> y_chosen(4096 * Net::outputs), y_native(4096 * Net::outputs);
  chosen.forward(x, y_chosen, nl::execution::sequential);
  native.forward(x, y_native, nl::execution::sequential);
  for (std::size_t i = 0; i < y_chosen.size(); ++i)
    if (!(std::abs(y_chosen[i] - y_native[i]) <= 1e-5f * (1.0f + std::abs(y_native[i])))) {
      std::fprintf(stderr, "%s: the %s variant gives %g where the native one gives %g (output %zu)\n", name,
                   chosen.target(), y_chosen[i], y_native[i], i);
      failed = true;
      break;
    }
  for (const std::size_t n : {std::size_t{1}, std::size_t{4096}}) {
    const std::string row = std::string(name) + "/batch:" + std::to_string(n) + "/";
    benchmark::RegisterBenchmark((row + "dispatched:" + chosen.target()).c_str(),
                                 [n](benchmark::State& s) { time_forward(s, chosen, n); });
    benchmark::RegisterBenchmark((row + "native").c_str(), [n](benchmark::State& s) { time_forward(s, native, n); });
    benchmark::RegisterBenchmark((row + "baseline").c_str(),
                                 [n](benchmark::State& s) { time_forward(s, baseline, n); });
  }
}

}  // namespace

int main(int argc, char** argv) {
#if defined(_OPENMP)
  omp_set_num_threads(1);
#endif
  register_network<net_a>("A_2-2-2-1", a_kernels);
  register_network<net_b>("B_2-4-2-1", b_kernels);
  register_network<net_c>("C_16-32-32-1", c_kernels);
  register_network<net_d>("D_64-128-128-10", d_kernels);
  register_network<net_e>("E_256-256-256-256", e_kernels);
  register_network<net_r>("R_64-128-4x128res-10", r_kernels);
  {
    const nl::dispatched<net_a> probe(random_network<net_a>(1), a_kernels);
    std::printf("program compiled for: %s; dispatched to: %s (%s kernels)\n", nl::simd::target_name, probe.target(),
                probe.path());
    benchmark::AddCustomContext("nonlin_program_path", nl::simd::target_name);
    benchmark::AddCustomContext("nonlin_dispatched_to", probe.target());
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return failed ? 1 : 0;
}
