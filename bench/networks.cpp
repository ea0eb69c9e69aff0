// The five reference networks (A 2-2-2-1 tanh,tanh,sigmoid · B 2-4-2-1 tanh,tanh,sigmoid ·
// C 16-32-32-1 relu,relu,identity · D 64-128-128-10 relu,relu,softmax · E 256-256-256-256 relu×3) and a
// residual MLP (R 64 → 128 relu → 4 blocks h + W2·relu(W1·h + b1) + b2 of width 128 → 10)
// through nonlin and, when they are found at build time, a plain loop, Eigen, oneDNN and libtorch:
// one sample (m(x), ns per sample) and a batch of 4096 (forward, samples/s, GFLOP/s and the fraction
// of this core's FMA peak, measured here by independent FMA chains); for nonlin also forward on small
// batches (batch:N/nonlin-forward, N = 1…64), to set against m(x). Everything runs on one thread.
// Before timing, each implementation's output is compared with nonlin's on the same inputs; a
// mismatch marks the benchmark as failed and makes the program exit with status 1.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <random>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/nonlin.hpp>

#include "fma_peak.hpp"
#include "network_zoo.hpp"

#if defined(NONLIN_BENCH_WITH_EIGEN)
#include <Eigen/Dense>
#endif
#if defined(NONLIN_BENCH_WITH_DNNL)
#include <oneapi/dnnl/dnnl.hpp>
#endif
#if defined(NONLIN_BENCH_WITH_TORCH)
#include <torch/torch.h>

#include "torch_blas.hpp"
#endif

namespace nl = nonlin;

namespace {

using network_zoo::net_a;
using network_zoo::net_b;
using network_zoo::net_c;
using network_zoo::net_d;
using network_zoo::net_e;
using network_zoo::net_r;

constexpr std::size_t batch = 4096;
bool failed = false;
double fma_peak_flops = 0.0;  // floating-point operations per second of one core, measured in main

// ---- the FMA peak (bench/fma_peak.hpp) ---------------------------------------------------------------
using nonlin_bench::measure_fma_peak;

void fma_peak(benchmark::State& state) {
  double flops = 0.0;
  for (auto _ : state) flops += nonlin_bench::fma_chains(1'000'000);
  state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsRate);
}

// ---- the networks: weights, inputs, and a run-time view of their layers for the peers ----------------
enum class act { identity, tanh, sigmoid, relu, softmax };

template <class A>
constexpr act act_of() {
  if constexpr (std::is_same_v<A, nl::tanh>) return act::tanh;
  else if constexpr (std::is_same_v<A, nl::sigmoid>) return act::sigmoid;
  else if constexpr (std::is_same_v<A, nl::relu>) return act::relu;
  else if constexpr (std::is_same_v<A, nl::softmax<>>) return act::softmax;
  else return act::identity;
}

// Residual blocks: the first layer of a block keeps its input (begins_block), the last adds it to its
// output after its activation (skip_from: the index of the block's first layer).
constexpr std::size_t no_skip = static_cast<std::size_t>(-1);

struct layer_view {
  std::size_t in, out;
  act activation;
  const float* weight;  // row-major [out][in]
  const float* bias;
  bool begins_block = false;
  std::size_t skip_from = no_skip;
};

template <class Net>
struct fixture {
  Net net;
  std::vector<layer_view> layers;
  std::vector<float> in, out;  // batch inputs and nonlin's outputs on them

  fixture() : in(batch * Net::inputs), out(batch * Net::outputs) {
    std::mt19937 engine(2024);
    constexpr auto blocks = nl::network_traits<Net>::blocks;
    nl::for_each_layer(net, [&](auto& layer) {
      using L = std::decay_t<decltype(layer)>;
      const float scale = 1.0f / std::sqrt(static_cast<float>(L::inputs));
      std::uniform_real_distribution<float> uniform(-scale, scale);
      for (auto& w : layer.weight) w = uniform(engine);
      for (auto& b : layer.bias) b = uniform(engine);
      const std::size_t k = layers.size();
      layers.push_back({L::inputs, L::outputs, act_of<typename L::activation_type>(), layer.weight.data(),
                        layer.bias.data(), blocks.begins[k], blocks.ends[k] ? blocks.source[k] : no_skip});
    });
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    for (auto& x : in) x = uniform(engine);
    net.forward(in, out, nl::execution::sequential);
  }
  static constexpr double flops = static_cast<double>(nl::network_traits<Net>::flops_per_sample);
};

