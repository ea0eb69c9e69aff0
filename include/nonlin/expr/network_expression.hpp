// nonlin/expr/network_expression.hpp: network_expression_t<Net>, the symbolic expression a network
// type computes, with layer k's weights and bias named Wk and bk: network<input<2>, dense<3>,
// dense<1, sigmoid>> is sigmoid(W2·(W1·x + b1) + b2). It ties the algebra to real network types.
#pragma once

#include <cstddef>
#include <type_traits>

#include <boost/hana/at.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/range.hpp>
#include <boost/hana/type.hpp>

#include <nonlin/activation/identity.hpp>
#include <nonlin/expr/collapse.hpp>
#include <nonlin/expr/symbolic.hpp>

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

template <class Net>
constexpr auto network_expression() {
  using decl = nonlin::detail::network_declaration<Net>;
  return boost::hana::fold_left(
      boost::hana::range_c<std::size_t, 1, decl::depth + 1>, boost::hana::type_c<input_symbol>,
      [](auto below, auto k) {
        constexpr std::size_t layer = decltype(k)::value;
        using spec = typename decltype(+boost::hana::at_c<layer - 1>(decl::layers))::type;
        using pre_activation = sum<product<matrix_symbol<indexed_name<'W', layer>()>, typename decltype(below)::type>,
                                   vector_symbol<indexed_name<'b', layer>()>>;
        return boost::hana::type_c<typename activated<typename spec::activation_type, pre_activation>::type>;
      });
}

}  // namespace detail

/// The expression Net computes, layer k contributing Wk and bk.
template <class Net>
  requires nonlin::is_network_v<Net>
using network_expression_t = typename decltype(detail::network_expression<Net>())::type;

}  // namespace nonlin::symbolic
