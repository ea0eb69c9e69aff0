// nonlin/symbolic/network_expression.hpp: network_expression_t<Net>, the symbolic expression a network
// type computes, with layer k's weights and bias named Wk and bk: network<input<2>, dense<3>,
// dense<1, sigmoid>> is sigmoid(W2·(W1·x + b1) + b2). It ties the algebra to real network types.
#pragma once

#include <cstddef>
#include <type_traits>

#include <nonlin/activation/identity.hpp>
#include <nonlin/network_fwd.hpp>
#include <nonlin/network_traits.hpp>
#include <nonlin/symbolic/expression.hpp>

namespace nonlin::symbolic {

namespace detail {

// Identity is written as nothing, as the lecture writes W2(W1x + b1) + b2: the normaliser would
// remove it anyway, and the printed expression reads like the slide.
template <class Activation, class Argument>
struct activated {
  using type = applied<Activation, Argument>;
};
template <class Argument>
struct activated<identity, Argument> {
  using type = Argument;
};

template <class T>
struct type_tag {
  using type = T;
};

// Layer K + 1 (numbered from 1, as the lecture numbers W1, W2) wrapped around the expression below it.
template <class Net, std::size_t K, class Below>
constexpr auto layer_expression() {
  using traits = nonlin::network_traits<Net>;
  if constexpr (K == traits::depth) {
    return type_tag<Below>{};
  } else {
    using pre_activation = sum<product<matrix_symbol<indexed_name<'W', K + 1>()>, Below>,
                               vector_symbol<indexed_name<'b', K + 1>()>>;
    return layer_expression<Net, K + 1,
                            typename activated<typename traits::template activation_type<K>, pre_activation>::type>();
  }
}

}  // namespace detail

/// The expression Net computes, layer k contributing Wk and bk.
template <class Net>
  requires nonlin::is_network_v<Net>
using network_expression_t = typename decltype(detail::layer_expression<Net, 0, input_symbol>())::type;

}  // namespace nonlin::symbolic