template <class Net>
fixture<Net>& get() {
  static fixture<Net> f;
  return f;
}

// The largest difference from nonlin's outputs, relative to the largest |output| (at least 1).
bool agrees(benchmark::State& state, std::span<const float> expected, std::span<const float> got,
            const char* who) {
  double scale = 1.0, worst = 0.0;
  for (float e : expected) scale = std::max(scale, static_cast<double>(std::abs(e)));
  for (std::size_t i = 0; i < expected.size(); ++i)
    worst = std::max(worst, std::abs(static_cast<double>(expected[i]) - got[i]));
  if (got.size() == expected.size() && worst / scale <= 1e-4) return true;
  const std::string message = std::string(who) + " differs from nonlin by " + std::to_string(worst / scale);
  state.SkipWithError(message.c_str());
  std::fprintf(stderr, "error: %s\n", message.c_str());
  failed = true;
  return false;
}

void report(benchmark::State& state, double flops_per_sample, std::size_t samples_per_iteration) {
  const double samples = static_cast<double>(state.iterations() * samples_per_iteration);
  state.counters["samples/s"] = benchmark::Counter(samples, benchmark::Counter::kIsRate);
  state.counters["ns/sample"] = benchmark::Counter(samples * 1e-9, benchmark::Counter::kIsRate |
                                                                     benchmark::Counter::kInvert);
  state.counters["GFLOP/s"] = benchmark::Counter(samples * flops_per_sample * 1e-9, benchmark::Counter::kIsRate);
  // Seconds the work would take at peak, per second taken: the fraction of the FMA peak.
  state.counters["peak"] = benchmark::Counter(samples * flops_per_sample / fma_peak_flops,
                                              benchmark::Counter::kIsRate);
}

// ---- nonlin ------------------------------------------------------------------------------------------
template <class Net>
void nonlin_single(benchmark::State& state) {
  auto& f = get<Net>();
  std::array<float, Net::inputs> x;
  std::copy_n(f.in.begin(), Net::inputs, x.begin());
  for (auto _ : state) {
    benchmark::DoNotOptimize(x);
    auto y = f.net(x);
    benchmark::DoNotOptimize(y);
  }
  report(state, f.flops, 1);
}

template <class Net>
void nonlin_batch(benchmark::State& state) {
  auto& f = get<Net>();
  std::vector<float> out(f.out.size());
  for (auto _ : state) {
    f.net.forward(f.in, out, nl::execution::sequential);
    benchmark::ClobberMemory();
  }
  report(state, f.flops, batch);
}

// forward on a batch of n samples, from one to a few packs: against m(x) above, what a tile costs for
// a handful of samples (forward_plan::one_by_one_below).
template <class Net>
void nonlin_small_batch(benchmark::State& state, std::size_t n) {
  auto& f = get<Net>();
  const std::span<const float> in = std::span(f.in).first(n * Net::inputs);
  std::vector<float> out(n * Net::outputs);
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.in.data());
    f.net.forward(in, out, nl::execution::sequential);
    benchmark::ClobberMemory();
  }
  report(state, f.flops, n);
}

// ---- a plain loop: what one writes without a library ------------------------------------------------
void plain_sample(const std::vector<layer_view>& layers, const float* x, float* y) {
  float a[512], b[512], block_input[512];
  std::copy_n(x, layers.front().in, a);
  float* h = a;
  float* z = b;
  for (std::size_t k = 0; k < layers.size(); ++k) {
    const auto& l = layers[k];
    if (l.begins_block) std::copy_n(h, l.in, block_input);
    for (std::size_t o = 0; o < l.out; ++o) {
      float acc = l.bias[o];
      for (std::size_t i = 0; i < l.in; ++i) acc += l.weight[o * l.in + i] * h[i];
      switch (l.activation) {
        case act::tanh: acc = std::tanh(acc); break;
        case act::sigmoid: acc = 1.0f / (1.0f + std::exp(-acc)); break;
        case act::relu: acc = acc > 0.0f ? acc : 0.0f; break;
        default: break;
      }
      z[o] = acc;
    }
    if (l.activation == act::softmax) {
      const float m = *std::max_element(z, z + l.out);
      float sum = 0.0f;
      for (std::size_t o = 0; o < l.out; ++o) sum += z[o] = std::exp(z[o] - m);
      for (std::size_t o = 0; o < l.out; ++o) z[o] /= sum;
    }
    if (l.skip_from != no_skip)
      for (std::size_t o = 0; o < l.out; ++o) z[o] += block_input[o];
    std::swap(h, z);
  }
  std::copy_n(h, layers.back().out, y);
}

