// nonlin/activation/concept.hpp: what makes a type an activation function.
// An activation is an empty literal type. Elementwise activations offer value and derivative for
// any lane type (float, double or a SIMD pack); softmax is row-wise and says so.
#pragma once

#include <concepts>
#include <string_view>

namespace nonlin {

/// An activation: an empty literal type with a name, telling whether it acts elementwise.
template <class A>
concept activation = std::is_empty_v<A> && requires {
  { A::name } -> std::convertible_to<std::string_view>;
  { A::is_elementwise } -> std::convertible_to<bool>;
};

/// An elementwise activation: value and derivative (with respect to the input) for floats and doubles.
template <class A>
concept elementwise_activation = activation<A> && A::is_elementwise && requires(float f, double d) {
  { A::value(f) } -> std::same_as<float>;
  { A::value(d) } -> std::same_as<double>;
  { A::derivative(f) } -> std::same_as<float>;
  { A::derivative(d) } -> std::same_as<double>;
};

}  // namespace nonlin
