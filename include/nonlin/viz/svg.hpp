// nonlin/viz/svg.hpp: a small SVG document: rectangles, lines, polylines, circles, text, clipped
// and styled groups (and any other element, for viz/animate.hpp), written to a string or a file.
// Dependency-free; numbers are written with two decimals whatever the locale, text is escaped, and a
// file that cannot be written is an error.
#pragma once

#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nonlin/viz/color.hpp>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nonlin::viz {

/// A position in the document's pixels (y grows downwards), or in a plot's data coordinates.
struct point {
  double x = 0, y = 0;
};

/// How a shape is painted. An unset fill or stroke is inherited from the enclosing group (and SVG's
/// defaults, a black fill and no stroke, apply at the top), so a group can colour many shapes once.
struct paint {
  std::optional<color> fill = {};
  std::optional<color> stroke = {};
  double stroke_width = 1;
  double opacity = 1;
  std::string_view dash = {};  // stroke-dasharray, e.g. "5 3"
};

enum class anchor { start, middle, end };

struct font {
  double size = 12;
  anchor align = anchor::start;
  color fill = colors::text;
  bool bold = false;
  double rotate = 0;  // degrees, clockwise, about the text's position
  bool halo = false;  // a white outline under the glyphs, so that text over data stays readable
};

namespace detail {

// Two decimals are a hundredth of a pixel: invisible, and they keep files small. to_chars, unlike
// printf, never writes a decimal comma.
inline std::string number(double x, int decimals = 2) {
  char text[64];
  auto [end, ec] = std::to_chars(text, text + sizeof text, x, std::chars_format::fixed, decimals);
  if (ec != std::errc{}) return "0";
  std::string s(text, end);
  if (s.find('.') != s.npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

inline bool finite(double x) noexcept { return std::isfinite(x); }
inline bool finite(point p) noexcept { return std::isfinite(p.x) && std::isfinite(p.y); }

/// Text as XML character data or an attribute value: the five special characters become entities
/// and control characters that XML 1.0 forbids are dropped.
inline std::string escape(std::string_view text) {
  std::string s;
  s.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        s += "&amp;";
        break;
      case '<':
        s += "&lt;";
        break;
      case '>':
        s += "&gt;";
        break;
      case '"':
        s += "&quot;";
        break;
      case '\'':
        s += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r') s += c;
    }
  }
  return s;
}

}  // namespace detail

/// One attribute of an element written with svg::open_element; the value is escaped when written.
struct attribute {
  std::string_view name;
  std::string value;
};

/// An SVG document of a fixed size in pixels. Shapes with a non-finite coordinate are not drawn
/// (a polyline breaks there instead), so a NaN in the data leaves a gap rather than a broken file.
///
///   nl::viz::svg doc(200, 100);
///   doc.circle({50, 50}, 20, {.fill = nl::viz::colors::blue});
///   doc.text({100, 55}, "a < b", {.size = 14});
///   doc.write("picture.svg");
class svg {
 public:
  svg(double width, double height, color background = colors::white) : width_(width), height_(height) {
    if (!(width > 0 && height > 0 && detail::finite(width) && detail::finite(height)))
      throw std::invalid_argument("nonlin::viz::svg: the width and height must be positive and finite");
    if (background.visible) rect(0, 0, width, height, {.fill = background});
  }

  double width() const noexcept { return width_; }
  double height() const noexcept { return height_; }

  void rect(double x, double y, double w, double h, const paint& p = {}) {
    if (!(detail::finite(x) && detail::finite(y) && detail::finite(w) && detail::finite(h)) || w < 0 || h < 0) return;
    body_ += "<rect x=\"" + detail::number(x) + "\" y=\"" + detail::number(y) + "\" width=\"" + detail::number(w) +
             "\" height=\"" + detail::number(h) + "\"" + attributes(p) + "/>\n";
  }

