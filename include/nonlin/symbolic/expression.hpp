// nonlin/symbolic/expression.hpp: a small algebra of named matrices and vectors, written as C++ types.
// W1 * x + b1 builds the type sum<product<matrix_symbol<"W1">, input_symbol>, vector_symbol<"b1">>;
// an activation applied to an expression is an opaque function node. The values are empty: the
// whole expression lives in its type, so the compiler can rewrite and compare it (normal_form.hpp).
#pragma once

#include <cstddef>
#include <type_traits>

#include <nonlin/activation/concept.hpp>
#include <nonlin/symbolic/fixed_string.hpp>

namespace nonlin::symbolic {

/// What an expression denotes: a matrix (a linear map) or a vector (a point, such as x or a bias).
enum class shape { matrix, vector };

/// A named matrix, such as a layer's weights: matrix_symbol<"W1">.
template <fixed_string Name>
struct matrix_symbol {
  static constexpr shape kind = shape::matrix;
  static constexpr auto name = Name;
};

/// A named constant vector, such as a layer's bias: vector_symbol<"b1">.
template <fixed_string Name>
struct vector_symbol {
  static constexpr shape kind = shape::vector;
  static constexpr auto name = Name;
};

/// The network's input x: the one variable every other symbol is constant with respect to.
struct input_symbol {
  static constexpr shape kind = shape::vector;
};

/// The identity matrix I, as wide as its context needs: I·e = e. A residual block brings it in:
/// h + f(h) is (I + F)·h + c when f is the affine map F·h + c.
struct identity_matrix {
  static constexpr shape kind = shape::matrix;
};

/// Left times Right: a matrix times a matrix (a matrix) or a matrix times a vector (a vector).
template <class Left, class Right>
struct product {
  static_assert(Left::kind == shape::matrix,
                "nonlin::symbolic::product<Left, Right>: only a matrix can multiply from the left");
  static constexpr shape kind = Right::kind;
};

/// Left plus Right, both matrices or both vectors.
template <class Left, class Right>
struct sum {
  static_assert(Left::kind == Right::kind,
                "nonlin::symbolic::sum<Left, Right>: a matrix and a vector cannot be added");
  static constexpr shape kind = Left::kind;
};

/// Activation applied elementwise to a vector expression. The algebra knows nothing about the
/// function except its name, and identity, which it removes: that is the whole point of the lecture.
template <class Activation, class Argument>
struct applied {
  static_assert(activation<Activation>,
                "nonlin::symbolic::applied<Activation, Argument>: Activation must be an activation function");
  static_assert(Argument::kind == shape::vector,
                "nonlin::symbolic::applied<Activation, Argument>: an activation acts on a vector");
  static constexpr shape kind = shape::vector;
};

template <class T>
inline constexpr bool is_expression_v = false;
template <fixed_string N>
inline constexpr bool is_expression_v<matrix_symbol<N>> = true;
template <fixed_string N>
inline constexpr bool is_expression_v<vector_symbol<N>> = true;
template <>
inline constexpr bool is_expression_v<input_symbol> = true;
template <>
inline constexpr bool is_expression_v<identity_matrix> = true;
template <class L, class R>
inline constexpr bool is_expression_v<product<L, R>> = true;
template <class L, class R>
inline constexpr bool is_expression_v<sum<L, R>> = true;
template <class A, class E>
inline constexpr bool is_expression_v<applied<A, E>> = true;

/// A symbolic expression: one of the node types above.
template <class T>
concept expression = is_expression_v<std::remove_cvref_t<T>>;

/// The lecture's symbols by layer: W_t<3> is matrix_symbol<"W3">, b_t<3> is vector_symbol<"b3">.
template <std::size_t Index>
using W_t = matrix_symbol<indexed_name<'W', Index>()>;
template <std::size_t Index>
using b_t = vector_symbol<indexed_name<'b', Index>()>;

/// Objects to write expressions with: `W<1> * x + b<1>`, `(I + W<2> * W<1>) * x` (or
/// matrix_symbol<"A">{} for any name).
inline constexpr input_symbol x{};
inline constexpr identity_matrix I{};
template <std::size_t Index>
inline constexpr W_t<Index> W{};
template <std::size_t Index>
inline constexpr b_t<Index> b{};

template <expression L, expression R>
  requires(L::kind == shape::matrix)
constexpr product<L, R> operator*(L, R) noexcept {
  return {};
}

template <expression L, expression R>
  requires(L::kind == R::kind)
constexpr sum<L, R> operator+(L, R) noexcept {
  return {};
}

/// σ(e): the activation applied to a vector expression, written apply<nl::tanh>(W<1> * x + b<1>).
template <class Activation, expression E>
constexpr applied<Activation, E> apply(E) noexcept {
  return {};
}

}  // namespace nonlin::symbolic