template <class Net>
void plain_single(benchmark::State& state) {
  auto& f = get<Net>();
  std::array<float, Net::outputs> y;
  plain_sample(f.layers, f.in.data(), y.data());
  if (!agrees(state, std::span(f.out).first(Net::outputs), y, "plain loop")) return;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.in.data());
    plain_sample(f.layers, f.in.data(), y.data());
    benchmark::DoNotOptimize(y);
  }
  report(state, f.flops, 1);
}

template <class Net>
void plain_batch(benchmark::State& state) {
  auto& f = get<Net>();
  std::vector<float> out(f.out.size());
  auto run = [&] {
    for (std::size_t s = 0; s < batch; ++s)
      plain_sample(f.layers, f.in.data() + s * Net::inputs, out.data() + s * Net::outputs);
  };
  run();
  if (!agrees(state, f.out, out, "plain loop")) return;
  for (auto _ : state) {
    run();
    benchmark::ClobberMemory();
  }
  report(state, f.flops, batch);
}

// ---- Eigen: fixed-size matrices for one sample, matrix × batch for 4096 -----------------------------
#if defined(NONLIN_BENCH_WITH_EIGEN)
template <class M>
void eigen_activate(M&& z, act a) {
  switch (a) {
    case act::tanh: z = z.array().tanh(); break;
    case act::sigmoid: z = z.array().logistic(); break;
    case act::relu: z = z.cwiseMax(0.0f); break;
    case act::softmax: {
      for (Eigen::Index c = 0; c < z.cols(); ++c) {
        auto col = z.col(c);
        col = (col.array() - col.maxCoeff()).exp();
        col /= col.sum();
      }
      break;
    }
    default: break;
  }
}

// Layer K on x; `skip` is the input of the residual block layer K is in (x itself for a block's
// first layer), added to the output of the block's last.
template <class Net, std::size_t K = 0, class X, class Skip = X>
auto eigen_fixed(const Net& net, const X& x, const Skip& skip = Skip{}) {
  using L = typename Net::template layer_type<K>;
  constexpr auto blocks = nl::network_traits<Net>::blocks;
  const auto& l = net.template layer<K>();
  Eigen::Map<const Eigen::Matrix<float, L::outputs, L::inputs, Eigen::RowMajor>> w(l.weight.data());
  Eigen::Map<const Eigen::Matrix<float, L::outputs, 1>> b(l.bias.data());
  Eigen::Matrix<float, L::outputs, 1> z = w * x + b;
  eigen_activate(z, act_of<typename L::activation_type>());
  const auto& block_input = [&]() -> const auto& {
    if constexpr (blocks.begins[K]) return x; else return skip;
  }();
  if constexpr (blocks.ends[K]) z += block_input;
  if constexpr (K + 1 < Net::depth)
    return eigen_fixed<Net, K + 1>(net, z, block_input);
  else
    return z;
}

template <class Net>
void eigen_single(benchmark::State& state) {
  auto& f = get<Net>();
  Eigen::Matrix<float, Net::inputs, 1> x = Eigen::Map<const Eigen::Matrix<float, Net::inputs, 1>>(f.in.data());
  Eigen::Matrix<float, Net::outputs, 1> y = eigen_fixed(f.net, x);
  if (!agrees(state, std::span(f.out).first(Net::outputs), std::span<const float>(y.data(), Net::outputs), "Eigen"))
    return;
  for (auto _ : state) {
    benchmark::DoNotOptimize(x.data());
    y = eigen_fixed(f.net, x);
    benchmark::DoNotOptimize(y.data());
  }
  report(state, f.flops, 1);
}

template <class Net>
void eigen_batch(benchmark::State& state) {
  auto& f = get<Net>();
  using matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;  // column-major: a column per sample
  std::vector<matrix> h(f.layers.size() + 1);
  h[0] = Eigen::Map<const matrix>(f.in.data(), Net::inputs, batch);
  auto run = [&] {
    for (std::size_t k = 0; k < f.layers.size(); ++k) {
      const auto& l = f.layers[k];
      Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> w(
          l.weight, static_cast<Eigen::Index>(l.out), static_cast<Eigen::Index>(l.in));
      Eigen::Map<const Eigen::VectorXf> b(l.bias, static_cast<Eigen::Index>(l.out));
      h[k + 1].noalias() = w * h[k];
      h[k + 1].colwise() += b;
      eigen_activate(h[k + 1], l.activation);
      if (l.skip_from != no_skip) h[k + 1] += h[l.skip_from];
    }
  };
  run();
  if (!agrees(state, f.out, std::span<const float>(h.back().data(), f.out.size()), "Eigen")) return;
  for (auto _ : state) {
    run();
    benchmark::ClobberMemory();
  }
  report(state, f.flops, batch);
}
#endif

