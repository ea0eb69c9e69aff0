// The contract of nonlin::viz: every document is well-formed XML whose numbers parse, text is
// escaped, marks appear once per datum, NaNs leave gaps instead of broken files, a picture of a
// known decision boundary puts its cells on the right side of it, and an unwritable file is an
// error that names the path. Animations have one value per key time and rest in their last frame;
// the gallery examples/pictures writes is the same byte for byte from one run to the next, and every
// picture in it is well-formed, under 1 MB, and has the marks it must have.
#define BOOST_TEST_MODULE viz
#include <boost/test/unit_test.hpp>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/network.hpp>
#include <nonlin/viz/animate.hpp>
#include <nonlin/viz/contour.hpp>
#include <nonlin/viz/field.hpp>
#include <nonlin/viz/legend.hpp>
#include <nonlin/viz/plot.hpp>
#include <nonlin/viz/projection.hpp>
#include <nonlin/viz/scale.hpp>
#include <nonlin/viz/svg.hpp>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace nl = nonlin;
namespace viz = nonlin::viz;

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

struct element {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::vector<std::string> ancestors_fill;  // the fill attributes of the enclosing groups, outermost first
  std::string text;                         // character data directly inside (for <text>)
  std::size_t parent = static_cast<std::size_t>(-1);  // index of the enclosing element (none for the root)
};

