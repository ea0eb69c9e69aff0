// nonlin/viz/legend.hpp: legend entries (a label and how its mark looks: a short line, a dot or a
// filled square) and a legend laid out in one row under a figure, where it covers no data.
#pragma once

#include <nonlin/viz/svg.hpp>
#include <span>
#include <string>

namespace nonlin::viz {

struct legend_entry {
  enum class shape { line, dot, swatch };
  std::string label;
  paint style;
  shape kind = shape::line;
};

namespace detail {
// Text width is not known without the font's metrics; 0.56 em per character is DejaVu Sans' mean,
// so boxes and rows come out roughly right and never need the renderer.
inline double estimated_text_width(const std::string& s, double size) {
  std::size_t characters = 0;
  for (unsigned char c : s) characters += (c & 0xc0) != 0x80;  // UTF-8 continuation bytes are not characters
  return 0.56 * size * static_cast<double>(characters);
}

/// The entry's mark in a 20 × 12 pixel box whose left middle is `at`.
inline void legend_symbol(svg& doc, const legend_entry& e, point at) {
  switch (e.kind) {
    case legend_entry::shape::line:
      doc.line(at, {at.x + 18, at.y}, e.style);
      break;
    case legend_entry::shape::dot:
      doc.circle({at.x + 9, at.y}, 3.5, e.style);
      break;
    case legend_entry::shape::swatch:
      doc.rect(at.x + 3, at.y - 5, 12, 10, e.style);
      break;
  }
}
}  // namespace detail

/// The entries side by side, starting at `at` (the left end of the row's middle line).
inline void legend_row(svg& doc, point at, std::span<const legend_entry> entries, double size = 11) {
  double x = at.x;
  for (const auto& e : entries) {
    detail::legend_symbol(doc, e, {x, at.y});
    doc.text({x + 24, at.y + size * 0.35}, e.label, {.size = size});
    x += 24 + detail::estimated_text_width(e.label, size) + 18;
  }
}

}  // namespace nonlin::viz
