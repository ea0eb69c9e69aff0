// nonlin/network.hpp: network<input<N>, dense<...>...>, a neural network as a C++ type.
// The type fixes every shape; the object holds the weights (a literal type, zero-initialised,
// usable in constant expressions). m(x) evaluates one sample; m.forward evaluates a batch.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <type_traits>

#include <boost/hana/at.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/prepend.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include <nonlin/eval/batch_forward.hpp>
#include <nonlin/eval/execution.hpp>
#include <nonlin/eval/single_sample.hpp>
#include <nonlin/expr/evaluation_form.hpp>
#include <nonlin/layer.hpp>

namespace nonlin {

namespace detail {

// Only an activation is asked whether it is elementwise: for dense<3, int> the readable message of
// dense's static_assert must come first, not a missing member of int.
template <class A>
inline constexpr bool is_softmax_v = [] {
  if constexpr (activation<A>)
    return !A::is_elementwise;
  else
    return false;
}();

template <class Layer>
inline constexpr bool is_softmax_layer_v = false;
template <std::size_t N, class A>
inline constexpr bool is_softmax_layer_v<dense<N, A>> = is_softmax_v<A>;

// The storage types of the layers: each dense<> learns its input width from its predecessor.
template <std::size_t Inputs, class... Layers>
struct layer_chain {
  using type = boost::hana::tuple<>;
};
template <std::size_t Inputs, class First, class... Rest>
struct layer_chain<Inputs, First, Rest...> {
  using head = dense_layer<Inputs, First::outputs, typename First::activation_type>;
  using tail = typename layer_chain<First::outputs, Rest...>::type;
  using type = decltype(boost::hana::prepend(std::declval<tail>(), std::declval<head>()));
};

template <class Input, class... Layers>
consteval bool check_network_declaration() {
  static_assert(is_input_v<Input>,
                "nonlin::network<input<N>, dense<...>...>: the first parameter must be nonlin::input<N>");
  static_assert(sizeof...(Layers) > 0,
                "nonlin::network<input<N>, dense<...>...>: a network needs at least one dense layer");
  static_assert(!(is_input_v<Layers> || ...),
                "nonlin::network<input<N>, dense<...>...>: input<N> may appear only once, as the first parameter");
  static_assert((is_dense_v<Layers> && ...),
                "nonlin::network<input<N>, dense<...>...>: every parameter after input<N> must be nonlin::dense<Outputs, Activation>");
  return true;
}

template <class... Layers>
consteval bool softmax_only_last() {
  constexpr std::size_t n = sizeof...(Layers);
  constexpr bool softmax[] = {is_softmax_layer_v<Layers>...};
  for (std::size_t k = 0; k + 1 < n; ++k)
    if (softmax[k]) return false;
  return true;
}

}  // namespace detail


/// A feed-forward network declared as a type: network<input<2>, dense<2, tanh>, dense<1, sigmoid>>.
template <class Input, class... Layers>
class network {
  static_assert(detail::check_network_declaration<Input, Layers...>());
  static_assert(detail::softmax_only_last<Layers...>(),
                "nonlin::network: softmax normalises the output and may only be the activation of the last layer");

 public:
  using layers_type = typename detail::layer_chain<Input::size, Layers...>::type;

  static constexpr std::size_t depth = sizeof...(Layers);
  static constexpr std::size_t inputs = Input::size;
  static constexpr std::size_t outputs = std::remove_cvref_t<decltype(boost::hana::at_c<depth - 1>(
      std::declval<layers_type>()))>::outputs;
  static constexpr std::size_t parameter_count = boost::hana::fold_left(
      layers_type{}, std::size_t{0}, [](std::size_t n, const auto& l) { return n + l.parameter_count; });

  /// The storage type of layer K (a dense_layer<Inputs, Outputs, Activation>).
  template <std::size_t K>
  using layer_type = std::remove_cvref_t<decltype(boost::hana::at_c<K>(std::declval<layers_type>()))>;

  layers_type layers{};

  template <std::size_t K>
  constexpr layer_type<K>& layer() noexcept {
    static_assert(K < depth, "nonlin::network::layer<K>: K must be less than the number of layers");
    return boost::hana::at_c<K>(layers);
  }
  template <std::size_t K>
  constexpr const layer_type<K>& layer() const noexcept {
    static_assert(K < depth, "nonlin::network::layer<K>: K must be less than the number of layers");
    return boost::hana::at_c<K>(layers);
  }

  /// One sample through every layer; constexpr, so a network with literal weights is evaluated by
  /// the compiler. V = float (or double, for references computed in double precision; or a pack,
  /// one sample per lane). Floats go through eval/single_sample.hpp, which reads wide layers as dot
  /// products (its header states the order of the sums); the other lane types sum in input order.
  template <class V>
  constexpr std::array<V, outputs> operator()(const std::array<V, inputs>& x) const noexcept {
    if constexpr (std::is_same_v<V, float>)
      return boost::hana::fold_left(layers, x,
                                    [](const auto& h, const auto& l) { return detail::dense_sample(l, h); });
    else
      return boost::hana::fold_left(layers, x, [](const auto& h, const auto& l) { return l(h); });
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
};

}  // namespace nonlin
