// nonlin/symbolic/fixed_string.hpp: fixed_string, a string literal usable as a template argument,
// so that a symbol's name is part of its type (matrix_symbol<"W1">), and indexed_name<'W', 3>()
// for the names of generated symbols ("W3").
#pragma once

#include <cstddef>
#include <string_view>

namespace nonlin::symbolic {

/// A string of N - 1 characters held by value: a structural type, so it can be a template argument.
template <std::size_t N>
struct fixed_string {
  char text[N]{};

  constexpr fixed_string() = default;
  constexpr fixed_string(const char (&s)[N]) noexcept {
    for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
  }
  constexpr std::string_view view() const noexcept { return {text, N - 1}; }
  constexpr std::size_t size() const noexcept { return N - 1; }

  template <std::size_t M>
  friend constexpr bool operator==(const fixed_string& a, const fixed_string<M>& b) noexcept {
    return a.view() == b.view();
  }
};

template <std::size_t N>
fixed_string(const char (&)[N]) -> fixed_string<N>;

namespace detail {
consteval std::size_t decimal_digits(std::size_t n) {
  std::size_t d = 1;
  while (n >= 10) n /= 10, ++d;
  return d;
}
}  // namespace detail

/// The name a generated symbol gets: indexed_name<'W', 3>() == "W3", indexed_name<'b', 12>() == "b12".
template <char Letter, std::size_t Index>
consteval auto indexed_name() {
  constexpr std::size_t digits = detail::decimal_digits(Index);
  fixed_string<digits + 2> name;
  name.text[0] = Letter;
  std::size_t n = Index;
  for (std::size_t i = digits; i > 0; --i, n /= 10) name.text[i] = static_cast<char>('0' + n % 10);
  return name;
}

}  // namespace nonlin::symbolic
