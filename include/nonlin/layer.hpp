// nonlin/layer.hpp: the words a network is declared with (input<N>, dense<Outputs, Activation>,
// residual<dense...>) and dense_layer, the storage of one layer with its single-sample evaluation.
// dense_layer's weights are row-major [out][in], exactly as torch.nn.Linear keeps them.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>

#include <nonlin/activation/concept.hpp>
#include <nonlin/activation/identity.hpp>
#include <nonlin/simd/pack.hpp>

namespace nonlin {

/// The input of a network: N features per sample. Must come first in network<...>.
template <std::size_t Features>
struct input {
  static_assert(Features > 0, "nonlin::input<Features>: a network needs at least one input feature");
  static constexpr std::size_t size = Features;
};

/// A fully connected layer with `Outputs` units followed by `Activation` (identity when omitted).
template <std::size_t Outputs, class Activation = identity>
struct dense {
  static_assert(Outputs > 0, "nonlin::dense<Outputs, Activation>: a layer needs at least one output");
  static_assert(activation<Activation>,
                "nonlin::dense<Outputs, Activation>: Activation must be an activation function "
                "(identity, sigmoid, tanh, relu, leaky_relu<S>, elu<A> or softmax<T>)");
  static constexpr std::size_t outputs = Outputs;
  using activation_type = Activation;
};

template <class T>
inline constexpr bool is_input_v = false;
template <std::size_t N>
inline constexpr bool is_input_v<input<N>> = true;

template <class T>
inline constexpr bool is_dense_v = false;
template <std::size_t N, class A>
inline constexpr bool is_dense_v<dense<N, A>> = true;

/// A residual block: its inner chain of dense layers f, and the block's input h added to their output,
/// h + f(h), as torch writes `x + block(x)`. The chain must end as wide as it begins (network checks
/// that, knowing h's width). An activation of the sum, relu(h + f(h)), is not part of the block: a
/// following layer's activation sees h + f(h) only through its own product.
template <class... Layers>
struct residual {
  static_assert(sizeof...(Layers) > 0, "nonlin::residual<Layers...>: a residual block needs at least one dense layer");
  static_assert((is_dense_v<Layers> && ...),
                "nonlin::residual<Layers...>: a residual block holds dense<Outputs, Activation> layers only "
                "(no input<N>, and blocks do not nest)");
  static constexpr std::size_t size = sizeof...(Layers);
};

template <class T>
inline constexpr bool is_residual_v = false;
template <class... L>
inline constexpr bool is_residual_v<residual<L...>> = true;

/// The weights of one dense layer and its evaluation on one sample (or one SIMD tile of samples).
template <std::size_t Inputs, std::size_t Outputs, class Activation>
struct dense_layer {
  using activation_type = Activation;
  static constexpr std::size_t inputs = Inputs;
  static constexpr std::size_t outputs = Outputs;
  static constexpr std::size_t parameter_count = Outputs * Inputs + Outputs;

  // Each layer's weights start on a cache line, so that a kernel's full-width loads never straddle two.
  alignas(64) std::array<float, Outputs * Inputs> weight{};  // row-major [out][in]
  std::array<float, Outputs> bias{};

  /// The pre-activation z = W·x + b. V is float, double or a SIMD pack (one sample per lane).
  template <class V>
  constexpr std::array<V, Outputs> affine(const std::array<V, Inputs>& x) const noexcept {
    std::array<V, Outputs> z{};
    for (std::size_t o = 0; o < Outputs; ++o) {
      V acc = simd::broadcast<V>(static_cast<simd::element_t<V>>(bias[o]));
      for (std::size_t i = 0; i < Inputs; ++i)
        acc = simd::multiply_add(simd::broadcast<V>(static_cast<simd::element_t<V>>(weight[o * Inputs + i])),
                        x[i], acc);
      z[o] = acc;
    }
    return z;
  }

  /// Applies the activation to a pre-activation, in place (always inlined, as operator() is).
  template <class V>
  [[gnu::always_inline]] static constexpr void activate(std::array<V, Outputs>& z) noexcept {
    if constexpr (Activation::is_elementwise) {
      for (auto& v : z) v = Activation::value(v);
    } else {
      Activation::apply_lanes(z);
    }
  }

  /// The layer's output for one sample (V = float or double) or one tile of samples (V = pack).
  /// Always inlined: the register kernel's tiles keep every layer's values in registers, and GCC for
  /// AArch64 would otherwise call each layer with its tile passed through memory.
  template <class V>
  [[gnu::always_inline]] constexpr std::array<V, Outputs> operator()(const std::array<V, Inputs>& x) const noexcept {
    auto z = affine(x);
    activate(z);
    return z;
  }
};

}  // namespace nonlin
