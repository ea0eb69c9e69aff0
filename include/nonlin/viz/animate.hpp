// nonlin/viz/animate.hpp: pictures that move without a script. A timeline of key times, shapes whose
// vertices or centres take one position per key (SVG's SMIL <animate>, interpolated linearly by the
// browser), and groups shown during one interval of the cycle (the frames of a film). Every mark is
// written in its final state, so that a renderer without SMIL, and the still (timeline::still), show
// the last frame.
#pragma once

#include <cstddef>
#include <nonlin/viz/svg.hpp>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace nonlin::viz {

/// The times (seconds from the start of the cycle, increasing, the first 0) at which animated marks
/// take their key positions; the cycle lasts `duration` seconds (at least the last key time) and
/// repeats. A still timeline writes only the last key's state, without animation elements.
///
///   nl::viz::timeline t{.keys = {0, 2, 3}, .duration = 4};      // move, hold, loop
///   nl::viz::animated_polyline(doc, t, keyframes, {.stroke = nl::viz::colors::blue});
struct timeline {
  std::vector<double> keys;
  double duration = 0;
  bool still = false;

  std::size_t size() const noexcept { return keys.size(); }

  /// Throws std::invalid_argument unless the keys start at 0, increase strictly and fit the cycle.
  void check() const {
    if (keys.empty() || keys.front() != 0)
      throw std::invalid_argument("nonlin::viz::timeline: the first key time must be 0");
    for (std::size_t k = 1; k < keys.size(); ++k)
      if (!(keys[k] > keys[k - 1]))
        throw std::invalid_argument("nonlin::viz::timeline: the key times must increase strictly");
    if (!(duration >= keys.back() && duration > 0 && detail::finite(duration)))
      throw std::invalid_argument("nonlin::viz::timeline: the duration must be positive and cover every key");
  }
};

/// Pixel coordinates in animations are written to a tenth of a pixel: a long list of key positions is
/// most of an animated file, and a tenth is as invisible as a hundredth.
namespace detail {
inline std::string tenth(double x) { return number(x, 1); }

inline std::string points_text(std::span<const point> points) {
  std::string s;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (i > 0) s += ' ';
    s += tenth(points[i].x) + "," + tenth(points[i].y);
  }
  return s;
}

/// keyTimes as SMIL wants them: fractions of the cycle, from 0, each key once, ending at 1 when the
/// last key is the end of the cycle. Linear interpolation needs a last key time of 1, so a cycle that
/// lasts longer than its last key holds the last value up to 1.
inline std::string key_times(const timeline& t, bool close_at_one) {
  std::string s;
  for (std::size_t k = 0; k < t.size(); ++k) {
    if (k > 0) s += ';';
    s += number(t.keys[k] / t.duration, 4);
  }
  if (close_at_one && t.keys.back() < t.duration) s += ";1";
  return s;
}

/// <animate attributeName=name values=v0;v1;... keyTimes=... dur=... repeatCount=indefinite/>.
inline void write_animate(svg& doc, const timeline& t, std::string_view name, const std::vector<std::string>& values) {
  std::string joined;
  for (std::size_t k = 0; k < values.size(); ++k) joined += (k > 0 ? ";" : "") + values[k];
  if (t.keys.back() < t.duration) joined += ";" + values.back();
  const attribute list[] = {{"attributeName", std::string(name)},
                            {"values", joined},
                            {"keyTimes", key_times(t, true)},
                            {"dur", number(t.duration, 3) + "s"},
                            {"repeatCount", "indefinite"}};
  doc.empty_element("animate", list);
}

inline void check_keyframes(const timeline& t, std::size_t frames, const char* who) {
  t.check();
  if (frames != t.size())
    throw std::invalid_argument(std::string(who) + ": expected one key position per key time (" +
                                std::to_string(t.size()) + "), got " + std::to_string(frames));
}
}  // namespace detail

