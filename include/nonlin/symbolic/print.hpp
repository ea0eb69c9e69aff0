// nonlin/symbolic/print.hpp: symbolic expressions and their normal forms as text, in the lecture's
// notation: to_string(W<3> * (W<2> * x + b<2>) + b<3>) == "W3·(W2·x + b2) + b3", and
// to_affine_string shows a normal form as "A·x + (c)": "(I + W2W1)·x + (W2·b1 + b2)" for a residual
// block x + (W2·(W1·x + b1) + b2). Both are constexpr, so tests can static_assert the very text the
// docs print.
#pragma once

#include <string_view>
#include <type_traits>

#include <nonlin/symbolic/normal_form.hpp>
#include <nonlin/symbolic/text.hpp>
#include <nonlin/symbolic/expression.hpp>

namespace nonlin::symbolic {

namespace detail {

// "·" separates a matrix from the vector it acts on; matrices multiply by juxtaposition (W3W2W1).
inline constexpr std::string_view dot = "\u00b7";

// Printers append to one text buffer (symbolic/text.hpp), which static_assert can read.
template <class E>
struct printer;

template <class E>
constexpr void print(text& out, bool parenthesise_sums) {
  printer<E>::print(out, parenthesise_sums);
}

template <fixed_string N>
struct printer<matrix_symbol<N>> {
  static constexpr void print(text& out, bool) { out.append(N.view()); }
};
template <fixed_string N>
struct printer<vector_symbol<N>> {
  static constexpr void print(text& out, bool) { out.append(N.view()); }
};
template <>
struct printer<input_symbol> {
  static constexpr void print(text& out, bool) { out.append("x"); }
};
template <>
struct printer<identity_matrix> {
  static constexpr void print(text& out, bool) { out.append("I"); }
};
template <class L, class R>
struct printer<sum<L, R>> {
  // Sums associate to the left, so only a sum on the right keeps its parentheses: a + (b + c).
  static constexpr void print(text& out, bool parenthesise) {
    if (parenthesise) out.append("(");
    detail::print<L>(out, false);
    out.append(" + ");
    detail::print<R>(out, true);
    if (parenthesise) out.append(")");
  }
};
template <class L, class R>
struct printer<product<L, R>> {
  static constexpr void print(text& out, bool) {
    detail::print<L>(out, true);
    if (R::kind == shape::vector) out.append(dot);
    detail::print<R>(out, true);
  }
};
template <class A, class E>
struct printer<applied<A, E>> {
  static constexpr void print(text& out, bool) {
    out.append(A::name);
    out.append("(");
    detail::print<E>(out, false);
    out.append(")");
  }
};

// Normal forms.
template <class... M>
struct printer<chain<M...>> {
  static constexpr void print(text& out, bool) {
    if constexpr (sizeof...(M) == 0) {
      out.append("I");
    } else {
      (out.append(M::name.view()), ...);
    }
  }
};
template <class... M, class Leaf>
struct printer<term<chain<M...>, Leaf>> {
  static constexpr void print(text& out, bool) {
    if constexpr (sizeof...(M) > 0) {
      detail::print<chain<M...>>(out, false);
      out.append(dot);
    }
    detail::print<Leaf>(out, sizeof...(M) > 0);
  }
};
template <class... S>
struct printer<terms<S...>> {
  static constexpr void print(text& out, bool parenthesise) {
    if constexpr (sizeof...(S) == 0) {
      out.append("0");
    } else {
      const bool parens = parenthesise && sizeof...(S) > 1;
      if (parens) out.append("(");
      bool first = true;
      ((out.append(first ? "" : " + "), first = false, detail::print<S>(out, false)), ...);
      if (parens) out.append(")");
    }
  }
};

}  // namespace detail

/// The expression as written, with the parentheses its structure needs: "W3·(W2·(W1·x + b1) + b2) + b3".
template <expression E>
constexpr text to_string(E = {}) {
  text out;
  detail::print<std::remove_cvref_t<E>>(out, false);
  return out;
}

/// The normal form, every summand on its own: "W3W2W1·x + W3W2·b1 + W3·b2 + b3".
template <expression E>
constexpr text to_normal_string(E = {}) {
  text out;
  detail::print<normal_form_t<std::remove_cvref_t<E>>>(out, false);
  return out;
}

/// The normal form split as A·x + (c) when it is affine in x: "W3W2W1·x + (W3W2·b1 + W3·b2 + b3)";
/// otherwise the plain normal form, in which x stays inside an activation.
template <expression E>
constexpr text to_affine_string(E = {}) {
  using e = std::remove_cvref_t<E>;
  if constexpr (!is_affine_in_x_v<e>) {
    return to_normal_string<e>();
  } else {
    using a = linear_part_t<e>;
    using c = constant_part_t<e>;
    text out;
    if constexpr (!std::is_same_v<a, terms<>>) {
      detail::print<a>(out, true);
      out.append(detail::dot);
      out.append("x");
    }
    if constexpr (!std::is_same_v<c, terms<>>) {
      if (!out.empty()) out.append(" + ");
      detail::print<c>(out, !out.empty());
    }
    if (out.empty()) out.append("0");
    return out;
  }
}

}  // namespace nonlin::symbolic
