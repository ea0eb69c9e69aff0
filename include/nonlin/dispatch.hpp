// nonlin/dispatch.hpp: run-time dispatch. A program built for the x86-64 baseline evaluates a network
// with the AVX-512 or the AVX2 kernels on the machines that have them.
//
// The kernels are chosen by the preprocessor (simd/pack.hpp reads __AVX512F__, __AVX2__, __FMA__), so
// a network's evaluation is compiled once per instruction set: a source file the user writes holds
// NONLIN_DISPATCH_DEFINE(name, Net), and nonlin_add_dispatch() (cmake/nonlin-dispatch.cmake) compiles
// it three times, with -march=x86-64, -march=x86-64-v3 and -march=x86-64-v4 (once, for the machine,
// elsewhere). Each copy of nonlin's headers holds other code under the same names; were they all
// `nonlin`, the linker would keep one copy of each function and run it on every machine. So each
// variant is compiled with the word `nonlin` defined as another (-Dnonlin=nonlin_dispatch_avx2, the
// per-target namespaces of Highway and simdjson, given by the preprocessor), and exports one table of
// plain functions (nonlin_dispatch_variant). The program declares the tables
// (NONLIN_DISPATCH_DECLARE(name)) and nonlin::dispatched<Net> takes the best one the CPU runs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdlib>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include <nonlin/describe.hpp>
#include <nonlin/network.hpp>

/// One compiled variant of a network's evaluation, as its translation unit exports it. Plain types
/// in the global namespace: the same type in every translation unit, whatever `nonlin` names there.
struct nonlin_dispatch_variant {
  const char* target;  // the variant: "avx512", "avx2", "baseline" (x86-64) or "native" (elsewhere)
  const char* path;    // nonlin::simd::target_name where it was compiled: the kernels it holds
  std::size_t inputs, outputs, depth, parameter_count;  // its network, checked against the program's
  // A copy of the network on the heap, its weights from `parameters` (weight, bias of layer 0, of
  // layer 1, ...: 2·depth arrays, each as long as the layer's).
  void* (*create)(const float* const* parameters);
  void (*destroy)(void* network) noexcept;
  void (*assign)(void* network, const float* const* parameters);
  // network::forward on the copy; policy 0 automatic, 1 sequential, 2 parallel.
  void (*forward)(const void* network, const float* in, std::size_t in_size, float* out, std::size_t out_size,
                  int policy);
};

#define NONLIN_DISPATCH_PASTE_(name, target) name##_##target
#define NONLIN_DISPATCH_PASTE(name, target) NONLIN_DISPATCH_PASTE_(name, target)
#define NONLIN_DISPATCH_STRING_(target) #target
#define NONLIN_DISPATCH_STRING(target) NONLIN_DISPATCH_STRING_(target)

#if defined(NONLIN_DISPATCH_TARGET)
// ---- A variant's translation unit (compiled by nonlin_add_dispatch) ----

#if !defined(nonlin) || !defined(NONLIN_DISPATCH_LEVEL)
#error "nonlin/dispatch.hpp: NONLIN_DISPATCH_TARGET is set, but not by nonlin_add_dispatch(): compile dispatched sources with it (it also renames nonlin for each variant)"
#endif
#if NONLIN_DISPATCH_LEVEL == 1 && defined(__AVX__)
#error "nonlin_add_dispatch: the baseline variant is compiled for AVX: remove -march/-mavx from the flags of its sources (CMAKE_CXX_FLAGS), or it will not run on every x86-64"
#elif NONLIN_DISPATCH_LEVEL == 2 && (!defined(__AVX2__) || !defined(__FMA__) || defined(__AVX512F__))
#error "nonlin_add_dispatch: the avx2 variant is not compiled for exactly x86-64-v3: remove -march/-mavx512f from the flags of its sources (CMAKE_CXX_FLAGS)"
#elif NONLIN_DISPATCH_LEVEL == 3 && !defined(__AVX512F__)
#error "nonlin_add_dispatch: the avx512 variant is not compiled for AVX-512"
#endif