/// A polyline whose vertices move: keyframes[k] holds its vertices (in pixels) at key time k, the same
/// count at every key, all finite. The browser interpolates every vertex linearly between keys.
inline void animated_polyline(svg& doc, const timeline& t, std::span<const std::vector<point>> keyframes,
                              const paint& p) {
  detail::check_keyframes(t, keyframes.size(), "nonlin::viz::animated_polyline");
  for (const auto& frame : keyframes) {
    if (frame.size() != keyframes.front().size())
      throw std::invalid_argument("nonlin::viz::animated_polyline: every key needs the same count of vertices");
    for (point q : frame)
      if (!detail::finite(q)) throw std::invalid_argument("nonlin::viz::animated_polyline: a vertex is not finite");
  }
  const attribute list[] = {{"points", detail::points_text(keyframes.back())}};
  const paint line{.fill = color::none(),
                   .stroke = p.stroke,
                   .stroke_width = p.stroke_width,
                   .opacity = p.opacity,
                   .dash = p.dash};
  if (t.still) return doc.empty_element("polyline", list, line);
  doc.open_element("polyline", list, line);
  std::vector<std::string> values;
  for (const auto& frame : keyframes) values.push_back(detail::points_text(frame));
  detail::write_animate(doc, t, "points", values);
  doc.close_element();
}

/// A circle whose centre moves through centres[k] (pixels) at key time k.
inline void animated_circle(svg& doc, const timeline& t, std::span<const point> centres, double radius,
                            const paint& p = {}) {
  detail::check_keyframes(t, centres.size(), "nonlin::viz::animated_circle");
  for (point q : centres)
    if (!detail::finite(q)) throw std::invalid_argument("nonlin::viz::animated_circle: a centre is not finite");
  const attribute list[] = {
      {"cx", detail::tenth(centres.back().x)}, {"cy", detail::tenth(centres.back().y)}, {"r", detail::number(radius)}};
  if (t.still) return doc.empty_element("circle", list, p);
  doc.open_element("circle", list, p);
  std::vector<std::string> xs, ys;
  for (point q : centres) {
    xs.push_back(detail::tenth(q.x));
    ys.push_back(detail::tenth(q.y));
  }
  detail::write_animate(doc, t, "cx", xs);
  detail::write_animate(doc, t, "cy", ys);
  doc.close_element();
}

/// Opens a group that is visible from `from` to `to` seconds of each cycle and hidden otherwise (a
/// frame of a film, a caption of one stage); close it with doc.close_element(). Its resting state
/// (what a still and a renderer without SMIL show) is visible exactly when the interval reaches the
/// end of the cycle. In a still timeline, a group not shown at the end is hidden and has no animation.
inline void open_shown(svg& doc, const timeline& t, double from, double to) {
  t.check();
  if (!(from < to)) throw std::invalid_argument("nonlin::viz::open_shown: the interval must have from < to");
  const bool at_end = to >= t.duration, at_start = from <= 0;
  const attribute resting[] = {{"visibility", at_end ? "visible" : "hidden"}};
  doc.open_element("g", resting);
  if (t.still || (at_start && at_end)) return;
  std::string values, times;
  if (at_start) {
    values = "visible;hidden", times = "0;" + detail::number(to / t.duration, 4);
  } else if (at_end) {
    values = "hidden;visible", times = "0;" + detail::number(from / t.duration, 4);
  } else {
    values = "hidden;visible;hidden";
    times = "0;" + detail::number(from / t.duration, 4) + ";" + detail::number(to / t.duration, 4);
  }
  const attribute list[] = {{"attributeName", "visibility"},
                            {"calcMode", "discrete"},
                            {"values", values},
                            {"keyTimes", times},
                            {"dur", detail::number(t.duration, 3) + "s"},
                            {"repeatCount", "indefinite"}};
  doc.empty_element("animate", list);
}

}  // namespace nonlin::viz
