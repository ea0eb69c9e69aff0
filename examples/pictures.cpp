// The lecture's pictures, drawn by nonlin from its own numbers: activation curves and their
// derivatives, softmax at three temperatures with their entropies, how one tanh layer folds the
// plane (Wx rotates, scales and shears, +b translates, tanh bends), the circles in the last hidden
// layer where a line separates them, and decision boundaries of the lecture's models; then the same
// in motion (the grid carried through every step of every layer, the boundary changing as fit trains,
// dead units over the epochs), loss and accuracy curves, and a gallery page, index.html, that shows
// them all. Every curve is computed by the library, every network trained by nl::fit with a fixed seed.
//
//   pictures [directory]     (default: pictures/ in the current directory)
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <stdexcept>
#include <nonlin/activation/elu.hpp>
#include <nonlin/activation/entropy.hpp>
#include <nonlin/activation/identity.hpp>
#include <nonlin/activation/leaky_relu.hpp>
#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/network.hpp>
#include <nonlin/train/datasets.hpp>
#include <nonlin/train/diagnostics.hpp>
#include <nonlin/train/fit.hpp>
#include <nonlin/train/init.hpp>
#include <nonlin/train/loss.hpp>
#include <nonlin/train/sgd.hpp>
#include <nonlin/viz/animate.hpp>
#include <nonlin/viz/field.hpp>
#include <nonlin/viz/legend.hpp>
#include <nonlin/viz/plot.hpp>
#include <nonlin/viz/projection.hpp>
#include <nonlin/viz/svg.hpp>
#include <string>
#include <utility>
#include <vector>

namespace nl = nonlin;
namespace ds = nonlin::datasets;
namespace viz = nonlin::viz;

namespace {

// The settings of docs/training.md, so that the accuracies here are the ones its tables quote.
constexpr std::size_t samples = 400;
constexpr std::uint32_t seed = 7;
constexpr float learning_rate = 0.5f;
constexpr std::size_t epochs = 500;

template <std::size_t K, class Hidden = nl::tanh>
using lecture_net = nl::network<nl::input<2>, nl::dense<K, Hidden>, nl::dense<2, Hidden>, nl::dense<1, nl::sigmoid>>;

// The dead-unit set-up of docs/training.md: 2-16-16-1, He weights, every hidden bias −1.5, 300 epochs.
template <class Hidden>
using wide_net = nl::network<nl::input<2>, nl::dense<16, Hidden>, nl::dense<16, Hidden>, nl::dense<1, nl::sigmoid>>;
constexpr std::size_t dead_unit_epochs = 300;

template <class Net>
float train(Net& m, const ds::dataset& d) {
  nl::init::glorot_uniform(m, seed);
  nl::fit(m, d.x, d.y, nl::mse{}, nl::sgd{.learning_rate = learning_rate},
          {.epochs = epochs, .batch_size = 32, .seed = seed});
  return ds::accuracy(m, d);
}

std::string fixed(double v, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  return text;
}

// Where the pictures go, and the list the gallery page is made of: each picture with its caption and,
// for an animation, the file of its still.
class picture_directory {
 public:
  struct entry {
    std::string name, caption, still;
  };

  explicit picture_directory(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
  }
  void write(const viz::svg& doc, const std::string& name, const std::string& caption = {}) {
    save(doc, name);
    if (!caption.empty()) entries_.push_back({name, caption, {}});
  }
  /// An animation and its still (the last frame, for print), listed once in the gallery.
  void write_animation(const viz::svg& moving, const viz::svg& still, const std::string& name,
                       const std::string& caption) {
    const std::string still_name = name.substr(0, name.size() - 4) + "_still.svg";
    save(moving, name);
    save(still, still_name);
    entries_.push_back({name, caption, still_name});
  }
  void write_text(const std::string& text, const std::string& name) {
    const auto path = dir_ / name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw std::runtime_error("cannot write '" + path.string() + "'");
    std::printf("wrote %s (%.0f KB)\n", path.string().c_str(),
                static_cast<double>(std::filesystem::file_size(path)) / 1024.0);
  }
  const std::vector<entry>& entries() const noexcept { return entries_; }

 private:
  void save(const viz::svg& doc, const std::string& name) {
    const auto path = dir_ / name;
    doc.write(path);
    std::printf("wrote %s (%.0f KB)\n", path.string().c_str(),
                static_cast<double>(std::filesystem::file_size(path)) / 1024.0);
  }

