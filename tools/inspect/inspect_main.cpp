// The measuring half of tools/inspect/inspect_network.py, compiled with NONLIN_INSPECTED_NETWORK set to a
// network type. It prints, as "key value" lines: the plan forward runs for a large batch, the
// arithmetic one sample needs, the measured time per sample and the core's clock, so that the script
// can set them beside the listing of the same translation unit.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <nonlin/nonlin.hpp>

namespace nl = nonlin;
using inspected = NONLIN_INSPECTED_NETWORK;

// The kernel under study, out of line so that its code is one function in the listing.
[[gnu::noinline]] void inspected_forward(const inspected& m, std::span<const float> in, std::span<float> out) {
  m.forward(in, out, nl::execution::sequential);
}

namespace {

// Cycles per nanosecond of this core, from a chain of dependent integer adds: one cycle each on every
// x86-64 and AArch64 core. Under an emulator (qemu) the figure means nothing and is not printed.
double measured_ghz() {
#if defined(__x86_64__) || defined(__aarch64__)
  constexpr std::uint64_t adds = 200'000'000;
  double best = 0;
  for (int run = 0; run < 5; ++run) {
    std::uint64_t x = 0, n = adds / 8;
    const auto t0 = std::chrono::steady_clock::now();
    for (; n > 0; --n) {
#if defined(__x86_64__)
      asm volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                   "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0" : "+r"(x));
#else
      asm volatile("add %0, %0, #1\n\tadd %0, %0, #1\n\tadd %0, %0, #1\n\tadd %0, %0, #1\n\t"
                   "add %0, %0, #1\n\tadd %0, %0, #1\n\tadd %0, %0, #1\n\tadd %0, %0, #1" : "+r"(x));
#endif
    }
    const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, static_cast<double>(adds) / ns);
  }
  return best;
#else
  return 0;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  const bool time_it = !(argc > 1 && std::strcmp(argv[1], "--no-timing") == 0);
  using form = nl::evaluation_form_t<inspected>;  // what a large batch runs (identity runs merged)
  using plan = nl::detail::forward_plan<form>;
  using traits = nl::network_traits<inspected>;
  using form_traits = nl::network_traits<form>;
  std::printf("type %s\n", nl::detail::network_type_name<inspected>("nl::").c_str());
  std::printf("runs %s\n", nl::detail::network_type_name<form>("nl::").c_str());
  std::printf("kernel %s\n", plan::kernel == nl::detail::forward_kernel::registers ? "registers" : "blocked");
  std::printf("lanes %zu\n", plan::lanes);
  std::printf("vector_registers %zu\n", nl::detail::vector_registers);
  std::printf("tile %zu\n", plan::tile);
  std::printf("register_group %zu\n", plan::register_group);
  std::printf("depth %zu\n", form::depth);
  std::printf("parameters %zu\n", traits::parameter_count);
  std::printf("flops_per_sample %zu\n", form_traits::flops_per_sample);
  std::printf("activation_evaluations %zu\n", form_traits::activation_evaluations);
  std::printf("bytes_per_sample %zu\n", (inspected::inputs + inspected::outputs) * sizeof(float));
  std::size_t weights = 0;
  for (std::size_t k = 0; k < form::depth; ++k) weights += form_traits::widths[k] * form_traits::widths[k + 1];
  std::printf("weights %zu\n", weights);
  // How the blocked kernel cuts each layer of a full tile: rows × packs accumulators per block.
  if constexpr (plan::kernel == nl::detail::forward_kernel::blocked) {
    [&]<std::size_t... K>(std::index_sequence<K...>) {
      (
          [] {
            using layer = typename form::template layer_type<K>;
            using blocking = nl::detail::dense_blocking<layer, plan::tile_packs>;
            std::printf("block %zu inputs=%zu outputs=%zu rows=%zu packs=%zu row_blocks=%zu rest_rows=%zu tile_packs=%zu\n", K,
                        layer::inputs, layer::outputs, blocking::rows, blocking::packs, blocking::full_row_blocks,
                        blocking::rest_rows, plan::tile_packs);
          }(),
          ...);
    }(std::make_index_sequence<form::depth>{});
  }
  if (!time_it) return 0;

  // Random weights of the usual scale and inputs in [-1, 1]: the time does not depend on the values
  // (no branch in the kernels), except through denormals, which these avoid.
  inspected m;
  std::mt19937 rng(42);
  nl::for_each_layer(m, [&](auto& layer) {
    std::uniform_real_distribution<float> w(-1.0f, 1.0f);
    const float scale = 1.0f / std::sqrt(static_cast<float>(std::decay_t<decltype(layer)>::inputs));
    for (auto& x : layer.weight) x = w(rng) * scale;
    for (auto& x : layer.bias) x = w(rng) * 0.1f;
  });
  // Enough samples to repay the merge and run many whole tiles, few enough to stay in L2.
  const std::size_t samples = std::max<std::size_t>(4 * plan::tile, std::min<std::size_t>(4096, (1u << 18) / (inspected::inputs + inspected::outputs)));
  std::vector<float> in(samples * inspected::inputs), out(samples * inspected::outputs);
  std::uniform_real_distribution<float> x(-1.0f, 1.0f);
  for (auto& v : in) v = x(rng);
  double best = 1e30;
  for (int run = 0; run < 40; ++run) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < 10; ++r) inspected_forward(m, in, out);
    const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, ns / (10.0 * static_cast<double>(samples)));
  }
  std::printf("samples %zu\n", samples);
  std::printf("ns_per_sample %.4f\n", best);
  std::printf("ghz %.3f\n", measured_ghz());
}
