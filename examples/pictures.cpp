// The lecture's pictures, drawn by nonlin from its own numbers: activation curves and their
// derivatives, softmax at three temperatures with their entropies, how one tanh layer folds the
// plane (Wx rotates, scales and shears, +b translates, tanh bends), the circles in the last hidden
// layer where a line separates them, and decision boundaries of the lecture's models. Every curve is
// computed by the library, every network trained by nl::fit with a fixed seed.
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
#include <functional>
#include <limits>
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
#include <nonlin/train/fit.hpp>
#include <nonlin/train/init.hpp>
#include <nonlin/train/loss.hpp>
#include <nonlin/train/sgd.hpp>
#include <nonlin/viz/field.hpp>
#include <nonlin/viz/legend.hpp>
#include <nonlin/viz/plot.hpp>
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

class picture_directory {
 public:
  explicit picture_directory(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
  }
  void write(const viz::svg& doc, const std::string& name) {
    const auto path = dir_ / name;
    doc.write(path);
    std::printf("wrote %s (%.0f KB)\n", path.string().c_str(),
                static_cast<double>(std::filesystem::file_size(path)) / 1024.0);
  }

 private:
  std::filesystem::path dir_;
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
  out.write(doc, "activations.svg");
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
  out.write(doc, "softmax.svg");
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
  out.write(doc, "fold.svg");
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
  out.write(doc, "boundaries.svg");

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
  out.write(hidden, "hidden.svg");
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
  out.write(doc, "boundaries_more.svg");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    picture_directory out(argc > 1 ? argv[1] : "pictures");
    activations(out);
    softmax(out);
    circles(out);
    more_boundaries(out);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pictures: %s\n", e.what());
    return 1;
  }
}