  std::filesystem::path dir_;
  std::vector<entry> entries_;
};

const viz::paint curve_style{.stroke = viz::colors::blue, .stroke_width = 2};
const viz::paint derivative_style{.stroke = viz::colors::vermillion, .stroke_width = 2, .dash = "6 3"};

// 1. Activation curves: value and derivative of each, sampled from the library's own functions.
template <class A>
void activation_panel(viz::svg& doc, viz::frame where, const char* name) {
  viz::plot p(doc, where, {-4, 4}, {-1.5, 2.5});
  std::vector<viz::point> value, slope;
  for (int i = 0; i <= 400; ++i) {
    const double x = -4.0 + 0.02 * i;
    value.push_back({x, A::value(x)});
    slope.push_back({x, A::derivative(x)});
  }
  p.title(name);
  p.grid();
  p.hline(0, {.stroke = viz::colors::axis, .stroke_width = 0.5});
  p.vline(0, {.stroke = viz::colors::axis, .stroke_width = 0.5});
  p.line(value, curve_style);
  p.line(slope, derivative_style);
  p.axes("x");
}

void activations(picture_directory& out) {
  constexpr double w = 300, h = 240;
  viz::svg doc(3 * w, 2 * h + 30);
  activation_panel<nl::sigmoid>(doc, {0, 0, w, h}, "sigmoid");
  activation_panel<nl::tanh>(doc, {w, 0, w, h}, "tanh");
  activation_panel<nl::relu>(doc, {2 * w, 0, w, h}, "relu");
  activation_panel<nl::leaky_relu<0.1f>>(doc, {0, h, w, h}, "leaky_relu<0.1>");
  activation_panel<nl::elu<1.0f>>(doc, {w, h, w, h}, "elu<1>");

  // The derivatives side by side: where each one fades (saturation) or is exactly zero (dead).
  viz::plot all(doc, {2 * w, h, w, h}, {-4, 4}, {-0.1, 1.15});
  all.title("the derivatives together");
  all.grid();
  std::vector<viz::legend_entry> names;
  auto add = [&]<class A>(A, const char* name, viz::color c) {
    std::vector<viz::point> slope;
    for (int i = 0; i <= 400; ++i) slope.push_back({-4.0 + 0.02 * i, A::derivative(-4.0 + 0.02 * i)});
    all.line(slope, {.stroke = c, .stroke_width = 1.8});
    names.push_back({name, {.stroke = c, .stroke_width = 2}});
  };
  add(nl::sigmoid{}, "sigmoid", viz::colors::blue);
  add(nl::tanh{}, "tanh", viz::colors::vermillion);
  add(nl::relu{}, "relu", viz::colors::green);
  add(nl::leaky_relu<0.1f>{}, "leaky_relu", viz::colors::orange);
  add(nl::elu<1.0f>{}, "elu", viz::colors::purple);
  all.axes("x");
  all.legend(names, true);

  const std::vector<viz::legend_entry> key{{"f(x)", curve_style}, {"f\u2032(x)", derivative_style}};
  viz::legend_row(doc, {16, 2 * h + 14}, key);
  out.write(doc, "activations.svg", "The activations (solid) and their derivatives (dashed), and the five derivatives together.");
}

// 2. Softmax with temperature: the lecture's 10-class logits, and the distribution at T = 0.01, 1
// and 5 with its entropy. The argmax (in vermillion) and the sum stay; the spread grows with T.
template <float Temperature>
std::vector<float> softmax_of(const std::vector<float>& logits) {
  std::vector<float> p(logits.size());
  nl::softmax<Temperature>::apply(logits, p);
  return p;
}

void softmax(picture_directory& out) {
  const std::vector<float> logits{2.0f, 1.0f, 0.1f, 5.0f, 3.2f, -1.0f, 0.5f, 4.1f, -2.3f, 1.7f};
  const std::size_t top = static_cast<std::size_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
  auto only_top = [&](const std::vector<float>& v) {
    std::vector<float> t(v.size(), std::numeric_limits<float>::quiet_NaN());  // NaN bars are not drawn
    t[top] = v[top];
    return t;
  };
  constexpr double w = 270, h = 240;
  viz::svg doc(4 * w, h);
  viz::plot before(doc, {0, 0, w, h}, {-0.6, 9.6}, {-3, 6});
  before.title("logits z (before softmax)");
  before.grid();
  before.bars(logits, viz::colors::sky);
  before.bars(only_top(logits), viz::colors::vermillion);
  before.hline(0, {.stroke = viz::colors::axis});
  before.axes("class");

  const std::array temperatures{0.01, 1.0, 5.0};
  const std::array rows{softmax_of<0.01f>(logits), softmax_of<1.0f>(logits), softmax_of<5.0f>(logits)};
  std::array<float, 3> entropy{};
  for (std::size_t k = 0; k < 3; ++k) {
    entropy[k] = nl::entropy(rows[k]);
    char title[96];
    std::snprintf(title, sizeof title, "T = %g, entropy %.3g", temperatures[k], static_cast<double>(entropy[k]));
    viz::plot p(doc, {w * static_cast<double>(k + 1), 0, w, h}, {-0.6, 9.6}, {0, 1.05});
    p.title(title);
    p.grid();
    p.bars(rows[k], viz::colors::sky);
    p.bars(only_top(rows[k]), viz::colors::vermillion);
    p.axes("class");
    std::printf("softmax T = %-4g entropy %.3g nats\n", temperatures[k], static_cast<double>(entropy[k]));
  }
  std::printf("entropy %s with T (ln 10 = %.3f is the most a 10-class row can have)\n",
              entropy[0] < entropy[1] && entropy[1] < entropy[2] ? "grows" : "does NOT grow", std::log(10.0));
  out.write(doc, "softmax.svg", "One logit vector through softmax at T = 0.01, 1 and 5: the argmax stays, the entropy grows with T.");
}

// 3. How a layer folds space. A regular grid of the input plane (x1 = const lines green, x2 = const
// lines orange, the two axes drawn thicker) and the circles, followed through h = tanh(Wx + b).
using point_map = std::function<viz::point(viz::point)>;

constexpr double grid_extent = 1.5, grid_step = 0.25;
const viz::color x1_lines = viz::colors::green, x2_lines = viz::colors::orange;

void draw_grid(viz::plot& p, const point_map& f, double opacity = 1.0) {
  const int n = static_cast<int>(std::lround(grid_extent / grid_step));
  for (int family = 0; family < 2; ++family)
    for (int k = -n; k <= n; ++k) {
      const double c = k * grid_step;
      std::vector<viz::point> line;
      for (int i = 0; i <= 60; ++i) {
        const double t = -grid_extent + 2 * grid_extent * i / 60.0;
        line.push_back(f(family == 0 ? viz::point{c, t} : viz::point{t, c}));
      }
      p.line(line,
             {.stroke = family == 0 ? x1_lines : x2_lines, .stroke_width = k == 0 ? 2.2 : 0.8, .opacity = opacity});
    }
}

void draw_data(viz::plot& p, const ds::dataset& d, const point_map& f, double radius = 2.2) {
  std::vector<float> xy(d.x.size());
  for (std::size_t i = 0; i < d.size(); ++i) {
    const viz::point q = f({d.x[2 * i], d.x[2 * i + 1]});
    xy[2 * i] = static_cast<float>(q.x);
    xy[2 * i + 1] = static_cast<float>(q.y);
  }
  p.points(xy, d.y, radius);
}

// A square range (equal scales on both axes, so that angles stay true) around every image of the
// grid under f, padded by 5%.
std::pair<viz::range, viz::range> square_range(const std::vector<point_map>& maps) {
  double lo_x = 1e300, hi_x = -1e300, lo_y = 1e300, hi_y = -1e300;
  for (const auto& f : maps)
    for (double a = -grid_extent; a <= grid_extent + 1e-9; a += grid_step)
      for (double b = -grid_extent; b <= grid_extent + 1e-9; b += grid_step) {
        const viz::point q = f({a, b});
        lo_x = std::min(lo_x, q.x), hi_x = std::max(hi_x, q.x), lo_y = std::min(lo_y, q.y), hi_y = std::max(hi_y, q.y);
      }
  const double half = 0.55 * std::max(hi_x - lo_x, hi_y - lo_y), cx = (lo_x + hi_x) / 2, cy = (lo_y + hi_y) / 2;
  return {{cx - half, cx + half}, {cy - half, cy + half}};
}

viz::point as_point(const std::array<double, 2>& v) { return {v[0], v[1]}; }
std::array<double, 2> as_array(viz::point p) { return {p.x, p.y}; }

constexpr double square_panel_width = 280, square_panel_height = 290;  // 220 × 220 axes

const std::vector<viz::legend_entry> fold_key{
    {"x\u2081 = const", {.stroke = x1_lines, .stroke_width = 2}},
    {"x\u2082 = const", {.stroke = x2_lines, .stroke_width = 2}},
    {"class 0 (outer circle)", {.fill = viz::class_color(0)}, viz::legend_entry::shape::dot},
    {"class 1 (inner circle)", {.fill = viz::class_color(1)}, viz::legend_entry::shape::dot}};

template <class Net>
void fold(picture_directory& out, const Net& m, const ds::dataset& d, float accuracy) {
  const auto& layer = m.template layer<0>();
  const point_map identity = [](viz::point p) { return p; };
  const point_map linear = [&](viz::point p) {
    const auto z = layer.affine(as_array(p));
    return viz::point{z[0] - layer.bias[0], z[1] - layer.bias[1]};
  };
  const point_map affine = [&](viz::point p) { return as_point(layer.affine(as_array(p))); };
  const point_map bent = [&](viz::point p) {
    auto z = layer.affine(as_array(p));
    layer.activate(z);
    return as_point(z);
  };
  const auto [zx, zy] = square_range({linear, affine});
  struct stage {
    const point_map* f;
    viz::range x, y;
    std::string title, x_label, y_label;
  };
  const std::array<stage, 4> stages{
      stage{&identity, {-1.6, 1.6}, {-1.6, 1.6}, "the input plane x", "x\u2081", "x\u2082"},
      stage{&linear, zx, zy, "Wx: rotate, scale, shear", "(Wx)\u2081", "(Wx)\u2082"},
      stage{&affine, zx, zy, "Wx + b: translate by b", "(Wx + b)\u2081", "(Wx + b)\u2082"},
      stage{&bent, {-1.1, 1.1}, {-1.1, 1.1}, "tanh(Wx + b): bend", "tanh(Wx + b)\u2081", "tanh(Wx + b)\u2082"}};
  viz::svg doc(4 * square_panel_width, square_panel_height + 28);
  for (std::size_t k = 0; k < stages.size(); ++k) {
    const auto& s = stages[k];
    viz::plot p(doc, {square_panel_width * static_cast<double>(k), 0, square_panel_width, square_panel_height}, s.x,
                s.y);
    p.title(s.title);
    draw_grid(p, *s.f);
    draw_data(p, d, *s.f, 1.8);
    if (s.f == &affine) {
      // The translation itself: b is where the origin goes.
      const viz::point b{layer.bias[0], layer.bias[1]};
      p.segment({0, 0}, b, {.stroke = viz::colors::black, .stroke_width = 2});
      p.points(std::vector<viz::point>{b}, viz::colors::black, 3.5);
      p.text({b.x, b.y}, "  b", {.size = 14, .bold = true, .halo = true});
    }
    p.axes(s.x_label, s.y_label);
  }
  viz::legend_row(doc, {16, square_panel_height + 12}, fold_key);
  char caption[96];
  std::snprintf(caption, sizeof caption, "first layer of the trained 2-2-2-1 (accuracy %.3f)",
                static_cast<double>(accuracy));
  doc.text({4 * square_panel_width - 12, square_panel_height + 16}, caption, {.size = 11, .align = viz::anchor::end});
  out.write(doc, "fold.svg", "The first layer of the trained 2-2-2-1, one operation at a time: Wx, + b, tanh.");
}

// The circles in the last hidden layer h2 = tanh(W2 tanh(W1 x + b1) + b2), with the input grid
// folded along, and the output layer's line w·h2 + c = 0 (sigmoid = 0.5) over its two half-planes.
template <class Net>
void hidden_panel(viz::svg& doc, viz::frame where, const Net& m, const ds::dataset& d, const std::string& title) {
  const point_map to_hidden = [&](viz::point p) {
    return as_point(m.template layer<1>()(m.template layer<0>()(as_array(p))));
  };
  const auto& last = m.template layer<2>();
  viz::plot p(doc, where, {-1.1, 1.1}, {-1.1, 1.1});
  p.title(title);
  p.cells(viz::sample(
      [&](double h1, double h2) {
        return last(std::array<double, 2>{h1, h2})[0];
      },
      {-1.1, 1.1}, {-1.1, 1.1}, 44, 44));
  draw_grid(p, to_hidden, 0.45);
  draw_data(p, d, to_hidden, 1.8);
  const double w1 = last.weight[0], w2 = last.weight[1], c = last.bias[0], norm = std::hypot(w1, w2);
  if (norm > 0) {
    const viz::point foot{-c * w1 / (norm * norm), -c * w2 / (norm * norm)}, along{-w2 / norm, w1 / norm};
    p.segment({foot.x - 10 * along.x, foot.y - 10 * along.y}, {foot.x + 10 * along.x, foot.y + 10 * along.y},
              {.stroke = viz::colors::black, .stroke_width = 2});
  }
  p.axes("last hidden layer, unit 1", "unit 2");
}

void boundary_panel(viz::svg& doc, viz::frame where, const viz::field& f, const ds::dataset& d,
                    const std::string& title) {
  viz::plot p(doc, where, f.x, f.y);
  p.title(title);
  p.cells(f);
  p.contour(f, 0.5, {.stroke = viz::colors::black, .stroke_width = 1.6});
  p.points(d.x, d.y, 2.0);
  p.axes("x\u2081", "x\u2082");
}

std::string with_accuracy(const char* what, float accuracy) {
  return std::string(what) + " \u00b7 accuracy " + fixed(accuracy, 3);
}

// A square data range around the samples, padded.
std::pair<viz::range, viz::range> data_range(const ds::dataset& d) {
  float lo_x = 1e30f, hi_x = -1e30f, lo_y = 1e30f, hi_y = -1e30f;
  for (std::size_t i = 0; i < d.size(); ++i) {
    lo_x = std::min(lo_x, d.x[2 * i]), hi_x = std::max(hi_x, d.x[2 * i]);
    lo_y = std::min(lo_y, d.x[2 * i + 1]), hi_y = std::max(hi_y, d.x[2 * i + 1]);
  }
  const double half = 0.5 * std::max(hi_x - lo_x, hi_y - lo_y) + 0.3, cx = (lo_x + hi_x) / 2.0,
               cy = (lo_y + hi_y) / 2.0;
  return {{cx - half, cx + half}, {cy - half, cy + half}};
}

const std::vector<viz::legend_entry> boundary_key{
    {"class 0", {.fill = viz::class_color(0)}, viz::legend_entry::shape::dot},
    {"class 1", {.fill = viz::class_color(1)}, viz::legend_entry::shape::dot},
    {"P(class 1) = 0.5", {.stroke = viz::colors::black, .stroke_width = 1.6}},
    {"P < 0.5", {.fill = viz::diverging(0.15)}, viz::legend_entry::shape::swatch},
    {"P > 0.5", {.fill = viz::diverging(0.85)}, viz::legend_entry::shape::swatch}};

// 5. The grid folding, in motion: the input grid and the samples carried through every step of every
// hidden layer (Wx, + b, σ), each vertex moving in a straight line from its place at one step to its
// place at the next, the zoom following. A space of three dimensions is seen from a camera that tilts
// down from overhead and turns once about the vertical; four dimensions are first projected along
// their diagonal (viz::lift). The film ends in the last hidden layer with the output layer's line.
struct fold_stage {
  std::vector<viz::vec3> grid, samples;  // every grid vertex and every drawn sample, lifted
  std::array<viz::vec3, 4> axes{};       // the unit vectors of the stage's space, lifted (0 beyond it)
  std::size_t dimensions = 2;
  std::size_t view = 0;  // stages of one view share the zoom: Wx and Wx + b, so that the shift shows
  std::string caption;
};

constexpr double film_extent = 1.5, film_step = 0.3;  // 11 lines a family
constexpr std::size_t film_vertices = 31;             // per grid line
// Half the samples (200 of 400): the data sets alternate the classes, so pairs are kept or left out.
constexpr bool film_sample(std::size_t i) { return i % 4 < 2; }

std::vector<viz::point> film_grid_inputs() {
  std::vector<viz::point> v;
  const int n = static_cast<int>(std::lround(film_extent / film_step));
  for (int family = 0; family < 2; ++family)
    for (int k = -n; k <= n; ++k)
      for (std::size_t i = 0; i < film_vertices; ++i) {
        const double c = k * film_step, t = -film_extent + 2 * film_extent * static_cast<double>(i) /
                                                               static_cast<double>(film_vertices - 1);
        v.push_back(family == 0 ? viz::point{c, t} : viz::point{t, c});
      }
  return v;
}

std::string subscript(std::size_t k) {  // ₁ … ₉
  return std::string("\xe2\x82") + static_cast<char>(0x80 + k);
}

// The input of layer K for the input point x: the layers before it applied in turn.
template <std::size_t K, class Net>
auto layer_input(const Net& m, const std::array<double, 2>& x) {
  if constexpr (K == 0)
    return x;
  else
    return m.template layer<K - 1>()(layer_input<K - 1>(m, x));
}

template <std::size_t N>
std::array<viz::vec3, 4> unit_axes() {
  std::array<viz::vec3, 4> a{};
  for (std::size_t j = 0; j < std::min<std::size_t>(N, 4); ++j) {
    std::array<double, N> e{};
    e[j] = 1;
    a[j] = viz::lift(e);
  }
  return a;
}

// The three stages of hidden layer K: Wx (layer<K>().affine minus its bias), Wx + b, σ(Wx + b).
template <std::size_t K, class Net>
void add_layer_stages(std::vector<fold_stage>& stages, const Net& m, const std::vector<viz::point>& grid,
                      const std::vector<viz::point>& samples, const char* activation) {
  using layer_type = typename Net::template layer_type<K>;
  constexpr std::size_t width = layer_type::outputs;
  const auto& layer = m.template layer<K>();
  const std::size_t view = stages.back().view + 1;
  const std::string n = subscript(K + 1), space = "\xe2\x84\x9d" + std::string(width == 2   ? "\xc2\xb2"
                                                                             : width == 3 ? "\xc2\xb3"
                                                                                          : "\xe2\x81\xb4");
  for (int step = 0; step < 3; ++step) {
    fold_stage s;
    s.dimensions = width;
    s.axes = unit_axes<width>();
    s.view = step < 2 ? view : view + 1;
    auto place = [&](viz::point p) {
      auto z = layer.affine(layer_input<K>(m, as_array(p)));
      if (step == 0)
        for (std::size_t o = 0; o < width; ++o) z[o] -= layer.bias[o];
      if (step == 2) layer.activate(z);
      return viz::lift(z);
    };
    for (viz::point p : grid) s.grid.push_back(place(p));
    for (viz::point p : samples) s.samples.push_back(place(p));
    const std::string layer_name = "layer " + std::to_string(K + 1) + " \u00b7 ";
    s.caption = step == 0   ? layer_name + "W" + n + "x: rotate, scale, shear into " + space
                : step == 1 ? layer_name + "+ b" + n + ": translate"
                            : layer_name + activation + "(W" + n + "x + b" + n + "): bend";
    if (width > 3) s.caption += " (" + space + " projected)";
    stages.push_back(std::move(s));
  }
}

struct film_view {
  viz::vec3 centre;
  double half = 1;  // scene units from the centre to the edge of the axes
};

// Each view's centre and size: a square around a flat stage's points, a sphere around a solid one's
// (the camera turns, and a sphere fits every direction).
std::vector<film_view> film_views(const std::vector<fold_stage>& stages) {
  std::vector<film_view> views(stages.back().view + 1);
  for (std::size_t v = 0; v < views.size(); ++v) {
    viz::vec3 lo{1e300, 1e300, 1e300}, hi{-1e300, -1e300, -1e300};
    bool solid = false;
    for (const auto& s : stages)
      if (s.view == v) {
        solid = solid || s.dimensions > 2;
        for (const auto& q : s.grid) {
          lo = {std::min(lo.x, q.x), std::min(lo.y, q.y), std::min(lo.z, q.z)};
          hi = {std::max(hi.x, q.x), std::max(hi.y, q.y), std::max(hi.z, q.z)};
        }
      }
    const viz::vec3 c = 0.5 * (lo + hi);
    double half = 0.55 * std::max(hi.x - lo.x, hi.y - lo.y);
    if (solid) {
      half = 0;
      for (const auto& s : stages)
        if (s.view == v)
          for (const auto& q : s.grid) half = std::max(half, viz::length(q - c));
      half *= 1.02;
    }
    views[v] = {c, std::max(half, 1e-6)};
  }
  return views;
}

// One key of the film: between stage a and stage a + 1 a share s of the way (s = 0 while it holds).
struct film_key {
  double time;
  std::size_t stage;
  double share;
};

template <class Net>
void film_of_layers(picture_directory& out, const Net& m, const ds::dataset& d, const std::string& name,
                    float accuracy, const char* file) {
  const std::vector<viz::point> grid = film_grid_inputs();
  std::vector<viz::point> samples;
  std::vector<float> labels;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (!film_sample(i)) continue;
    samples.push_back({d.x[2 * i], d.x[2 * i + 1]});
    labels.push_back(d.y[i]);
  }
  std::vector<fold_stage> stages(1);
  stages[0].grid.reserve(grid.size());
  for (viz::point p : grid) stages[0].grid.push_back({p.x, p.y, 0});
  for (viz::point p : samples) stages[0].samples.push_back({p.x, p.y, 0});
  stages[0].axes = unit_axes<2>();
  stages[0].caption = "the input plane x";
  add_layer_stages<0>(stages, m, grid, samples, "tanh");
  add_layer_stages<1>(stages, m, grid, samples, "tanh");
  const std::vector<film_view> views = film_views(stages);

