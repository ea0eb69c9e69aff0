// nonlin/viz/color.hpp: colours for pictures: an RGB colour written as #rrggbb (or "none"), a palette
// that tells classes apart (Okabe and Ito's, readable with every common colour-vision deficiency),
// and the diverging map that shades a probability from class 0 through white to class 1.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

namespace nonlin::viz {

/// An sRGB colour; color::none() paints nothing (SVG's "none").
struct color {
  std::uint8_t r = 0, g = 0, b = 0;
  bool visible = true;

  static constexpr color none() noexcept { return {0, 0, 0, false}; }
  static constexpr color rgb(std::uint32_t hex) noexcept {
    return {static_cast<std::uint8_t>(hex >> 16), static_cast<std::uint8_t>(hex >> 8), static_cast<std::uint8_t>(hex),
            true};
  }

  /// "#rrggbb", or "none".
  std::string text() const {
    if (!visible) return "none";
    constexpr char digits[] = "0123456789abcdef";
    std::string s = "#";
    for (std::uint8_t c : {r, g, b}) {
      s += digits[c >> 4];
      s += digits[c & 15];
    }
    return s;
  }

  friend constexpr bool operator==(const color&, const color&) = default;
};

namespace colors {
inline constexpr color black = color::rgb(0x000000);
inline constexpr color white = color::rgb(0xffffff);
inline constexpr color text = color::rgb(0x222222);
inline constexpr color axis = color::rgb(0x444444);
inline constexpr color grid = color::rgb(0xdddddd);
// Okabe–Ito: blue, vermillion, bluish green, orange, reddish purple, sky blue, yellow.
inline constexpr color blue = color::rgb(0x0072b2);
inline constexpr color vermillion = color::rgb(0xd55e00);
inline constexpr color green = color::rgb(0x009e73);
inline constexpr color orange = color::rgb(0xe69f00);
inline constexpr color purple = color::rgb(0xcc79a7);
inline constexpr color sky = color::rgb(0x56b4e9);
inline constexpr color yellow = color::rgb(0xf0e442);
}  // namespace colors

/// The colour of class `label`: class 0 blue, class 1 vermillion, then the rest of the palette.
constexpr color class_color(std::size_t label) noexcept {
  constexpr std::array palette{colors::blue,   colors::vermillion, colors::green, colors::orange,
                               colors::purple, colors::sky,        colors::yellow};
  return palette[label % palette.size()];
}

/// The colour a share t ∈ [0, 1] of the way from a to b (t is clamped; NaN gives a).
constexpr color mix(color a, color b, double t) noexcept {
  t = t > 0 ? (t < 1 ? t : 1) : 0;
  auto channel = [t](std::uint8_t x, std::uint8_t y) {
    return static_cast<std::uint8_t>(static_cast<double>(x) + (static_cast<double>(y) - x) * t + 0.5);
  };
  return {channel(a.r, b.r), channel(a.g, b.g), channel(a.b, b.b), true};
}

/// A probability of class 1 as a background shade: pale class-0 blue at 0, white at 0.5, pale
/// class-1 vermillion at 1. Pale, so that the points drawn on top keep their contrast.
constexpr color diverging(double t) noexcept {
  constexpr color low = mix(colors::white, class_color(0), 0.55);
  constexpr color high = mix(colors::white, class_color(1), 0.55);
  return t < 0.5 ? mix(low, colors::white, 2 * t) : mix(colors::white, high, 2 * t - 1);
}

}  // namespace nonlin::viz