  void line(point a, point b, const paint& p) {
    if (!detail::finite(a) || !detail::finite(b)) return;
    body_ += "<line x1=\"" + detail::number(a.x) + "\" y1=\"" + detail::number(a.y) + "\" x2=\"" + detail::number(b.x) +
             "\" y2=\"" + detail::number(b.y) + "\"" + attributes(p) + "/>\n";
  }

  /// A connected line through the points; a non-finite point ends one polyline and the next finite
  /// point starts another. Runs of a single point draw nothing.
  void polyline(std::span<const point> points, const paint& p) {
    std::size_t first = 0;
    while (first < points.size()) {
      while (first < points.size() && !detail::finite(points[first])) ++first;
      std::size_t last = first;
      while (last < points.size() && detail::finite(points[last])) ++last;
      if (last - first >= 2) {
        body_ += "<polyline points=\"";
        for (std::size_t i = first; i < last; ++i) {
          if (i > first) body_ += ' ';
          body_ += detail::number(points[i].x) + "," + detail::number(points[i].y);
        }
        body_ += "\"" +
                 attributes(paint{.fill = p.fill.value_or(color::none()),
                                  .stroke = p.stroke,
                                  .stroke_width = p.stroke_width,
                                  .opacity = p.opacity,
                                  .dash = p.dash}) +
                 "/>\n";
      }
      first = last;
    }
  }

  /// Many separate straight segments as one path element (a contour, a set of ticks).
  void segments(std::span<const std::array<point, 2>> list, const paint& p) {
    std::string d;
    for (const auto& [a, b] : list) {
      if (!detail::finite(a) || !detail::finite(b)) continue;
      d +=
          "M" + detail::number(a.x) + " " + detail::number(a.y) + "L" + detail::number(b.x) + " " + detail::number(b.y);
    }
    if (d.empty()) return;
    body_ += "<path d=\"" + d + "\"" +
             attributes(paint{.fill = color::none(),
                              .stroke = p.stroke,
                              .stroke_width = p.stroke_width,
                              .opacity = p.opacity,
                              .dash = p.dash}) +
             "/>\n";
  }

  void circle(point centre, double radius, const paint& p = {}) {
    if (!detail::finite(centre) || !detail::finite(radius) || radius < 0) return;
    body_ += "<circle cx=\"" + detail::number(centre.x) + "\" cy=\"" + detail::number(centre.y) + "\" r=\"" +
             detail::number(radius) + "\"" + attributes(p) + "/>\n";
  }

  void text(point at, std::string_view content, const font& f = {}) {
    if (!detail::finite(at) || !detail::finite(f.size) || !detail::finite(f.rotate)) return;
    static constexpr std::array<std::string_view, 3> anchors{"start", "middle", "end"};
    body_ += "<text x=\"" + detail::number(at.x) + "\" y=\"" + detail::number(at.y) + "\" font-size=\"" +
             detail::number(f.size) + "\"";
    if (f.align != anchor::start) body_ += " text-anchor=\"" + std::string(anchors[static_cast<int>(f.align)]) + "\"";
    if (f.fill != colors::black) body_ += " fill=\"" + f.fill.text() + "\"";
    if (f.bold) body_ += " font-weight=\"bold\"";
    if (f.halo) body_ += " stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\"";
    if (f.rotate != 0)
      body_ += " transform=\"rotate(" + detail::number(f.rotate) + " " + detail::number(at.x) + " " +
               detail::number(at.y) + ")\"";
    body_ += ">" + detail::escape(content) + "</text>\n";
  }

  /// Defines a rectangular clip region and returns its id, for open_group.
  std::string clip_rect(double x, double y, double w, double h) {
    const std::string id = "clip" + std::to_string(next_id_++);
    body_ += "<clipPath id=\"" + id + "\"><rect x=\"" + detail::number(x) + "\" y=\"" + detail::number(y) +
             "\" width=\"" + detail::number(w) + "\" height=\"" + detail::number(h) + "\"/></clipPath>\n";
    return id;
  }