  // The schedule: each stage holds, then moves into the next; solid stages hold longer and are sampled
  // every 0.4 s, so that the turning camera is smooth between keys.
  constexpr double flat_hold = 1.2, solid_hold = 2.2, move = 2.0, last_hold = 3.5, solid_step = 0.4;
  auto solid = [&](std::size_t k) { return stages[k].dimensions > 2; };
  std::vector<film_key> keys;
  double t = 0, solid_from = -1, solid_to = -1;
  auto segment = [&](std::size_t k, bool moving, double length) {
    const bool dense = solid(k) || (moving && solid(k + 1));
    if (dense && solid_from < 0) solid_from = t;
    if (dense) solid_to = t + length;
    const auto parts = dense ? static_cast<std::size_t>(std::ceil(length / solid_step)) : 1;
    for (std::size_t i = 0; i < parts; ++i)
      keys.push_back({t + length * static_cast<double>(i) / static_cast<double>(parts), k,
                      moving ? static_cast<double>(i) / static_cast<double>(parts) : 0.0});
    t += length;
  };
  std::vector<double> arrive(stages.size()), leave(stages.size());
  for (std::size_t k = 0; k < stages.size(); ++k) {
    arrive[k] = k == 0 ? 0 : t - move;
    const bool last = k + 1 == stages.size();
    segment(k, false, last ? last_hold : solid(k) ? solid_hold : flat_hold);
    leave[k] = t;
    if (!last) segment(k, true, move);
  }
  keys.push_back({t, stages.size() - 1, 0.0});
  const double duration = t;

