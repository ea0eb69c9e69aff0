// nonlin/viz/plot.hpp: one panel of a figure: a rectangle of an svg document with data coordinates,
// a title, axes with nice ticks, grid lines, and the marks the lessons need: lines, points coloured
// by class, bars, heat-map cells and contours of a field, and a legend. Marks are clipped to the axes.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <nonlin/viz/color.hpp>
#include <nonlin/viz/contour.hpp>
#include <nonlin/viz/field.hpp>
#include <nonlin/viz/legend.hpp>
#include <nonlin/viz/scale.hpp>
#include <nonlin/viz/svg.hpp>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nonlin::viz {

/// A rectangle of the document, in pixels.
struct frame {
  double x = 0, y = 0, width = 0, height = 0;
};

/// Room around the axes for the title (top) and the tick labels and axis labels (bottom, left).
struct margins {
  double top = 30, right = 12, bottom = 40, left = 48;
};

/// A panel that draws into `doc`, which must outlive it. Data x runs over `x` left to right, data
/// y over `y` bottom to top.
///
///   nl::viz::svg doc(320, 260);
///   nl::viz::plot p(doc, {0, 0, 320, 260}, {-4, 4}, {-1, 1});
///   p.title("tanh");
///   p.axes("x", "y");
///   p.line(curve, {.stroke = nl::viz::colors::blue, .stroke_width = 2});
class plot {
 public:
  plot(svg& doc, frame panel, range x, range y, margins m = {})
      : doc_(&doc),
        panel_(panel),
        area_{panel.x + m.left, panel.y + m.top, panel.width - m.left - m.right, panel.height - m.top - m.bottom},
        x_{x, area_.x, area_.x + area_.width},
        y_{y, area_.y + area_.height, area_.y} {
    if (!(area_.width > 0 && area_.height > 0))
      throw std::invalid_argument("nonlin::viz::plot: the panel is smaller than its margins");
    if (!(x.hi > x.lo && y.hi > y.lo && std::isfinite(x.lo) && std::isfinite(x.hi) && std::isfinite(y.lo) &&
          std::isfinite(y.hi)))
      throw std::invalid_argument("nonlin::viz::plot: the data ranges must be finite with lo < hi");
    clip_ = doc.clip_rect(area_.x, area_.y, area_.width, area_.height);
  }

  /// The axes' rectangle in pixels, and a data point's position in it.
  const frame& area() const noexcept { return area_; }
  point to_pixels(point data) const noexcept { return {x_(data.x), y_(data.y)}; }
  range x_range() const noexcept { return x_.data; }
  range y_range() const noexcept { return y_.data; }

  void title(std::string_view text, double size = 13) {
    doc_->text({area_.x + area_.width / 2, panel_.y + size + 4}, text,
               {.size = size, .align = anchor::middle, .bold = true});
  }

  /// A frame around the axes, ticks with labels on the bottom and left edges, and axis labels.
  void axes(std::string_view x_label = {}, std::string_view y_label = {}, std::size_t tick_count = 5) {
    const paint frame_paint{.fill = color::none(), .stroke = colors::axis};
    doc_->rect(area_.x, area_.y, area_.width, area_.height, frame_paint);
    const double bottom = area_.y + area_.height;
    std::vector<std::array<point, 2>> marks;
    const auto xt = ticks(x_.data, tick_count), yt = ticks(y_.data, tick_count);
    const font label{.size = 10, .align = anchor::middle, .fill = colors::axis};
    for (double v : xt) {
      marks.push_back({point{x_(v), bottom}, point{x_(v), bottom + 4}});
      doc_->text({x_(v), bottom + 15}, tick_label(v, step(xt)), label);
    }
    for (double v : yt) {
      marks.push_back({point{area_.x - 4, y_(v)}, point{area_.x, y_(v)}});
      doc_->text({area_.x - 6, y_(v) + 3.5}, tick_label(v, step(yt)),
                 {.size = 10, .align = anchor::end, .fill = colors::axis});
    }
    doc_->segments(marks, {.stroke = colors::axis});
    if (!x_label.empty())
      doc_->text({area_.x + area_.width / 2, bottom + 31}, x_label, {.size = 11, .align = anchor::middle});
    if (!y_label.empty())
      doc_->text({panel_.x + 12, area_.y + area_.height / 2}, y_label,
                 {.size = 11, .align = anchor::middle, .rotate = -90});
  }

