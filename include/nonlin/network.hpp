// nonlin/network.hpp: network<input<N>, dense<...>...>, a neural network as a C++ type.
// The type fixes every shape (network_traits); the object holds the weights, zero-initialised:
// inline for small networks (a literal type, usable in constant expressions), on the heap for large
// ones (layer_storage.hpp). m(x) evaluates one sample; m.forward evaluates a batch.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <type_traits>
#include <utility>

#include <nonlin/activation/concept.hpp>
#include <nonlin/activation/identity.hpp>
#include <nonlin/eval/execution.hpp>
#include <nonlin/eval/forward.hpp>
#include <nonlin/eval/residual.hpp>
#include <nonlin/eval/single_sample.hpp>
#include <nonlin/layer.hpp>
#include <nonlin/layer_storage.hpp>
#include <nonlin/network_fwd.hpp>
#include <nonlin/network_traits.hpp>

#if defined(__clang__)
#define NONLIN_INLINE_LAYER
#else
#define NONLIN_INLINE_LAYER [[gnu::always_inline]]
#endif

namespace nonlin {

namespace detail {

// Only an activation is asked whether it is elementwise: for dense<3, int> the readable message of
// dense's static_assert must come first, not a missing member of int.
template <class Layer>
inline constexpr bool is_softmax_layer_v = false;
template <std::size_t N, class A>
inline constexpr bool is_softmax_layer_v<dense<N, A>> = [] {
  if constexpr (activation<A>)
    return !A::is_elementwise;
  else
    return false;
}();

template <class Word>
inline constexpr bool residual_holds_softmax_v = false;
template <class... L>
inline constexpr bool residual_holds_softmax_v<residual<L...>> = (is_softmax_layer_v<L> || ...);

template <class Word>
constexpr std::size_t outputs_of() noexcept {
  if constexpr (is_dense_v<Word>) return Word::outputs;
  else return 0;
}

// Whether every residual block ends as wide as it begins (words that are not layers count as
// matching: their own message comes first).
template <class Word>
constexpr bool block_keeps_width(std::size_t& width) noexcept {
  if constexpr (is_dense_v<Word>) {
    width = Word::outputs;
    return true;
  } else if constexpr (is_residual_v<Word>) {
    return [&]<class... L>(residual<L...>*) {
      if (!(is_dense_v<L> && ...)) return true;  // residual's own message says what is wrong
      const std::size_t in = width;
      ((width = outputs_of<L>()), ...);
      return width == in;
    }(static_cast<Word*>(nullptr));
  } else {
    return true;
  }
}

template <class Input, class... Layers>
constexpr bool residual_widths_match() noexcept {
  std::size_t width = 0;
  if constexpr (is_input_v<Input>) width = Input::size;
  return (block_keeps_width<Layers>(width) && ...);
}

template <class Input, class... Layers>
consteval bool check_network_declaration() {
  static_assert(is_input_v<Input>,
                "nonlin::network<input<N>, dense<...>...>: the first parameter must be nonlin::input<N>");
  static_assert(sizeof...(Layers) > 0,
                "nonlin::network<input<N>, dense<...>...>: a network needs at least one dense layer");
  static_assert(!(is_input_v<Layers> || ...),
                "nonlin::network<input<N>, dense<...>...>: input<N> may appear only once, as the first parameter");
  static_assert(((is_dense_v<Layers> || is_residual_v<Layers>) && ...),
                "nonlin::network<input<N>, dense<...>...>: every parameter after input<N> must be "
                "nonlin::dense<Outputs, Activation> or nonlin::residual<dense<...>...>");
  static_assert(residual_widths_match<Input, Layers...>(),
                "nonlin::residual<Layers...>: the last layer of a residual block must have as many outputs as "
                "the block has inputs, since h + f(h) adds them");
  static_assert(!(residual_holds_softmax_v<Layers> || ...),
                "nonlin::residual<Layers...>: softmax normalises the output and may not be inside a residual block");
  // Completing every declaration word lets its own static_assert speak (input<0>, dense<0>, dense<3, int>).
  return sizeof(Input) + (sizeof(Layers) + ... + 0) > 0;
}

// The same conditions as a value, without diagnostics: a declaration that fails them gets placeholder
// traits, so that after the static_assert's message the compiler has nothing more to complain about.
template <class Layer>
inline constexpr bool is_valid_layer_v = false;
template <std::size_t N, class A>
inline constexpr bool is_valid_layer_v<dense<N, A>> = N > 0 && activation<A>;
template <class... L>
inline constexpr bool is_valid_layer_v<residual<L...>> = ((is_dense_v<L> && is_valid_layer_v<L>) && ...) &&
                                                         !(is_softmax_layer_v<L> || ...);
template <class Input>
inline constexpr bool is_valid_input_v = false;
template <std::size_t N>
inline constexpr bool is_valid_input_v<input<N>> = N > 0;

template <class Input, class... Layers>
inline constexpr bool is_valid_declaration = is_valid_input_v<Input> && sizeof...(Layers) > 0 &&
                                             (is_valid_layer_v<Layers> && ...) &&
                                             residual_widths_match<Input, Layers...>();

struct placeholder_traits {
  static constexpr std::size_t depth = 1, inputs = 1, outputs = 1, parameter_count = 2;
  static constexpr std::array<std::size_t, 2> widths{1, 1};
  static constexpr bool has_residual = false;
  static constexpr block_marks<1> blocks{};
  template <std::size_t K>
  using layer_type = dense_layer<1, 1, identity>;
};

template <class... Layers>
consteval bool softmax_only_last() {
  constexpr std::size_t n = sizeof...(Layers);
  constexpr bool softmax[] = {is_softmax_layer_v<Layers>...};
  for (std::size_t k = 0; k + 1 < n; ++k)
    if (softmax[k]) return false;
  return true;
}

template <class Traits, class Indices>
struct layer_tuple_of;
template <class Traits, std::size_t... K>
struct layer_tuple_of<Traits, std::index_sequence<K...>> {
  using type = layer_tuple<typename Traits::template layer_type<K>...>;
};

}  // namespace detail

/// A feed-forward network declared as a type: network<input<2>, dense<2, tanh>, dense<1, sigmoid>>.
template <class Input, class... Layers>
class network {
  static_assert(detail::check_network_declaration<Input, Layers...>());
  static_assert(detail::softmax_only_last<Layers...>(),
                "nonlin::network: softmax normalises the output and may only be the activation of the last layer");