  // Pixels: the axes are a square; scene units scale by its half-width over the view's half-size.
  constexpr double width = 600, top = 58, side = 500, left = 50;
  const viz::point middle{left + side / 2, top + side / 2};
  auto pixel_of = [&](const film_key& k) {
    const std::size_t a = k.stage, b = std::min(k.stage + 1, stages.size() - 1);
    const double s = k.share;
    const film_view& va = views[stages[a].view];
    const film_view& vb = views[stages[b].view];
    const viz::vec3 c = viz::lerp(va.centre, vb.centre, s);
    const double half = std::exp(std::log(va.half) * (1 - s) + std::log(vb.half) * s);
    const double depth = (solid(a) ? 1 - s : 0) + (solid(b) ? s : 0);
    const double turned = solid_from < 0 ? 0 : std::clamp((k.time - solid_from) / (solid_to - solid_from), 0.0, 1.0);
    const viz::camera cam{.azimuth = -360 * turned, .elevation = 90 - 62 * depth};
    return [=](viz::vec3 v) {
      const viz::point q = cam.project(v - c);
      return viz::point{middle.x + q.x * side / 2 / half, middle.y - q.y * side / 2 / half};
    };
  };
  auto at = [&](const film_key& k, auto pick) {  // pick(stage) -> the lifted point of that stage
    const std::size_t b = std::min(k.stage + 1, stages.size() - 1);
    return viz::lerp(pick(stages[k.stage]), pick(stages[b]), k.share);
  };

