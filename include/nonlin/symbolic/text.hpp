// nonlin/symbolic/text.hpp: text, the string the symbolic printers write into. A fixed buffer with
// constexpr appending, so that static_assert can compare printed expressions with GCC and with Clang
// alike (libstdc++ 12's std::string is not usable in Clang's constant evaluation).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nonlin::symbolic {

/// Up to `capacity` bytes of UTF-8, always null-terminated.
class text {
 public:
  static constexpr std::size_t capacity = 4096;

  constexpr text() = default;

  constexpr void append(std::string_view s) {
    if (s.size() > capacity - size_) too_long();  // in a constant expression: a compile error here
    for (char c : s) chars_[size_++] = c;
    chars_[size_] = '\0';
  }
  constexpr std::string_view view() const noexcept { return {chars_, size_}; }
  constexpr const char* c_str() const noexcept { return chars_; }
  constexpr std::size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  std::string str() const { return std::string(view()); }
  constexpr operator std::string_view() const noexcept { return view(); }

  friend constexpr bool operator==(const text& a, std::string_view b) noexcept { return a.view() == b; }

 private:
  [[noreturn]] static void too_long() {
    throw std::length_error("nonlin::symbolic::text: an expression longer than 4096 bytes");
  }
  char chars_[capacity + 1]{};
  std::size_t size_ = 0;
};

}  // namespace nonlin::symbolic
