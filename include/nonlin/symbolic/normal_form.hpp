// nonlin/symbolic/normal_form.hpp: the normaliser of the symbolic algebra. It expands every product
// over sums, so an expression becomes a flat sum of terms (a chain of matrices times one leaf), and
// from that reads off whether the expression is A·x + c with A and c free of x (is_affine_in_x_v).
#pragma once

#include <cstddef>
#include <type_traits>

#include <nonlin/activation/identity.hpp>
#include <nonlin/symbolic/expression.hpp>

namespace nonlin::symbolic {

/// A product of matrix symbols, leftmost first; chain<> is the identity matrix I.
template <class... Matrices>
struct chain {};

/// Chain · Leaf, where Leaf is x, a vector symbol or an activation node (applied<A, terms<...>>).
template <class Chain, class Leaf>
struct term {};

/// A flat sum. Of chains for a matrix expression, of term<> for a vector expression; terms<> is 0.
template <class... Summands>
struct terms {};

namespace detail {

template <class... Lists>
struct concat;
template <>
struct concat<> {
  using type = terms<>;
};
template <template <class...> class List, class... A>
struct concat<List<A...>> {
  using type = List<A...>;
};
template <template <class...> class List, class... A, class... B, class... Rest>
struct concat<List<A...>, List<B...>, Rest...> {
  using type = typename concat<List<A..., B...>, Rest...>::type;
};
template <class... Lists>
using concat_t = typename concat<Lists...>::type;

// One summand of the left factor times one of the right: chains concatenate, a chain times a term
// extends the term's chain. This is associativity, the only rule a product needs.
template <class Left, class Right>
struct multiply;
template <class... A, class... B>
struct multiply<chain<A...>, chain<B...>> {
  using type = chain<A..., B...>;
};
template <class... A, class... B, class Leaf>
struct multiply<chain<A...>, term<chain<B...>, Leaf>> {
  using type = term<chain<A..., B...>, Leaf>;
};

// (ΣA)(ΣB) = ΣΣ AB: distributivity, applied in the order of the left factor, then the right.
template <class Summand, class Right>
struct multiply_each;
template <class Summand, class... B>
struct multiply_each<Summand, terms<B...>> {
  using type = terms<typename multiply<Summand, B>::type...>;
};
template <class Left, class Right>
struct distribute;
template <class... A, class Right>
struct distribute<terms<A...>, Right> {
  using type = concat_t<terms<>, typename multiply_each<A, Right>::type...>;
};

}  // namespace detail

/// The normal form of an expression: a terms<...> with every product expanded over every sum.
/// W3(W2(W1x+b1)+b2)+b3 becomes terms<W3W2W1·x, W3W2·b1, W3·b2, b3> in that order.
template <class E>
struct normal_form;
template <class E>
using normal_form_t = typename normal_form<std::remove_cv_t<E>>::type;  // decltype of a constexpr is const

template <fixed_string N>
struct normal_form<matrix_symbol<N>> {
  using type = terms<chain<matrix_symbol<N>>>;
};
template <fixed_string N>
struct normal_form<vector_symbol<N>> {
  using type = terms<term<chain<>, vector_symbol<N>>>;
};
template <>
struct normal_form<input_symbol> {
  using type = terms<term<chain<>, input_symbol>>;
};
// I is the empty chain: I·A = A·I = A falls out of concatenating chains.
template <>
struct normal_form<identity_matrix> {
  using type = terms<chain<>>;
};
template <class L, class R>
struct normal_form<sum<L, R>> {
  using type = detail::concat_t<normal_form_t<L>, normal_form_t<R>>;
};
template <class L, class R>
struct normal_form<product<L, R>> {
  using type = typename detail::distribute<normal_form_t<L>, normal_form_t<R>>::type;
};
// identity(e) = e: removing it is what lets a stack of linear layers collapse.
template <class E>
struct normal_form<applied<identity, E>> {
  using type = normal_form_t<E>;
};
// Any other activation is opaque: its argument is normalised, but nothing passes through it.
template <class A, class E>
struct normal_form<applied<A, E>> {
  using type = terms<term<chain<>, applied<A, normal_form_t<E>>>>;
};

namespace detail {

template <class T>
inline constexpr bool mentions_x = false;
template <>
inline constexpr bool mentions_x<input_symbol> = true;
template <class... S>
inline constexpr bool mentions_x<terms<S...>> = (mentions_x<S> || ...);
template <class C, class Leaf>
inline constexpr bool mentions_x<term<C, Leaf>> = mentions_x<Leaf>;
template <class A, class E>
inline constexpr bool mentions_x<applied<A, E>> = mentions_x<E>;

template <class Term>
inline constexpr bool is_linear_term = false;  // chain · x
template <class C>
inline constexpr bool is_linear_term<term<C, input_symbol>> = true;

template <class Term>
inline constexpr bool is_constant_term = !mentions_x<Term>;

template <class Terms>
inline constexpr bool all_terms_affine = false;
template <class... S>
inline constexpr bool all_terms_affine<terms<S...>> = ((is_linear_term<S> || is_constant_term<S>) && ...);

template <class T, class... S>
inline constexpr std::size_t count_in = ((std::is_same_v<T, S> ? 1 : 0) + ... + 0);

template <class A, class B>
inline constexpr bool same_multiset = false;
template <class... A, class... B>
inline constexpr bool same_multiset<terms<A...>, terms<B...>> =
    sizeof...(A) == sizeof...(B) && ((count_in<A, A...> == count_in<A, B...>) && ...);

template <class Term>
struct chain_of;
template <class C, class Leaf>
struct chain_of<term<C, Leaf>> {
  using type = C;
};

template <template <class> class Keep, class Terms>
struct filter;
template <template <class> class Keep, class... S>
struct filter<Keep, terms<S...>> {
  using type = concat_t<terms<>, std::conditional_t<Keep<S>::value, terms<S>, terms<>>...>;
};
template <class T>
struct keep_linear : std::bool_constant<is_linear_term<T>> {};
template <class T>
struct keep_constant : std::bool_constant<is_constant_term<T>> {};

template <class Terms>
struct chains_of;
template <class... S>
struct chains_of<terms<S...>> {
  using type = terms<typename chain_of<S>::type...>;
};

}  // namespace detail

/// True when the expression is A·x + c with A and c free of x: every term of its normal form is a
/// chain times x or does not mention x at all. One x inside a non-identity activation breaks it.
template <expression E>
inline constexpr bool is_affine_in_x_v = detail::all_terms_affine<normal_form_t<E>>;

/// For an expression that is affine in x, its A (a sum of matrix chains) and its c (a sum of
/// constant terms), both in normal form: E = linear_part_t<E>·x + constant_part_t<E>.
template <expression E>
using linear_part_t =
    typename detail::chains_of<typename detail::filter<detail::keep_linear, normal_form_t<E>>::type>::type;
template <expression E>
using constant_part_t = typename detail::filter<detail::keep_constant, normal_form_t<E>>::type;

/// Equal as polynomials in the symbols: the same normal form up to the order of the summands
/// (addition commutes; matrix multiplication does not, so chains are compared as written).
template <expression A, expression B>
inline constexpr bool equivalent_v = detail::same_multiset<normal_form_t<A>, normal_form_t<B>>;

/// The same, for objects: static_assert(equivalent(W<2> * (W<1> * x + b<1>), W<2> * W<1> * x + W<2> * b<1>)).
template <expression A, expression B>
constexpr bool equivalent(A, B) noexcept {
  return equivalent_v<A, B>;
}

/// The same, for objects: static_assert(is_affine_in_x(W<1> * x + b<1>)).
template <expression E>
constexpr bool is_affine_in_x(E) noexcept {
  return is_affine_in_x_v<E>;
}

}  // namespace nonlin::symbolic