  auto draw = [&](bool still) {
    viz::timeline line;
    line.duration = duration;
    line.still = still;
    for (const auto& k : keys) line.keys.push_back(k.time);
    viz::svg doc(width, top + side + 44);
    doc.text({width / 2, 20}, name + " tanh, trained on the circles (accuracy " + fixed(accuracy, 3) + ")",
             {.size = 14, .align = viz::anchor::middle, .bold = true});
    for (std::size_t k = 0; k < stages.size(); ++k) {
      const double from = k == 0 ? 0 : arrive[k], to = k + 1 == stages.size() ? duration : leave[k];
      if (still && to < duration) continue;
      viz::open_shown(doc, line, from, to);
      doc.text({width / 2, 42}, "step " + std::to_string(k + 1) + " of " + std::to_string(stages.size()) + ": " +
                                    stages[k].caption,
               {.size = 12, .align = viz::anchor::middle});
      doc.close_element();
    }
    const std::string clip = doc.clip_rect(left, top, side, side);
    doc.open_group({}, clip);
    std::vector<decltype(pixel_of(keys[0]))> to_pixels;
    for (const auto& k : keys) to_pixels.push_back(pixel_of(k));
    // The stage's own coordinate axes, thin and grey.
    for (std::size_t j = 0; j < 4; ++j) {
      std::vector<std::vector<viz::point>> frames;
      for (std::size_t i = 0; i < keys.size(); ++i) {
        const viz::vec3 e = at(keys[i], [&](const fold_stage& s) { return s.axes[j]; });
        const double reach = 3 * views[stages[keys[i].stage].view].half;
        frames.push_back({to_pixels[i](-reach * e), to_pixels[i](reach * e)});
      }
      viz::animated_polyline(doc, line, frames, {.stroke = viz::colors::grid, .stroke_width = 1});
    }
    // The grid lines.
    const std::size_t lines = grid.size() / film_vertices;
    for (std::size_t l = 0; l < lines; ++l) {
      std::vector<std::vector<viz::point>> frames;
      for (std::size_t i = 0; i < keys.size(); ++i) {
        std::vector<viz::point> f;
        for (std::size_t v = l * film_vertices; v < (l + 1) * film_vertices; ++v)
          f.push_back(to_pixels[i](at(keys[i], [&](const fold_stage& s) { return s.grid[v]; })));
        frames.push_back(std::move(f));
      }
      const bool axis = l % (lines / 2) == lines / 4;
      viz::animated_polyline(doc, line, frames,
                             {.stroke = l < lines / 2 ? x1_lines : x2_lines, .stroke_width = axis ? 2.2 : 0.9});
    }
    // The samples, one group per class.
    for (float cls : {0.0f, 1.0f}) {
      doc.open_group({.fill = viz::class_color(static_cast<std::size_t>(cls)), .stroke = viz::colors::white,
                      .stroke_width = 0.5});
      for (std::size_t p = 0; p < samples.size(); ++p) {
        if (labels[p] != cls) continue;
        std::vector<viz::point> centres;
        for (std::size_t i = 0; i < keys.size(); ++i)
          centres.push_back(to_pixels[i](at(keys[i], [&](const fold_stage& s) { return s.samples[p]; })));
        viz::animated_circle(doc, line, centres, 2.4);
      }
      doc.close_group();
    }
    // The output layer's line w·h + c = 0, once the film has arrived in the last hidden layer.
    const auto& output = m.template layer<Net::depth - 1>();
    const double w1 = output.weight[0], w2 = output.weight[1], c = output.bias[0], norm = std::hypot(w1, w2);
    if (norm > 0) {
      viz::open_shown(doc, line, leave.back() - last_hold, duration);
      const viz::point foot{-c * w1 / (norm * norm), -c * w2 / (norm * norm)}, along{-w2 / norm, w1 / norm};
      const auto& px = to_pixels.back();
      doc.line(px({foot.x - 10 * along.x, foot.y - 10 * along.y, 0}), px({foot.x + 10 * along.x, foot.y + 10 * along.y, 0}),
               {.stroke = viz::colors::black, .stroke_width = 2.2});
      doc.close_element();
    }
    doc.close_group();
    doc.rect(left, top, side, side, {.fill = viz::color::none(), .stroke = viz::colors::axis});
    const std::vector<viz::legend_entry> key{
        fold_key[0],
        fold_key[1],
        {"class 0 (outer)", {.fill = viz::class_color(0)}, viz::legend_entry::shape::dot},
        {"class 1 (inner)", {.fill = viz::class_color(1)}, viz::legend_entry::shape::dot},
        {"output layer\u2019s line", {.stroke = viz::colors::black, .stroke_width = 2}}};
    viz::legend_row(doc, {10, top + side + 22}, key, 10);
    return doc;
  };
  out.write_animation(draw(false), draw(true), file,
                      name + ": the grid and the circles through every step of every layer, ending in the last "
                             "hidden layer with the output layer\u2019s line" +
                          (Net::template layer_type<0>::outputs == 3   ? " (three dimensions, turning)"
                           : Net::template layer_type<0>::outputs == 4 ? " (four dimensions, projected and turning)"
                                                                       : "") +
                          ".");
}