  /// Light lines at the ticks, drawn under whatever comes next.
  void grid(std::size_t tick_count = 5) {
    std::vector<std::array<point, 2>> lines;
    for (double v : ticks(x_.data, tick_count))
      lines.push_back({point{x_(v), area_.y}, point{x_(v), area_.y + area_.height}});
    for (double v : ticks(y_.data, tick_count))
      lines.push_back({point{area_.x, y_(v)}, point{area_.x + area_.width, y_(v)}});
    doc_->segments(lines, {.stroke = colors::grid});
  }

  /// A polyline through data points (a NaN breaks it).
  void line(std::span<const point> data, const paint& style) {
    std::vector<point> px(data.size());
    std::transform(data.begin(), data.end(), px.begin(), [this](point p) { return to_pixels(p); });
    clipped([&] { doc_->polyline(px, style); });
  }
  void segment(point a, point b, const paint& style) {
    clipped([&] { doc_->line(to_pixels(a), to_pixels(b), style); });
  }
  void hline(double y, const paint& style) { segment({x_.data.lo, y}, {x_.data.hi, y}, style); }
  void vline(double x, const paint& style) { segment({x, y_.data.lo}, {x, y_.data.hi}, style); }

  /// Points xy ([n][2], row-major, as the data sets store them) coloured by their class labels
  /// (label k gets class_color(k)), with a white rim so that overlapping points stay apart.
  void points(std::span<const float> xy, std::span<const float> labels, double radius = 2.5) {
    if (xy.size() != 2 * labels.size())
      throw std::invalid_argument("nonlin::viz::plot::points: expected one label per (x, y) pair");
    std::size_t classes = 0;
    for (float l : labels)
      if (l >= 0 && std::isfinite(l)) classes = std::max(classes, static_cast<std::size_t>(std::lround(l)) + 1);
    for (std::size_t k = 0; k < classes; ++k) {
      clipped([&] {
        doc_->open_group({.fill = class_color(k), .stroke = colors::white, .stroke_width = 0.6});
        for (std::size_t i = 0; i < labels.size(); ++i)
          if (labels[i] >= 0 && static_cast<std::size_t>(std::lround(labels[i])) == k)
            doc_->circle(to_pixels({xy[2 * i], xy[2 * i + 1]}), radius);
        doc_->close_group();
      });
    }
  }
  /// Points of one colour.
  void points(std::span<const point> data, color c, double radius = 2.5) {
    clipped([&] {
      doc_->open_group({.fill = c, .stroke = colors::white, .stroke_width = 0.6});
      for (point p : data) doc_->circle(to_pixels(p), radius);
      doc_->close_group();
    });
  }

  /// Bar k centred at x = k, from 0 to values[k].
  void bars(std::span<const float> values, color c, double bar_width = 0.8) {
    clipped([&] {
      doc_->open_group({.fill = c});
      for (std::size_t k = 0; k < values.size(); ++k) {
        const double centre = static_cast<double>(k);
        const point a = to_pixels({centre - bar_width / 2, 0.0}), b = to_pixels({centre + bar_width / 2, values[k]});
        doc_->rect(std::min(a.x, b.x), std::min(a.y, b.y), std::fabs(b.x - a.x), std::fabs(b.y - a.y));
      }
      doc_->close_group();
    });
  }

