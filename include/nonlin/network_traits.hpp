// nonlin/network_traits.hpp: network_traits<Net>, every fact a network's type implies, derived once:
// the widths, the kind of each layer, parameter and FLOP counts, activation evaluations. The class,
// the batch plan, the cost model, describe, collapse, training and the file formats all read them
// here, as Eigen's evaluators read traits<T>.
#pragma once

#include <array>
#include <cstddef>
#include <utility>
#include <type_traits>

#include <nonlin/activation/identity.hpp>
#include <nonlin/layer.hpp>
#include <nonlin/network_fwd.hpp>

namespace nonlin {

/// What a layer's activation makes of it: an affine map (identity), an elementwise non-linearity, or
/// a row-wise one that sees every output of the layer (softmax).
enum class layer_kind { affine, elementwise, row_wise };

namespace detail {

template <class Activation>
constexpr layer_kind kind_of() noexcept {
  if constexpr (std::is_same_v<Activation, identity>)
    return layer_kind::affine;
  else if constexpr (Activation::is_elementwise)
    return layer_kind::elementwise;
  else
    return layer_kind::row_wise;
}

// The K-th type of a pack in constant depth: every type is a base of one class, tagged with its
// position, and overload resolution picks the base with tag K (no recursion over the pack).
template <std::size_t K, class T>
struct indexed_type {
  using type = T;
};
template <class Indices, class... T>
struct indexed_types;
template <std::size_t... K, class... T>
struct indexed_types<std::index_sequence<K...>, T...> : indexed_type<K, T>... {};
template <std::size_t K, class T>
indexed_type<K, T> select_type(const indexed_type<K, T>&);
template <std::size_t K, class... T>
using type_at = typename decltype(select_type<K>(
    std::declval<indexed_types<std::index_sequence_for<T...>, T...>>()))::type;

// The dense layers a network's declaration words stand for, in order: a dense word is itself, a
// residual block its inner layers. Concatenated by a fold over operator+, in constant depth.
template <class... T>
struct type_list {};
template <class... A, class... B>
type_list<A..., B...> operator+(type_list<A...>, type_list<B...>);
template <class Word>
struct dense_layers_of {
  using type = type_list<Word>;
};
template <class... L>
struct dense_layers_of<residual<L...>> {
  using type = type_list<L...>;
};
template <class... Words>
using flattened_t = decltype((type_list<>{} + ... + typename dense_layers_of<Words>::type{}));

template <class Word>
inline constexpr std::size_t dense_count_v = 1;
template <class... L>
inline constexpr std::size_t dense_count_v<residual<L...>> = sizeof...(L);

/// Where the residual blocks lie among the dense layers: begins[k] when layer k is the first of a
/// block (its input h is kept), ends[k] when it is the last (h is added to its output), and then
/// source[k], the first layer of that block (h is activation source[k], the input of that layer).
template <std::size_t Depth>
struct block_marks {
  std::array<bool, Depth> begins{}, ends{};
  std::array<std::size_t, Depth> source{};
};

template <class... Words>
consteval auto find_residual_blocks() {
  constexpr std::size_t depth = (dense_count_v<Words> + ... + 0);
  constexpr std::array<std::size_t, sizeof...(Words)> sizes{dense_count_v<Words>...};
  constexpr std::array<bool, sizeof...(Words)> is_block{is_residual_v<Words>...};
  block_marks<depth> marks;
  std::size_t first = 0;
  for (std::size_t w = 0; w < sizes.size(); first += sizes[w], ++w) {
    if (!is_block[w]) continue;
    const std::size_t last = first + sizes[w] - 1;
    marks.begins[first] = true;
    marks.ends[last] = true;
    marks.source[last] = first;
  }
  return marks;
}

template <class Input, class Dense>
struct chain_traits;

template <class Input, class... Layers>
struct chain_traits<Input, type_list<Layers...>> {
  using input = Input;
  static constexpr std::size_t depth = sizeof...(Layers);
  static constexpr std::size_t inputs = Input::size;

  /// widths[0] is the input, widths[k + 1] the output of layer k: layer k maps widths[k] → widths[k + 1].
  static constexpr std::array<std::size_t, depth + 1> widths{Input::size, Layers::outputs...};
  static constexpr std::size_t outputs = widths[depth];
  static constexpr std::size_t max_width = [] {
    std::size_t m = 0;
    for (std::size_t w : widths) m = w > m ? w : m;
    return m;
  }();

  static constexpr std::array<layer_kind, depth> kinds{detail::kind_of<typename Layers::activation_type>()...};
  static constexpr std::array<bool, depth> is_identity{(detail::kind_of<typename Layers::activation_type>() ==
                                                        layer_kind::affine)...};
  /// True iff no layer has a non-linear activation: then the network is one affine map.
  static constexpr bool is_affine = (std::is_same_v<typename Layers::activation_type, identity> && ...);

  /// The declaration of layer K (dense<Outputs, Activation>) and its storage (dense_layer<In, Out, A>).
  template <std::size_t K>
  using layer_declaration = detail::type_at<K, Layers...>;
  template <std::size_t K>
  using activation_type = typename layer_declaration<K>::activation_type;
  template <std::size_t K>
  using layer_type = dense_layer<widths[K], widths[K + 1], activation_type<K>>;

  /// Weights and biases: in·out + out per layer.
  static constexpr std::size_t parameter_count = [] {
    std::size_t n = 0;
    for (std::size_t k = 0; k < depth; ++k) n += widths[k] * widths[k + 1] + widths[k + 1];
    return n;
  }();

  /// Floating-point operations per sample: 2·in·out per dense layer (a multiply and an add per weight,
  /// the bias being the first add); activations are counted apart, in activation_evaluations.
  static constexpr std::size_t flops_per_sample = [] {
    std::size_t f = 0;
    for (std::size_t k = 0; k < depth; ++k) f += 2 * widths[k] * widths[k + 1];
    return f;
  }();

  /// Activation function evaluations per sample (identity layers evaluate nothing).
  static constexpr std::size_t activation_evaluations = [] {
    std::size_t n = 0;
    for (std::size_t k = 0; k < depth; ++k) n += is_identity[k] ? 0 : widths[k + 1];
    return n;
  }();
};

}  // namespace detail

template <class Net>
struct network_traits;

/// The traits of network<Input, Words...>: everything is counted over the dense layers, residual
/// blocks flattened in declaration order (layer K is the K-th dense layer wherever it stands).
template <class Input, class... Words>
struct network_traits<network<Input, Words...>> : detail::chain_traits<Input, detail::flattened_t<Words...>> {
  using chain = detail::chain_traits<Input, detail::flattened_t<Words...>>;
  static constexpr std::size_t residual_blocks = (std::size_t{is_residual_v<Words>} + ... + 0);
  static constexpr bool has_residual = residual_blocks > 0;
  static constexpr detail::block_marks<chain::depth> blocks = detail::find_residual_blocks<Words...>();
  /// Additions of a skip per sample: a block adds its input's width once.
  static constexpr std::size_t skip_additions = [] {
    std::size_t n = 0;
    for (std::size_t k = 0; k < chain::depth; ++k) n += blocks.ends[k] ? chain::widths[k + 1] : 0;
    return n;
  }();
};

}  // namespace nonlin