// 4. Decision boundaries: the lecture's models on the circles, and the same shape without
// activations, which can only draw a line. Then the hidden layers of the same three models.
void circles(picture_directory& out) {
  const ds::dataset d = ds::circles(samples, 1);
  lecture_net<2> m2;
  lecture_net<3> m3;
  lecture_net<4> m4;
  lecture_net<4, nl::identity> linear;
  const float a2 = train(m2, d), a3 = train(m3, d), a4 = train(m4, d), al = train(linear, d);
  std::printf("circles: 2-2-2-1 %.3f, 2-3-2-1 %.3f, 2-4-2-1 %.3f, 2-4-2-1 without activations %.3f\n",
              static_cast<double>(a2), static_cast<double>(a3), static_cast<double>(a4), static_cast<double>(al));

  const viz::range r{-1.5, 1.5};
  viz::svg doc(4 * square_panel_width, square_panel_height + 28);
  auto panel = [&](std::size_t k) {
    return viz::frame{square_panel_width * static_cast<double>(k), 0, square_panel_width, square_panel_height};
  };
  boundary_panel(doc, panel(0), viz::sample_network(m2, r, r, 60, 60), d, with_accuracy("2-2-2-1 tanh", a2));
  boundary_panel(doc, panel(1), viz::sample_network(m3, r, r, 60, 60), d, with_accuracy("2-3-2-1 tanh", a3));
  boundary_panel(doc, panel(2), viz::sample_network(m4, r, r, 60, 60), d, with_accuracy("2-4-2-1 tanh", a4));
  boundary_panel(doc, panel(3), viz::sample_network(linear, r, r, 60, 60), d, with_accuracy("2-4-2-1 identity", al));
  viz::legend_row(doc, {16, square_panel_height + 12}, boundary_key);
  out.write(doc, "boundaries.svg", "Decision boundaries of the lecture\u2019s three models on the circles, and of 2-4-2-1 without activations.");

  fold(out, m2, d, a2);

  viz::svg hidden(3 * square_panel_width, square_panel_height + 28);
  hidden_panel(hidden, panel(0), m2, d, with_accuracy("2-2-2-1", a2));
  hidden_panel(hidden, panel(1), m3, d, with_accuracy("2-3-2-1", a3));
  hidden_panel(hidden, panel(2), m4, d, with_accuracy("2-4-2-1", a4));
  const std::vector<viz::legend_entry> key{fold_key[0],
                                           fold_key[1],
                                           fold_key[2],
                                           fold_key[3],
                                           {"output layer's line", {.stroke = viz::colors::black, .stroke_width = 2}}};
  viz::legend_row(hidden, {16, square_panel_height + 12}, key);
  film_of_layers(out, m2, d, "2-2-2-1", a2, "layers_2-2-2-1.svg");
  film_of_layers(out, m3, d, "2-3-2-1", a3, "layers_2-3-2-1.svg");
  film_of_layers(out, m4, d, "2-4-2-1", a4, "layers_2-4-2-1.svg");
  out.write(hidden, "hidden.svg", "The circles in the last hidden layer of each model, with the output layer\u2019s line.");
}

// The other data sets: two units in the first layer against four.
void more_boundaries(picture_directory& out) {
  const std::array<std::pair<const char*, ds::dataset>, 3> sets{std::pair{"xor", ds::xor_clusters(samples, 2)},
                                                                std::pair{"moons", ds::moons(samples, 3)},
                                                                std::pair{"spirals", ds::spirals(samples, 4)}};
  viz::svg doc(3 * square_panel_width, 2 * square_panel_height + 28);
  for (std::size_t k = 0; k < sets.size(); ++k) {
    const auto& [name, d] = sets[k];
    const auto [rx, ry] = data_range(d);
    lecture_net<2> narrow;
    lecture_net<4> wide;
    const float an = train(narrow, d), aw = train(wide, d);
    std::printf("%s: 2-2-2-1 %.3f, 2-4-2-1 %.3f\n", name, static_cast<double>(an), static_cast<double>(aw));
    const double x = square_panel_width * static_cast<double>(k);
    boundary_panel(doc, {x, 0, square_panel_width, square_panel_height}, viz::sample_network(narrow, rx, ry, 60, 60), d,
                   with_accuracy((std::string(name) + ", 2-2-2-1").c_str(), an));
    boundary_panel(doc, {x, square_panel_height, square_panel_width, square_panel_height},
                   viz::sample_network(wide, rx, ry, 60, 60), d,
                   with_accuracy((std::string(name) + ", 2-4-2-1").c_str(), aw));
  }
  viz::legend_row(doc, {16, 2 * square_panel_height + 12}, boundary_key);
  out.write(doc, "boundaries_more.svg", "2-2-2-1 against 2-4-2-1 on XOR, the moons and the spirals.");
}