// ---- oneDNN: matmul with bias and an eltwise post-op per layer, softmax as its own primitive ---------
#if defined(NONLIN_BENCH_WITH_DNNL)
struct dnnl_network {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  std::vector<dnnl::primitive> primitives;
  std::vector<std::unordered_map<int, dnnl::memory>> arguments;
  std::vector<dnnl::memory> activations;

  dnnl_network(const std::vector<layer_view>& layers, std::size_t n, float* input) {
    using tag = dnnl::memory::format_tag;
    using dt = dnnl::memory::data_type;
    const auto rows = static_cast<dnnl::memory::dim>(n);
    activations.emplace_back(dnnl::memory::desc({rows, static_cast<long>(layers[0].in)}, dt::f32, tag::ab),
                             engine, input);
    for (const auto& l : layers) {
      const auto in = static_cast<dnnl::memory::dim>(l.in), out = static_cast<dnnl::memory::dim>(l.out);
      dnnl::memory::desc src({rows, in}, dt::f32, tag::ab);
      dnnl::memory::desc weights({in, out}, dt::f32, tag::ba);  // nonlin's [out][in] is {in, out} column-major
      dnnl::memory::desc bias({1, out}, dt::f32, tag::ab);
      dnnl::memory::desc dst({rows, out}, dt::f32, tag::ab);
      dnnl::post_ops ops;
      if (l.activation == act::tanh) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_tanh, 0.0f, 0.0f);
      if (l.activation == act::sigmoid) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_logistic, 0.0f, 0.0f);
      if (l.activation == act::relu) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
      // A residual block's input, added after the activation: a binary post-op reading that memory.
      const int skip_post_op = ops.len();
      if (l.skip_from != no_skip) ops.append_binary(dnnl::algorithm::binary_add, dst);
      dnnl::primitive_attr attr;
      attr.set_post_ops(ops);
      dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, weights, bias, dst), attr, engine);
      dnnl::memory w(weights, engine, const_cast<float*>(l.weight));
      dnnl::memory b(bias, engine, const_cast<float*>(l.bias));
      dnnl::memory d(dst, engine);
      primitives.emplace_back(dnnl::matmul(pd));
      arguments.push_back({{DNNL_ARG_SRC, activations.back()}, {DNNL_ARG_WEIGHTS, w},
                           {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST, d}});
      if (l.skip_from != no_skip)
        arguments.back().insert({DNNL_ARG_ATTR_MULTIPLE_POST_OP(skip_post_op) | DNNL_ARG_SRC_1,
                                 activations[l.skip_from]});
      activations.push_back(d);
      if (l.activation == act::softmax) {
        dnnl::softmax_forward::primitive_desc spd(
            dnnl::softmax_forward::desc(dnnl::prop_kind::forward_inference, dst, 1), engine);
        primitives.emplace_back(dnnl::softmax_forward(spd));
        arguments.push_back({{DNNL_ARG_SRC, d}, {DNNL_ARG_DST, d}});
      }
    }
  }
  void run() {
    for (std::size_t k = 0; k < primitives.size(); ++k) primitives[k].execute(stream, arguments[k]);
    stream.wait();
  }
  std::span<const float> output(std::size_t size) const {
    return {static_cast<const float*>(activations.back().get_data_handle()), size};
  }
};

template <class Net>
void dnnl_run(benchmark::State& state, std::size_t n) {
  auto& f = get<Net>();
  dnnl_network d(f.layers, n, f.in.data());
  d.run();
  if (!agrees(state, std::span(f.out).first(n * Net::outputs), d.output(n * Net::outputs), "oneDNN")) return;
  for (auto _ : state) d.run();
  report(state, f.flops, n);
}
template <class Net>
void dnnl_single(benchmark::State& state) { dnnl_run<Net>(state, 1); }
template <class Net>
void dnnl_batch(benchmark::State& state) { dnnl_run<Net>(state, batch); }
#endif