  /// Starts a group whose paint its shapes inherit, clipped to a clip_rect when clip_id is given.
  /// crisp_edges turns off anti-aliasing, so that abutting cells show no hairline seams.
  void open_group(const paint& p = {}, std::string_view clip_id = {}, bool crisp_edges = false) {
    body_ += "<g" + attributes(p);
    if (!clip_id.empty()) body_ += " clip-path=\"url(#" + detail::escape(clip_id) + ")\"";
    if (crisp_edges) body_ += " shape-rendering=\"crispEdges\"";
    body_ += ">\n";
    open_.emplace_back("g");
  }
  void close_group() {
    if (open_.empty() || open_.back() != "g") throw std::logic_error("nonlin::viz::svg::close_group: no group is open");
    close_element();
  }

  /// Any other element, for writers of marks this class does not know (viz/animate.hpp's animated
  /// shapes): <name a="v" ...> with its values escaped, then its children, then close_element(). An
  /// empty element (`empty`) is closed at once. The name must be a plain lower-case or camelCase word.
  void open_element(std::string_view name, std::span<const attribute> list, const paint& p = {}, bool empty = false) {
    if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") != name.npos)
      throw std::invalid_argument("nonlin::viz::svg::open_element: '" + std::string(name) + "' is not an element name");
    // Appended piece by piece: GCC 12 sees a false overlap in `" " + std::string(...)` (-Wrestrict).
    body_.append("<").append(name);
    for (const auto& a : list) body_.append(" ").append(a.name).append("=\"").append(detail::escape(a.value)).append("\"");
    body_.append(attributes(p)).append(empty ? "/>\n" : ">\n");
    if (!empty) open_.emplace_back(name);
  }
  void empty_element(std::string_view name, std::span<const attribute> list, const paint& p = {}) {
    open_element(name, list, p, true);
  }
  void close_element() {
    if (open_.empty()) throw std::logic_error("nonlin::viz::svg::close_element: no element is open");
    body_ += "</" + open_.back() + ">\n";
    open_.pop_back();
  }

  /// The whole document. Every group must be closed.
  std::string str() const {
    if (!open_.empty())
      throw std::logic_error("nonlin::viz::svg: " + std::to_string(open_.size()) + " group(s) still open");
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
           detail::number(width_) + "\" height=\"" + detail::number(height_) + "\" viewBox=\"0 0 " +
           detail::number(width_) + " " + detail::number(height_) +
           "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n" + body_ + "</svg>\n";
  }

  /// Writes str() to path; throws std::runtime_error naming the path when the file cannot be
  /// created or written completely.
  void write(const std::filesystem::path& path) const {
    const std::string text = str();
    errno = 0;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (out) out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (out) out.close();
    if (!out) {
      const int error = errno;
      throw std::runtime_error("nonlin::viz::svg::write: cannot write '" + path.string() + "'" +
                               (error ? std::string(": ") + std::strerror(error) : std::string()));
    }
  }

 private:
  static std::string attributes(const paint& p) {
    std::string s;
    if (p.fill) s += " fill=\"" + p.fill->text() + "\"";
    if (p.stroke) {
      s += " stroke=\"" + p.stroke->text() + "\"";
      if (p.stroke_width != 1 && detail::finite(p.stroke_width))
        s += " stroke-width=\"" + detail::number(p.stroke_width) + "\"";
      if (!p.dash.empty()) s += " stroke-dasharray=\"" + detail::escape(p.dash) + "\"";
    }
    if (p.opacity != 1 && detail::finite(p.opacity)) s += " opacity=\"" + detail::number(p.opacity) + "\"";
    return s;
  }

  double width_, height_;
  std::string body_;
  std::vector<std::string> open_;  // the names of the open elements, innermost last
  int next_id_ = 0;
};

}  // namespace nonlin::viz