namespace nonlin::detail {

/// The table of a network's variant compiled in this translation unit.
template <class Net>
struct dispatch_functions {
  static void copy(Net& net, const float* const* parameters) {
    std::size_t k = 0;
    for_each_layer(net, [&](auto& layer) {
      const float* weight = parameters[k++];
      const float* bias = parameters[k++];
      for (std::size_t i = 0; i < layer.weight.size(); ++i) layer.weight[i] = weight[i];
      for (std::size_t i = 0; i < layer.bias.size(); ++i) layer.bias[i] = bias[i];
    });
  }
  static void* create(const float* const* parameters) {
    auto* net = new Net;
    copy(*net, parameters);
    return net;
  }
  static void destroy(void* net) noexcept { delete static_cast<Net*>(net); }
  static void assign(void* net, const float* const* parameters) { copy(*static_cast<Net*>(net), parameters); }
  static void forward(const void* net, const float* in, std::size_t in_size, float* out, std::size_t out_size,
                      int policy) {
    const auto& m = *static_cast<const Net*>(net);
    const std::span<const float> x(in, in_size);
    const std::span<float> y(out, out_size);
    if (policy == 1)
      m.forward(x, y, execution::sequential);
    else if (policy == 2)
      m.forward(x, y, execution::parallel);
    else
      m.forward(x, y, execution::automatic);
  }
};

template <class Net>
inline constexpr nonlin_dispatch_variant dispatch_variant_of{
    NONLIN_DISPATCH_STRING(NONLIN_DISPATCH_TARGET), simd::target_name, Net::inputs, Net::outputs, Net::depth,
    Net::parameter_count, &dispatch_functions<Net>::create, &dispatch_functions<Net>::destroy,
    &dispatch_functions<Net>::assign, &dispatch_functions<Net>::forward};

}  // namespace nonlin::detail

/// Exports this translation unit's variant of Net's evaluation as name_<target>().
#define NONLIN_DISPATCH_DEFINE(name, ...)                                                          \
  static_assert(::nonlin::is_network_v<__VA_ARGS__>,                                               \
                "NONLIN_DISPATCH_DEFINE(name, Net): Net must be a nonlin::network<...>");         \
  const nonlin_dispatch_variant* NONLIN_DISPATCH_PASTE(name, NONLIN_DISPATCH_TARGET)() {           \
    return &::nonlin::detail::dispatch_variant_of<__VA_ARGS__>;                                    \
  }
/// The program's declaration, where a variant's header is shared with the program: nothing here.
#define NONLIN_DISPATCH_DECLARE(name) static_assert(true, "")

#else
// ---- The program ----

namespace nonlin {

/// The variants of one network's evaluation a program links, best first; a variant the build did not
/// compile is a null function (its declaration is weak).
struct dispatch_variants {
  std::array<const nonlin_dispatch_variant* (*)(), 4> best_first;
};

namespace detail {

/// Whether this CPU (and its operating system) runs a variant's instructions.
inline bool cpu_runs(std::string_view target) noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();  // needed when this runs before the program's constructors
  if (target == "avx512") return __builtin_cpu_supports("x86-64-v4");
  if (target == "avx2") return __builtin_cpu_supports("x86-64-v3");
  return target == "baseline" || target == "native";
#else
  return target == "native";
#endif
}

}  // namespace detail

/// Net evaluated by the best variant of its kernels this CPU runs (see the top of this header), on a
/// copy of the network's weights taken at construction (and by assign). `highest` names the best
/// variant allowed ("avx2": never "avx512"); when empty, the environment variable NONLIN_DISPATCH
/// does, for measuring one variant on a machine that runs several.
template <class Net>
  requires is_network_v<Net>
class dispatched {
 public:
  dispatched(const Net& net, const dispatch_variants& variants, std::string_view highest = {}) {
    if (highest.empty())
      if (const char* chosen = std::getenv("NONLIN_DISPATCH")) highest = chosen;
    bool allowed = highest.empty();
    for (auto variant_of : variants.best_first) {
      if (variant_of == nullptr) continue;  // not compiled (a weak declaration without a definition)
      const nonlin_dispatch_variant* candidate = variant_of();
      allowed = allowed || highest == candidate->target;
      if (!allowed || !detail::cpu_runs(candidate->target)) continue;
      check(*candidate);
      variant_ = candidate;
      break;
    }
    if (variant_ == nullptr)
      throw std::invalid_argument(
          highest.empty() || allowed
              ? std::string("nonlin::dispatched: this CPU runs none of the network's compiled variants")
              : "nonlin::dispatched: no compiled variant is named \"" + std::string(highest) + "\"");
    network_ = variant_->create(parameters(net).data());
  }
  dispatched(const dispatched&) = delete;
  dispatched& operator=(const dispatched&) = delete;
  ~dispatched() { variant_->destroy(network_); }

  static constexpr std::size_t inputs = Net::inputs;
  static constexpr std::size_t outputs = Net::outputs;