  /// The field as cells coloured by map((v − lo) / (hi − lo)), quantised to `levels` bands. Cells of
  /// one band that touch along a row are merged into one rectangle, and each band is one group, so
  /// a smooth field costs a few rectangles per row rather than one per cell. NaN cells stay empty.
  template <class Map = color (*)(double) noexcept>
  void cells(const field& f, range values = {0, 1}, std::size_t levels = 10, Map map = diverging) {
    if (levels == 0) throw std::invalid_argument("nonlin::viz::plot::cells: at least one colour level is needed");
    if (f.values.size() != f.columns * f.rows)
      throw std::invalid_argument("nonlin::viz::plot::cells: the field holds columns × rows values");
    auto band = [&](float v) -> std::ptrdiff_t {
      if (!std::isfinite(v)) return -1;
      const double t = values.width() > 0 ? (v - values.lo) / values.width() : 0.5;
      return std::clamp<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(std::floor(t * static_cast<double>(levels))), 0,
                                        static_cast<std::ptrdiff_t>(levels) - 1);
    };
    std::vector<std::ptrdiff_t> bands(f.values.size());
    std::transform(f.values.begin(), f.values.end(), bands.begin(), band);
    for (std::size_t level = 0; level < levels; ++level) {
      const auto wanted = static_cast<std::ptrdiff_t>(level);
      if (std::find(bands.begin(), bands.end(), wanted) == bands.end()) continue;
      doc_->open_group({.fill = map((static_cast<double>(level) + 0.5) / static_cast<double>(levels))}, clip_, true);
      for (std::size_t r = 0; r < f.rows; ++r)
        for (std::size_t c = 0; c < f.columns;) {
          if (bands[r * f.columns + c] != wanted) {
            ++c;
            continue;
          }
          std::size_t end = c;
          while (end < f.columns && bands[r * f.columns + end] == wanted) ++end;
          const point a = to_pixels({f.x.lo + static_cast<double>(c) * f.cell_width(),
                                     f.y.lo + static_cast<double>(r + 1) * f.cell_height()});
          const point b = to_pixels(
              {f.x.lo + static_cast<double>(end) * f.cell_width(), f.y.lo + static_cast<double>(r) * f.cell_height()});
          doc_->rect(a.x, a.y, b.x - a.x, b.y - a.y);
          c = end;
        }
      doc_->close_group();
    }
  }

  /// The level set {f = level} as a line (see contour).
  void contour(const field& f, double level, const paint& style) {
    auto segments = viz::contour(f, level);
    for (auto& s : segments) s = {to_pixels(s[0]), to_pixels(s[1])};
    clipped([&] { doc_->segments(segments, style); });
  }

  /// Text at a data position.
  void text(point data, std::string_view content, const font& f = {}) { doc_->text(to_pixels(data), content, f); }

  /// A boxed legend in the top-right (or, with left = true, top-left) corner of the axes.
  void legend(std::span<const legend_entry> entries, bool left = false) {
    if (entries.empty()) return;
    constexpr double size = 11, row = 15;
    double longest = 0;
    for (const auto& e : entries) longest = std::max(longest, detail::estimated_text_width(e.label, size));
    const double width = 32 + longest, height = row * static_cast<double>(entries.size()) + 6;
    const double x0 = left ? area_.x + 6 : area_.x + area_.width - width - 6, y0 = area_.y + 6;
    doc_->rect(x0, y0, width, height, {.fill = colors::white, .stroke = colors::grid, .opacity = 0.9});
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const double y = y0 + 3 + row * (static_cast<double>(i) + 0.5);
      detail::legend_symbol(*doc_, entries[i], {x0 + 4, y});
      doc_->text({x0 + 27, y + size * 0.35}, entries[i].label, {.size = size});
    }
  }

 private:
  static double step(const std::vector<double>& t) { return t.size() > 1 ? t[1] - t[0] : 1.0; }

  template <class Draw>
  void clipped(Draw&& draw) {
    doc_->open_group({}, clip_);
    draw();
    doc_->close_group();
  }

  svg* doc_;
  frame panel_, area_;
  scale x_, y_;
  std::string clip_;
};

}  // namespace nonlin::viz
