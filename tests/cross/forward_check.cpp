// The batch kernels and the one-sample call on another target, without a test framework, so that a
// cross compiler and an emulator are all it needs (tests/cross/check_cross.cmake builds it with
// aarch64-linux-gnu-g++ and runs it under qemu-aarch64: NEON's kernels, checked on an x86 machine).
// For networks that take each kernel, forward of a batch and m(x) of each sample are compared with a
// reference in double: every output within 1e-5 of the reference's scale. Prints one line per network
// and exits 1 on the first that fails.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include <nonlin/activation/identity.hpp>
#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/network.hpp>

namespace nl = nonlin;

namespace {

// The reference: each layer in double, activations from <cmath>.
template <class Layer>
std::vector<double> reference_layer(const Layer& layer, const std::vector<double>& x) {
  std::vector<double> z(Layer::outputs);
  for (std::size_t o = 0; o < Layer::outputs; ++o) {
    double s = layer.bias[o];
    for (std::size_t i = 0; i < Layer::inputs; ++i) s += double{layer.weight[o * Layer::inputs + i]} * x[i];
    z[o] = s;
  }
  using A = typename Layer::activation_type;
  if constexpr (std::is_same_v<A, nl::tanh>) {
    for (auto& v : z) v = std::tanh(v);
  } else if constexpr (std::is_same_v<A, nl::sigmoid>) {
    for (auto& v : z) v = 1.0 / (1.0 + std::exp(-v));
  } else if constexpr (std::is_same_v<A, nl::relu>) {
    for (auto& v : z) v = std::max(v, 0.0);
  } else if constexpr (!A::is_elementwise) {  // softmax<>
    const double top = *std::max_element(z.begin(), z.end());
    double sum = 0;
    for (auto& v : z) sum += (v = std::exp(v - top));
    for (auto& v : z) v /= sum;
  }
  return z;
}

// Layer by layer; the last layer of a residual block adds the block's input.
template <class Net>
std::vector<double> reference(const Net& m, std::vector<double> x) {
  constexpr auto blocks = nl::network_traits<Net>::blocks;
  std::vector<double> skip;
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    auto layer = [&]<std::size_t k>() {
      if (blocks.begins[k]) skip = x;
      x = reference_layer(m.template layer<k>(), x);
      if (blocks.ends[k])
        for (std::size_t i = 0; i < x.size(); ++i) x[i] += skip[i];
    };
    (layer.template operator()<K>(), ...);
  }(std::make_index_sequence<Net::depth>{});
  return x;
}

template <class Net>
bool check(const char* name, std::size_t samples, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Net m;
  nl::for_each_layer(m, [&](auto& layer) {
    const float scale = 1.0f / std::sqrt(static_cast<float>(std::decay_t<decltype(layer)>::inputs));
    for (auto& w : layer.weight) w = normal(rng) * scale;
    for (auto& b : layer.bias) b = normal(rng) * 0.1f;
  });
  std::vector<float> in(samples * Net::inputs), out(samples * Net::outputs);
  for (auto& v : in) v = normal(rng);
  m.forward(in, out);
  double worst = 0;
  for (std::size_t s = 0; s < samples; ++s) {
    std::array<float, Net::inputs> x;
    std::copy_n(in.begin() + static_cast<std::ptrdiff_t>(s * Net::inputs), Net::inputs, x.begin());
    const auto one = m(x);
    const auto ref = reference(m, std::vector<double>(x.begin(), x.end()));
    for (std::size_t o = 0; o < Net::outputs; ++o) {
      const double scale = std::max(1.0, std::abs(ref[o]));
      worst = std::max({worst, std::abs(out[s * Net::outputs + o] - ref[o]) / scale, std::abs(one[o] - ref[o]) / scale});
    }
  }
  const bool ok = worst <= 1e-5;
  std::printf("%s %s: %zu samples, forward and m(x) within %.2g of double\n", ok ? "ok" : "FAILED", name, samples, worst);
  return ok;
}

}  // namespace

int main() {
  std::printf("vectorised path: %s, %zu floats a vector\n", nl::simd::target_name, nl::detail::kernel_lanes);
  using lecture = nl::network<nl::input<2>, nl::dense<2, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;
  using wide = nl::network<nl::input<40>, nl::dense<128, nl::relu>, nl::dense<128, nl::tanh>, nl::dense<10>>;
  using classifier = nl::network<nl::input<16>, nl::dense<32, nl::relu>, nl::dense<5, nl::softmax<>>>;
  using identity_run = nl::network<nl::input<3>, nl::dense<8>, nl::dense<8>, nl::dense<2>>;
  using very_wide = nl::network<nl::input<2048>, nl::dense<16, nl::relu>, nl::dense<4>>;
  using narrow_residual = nl::network<nl::input<2>, nl::dense<4, nl::tanh>, nl::residual<nl::dense<4, nl::tanh>, nl::dense<4>>,
                                      nl::residual<nl::dense<4, nl::sigmoid>>, nl::dense<1, nl::sigmoid>>;
  using wide_residual = nl::network<nl::input<40>, nl::dense<64, nl::relu>, nl::residual<nl::dense<128, nl::relu>, nl::dense<64>>,
                                    nl::residual<nl::dense<64, nl::tanh>, nl::dense<64>>, nl::dense<10>>;
  const bool ok = check<lecture>("register kernel (2-2-2-1)", 1003, 1) && check<wide>("blocked kernel (40-128-128-10)", 203, 2) &&
                  check<classifier>("softmax on the accumulators (16-32-5)", 301, 3) &&
                  check<identity_run>("merged identity run (3-8-8-2)", 2001, 4) &&
                  check<very_wide>("thread_local workspace (2048-16-4)", 41, 5) &&
                  check<narrow_residual>("residual blocks in registers (2-4-[4-4]-[4]-1)", 1003, 6) &&
                  check<wide_residual>("residual blocks in the blocked tile (40-64-[128-64]-[64-64]-10)", 203, 7);
  return ok ? 0 : 1;
}