// Character data and attribute values may hold '&' only as the start of one of XML's five entities
// (the writer never emits numeric references), and never a '<'.
void check_character_data(const std::string& s) {
  BOOST_TEST_REQUIRE(s.find('<') == std::string::npos, "raw '<' in " << s);
  for (std::size_t at = s.find('&'); at != std::string::npos; at = s.find('&', at + 1)) {
    bool entity = false;
    for (const char* e : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"})
      entity = entity || s.compare(at, std::strlen(e), e) == 0;
    BOOST_TEST_REQUIRE(entity, "bare '&' in " << s);
  }
}

// A strict reader for the subset of XML the writer produces: a declaration, then elements with
// double-quoted attributes, self-closed or closed by a matching end tag, one root. Fails the test on
// anything else and returns the elements in document order.
std::vector<element> parse(const std::string& doc) {
  std::vector<element> out;
  std::size_t at = 0;
  BOOST_TEST_REQUIRE(doc.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0) == 0);
  at = doc.find("?>") + 2;
  std::vector<std::size_t> open;  // indices into out
  int roots = 0;
  while (true) {
    const std::size_t lt = doc.find('<', at);
    const std::string between = doc.substr(at, lt == std::string::npos ? std::string::npos : lt - at);
    check_character_data(between);
    if (!open.empty())
      out[open.back()].text += between;
    else
      BOOST_TEST_REQUIRE(between.find_first_not_of(" \n") == std::string::npos, "text outside the root");
    if (lt == std::string::npos) break;
    const std::size_t gt = doc.find('>', lt);
    BOOST_TEST_REQUIRE(gt != std::string::npos);
    std::string tag = doc.substr(lt + 1, gt - lt - 1);
    at = gt + 1;
    if (tag.starts_with("/")) {
      BOOST_TEST_REQUIRE(!open.empty(), "end tag </" << tag.substr(1) << "> with nothing open");
      BOOST_TEST_REQUIRE(out[open.back()].name == tag.substr(1),
                         "<" << out[open.back()].name << "> closed by <" << tag << ">");
      open.pop_back();
      continue;
    }
    const bool self_closing = tag.ends_with("/");
    if (self_closing) tag.pop_back();
    element e;
    std::size_t i = tag.find_first_of(" \n");
    e.name = tag.substr(0, i);
    BOOST_TEST_REQUIRE(!e.name.empty());
    BOOST_TEST_REQUIRE(e.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzP") == std::string::npos, "tag " << e.name);
    while (i != std::string::npos && i < tag.size()) {
      i = tag.find_first_not_of(" \n", i);
      if (i == std::string::npos) break;
      const std::size_t eq = tag.find("=\"", i);
      BOOST_TEST_REQUIRE(eq != std::string::npos, "attribute without a quoted value in <" << tag << ">");
      const std::size_t close = tag.find('"', eq + 2);
      BOOST_TEST_REQUIRE(close != std::string::npos);
      const std::string name = tag.substr(i, eq - i), value = tag.substr(eq + 2, close - eq - 2);
      BOOST_TEST_REQUIRE(
          name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-12") == std::string::npos,
          "attribute " << name);
      check_character_data(value);
      BOOST_TEST_REQUIRE(e.attributes.emplace(name, value).second, "attribute " << name << " twice");
      i = close + 1;
    }
    for (std::size_t g : open)
      if (out[g].attributes.contains("fill")) e.ancestors_fill.push_back(out[g].attributes.at("fill"));
    if (!open.empty()) e.parent = open.back();
    if (open.empty()) {
      ++roots;
      BOOST_TEST_REQUIRE(e.name == "svg");
    }
    out.push_back(std::move(e));
    if (!self_closing) open.push_back(out.size() - 1);
  }
  BOOST_TEST_REQUIRE(open.empty(), open.size() << " element(s) never closed");
  BOOST_TEST_REQUIRE(roots == 1);
  return out;
}

bool parses_as_finite_number(const std::string& s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc{} && end == s.data() + s.size() && std::isfinite(v);
}

double number(const element& e, const std::string& attribute) { return std::stod(e.attributes.at(attribute)); }

// Every attribute that holds a number (or a list of them) parses completely as a finite number.
void check_numbers(const std::vector<element>& elements) {
  static const std::set<std::string> numeric{"x",  "y",  "width", "height", "cx",        "cy",           "r",
                                             "x1", "y1", "x2",    "y2",     "font-size", "stroke-width", "opacity"};
  for (const auto& e : elements)
    for (const auto& [name, value] : e.attributes) {
      if (e.name == "svg" && (name == "width" || name == "height")) continue;
      if (numeric.contains(name)) {
        BOOST_TEST(parses_as_finite_number(value), e.name << " " << name << "=\"" << value << "\"");
      } else if (name == "points" || name == "d" || name == "viewBox") {
        std::string list = value;
        for (char& c : list)
          if (c == ',' || c == 'M' || c == 'L') c = ' ';
        std::istringstream words(list);
        std::string word;
        std::size_t count = 0;
        while (words >> word) {
          BOOST_TEST(parses_as_finite_number(word), e.name << " " << name << " holds \"" << word << "\"");
          ++count;
        }
        BOOST_TEST(count % 2 == 0, e.name << " " << name << " holds an odd count of coordinates");
      }
    }
}

std::size_t count(const std::vector<element>& elements, const std::string& name) {
  std::size_t n = 0;
  for (const auto& e : elements) n += e.name == name;
  return n;
}

// A figure that uses every kind of mark the library offers.
viz::svg every_mark() {
  viz::svg doc(640, 300);
  viz::plot p(doc, {0, 0, 320, 300}, {-2, 2}, {-1, 1});
  p.title("every mark");
  p.grid();
  p.axes("x", "y");
  const auto f = viz::sample([](double x, double y) { return x * x + y * y; }, {-2, 2}, {-1, 1}, 16, 8);
  p.cells(f, {0, 5});
  p.contour(f, 1.0, {.stroke = viz::colors::black, .stroke_width = 1.5});
  const std::vector<viz::point> curve{{-2, -1}, {0, 0.5}, {2, -1}};
  p.line(curve, {.stroke = viz::colors::blue, .dash = "4 2"});
  p.hline(0, {.stroke = viz::colors::axis});
  p.vline(0, {.stroke = viz::colors::axis});
  const std::vector<float> xy{0, 0, 1, 0.5f, -1, -0.5f}, labels{0, 1, 1};
  p.points(xy, labels);
  const std::vector<viz::legend_entry> legend{
      {"curve", {.stroke = viz::colors::blue}},
      {"class 1", {.fill = viz::class_color(1)}, viz::legend_entry::shape::dot}};
  p.legend(legend);
  viz::plot bars(doc, {320, 0, 320, 300}, {-0.5, 3.5}, {0, 1});
  const std::vector<float> heights{0.1f, 0.6f, 0.2f, 0.1f};
  bars.bars(heights, viz::colors::green);
  bars.axes();
  viz::legend_row(doc, {10, 290}, legend);
  return doc;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_figure_with_every_mark_is_well_formed_xml_whose_numbers_parse) {
  const std::string text = every_mark().str();
  const auto elements = parse(text);
  check_numbers(elements);
  BOOST_TEST(count(elements, "clipPath") == 2u);          // one per plot
  BOOST_TEST(count(elements, "circle") == 3u + 1u + 1u);  // the points and a dot in each legend
  BOOST_TEST(text.find("nan") == std::string::npos);
  BOOST_TEST(text.find("inf") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(text_is_escaped_in_content_and_in_attributes) {
  viz::svg doc(100, 100);
  doc.text({10, 10}, "a<b && \"c\" > 'd' </text><script>\x01");
  doc.line({0, 0}, {1, 1}, {.stroke = viz::colors::black, .dash = "1\" onload=\"x"});
  const std::string text = doc.str();
  const auto elements = parse(text);
  BOOST_TEST(count(elements, "script") == 0u);
  BOOST_TEST(count(elements, "text") == 1u);
  BOOST_TEST(text.find("a&lt;b &amp;&amp; &quot;c&quot; &gt; &apos;d&apos; &lt;/text&gt;&lt;script&gt;</text>") !=
             std::string::npos);
  BOOST_TEST(text.find('\x01') == std::string::npos);  // XML 1.0 has no way to write it
  for (const auto& e : elements) BOOST_TEST(!e.attributes.contains("onload"));
}

BOOST_AUTO_TEST_CASE(points_draw_one_circle_per_sample_in_its_class_colour) {
  viz::svg doc(200, 200);
  viz::plot p(doc, {0, 0, 200, 200}, {0, 10}, {0, 10});
  std::vector<float> xy, labels;
  for (int i = 0; i < 9; ++i) {
    xy.insert(xy.end(), {static_cast<float>(i), static_cast<float>(i)});
    labels.push_back(static_cast<float>(i % 3));
  }
  p.points(xy, labels);
  std::map<std::string, int> by_colour;
  for (const auto& e : parse(doc.str()))
    if (e.name == "circle") ++by_colour[e.ancestors_fill.back()];
  BOOST_TEST(by_colour.size() == 3u);
  for (std::size_t k = 0; k < 3; ++k) BOOST_TEST(by_colour[viz::class_color(k).text()] == 3);
  BOOST_CHECK_THROW(p.points(xy, std::vector<float>(4)), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(non_finite_coordinates_leave_gaps_not_broken_numbers) {
  viz::svg doc(100, 100);
  const std::vector<viz::point> line{{0, 0}, {1, 1}, {not_a_number, 2}, {3, 3},
                                     {4, 4}, {5, 5}, {6, not_a_number}, {7, 7}};
  doc.polyline(line, {.stroke = viz::colors::black});  // two runs of two or more, one lone point
  doc.circle({not_a_number, 1}, 2);
  doc.rect(0, 0, std::numeric_limits<double>::infinity(), 1);
  doc.text({1, not_a_number}, "lost");
  const std::string text = doc.str();
  const auto elements = parse(text);
  check_numbers(elements);
  BOOST_TEST(count(elements, "polyline") == 2u);
  BOOST_TEST(count(elements, "circle") == 0u);
  BOOST_TEST(count(elements, "rect") == 1u);  // the background
  BOOST_TEST(count(elements, "text") == 0u);
}

BOOST_AUTO_TEST_CASE(numbers_have_at_most_two_decimals_and_no_negative_zero) {
  BOOST_TEST(viz::detail::number(1.5) == "1.5");
  BOOST_TEST(viz::detail::number(-2.0) == "-2");
  BOOST_TEST(viz::detail::number(0.125) == "0.12");  // round half to even of the binary value
  BOOST_TEST(viz::detail::number(-0.001) == "0");
  BOOST_TEST(viz::detail::number(1234567.891) == "1234567.89");
}

BOOST_AUTO_TEST_CASE(ticks_are_round_numbers_inside_the_range) {
  const auto unit = viz::ticks({0, 1}, 5);
  BOOST_TEST(unit.size() == 6u);
  for (std::size_t k = 0; k < unit.size(); ++k)
    BOOST_TEST(unit[k] == 0.2 * static_cast<double>(k), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(viz::tick_label(unit[3], 0.2) == "0.6");
  const auto wide = viz::ticks({-1.6, 1.6}, 5);
  BOOST_TEST(wide.front() == -1.5);
  BOOST_TEST(wide.back() == 1.5);
  BOOST_TEST(viz::tick_label(0.0, 0.5) == "0");
  BOOST_TEST(viz::tick_label(-1.0, 0.5) == "-1.0");
  BOOST_TEST(viz::tick_label(20.0, 10.0) == "20");
  BOOST_TEST(viz::ticks({1, 1}).empty());
  BOOST_TEST(viz::ticks({0, not_a_number}).empty());
}

// Cells of the high band must lie right of x = 0.3 (a cell edge), those of the low band left of it; the two
// bands tile the plot area. With merged runs each band is one rectangle per row.
BOOST_AUTO_TEST_CASE(cells_of_a_known_boundary_lie_on_its_side) {
  viz::svg doc(300, 300);
  viz::plot p(doc, {0, 0, 300, 300}, {-1, 1}, {-1, 1});
  const auto f = viz::sample([](double x, double) { return x > 0.3 ? 1.0 : 0.0; }, {-1, 1}, {-1, 1}, 20, 20);
  p.cells(f, {0, 1}, 2);
  const double boundary = p.to_pixels({0.3, 0}).x;
  const std::string high = viz::diverging(0.75).text(), low = viz::diverging(0.25).text();
  std::size_t high_rects = 0, low_rects = 0;
  double area = 0;
  for (const auto& e : parse(doc.str())) {
    if (e.name != "rect" || e.ancestors_fill.empty()) continue;
    const double x = number(e, "x"), w = number(e, "width");
    area += w * number(e, "height");
    if (e.ancestors_fill.back() == high) {
      ++high_rects;
      BOOST_TEST(x >= boundary - 0.01);
    } else {
      BOOST_TEST(e.ancestors_fill.back() == low);
      ++low_rects;
      BOOST_TEST(x + w <= boundary + 0.01);
    }
  }
  BOOST_TEST(high_rects == 20u);
  BOOST_TEST(low_rects == 20u);
  BOOST_TEST(area == p.area().width * p.area().height, boost::test_tools::tolerance(1e-3));
}

// sigmoid(4y − 2) > 0.5 exactly above y = 0.5: the network's cells of probability > 0.5 are above
// that line in the picture (smaller pixel y), and its 0.5 contour lies on it.
BOOST_AUTO_TEST_CASE(a_network_boundary_is_drawn_where_the_network_puts_it) {
  nl::network<nl::input<2>, nl::dense<1, nl::sigmoid>> m;
  m.layer<0>().weight = {0.0f, 4.0f};
  m.layer<0>().bias = {-2.0f};
  const auto f = viz::sample_network(m, {-1, 1}, {-1, 1}, 24, 24);
  for (std::size_t r = 0; r < f.rows; ++r)
    for (std::size_t c = 0; c < f.columns; ++c) BOOST_TEST((f.at(c, r) > 0.5f) == (f.y_at(r) > 0.5));

  viz::svg doc(300, 300);
  viz::plot p(doc, {0, 0, 300, 300}, {-1, 1}, {-1, 1});
  p.cells(f, {0, 1}, 10);
  const double line = p.to_pixels({0, 0.5}).y;
  std::size_t above = 0;
  for (const auto& e : parse(doc.str())) {
    if (e.name != "rect" || e.ancestors_fill.empty()) continue;
    const bool class_1 = e.ancestors_fill.back() == viz::diverging(0.55).text() ||
                         e.ancestors_fill.back() == viz::diverging(0.65).text() ||
                         e.ancestors_fill.back() == viz::diverging(0.75).text() ||
                         e.ancestors_fill.back() == viz::diverging(0.85).text() ||
                         e.ancestors_fill.back() == viz::diverging(0.95).text();
    if (class_1) {
      ++above;
      BOOST_TEST(number(e, "y") + number(e, "height") <= line + 0.01);
    } else {
      BOOST_TEST(number(e, "y") >= line - 0.01);
    }
  }
  BOOST_TEST(above > 0u);
  const auto boundary = viz::contour(f, 0.5);
  BOOST_TEST(boundary.size() == f.columns - 1);
  for (const auto& s : boundary)
    for (const auto& q : s) BOOST_TEST(q.y == 0.5, boost::test_tools::tolerance(f.cell_height() / 2));
}

// The level set of x² + y² at 0.25 is the circle of radius 0.5: every end of every segment lies near
// it, and every end is shared by exactly two segments (the line is closed).
BOOST_AUTO_TEST_CASE(the_contour_of_a_circle_is_closed_and_at_its_radius) {
  const auto f = viz::sample([](double x, double y) { return x * x + y * y; }, {-1, 1}, {-1, 1}, 40, 40);
  const auto segments = viz::contour(f, 0.25);
  BOOST_TEST(segments.size() > 20u);
  std::map<std::pair<long, long>, int> ends;
  for (const auto& s : segments)
    for (const auto& q : s) {
      BOOST_TEST(std::hypot(q.x, q.y) == 0.5, boost::test_tools::tolerance(0.03));
      ++ends[{std::lround(q.x * 1e6), std::lround(q.y * 1e6)}];
    }
  for (const auto& [at, n] : ends) BOOST_TEST(n == 2);
}

BOOST_AUTO_TEST_CASE(a_constant_field_is_one_rectangle_per_row) {
  viz::svg doc(200, 200);
  viz::plot p(doc, {0, 0, 200, 200}, {0, 1}, {0, 1});
  p.cells(viz::sample([](double, double) { return 0.3; }, {0, 1}, {0, 1}, 50, 7));
  const auto elements = parse(doc.str());
  BOOST_TEST(count(elements, "rect") == 1u + 1u + 7u);  // background, clip region, one run per row
  BOOST_TEST(count(elements, "g") == 1u);
}

BOOST_AUTO_TEST_CASE(write_creates_the_file_and_an_unwritable_path_is_named_in_the_error) {
  const viz::svg doc = every_mark();
  const auto dir = std::filesystem::temp_directory_path() / "nonlin-viz-test";
  std::filesystem::create_directories(dir);
  doc.write(dir / "every_mark.svg");
  std::ifstream in(dir / "every_mark.svg", std::ios::binary);
  const std::string back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BOOST_TEST(back == doc.str());
  std::filesystem::remove_all(dir);

  const std::string missing = "/nonexistent-nonlin-directory/picture.svg";
  try {
    doc.write(missing);
    BOOST_FAIL("writing into a missing directory succeeded");
  } catch (const std::runtime_error& e) {
    BOOST_TEST(std::string(e.what()).find(missing) != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_CASE(groups_must_be_closed_before_the_document_is_written) {
  viz::svg doc(10, 10);
  BOOST_CHECK_THROW(doc.close_group(), std::logic_error);
  doc.open_group({.fill = viz::colors::blue});
  BOOST_CHECK_THROW((void)doc.str(), std::logic_error);
  doc.close_group();
  BOOST_CHECK_NO_THROW(parse(doc.str()));
}

BOOST_AUTO_TEST_CASE(sizes_and_ranges_are_checked) {
  BOOST_CHECK_THROW(viz::svg(0, 10), std::invalid_argument);
  BOOST_CHECK_THROW(viz::svg(10, not_a_number), std::invalid_argument);
  viz::svg doc(100, 100);
  BOOST_CHECK_THROW(viz::plot(doc, {0, 0, 40, 40}, {0, 1}, {0, 1}), std::invalid_argument);  // smaller than its margins
  BOOST_CHECK_THROW(viz::plot(doc, {0, 0, 100, 100}, {1, 1}, {0, 1}), std::invalid_argument);
  BOOST_CHECK_THROW(viz::sample([](double, double) { return 0.0; }, {0, 1}, {0, 1}, 0, 3), std::invalid_argument);
}

// --- Animation (viz/animate.hpp) and projection (viz/projection.hpp) ---

namespace {

std::size_t list_length(const std::string& s, char separator) {
  return s.empty() ? 0 : static_cast<std::size_t>(std::count(s.begin(), s.end(), separator)) + 1;
}

// Every <animate> repeats, has as many values as key times, key times from 0 to (at most) 1 that
// never decrease, and, for points, the same count of vertices in every value as its shape has.
void check_animations(const std::vector<element>& elements) {
  for (const auto& e : elements) {
    if (e.name != "animate") continue;
    BOOST_TEST_REQUIRE(e.parent < elements.size());
    const auto& a = e.attributes;
    BOOST_TEST(a.at("repeatCount") == "indefinite");
    const std::string values = a.at("values"), times = a.at("keyTimes");
    BOOST_TEST(list_length(values, ';') == list_length(times, ';'), values.substr(0, 80) << " | " << times);
    std::istringstream in(times);
    std::string word;
    double last = -1;
    std::size_t k = 0;
    while (std::getline(in, word, ';')) {
      const double t = std::stod(word);
      BOOST_TEST((k++ == 0 ? t == 0 : t >= last));
      BOOST_TEST(t <= 1.0);
      last = t;
    }
    if (a.at("attributeName") == "points") {
      const std::size_t vertices = list_length(elements[e.parent].attributes.at("points"), ' ');
      std::istringstream frames(values);
      while (std::getline(frames, word, ';')) BOOST_TEST(list_length(word, ' ') == vertices);
    }
    if (a.at("attributeName") == "visibility") BOOST_TEST(a.at("calcMode") == "discrete");
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_animated_polyline_has_one_value_per_key_and_rests_in_its_last_frame) {
  viz::svg doc(100, 100);
  const viz::timeline t{.keys = {0, 1, 2.5}, .duration = 4};
  const std::vector<std::vector<viz::point>> frames{{{0, 0}, {10, 0}}, {{0, 5}, {10, 5}}, {{1, 1}, {2.25, 3}}};
  viz::animated_polyline(doc, t, frames, {.stroke = viz::colors::blue});
  const auto elements = parse(doc.str());
  check_numbers(elements);
  check_animations(elements);
  BOOST_TEST_REQUIRE(count(elements, "polyline") == 1u);
  BOOST_TEST_REQUIRE(count(elements, "animate") == 1u);
  for (const auto& e : elements) {
    if (e.name == "polyline") BOOST_TEST(e.attributes.at("points") == "1,1 2.2,3");  // a tenth of a pixel
    if (e.name != "animate") continue;
    // The cycle lasts past the last key: the last value is held up to 1.
    BOOST_TEST(e.attributes.at("keyTimes") == "0;0.25;0.625;1");
    BOOST_TEST(e.attributes.at("values") == "0,0 10,0;0,5 10,5;1,1 2.2,3;1,1 2.2,3");
    BOOST_TEST(e.attributes.at("dur") == "4s");
  }
  // Keys and key positions must match, and the times must make sense.
  BOOST_CHECK_THROW(viz::animated_polyline(doc, {.keys = {0, 1}, .duration = 2}, frames, {}), std::invalid_argument);
  BOOST_CHECK_THROW(viz::animated_polyline(doc, {.keys = {0, 2, 1}, .duration = 3}, frames, {}), std::invalid_argument);
  BOOST_CHECK_THROW(viz::animated_polyline(doc, {.keys = {0, 1, 2.5}, .duration = 2}, frames, {}),
                    std::invalid_argument);
  const std::vector<std::vector<viz::point>> ragged{{{0, 0}, {1, 1}}, {{0, 0}}, {{0, 0}, {1, not_a_number}}};
  BOOST_CHECK_THROW(viz::animated_polyline(doc, t, ragged, {}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_still_timeline_writes_the_last_frame_without_animation) {
  viz::svg doc(100, 100);
  const viz::timeline t{.keys = {0, 1}, .duration = 1, .still = true};
  const std::vector<viz::point> centres{{5, 5}, {50, 60}};
  viz::animated_circle(doc, t, centres, 3);
  viz::open_shown(doc, t, 0, 1);
  doc.close_element();
  const auto elements = parse(doc.str());
  BOOST_TEST(count(elements, "animate") == 0u);
  for (const auto& e : elements)
    if (e.name == "circle") BOOST_TEST((e.attributes.at("cx") == "50" && e.attributes.at("cy") == "60"));
}

BOOST_AUTO_TEST_CASE(a_shown_group_is_visible_in_its_interval_and_rests_as_at_the_end) {
  viz::svg doc(100, 100);
  const viz::timeline t{.keys = {0}, .duration = 10};
  for (auto [from, to] : {std::pair{0.0, 2.0}, std::pair{2.0, 5.0}, std::pair{5.0, 10.0}}) {
    viz::open_shown(doc, t, from, to);
    doc.circle({1, 1}, 1);
    doc.close_element();
  }
  const auto elements = parse(doc.str());
  check_animations(elements);
  std::vector<std::string> resting, values, times;
  for (const auto& e : elements) {
    if (e.name == "g") resting.push_back(e.attributes.at("visibility"));
    if (e.name == "animate") {
      values.push_back(e.attributes.at("values"));
      times.push_back(e.attributes.at("keyTimes"));
    }
  }
  BOOST_TEST((resting == std::vector<std::string>{"hidden", "hidden", "visible"}));
  BOOST_TEST((values == std::vector<std::string>{"visible;hidden", "hidden;visible;hidden", "hidden;visible"}));
  BOOST_TEST((times == std::vector<std::string>{"0;0.2", "0;0.2;0.5", "0;0.5"}));
  BOOST_CHECK_THROW(viz::open_shown(doc, t, 3, 3), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(elements_must_close_in_order_and_have_plain_names) {
  viz::svg doc(10, 10);
  const viz::attribute list[] = {{"id", "a\"b"}};
  BOOST_CHECK_THROW(doc.open_element("bad name", list), std::invalid_argument);
  BOOST_CHECK_THROW(doc.open_element("x\"", {}), std::invalid_argument);
  doc.open_element("polyline", list);
  BOOST_CHECK_THROW(doc.close_group(), std::logic_error);  // the open element is not a group
  doc.close_element();
  BOOST_CHECK_THROW(doc.close_element(), std::logic_error);
  const auto elements = parse(doc.str());
  BOOST_TEST(elements.back().attributes.at("id") == "a&quot;b");
}

BOOST_AUTO_TEST_CASE(the_camera_from_overhead_shows_the_plane_as_it_is_and_lifting_keeps_lengths) {
  const viz::camera overhead;
  const viz::point q = overhead.project({0.3, -0.7, 5});
  BOOST_TEST(q.x == 0.3, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(q.y == -0.7, boost::test_tools::tolerance(1e-12));
  const viz::point side = viz::camera{.azimuth = 90, .elevation = 0}.project({1, 0, 2});
  BOOST_TEST(side.x == 0.0, boost::test_tools::tolerance(1e-12));  // x turned into the depth
  BOOST_TEST(side.y == 2.0, boost::test_tools::tolerance(1e-12));  // z is up
  const viz::vec3 flat = viz::lift(std::array<float, 2>{1.5f, -2});
  BOOST_TEST((flat.x == 1.5 && flat.y == -2 && flat.z == 0));
  // Four dimensions: the three directions are orthonormal and orthogonal to the diagonal.
  std::array<viz::vec3, 4> e;
  for (std::size_t j = 0; j < 4; ++j) {
    std::array<double, 4> u{};
    u[j] = 1;
    e[j] = viz::lift(u);
  }
  const viz::vec3 diagonal = e[0] + e[1] + e[2] + e[3];
  BOOST_TEST(viz::length(diagonal) == 0.0, boost::test_tools::tolerance(1e-12));
  for (std::size_t j = 0; j < 4; ++j) BOOST_TEST(viz::length(e[j]) == std::sqrt(0.75), boost::test_tools::tolerance(1e-12));
}

// --- The gallery examples/pictures writes ---
#ifdef NONLIN_PICTURES_PROGRAM
namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::filesystem::path generate(const std::string& name) {
  // In the test's working directory (its build tree), so that two builds testing at once do not meet.
  const auto dir = std::filesystem::current_path() / ("gallery-" + name);
  std::filesystem::remove_all(dir);
  const std::string command = std::string("\"") + NONLIN_PICTURES_PROGRAM + "\" \"" + dir.string() + "\" >/dev/null";
  BOOST_TEST_REQUIRE(std::system(command.c_str()) == 0, command);
  return dir;
}

std::size_t children(const std::vector<element>& elements, std::size_t parent, const std::string& name) {
  std::size_t n = 0;
  for (const auto& e : elements) n += e.parent == parent && e.name == name;
  return n;
}

std::size_t animated(const std::vector<element>& elements, const std::string& shape) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < elements.size(); ++i) n += elements[i].name == shape && children(elements, i, "animate") > 0;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_gallery_is_the_same_byte_for_byte_and_every_picture_is_well_formed_and_complete) {
  const auto first = generate("a"), second = generate("b");
  std::set<std::string> svgs;
  for (const auto& f : std::filesystem::directory_iterator(first)) {
    const std::string name = f.path().filename().string();
    BOOST_TEST(read(f.path()) == read(second / name), name << " differs between two runs");
    BOOST_TEST(std::filesystem::file_size(f.path()) < 1'000'000u, name << " is 1 MB or more");
    if (name.ends_with(".svg")) svgs.insert(name);
  }
  BOOST_TEST(svgs.size() == 17u);  // six static pictures, five animations with their stills, the curves

  for (const auto& name : svgs) {
    BOOST_TEST_CONTEXT(name) {
      const std::string text = read(first / name);
      const auto elements = parse(text);
      check_numbers(elements);
      check_animations(elements);
      const bool still = name.ends_with("_still.svg");
      if (still) BOOST_TEST(count(elements, "animate") == 0u);
      if (name.starts_with("layers_")) {
        // A polyline per grid line (11 of each family) and per axis of the layer's space (4), the
        // samples (200) as circles, every one moving unless this is the still.
        BOOST_TEST(count(elements, "polyline") == 22u + 4u);
        BOOST_TEST(count(elements, "circle") >= 200u);
        if (!still) {
          BOOST_TEST(animated(elements, "polyline") == 22u + 4u);
          BOOST_TEST(animated(elements, "circle") == 200u);
          // Seven stages (the input, then Wx, + b and σ of two layers) have a caption each.
          std::size_t captions = 0;
          for (const auto& e : elements) captions += e.name == "text" && e.text.starts_with("step ");
          BOOST_TEST(captions == 7u);
        }
      }
      if (name.starts_with("training_") && name != "training_curves.svg") {
        // One group per frame and panel (boundary panels and the curve panel), shown in turn.
        std::size_t frames = 0;
        for (std::size_t i = 0; i < elements.size(); ++i)
          frames += elements[i].name == "g" && elements[i].attributes.contains("visibility");
        const std::size_t panels = name.starts_with("training_dead_units") ? 4 : 3;
        if (still)
          BOOST_TEST(frames == panels);
        else
          BOOST_TEST((frames > 20 * panels && frames % panels == 0), frames << " frame groups");
        BOOST_TEST(count(elements, "path") > 0u);  // the 0.5 contours
      }
    }
  }

  // The page shows every picture, by a relative link to a file that exists, with its caption, and
  // links every still.
  const std::string page = read(first / "index.html");
  for (const auto& name : svgs) {
    const bool still = name.ends_with("_still.svg");
    const std::string link = still ? "href=\"" + name + "\"" : "src=\"" + name + "\"";
    BOOST_TEST(page.find(link) != std::string::npos, name << " is not on the page");
  }
  BOOST_TEST(page.find("<script") == std::string::npos);
  BOOST_TEST(static_cast<std::size_t>(std::count(page.begin(), page.end(), '<') -
                                      std::count(page.begin(), page.end(), '>')) == 0u);
  std::filesystem::remove_all(first);
  std::filesystem::remove_all(second);
}
#endif