 public:
  using traits = std::conditional_t<detail::is_valid_declaration<Input, Layers...>, network_traits<network>,
                                    detail::placeholder_traits>;
  static constexpr std::size_t depth = traits::depth;
  static constexpr std::size_t inputs = traits::inputs;
  static constexpr std::size_t outputs = traits::outputs;
  static constexpr std::size_t parameter_count = traits::parameter_count;

  /// The storage type of layer K (a dense_layer<Inputs, Outputs, Activation>).
  template <std::size_t K>
  using layer_type = typename traits::template layer_type<K>;
  using layers_type = typename detail::layer_tuple_of<traits, std::make_index_sequence<depth>>::type;

  /// True when the weights live in the object (constexpr-usable), false when on the heap.
  static constexpr bool stores_inline = sizeof(layers_type) <= inline_weight_bytes;

  template <std::size_t K>
  constexpr layer_type<K>& layer() noexcept(stores_inline) {
    static_assert(K < depth, "nonlin::network::layer<K>: K must be less than the number of layers");
    return detail::slot_value<K>(storage_.get());
  }
  template <std::size_t K>
  constexpr const layer_type<K>& layer() const noexcept {
    static_assert(K < depth, "nonlin::network::layer<K>: K must be less than the number of layers");
    return detail::slot_value<K>(storage_.get());
  }

  /// One sample through every layer; constexpr, so a network with literal weights is evaluated by
  /// the compiler. V = float (or double, for references computed in double precision; or a pack,
  /// one sample per lane). Floats go through eval/single_sample.hpp, which reads wide layers as dot
  /// products (its header states the order of the sums); the other lane types sum in input order.
  template <class V>
  constexpr std::array<V, outputs> operator()(const std::array<V, inputs>& x) const noexcept {
    return evaluate<V, 0>(x, detail::no_open_block{});
  }

  /// A batch, row-major [n][inputs] -> [n][outputs], for any n; throws std::invalid_argument when the
  /// spans do not hold a whole number of matching rows. Thread-safe on a const network. Large
  /// batches use every OpenMP thread; the results are the same, bit for bit, as on one thread.
  void forward(std::span<const float> in, std::span<float> out) const {
    forward(in, out, execution::automatic);
  }
  /// The same with an explicit policy: execution::sequential, execution::parallel or automatic.
  template <execution::policy Policy>
  void forward(std::span<const float> in, std::span<float> out, Policy policy) const {
    detail::forward_cheapest(*this, in, out, policy);  // identity runs merged where that saves FLOPs
  }

 private:
  // With GCC inlined into operator(), so that one sample's layers run as one function, as a fold
  // would; Clang inlines the chain itself, and forcing it costs Clang time quadratic in the depth.
  // `skip` is the input of the residual block layer K is in (nothing outside blocks).
  template <class V, std::size_t K, class Skip>
  NONLIN_INLINE_LAYER constexpr std::array<V, traits::widths[depth]> evaluate(const std::array<V, traits::widths[K]>& h,
                                                                    const Skip& skip) const noexcept {
    const auto& l = layer<K>();
    auto next = [&] {
      if constexpr (std::is_same_v<V, float>)
        return detail::dense_sample(l, h);
      else
        return l(h);
    }();
    constexpr bool begins = traits::blocks.begins[K], ends = traits::blocks.ends[K];
    if constexpr (ends) {
      if constexpr (begins)
        detail::add_skip(next, h);
      else
        detail::add_skip(next, skip);
    }
    if constexpr (K + 1 == depth)
      return next;
    else if constexpr (ends)
      return evaluate<V, K + 1>(next, detail::no_open_block{});
    else if constexpr (begins)
      return evaluate<V, K + 1>(next, h);
    else
      return evaluate<V, K + 1>(next, skip);
  }

  detail::layer_storage<layers_type> storage_{};
};

#undef NONLIN_INLINE_LAYER

/// Calls f(layer) on every layer of m in order, layer<0>() first.
template <class Net, class F>
  requires is_network_v<std::remove_const_t<Net>>
constexpr void for_each_layer(Net& m, F&& f) {
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    (f(m.template layer<K>()), ...);
  }(std::make_index_sequence<Net::depth>{});
}

}  // namespace nonlin