// 6. Training in motion: the decision boundary over the input plane as fit trains, one frame at the
// epochs below (every epoch at first, where most changes, then further apart), recorded by fit's
// on_epoch callback; beside it accuracy, or the count of dead units, over the epochs.
bool film_epoch(std::size_t e) {
  return e <= 6 || (e <= 20 && e % 2 == 0) || (e <= 120 && e % 10 == 0) || e % 40 == 0;
}

struct training_frame {
  std::size_t epoch;
  viz::field f;
  float accuracy;
};

struct training_record {
  std::string name;
  std::vector<training_frame> frames;
  std::vector<viz::point> loss, accuracy, dead;  // (epoch, value); loss from epoch 1, as fit reports it
  std::size_t dead_at_end = 0;
};

constexpr std::size_t film_cells = 24;  // per side of a frame's field: coarse, as there are many frames

template <class Net>
training_record record_training(Net& m, const ds::dataset& d, const std::string& name, std::size_t epochs,
                                const nl::sgd& optimiser, bool count_dead) {
  const viz::range r{-1.5, 1.5};
  training_record rec{name, {}, {}, {}, {}, 0};
  auto look = [&](std::size_t epoch) {
    const float a = ds::accuracy(m, d);
    rec.accuracy.push_back({static_cast<double>(epoch), a});
    if (count_dead) {
      rec.dead_at_end = nl::inspect_units(m, d.x).hidden_dead();
      rec.dead.push_back({static_cast<double>(epoch), static_cast<double>(rec.dead_at_end)});
    }
    if (film_epoch(epoch) || epoch == epochs)
      rec.frames.push_back({epoch, viz::sample_network(m, r, r, film_cells, film_cells), a});
  };
  look(0);
  nl::fit(m, d.x, d.y, nl::mse{}, optimiser,
          {.epochs = epochs, .batch_size = 32, .seed = seed, .on_epoch = [&](const nl::epoch_report& e) {
             rec.loss.push_back({static_cast<double>(e.epoch), e.loss});
             look(e.epoch);
             return true;
           }});
  return rec;
}

// The frames' times: a third of a second each, the last held for three seconds.
constexpr double frame_seconds = 0.33, final_frame_seconds = 3;

viz::timeline film_timeline(std::size_t frames, bool still) {
  viz::timeline t{{0}, frame_seconds * static_cast<double>(frames - 1) + final_frame_seconds, still};
  return t;
}

const std::array<viz::color, 3> run_colors{viz::colors::blue, viz::colors::vermillion, viz::colors::green};

// Up to `epoch`, the points of a curve.
std::vector<viz::point> until(const std::vector<viz::point>& curve, std::size_t epoch) {
  std::vector<viz::point> part;
  for (viz::point p : curve)
    if (p.x <= static_cast<double>(epoch)) part.push_back(p);
  return part;
}

// One film: a boundary panel per run, then a panel of `series` (accuracy or dead units) over the epochs,
// each curve drawn up to the frame's epoch. All runs share the frame epochs (the same schedule).
viz::svg training_film(const std::vector<training_record>& runs, const ds::dataset& d, bool dead_units,
                       std::size_t epochs, bool still) {
  const std::size_t frames = runs.front().frames.size();
  const viz::timeline t = film_timeline(frames, still);
  const double panels = static_cast<double>(runs.size() + 1);
  viz::svg doc(panels * square_panel_width, square_panel_height + 28);
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const viz::frame where{square_panel_width * static_cast<double>(k), 0, square_panel_width, square_panel_height};
    viz::plot p(doc, where, {-1.5, 1.5}, {-1.5, 1.5});
    for (std::size_t i = 0; i < frames; ++i) {
      const bool last = i + 1 == frames;
      if (still && !last) continue;
      const auto& f = runs[k].frames[i];
      viz::open_shown(doc, t, frame_seconds * static_cast<double>(i),
                      last ? t.duration : frame_seconds * static_cast<double>(i + 1));
      p.cells(f.f);
      p.contour(f.f, 0.5, {.stroke = viz::colors::black, .stroke_width = 1.6});
      p.title(runs[k].name + " \u00b7 epoch " + std::to_string(f.epoch) + " \u00b7 " + fixed(f.accuracy, 3), 12);
      doc.close_element();
    }
    p.points(d.x, d.y, 1.8);
    p.axes("x\u2081", "x\u2082");
  }
  // The curves: faint in full (where they go), strong up to the frame's epoch.
  const viz::frame where{square_panel_width * static_cast<double>(runs.size()), 0, square_panel_width,
                         square_panel_height};
  double top = 1.05;
  if (dead_units) {
    top = 0;
    for (const auto& r : runs)
      for (viz::point q : r.dead) top = std::max(top, q.y);
    top = std::ceil(top * 1.1 + 1);
  }
  viz::plot p(doc, where, {0, static_cast<double>(epochs)}, {0, top}, {.top = 30, .right = 12, .bottom = 40, .left = 40});
  p.grid();
  auto series = [&](const training_record& r) -> const std::vector<viz::point>& {
    return dead_units ? r.dead : r.accuracy;
  };
  for (std::size_t k = 0; k < runs.size(); ++k)
    p.line(series(runs[k]), {.stroke = run_colors[k], .stroke_width = 1.2, .opacity = 0.3});
  for (std::size_t i = 0; i < frames; ++i) {
    const bool last = i + 1 == frames;
    if (still && !last) continue;
    viz::open_shown(doc, t, frame_seconds * static_cast<double>(i),
                    last ? t.duration : frame_seconds * static_cast<double>(i + 1));
    const std::size_t epoch = runs.front().frames[i].epoch;
    for (std::size_t k = 0; k < runs.size(); ++k) {
      const auto part = until(series(runs[k]), epoch);
      p.line(part, {.stroke = run_colors[k], .stroke_width = 2});
      if (!part.empty()) p.points(std::vector<viz::point>{part.back()}, run_colors[k], 3.2);
    }
    p.vline(static_cast<double>(epoch), {.stroke = viz::colors::axis, .stroke_width = 0.6, .dash = "3 3"});
    doc.close_element();
  }
  p.title(dead_units ? "dead hidden units (of 32)" : "accuracy", 12);
  p.axes("epoch");
  std::vector<viz::legend_entry> names;
  for (std::size_t k = 0; k < runs.size(); ++k) names.push_back({runs[k].name, {.stroke = run_colors[k], .stroke_width = 2}});
  p.legend(names, !dead_units);
  viz::legend_row(doc, {16, square_panel_height + 12}, boundary_key);
  return doc;
}