  /// network::forward, by the chosen variant: row-major [n][inputs] -> [n][outputs].
  void forward(std::span<const float> in, std::span<float> out) const { forward(in, out, execution::automatic); }
  template <execution::policy Policy>
  void forward(std::span<const float> in, std::span<float> out, Policy) const {
    constexpr int policy = std::is_same_v<Policy, execution::sequential_policy> ? 1
                           : std::is_same_v<Policy, execution::parallel_policy> ? 2
                                                                                : 0;
    variant_->forward(network_, in.data(), in.size(), out.data(), out.size(), policy);
  }
  /// One sample.
  std::array<float, outputs> operator()(const std::array<float, inputs>& x) const {
    std::array<float, outputs> y;
    forward(x, y, execution::sequential);
    return y;
  }

  /// The weights of `net` again (after training it, say).
  void assign(const Net& net) { variant_->assign(network_, parameters(net).data()); }

  /// The chosen variant ("avx512", "avx2", "baseline", "native") and the kernels it runs
  /// (simd::target_name where it was compiled).
  const char* target() const noexcept { return variant_->target; }
  const char* path() const noexcept { return variant_->path; }

  /// describe<Net>(), its line on the kernels naming those chosen at run time.
  std::string describe() const {
    std::string text = nonlin::describe<Net>();
    const std::string line = std::string("kernels compiled for: ") + simd::target_name + "\n";
    const std::string chosen = std::string("kernels, chosen at run time: ") + variant_->target + " (" +
                               variant_->path + " path)\n";
    const auto at = text.find(line);
    return at == std::string::npos ? text + chosen : text.replace(at, line.size(), chosen);
  }

 private:
  static std::array<const float*, 2 * Net::depth> parameters(const Net& net) {
    std::array<const float*, 2 * Net::depth> p{};
    std::size_t k = 0;
    for_each_layer(net, [&](const auto& layer) {
      p[k++] = layer.weight.data();
      p[k++] = layer.bias.data();
    });
    return p;
  }
  static void check(const nonlin_dispatch_variant& v) {
    if (v.inputs != Net::inputs || v.outputs != Net::outputs || v.depth != Net::depth ||
        v.parameter_count != Net::parameter_count)
      throw std::invalid_argument(
          "nonlin::dispatched: the " + std::string(v.target) + " variant was compiled for another network (" +
          std::to_string(v.inputs) + " inputs, " + std::to_string(v.outputs) + " outputs, " + std::to_string(v.depth) +
          " layers, " + std::to_string(v.parameter_count) + " parameters; this one has " + std::to_string(Net::inputs) +
          ", " + std::to_string(Net::outputs) + ", " + std::to_string(Net::depth) + ", " +
          std::to_string(Net::parameter_count) + "): NONLIN_DISPATCH_DEFINE and dispatched<Net> name different types");
  }

  const nonlin_dispatch_variant* variant_ = nullptr;
  void* network_ = nullptr;
};

}  // namespace nonlin

/// Declares the variants NONLIN_DISPATCH_DEFINE(name, Net) exported, as the object `name` to give
/// nonlin::dispatched<Net>. At namespace scope in the program (not in a dispatched source).
#define NONLIN_DISPATCH_DECLARE(name)                                                         \
  __attribute__((weak)) const nonlin_dispatch_variant* NONLIN_DISPATCH_PASTE(name, avx512)();   \
  __attribute__((weak)) const nonlin_dispatch_variant* NONLIN_DISPATCH_PASTE(name, avx2)();     \
  __attribute__((weak)) const nonlin_dispatch_variant* NONLIN_DISPATCH_PASTE(name, baseline)(); \
  __attribute__((weak)) const nonlin_dispatch_variant* NONLIN_DISPATCH_PASTE(name, native)();   \
  inline const ::nonlin::dispatch_variants name{                                              \
      {&NONLIN_DISPATCH_PASTE(name, avx512), &NONLIN_DISPATCH_PASTE(name, avx2),              \
       &NONLIN_DISPATCH_PASTE(name, baseline), &NONLIN_DISPATCH_PASTE(name, native)}}
/// In the program, NONLIN_DISPATCH_DEFINE is a mistake: it belongs in a dispatched source.
#define NONLIN_DISPATCH_DEFINE(name, ...)                                                               \
  static_assert(!sizeof(#name),                                                                         \
                "NONLIN_DISPATCH_DEFINE belongs in a source compiled by nonlin_add_dispatch() (CMake), " \
                "which compiles it once per instruction set")

#endif