// ---- libtorch: the same chain of torch::nn::functional::linear and activations ----------------------
#if defined(NONLIN_BENCH_WITH_TORCH)
torch::Tensor torch_forward(const std::vector<layer_view>& layers, const std::vector<torch::Tensor>& w,
                            const std::vector<torch::Tensor>& b, torch::Tensor h) {
  torch::Tensor block_input;
  for (std::size_t k = 0; k < layers.size(); ++k) {
    if (layers[k].begins_block) block_input = h;
    h = torch::nn::functional::linear(h, w[k], b[k]);
    switch (layers[k].activation) {
      case act::tanh: h = torch::tanh(h); break;
      case act::sigmoid: h = torch::sigmoid(h); break;
      case act::relu: h = torch::relu(h); break;
      case act::softmax: h = torch::softmax(h, 1); break;
      default: break;
    }
    if (layers[k].skip_from != no_skip) h = h + block_input;
  }
  return h;
}

template <class Net>
void torch_run(benchmark::State& state, std::size_t n) {
  auto& f = get<Net>();
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> w, b;
  for (const auto& l : f.layers) {
    w.push_back(torch::from_blob(const_cast<float*>(l.weight), {static_cast<long>(l.out), static_cast<long>(l.in)}));
    b.push_back(torch::from_blob(const_cast<float*>(l.bias), {static_cast<long>(l.out)}));
  }
  const torch::Tensor x = torch::from_blob(f.in.data(), {static_cast<long>(n), static_cast<long>(Net::inputs)});
  torch::Tensor y = torch_forward(f.layers, w, b, x).contiguous();
  if (!agrees(state, std::span(f.out).first(n * Net::outputs),
              std::span<const float>(y.data_ptr<float>(), n * Net::outputs), "libtorch"))
    return;
  for (auto _ : state) {
    y = torch_forward(f.layers, w, b, x);
    benchmark::DoNotOptimize(y.data_ptr<float>());
  }
  report(state, f.flops, n);
}
template <class Net>
void torch_single(benchmark::State& state) { torch_run<Net>(state, 1); }
template <class Net>
void torch_batch(benchmark::State& state) { torch_run<Net>(state, batch); }
#endif

template <class Net>
void register_network(const std::string& name) {
  auto add = [&](const std::string& who, void (*single)(benchmark::State&), void (*batched)(benchmark::State&)) {
    benchmark::RegisterBenchmark((name + "/batch:1/" + who).c_str(), single);
    benchmark::RegisterBenchmark((name + "/batch:4096/" + who).c_str(), batched);
  };
  add("nonlin", nonlin_single<Net>, nonlin_batch<Net>);
  for (std::size_t n : {1, 2, 3, 4, 6, 8, 12, 16, 32, 64})
    benchmark::RegisterBenchmark((name + "/batch:" + std::to_string(n) + "/nonlin-forward").c_str(),
                                 [n](benchmark::State& state) { nonlin_small_batch<Net>(state, n); });
  add("plain", plain_single<Net>, plain_batch<Net>);
#if defined(NONLIN_BENCH_WITH_EIGEN)
  add("eigen", eigen_single<Net>, eigen_batch<Net>);
#endif
#if defined(NONLIN_BENCH_WITH_DNNL)
  add("onednn", dnnl_single<Net>, dnnl_batch<Net>);
#endif
#if defined(NONLIN_BENCH_WITH_TORCH)
  add("libtorch", torch_single<Net>, torch_batch<Net>);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  // One core for everyone: nonlin runs with the sequential policy; the peers are told so here.
#if defined(_OPENMP)
  omp_set_num_threads(1);
#endif
#if defined(NONLIN_BENCH_WITH_EIGEN)
  Eigen::setNbThreads(1);
#endif
#if defined(NONLIN_BENCH_WITH_TORCH)
  at::set_num_threads(1);
  at::set_num_interop_threads(1);
  nonlin_bench::report_torch_blas();
#endif
  fma_peak_flops = measure_fma_peak();
  std::printf("one-core FMA peak: %.1f GFLOP/s (%s)\n", fma_peak_flops * 1e-9, nl::simd::target_name);
  benchmark::RegisterBenchmark("fma_peak", fma_peak);
  register_network<net_a>("A_2-2-2-1");
  register_network<net_b>("B_2-4-2-1");
  register_network<net_c>("C_16-32-32-1");
  register_network<net_d>("D_64-128-128-10");
  register_network<net_e>("E_256-256-256-256");
  register_network<net_r>("R_64-128-4x128res-10");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return failed ? 1 : 0;
}