// Loss and accuracy over the epochs, static.
void curves_row(viz::svg& doc, double y, const std::vector<training_record>& runs, std::size_t epochs,
                const std::string& what) {
  viz::plot loss(doc, {0, y, 2 * square_panel_width, square_panel_height}, {0, static_cast<double>(epochs)}, {0, 0.3});
  viz::plot accuracy(doc, {2 * square_panel_width, y, 2 * square_panel_width, square_panel_height},
                     {0, static_cast<double>(epochs)}, {0.4, 1.02});
  loss.title(what + ": loss (MSE, mean over each epoch\u2019s batches)", 12);
  accuracy.title(what + ": accuracy on the training set", 12);
  loss.grid();
  accuracy.grid();
  std::vector<viz::legend_entry> names;
  for (std::size_t k = 0; k < runs.size(); ++k) {
    loss.line(runs[k].loss, {.stroke = run_colors[k], .stroke_width = 1.8});
    accuracy.line(runs[k].accuracy, {.stroke = run_colors[k], .stroke_width = 1.8});
    names.push_back({runs[k].name, {.stroke = run_colors[k], .stroke_width = 2}});
  }
  loss.axes("epoch");
  accuracy.axes("epoch");
  loss.legend(names);
  accuracy.legend(names);
}

template <class A>
training_record dead_unit_run(const ds::dataset& d, const std::string& name) {
  wide_net<A> m;
  nl::init::he_uniform(m, seed);
  nl::init::set_hidden_biases(m, -1.5f);
  return record_training(m, d, name, dead_unit_epochs, nl::sgd{.learning_rate = learning_rate}, true);
}

void training(picture_directory& out) {
  const ds::dataset d = ds::circles(samples, 1);
  lecture_net<4> with_tanh;
  lecture_net<4, nl::identity> without;
  nl::init::glorot_uniform(with_tanh, seed);
  nl::init::glorot_uniform(without, seed);
  const std::vector<training_record> lecture{
      record_training(with_tanh, d, "2-4-2-1 tanh", epochs, nl::sgd{.learning_rate = learning_rate}, false),
      record_training(without, d, "2-4-2-1 identity", epochs, nl::sgd{.learning_rate = learning_rate}, false)};
  out.write_animation(training_film(lecture, d, false, epochs, false), training_film(lecture, d, false, epochs, true),
                      "training_tanh_identity.svg",
                      "Training in motion: the boundary of 2-4-2-1 with tanh bends around the inner circle, "
                      "without activations it stays a line.");

  const std::vector<training_record> dead{dead_unit_run<nl::relu>(d, "relu"),
                                          dead_unit_run<nl::leaky_relu<0.1f>>(d, "leaky_relu 0.1"),
                                          dead_unit_run<nl::elu<1.0f>>(d, "elu 1")};
  for (const auto& r : dead)
    std::printf("dead units, %s: %zu after %zu epochs, accuracy %.3f\n", r.name.c_str(), r.dead_at_end,
                dead_unit_epochs, r.accuracy.back().y);
  out.write_animation(training_film(dead, d, true, dead_unit_epochs, false),
                      training_film(dead, d, true, dead_unit_epochs, true), "training_dead_units.svg",
                      "Dead units: 2-16-16-1 with every hidden bias at \u22121.5; ReLU stays stuck, Leaky ReLU and "
                      "ELU revive units and learn.");

  viz::svg curves(4 * square_panel_width, 2 * square_panel_height + 8);
  curves_row(curves, 0, lecture, epochs, "2-4-2-1, tanh against identity");
  curves_row(curves, square_panel_height + 8, dead, dead_unit_epochs, "2-16-16-1, dead-unit start");
  out.write(curves, "training_curves.svg",
            "Loss and accuracy over the epochs for both comparisons: tanh against identity, ReLU against Leaky "
            "ReLU and ELU.");
}

// The gallery: every picture with its caption, animations first, each with a link to its still. Plain
// HTML with relative links, so that the folder can be opened from disk or served as it is.
std::string html_escape(const std::string& s) {
  std::string e;
  for (char c : s) e += c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '"' ? "&quot;" : std::string(1, c);
  return e;
}

void gallery(picture_directory& out) {
  std::string page =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>nonlin: the lecture in pictures</title>\n<style>\n"
      "body { font-family: DejaVu Sans, Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1180px; "
      "color: #222; padding: 0 1em; }\n"
      "figure { margin: 0 0 2.5em 0; }\nimg { max-width: 100%; height: auto; border: 1px solid #ddd; }\n"
      "figcaption { margin-top: 0.4em; }\n</style>\n</head>\n<body>\n"
      "<h1>nonlin: the lecture in pictures</h1>\n"
      "<p>Every picture is computed by nonlin (activations, training with <code>nl::fit</code>, the SVG writer "
      "<code>nl::viz</code>) and written by <code>examples/pictures</code>. The animations play in the browser "
      "without scripts; each has a still of its last frame for print. See <code>docs/pictures.md</code>.</p>\n";
  auto figure = [&](const picture_directory::entry& e) {
    page += "<figure>\n<img src=\"" + html_escape(e.name) + "\" alt=\"" + html_escape(e.caption) + "\">\n<figcaption>" +
            html_escape(e.caption);
    if (!e.still.empty()) page += " (<a href=\"" + html_escape(e.still) + "\">still</a>)";
    page += "</figcaption>\n</figure>\n";
  };
  page += "<h2>In motion</h2>\n";
  for (const auto& e : out.entries())
    if (!e.still.empty()) figure(e);
  page += "<h2>Still pictures</h2>\n";
  for (const auto& e : out.entries())
    if (e.still.empty()) figure(e);
  page += "</body>\n</html>\n";
  out.write_text(page, "index.html");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    picture_directory out(argc > 1 ? argv[1] : "pictures");
    activations(out);
    softmax(out);
    circles(out);
    more_boundaries(out);
    training(out);
    gallery(out);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pictures: %s\n", e.what());
    return 1;
  }
}
