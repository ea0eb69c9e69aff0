// nonlin/symbolic/network_expression.hpp: network_expression_t<Net>, the symbolic expression a network
// type computes, with layer k's weights and bias named Wk and bk: network<input<2>, dense<3>,
// dense<1, sigmoid>> is sigmoid(W2·(W1·x + b1) + b2). A residual block is its input plus its chain:
// network<input<2>, residual<dense<3>, dense<2>>> is x + (W2·(W1·x + b1) + b2). It ties the algebra
// to real network types.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

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

// The expression built so far: Current is the output of the layers read so far, BlockInput the input
// h of the residual block the next layer is in (kept from the block's first layer to its last).
template <class Current, class BlockInput>
struct partial_expression {
  using type = Current;
};

template <class Net, std::size_t K>
struct layer_word {};

// Layer K + 1 (numbered from 1, as the lecture numbers W1, W2) wrapped around the expression below
// it; at the last layer of a block, the block's input added: h + f(h).
template <class Net, std::size_t K, class Current, class BlockInput>
struct extend {
  using traits = nonlin::network_traits<Net>;
  static constexpr bool begins = traits::blocks.begins[K], ends = traits::blocks.ends[K];
  using block_input = std::conditional_t<begins, Current, BlockInput>;
  using pre_activation = sum<product<W_t<K + 1>, Current>, b_t<K + 1>>;
  using output = typename activated<typename traits::template activation_type<K>, pre_activation>::type;
  using type = partial_expression<std::conditional_t<ends, sum<block_input, output>, output>, block_input>;
};

// One step of the left fold over the layers: no recursion over the depth.
template <class Current, class BlockInput, class Net, std::size_t K>
auto operator|(partial_expression<Current, BlockInput>, layer_word<Net, K>) ->
    typename extend<Net, K, Current, BlockInput>::type;

template <class Net, std::size_t... K>
auto fold_layers(std::index_sequence<K...>)
    -> decltype((partial_expression<input_symbol, input_symbol>{} | ... | layer_word<Net, K>{}));

}  // namespace detail

/// The expression Net computes, layer k contributing Wk and bk, a residual block h + f(h).
template <class Net>
  requires nonlin::is_network_v<Net>
using network_expression_t =
    typename decltype(detail::fold_layers<Net>(std::make_index_sequence<nonlin::network_traits<Net>::depth>{}))::type;

}  // namespace nonlin::symbolic
