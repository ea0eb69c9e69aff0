// The tour of nonlin: a network declared as a type, weights from PyTorch, one sample and a batch,
// what the compiler proves about it, and a few seconds of training. Each step prints what it shows.
// Usage: tour [directory with the golden networks]   (default: the source tree's tests/golden/networks)
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

#include <nonlin/nonlin.hpp>

namespace nl = nonlin;

// The lecture's network: two tanh layers of two units, then one sigmoid unit.
using lecture_net = nl::network<nl::input<2>,
                                nl::dense<2, nl::tanh>,
                                nl::dense<2, nl::tanh>,
                                nl::dense<1, nl::sigmoid>>;

// Three linear layers: the compiler proves they are one affine map.
using linear_net = nl::network<nl::input<3>, nl::dense<4>, nl::dense<4>, nl::dense<2>>;
static_assert(nl::is_affine_v<linear_net>);
static_assert(std::is_same_v<nl::collapse_t<linear_net>, nl::network<nl::input<3>, nl::dense<2>>>);
static_assert(!nl::is_affine_v<lecture_net>, "one tanh is enough to break affinity");

static void heading(const char* title) { std::printf("\n== %s ==\n", title); }

static int tour(const std::filesystem::path& golden) {

  heading("1. Activation functions are types");
  for (float x : {-2.0f, 0.0f, 2.0f})
    std::printf("x = %+.1f   sigmoid %.6f   tanh %+.6f   relu %.1f   leaky_relu<0.1> %+.2f   elu %+.6f\n", x,
                nl::sigmoid::value(x), nl::tanh::value(x), nl::relu::value(x), nl::leaky_relu<0.1f>::value(x),
                nl::elu<>::value(x));
  std::printf("tanh'(0) = %g, sigmoid'(0) = %g, relu'(0) = %g (PyTorch's convention)\n",
              nl::tanh::derivative(0.0f), nl::sigmoid::derivative(0.0f), nl::relu::derivative(0.0f));

  heading("2. A network is a type");
  std::printf("%s", nl::describe<lecture_net>().c_str());

  heading("3. Weights from PyTorch (safetensors)");
  const auto weights = golden / "lecture_2_2_2_1.safetensors";
  const auto data = golden / "lecture_2_2_2_1.data.safetensors";
  const lecture_net m = nl::load_safetensors<lecture_net>(weights);
  std::printf("loaded %s\n", weights.filename().c_str());
  std::printf("layer 0: W1 = [[%+.4f %+.4f] [%+.4f %+.4f]], b1 = [%+.4f %+.4f]\n", m.layer<0>().weight[0],
              m.layer<0>().weight[1], m.layer<0>().weight[2], m.layer<0>().weight[3], m.layer<0>().bias[0],
              m.layer<0>().bias[1]);

  const nl::tensor inputs = nl::read_tensor(data, "inputs");
  const nl::tensor torch_outputs = nl::read_tensor(data, "outputs");
  const std::array<float, 2> x0{inputs.values[0], inputs.values[1]};
  const float y0 = m(x0)[0];
  std::printf("one sample: m(%+.5f, %+.5f) = %.7f; PyTorch says %.7f (relative difference %.1e)\n", x0[0], x0[1], y0,
              torch_outputs.values[0], std::fabs(y0 - torch_outputs.values[0]) / torch_outputs.values[0]);

  const std::size_t rows = inputs.shape[0];
  std::vector<float> batch(rows);
  m.forward(inputs.values, batch);
  float worst = 0;
  for (std::size_t r = 0; r < rows; ++r)
    worst = std::max(worst, std::fabs(batch[r] - torch_outputs.values[r]) / std::fabs(torch_outputs.values[r]));
  std::printf("a batch of %zu samples: largest relative difference from PyTorch %.1e\n", rows, worst);

  heading("4. The fused batch forward");
  std::vector<float> big_in(2 * 1'000'000), big_out(1'000'000);
  for (std::size_t i = 0; i < big_in.size(); ++i) big_in[i] = std::sin(0.001f * static_cast<float>(i));
  const auto start = std::chrono::steady_clock::now();
  m.forward(big_in, big_out, nl::execution::sequential);
  const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
  std::printf("1,000,000 samples on one core in %.2f ms: %.2f ns per sample (see docs/benchmarks.md)\n",
              took.count() / 1e6, took.count() / 1e6);

  heading("5. What the compiler proves");
  std::printf("is_affine_v<linear_net> = true: three linear layers are one affine map W'x + b'\n");
  std::printf("collapse_t<linear_net> = network<input<3>, dense<2>>\n");
  linear_net lin;
  for (std::size_t i = 0; i < lin.layer<0>().weight.size(); ++i) lin.layer<0>().weight[i] = 0.25f * float(i % 5) - 0.5f;
  for (std::size_t i = 0; i < lin.layer<1>().weight.size(); ++i) lin.layer<1>().weight[i] = 0.5f * float(i % 3) - 0.5f;
  for (std::size_t i = 0; i < lin.layer<2>().weight.size(); ++i) lin.layer<2>().weight[i] = 0.125f * float(i);
  lin.layer<1>().bias = {1, -1, 0.5f, 0};
  const auto merged = nl::collapse(lin);
  const std::array<float, 3> x{1.0f, -2.0f, 0.5f};
  std::printf("three layers: (%g, %g); the merged map: (%g, %g)\n", lin(x)[0], lin(x)[1], merged(x)[0], merged(x)[1]);

  heading("6. Training: the lecture's 2-4-2-1 tanh network on two circles");
  using wide_net = nl::network<nl::input<2>, nl::dense<4, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;
  const auto circles = nl::datasets::circles(400, 7);
  wide_net w;
  nl::init::glorot_uniform(w, 7);
  std::printf("accuracy before training: %.3f\n", nl::datasets::accuracy(w, circles));
  nl::fit(w, circles.x, circles.y, nl::mse{}, nl::sgd{.learning_rate = 0.5f},
          nl::fit_options{.epochs = 300, .batch_size = 32, .seed = 7});
  std::printf("accuracy after 300 epochs of SGD (MSE, learning rate 0.5): %.3f\n", nl::datasets::accuracy(w, circles));
  std::printf("\nMore: examples/activations, examples/collapse, examples/experiments, examples/pictures;\n"
              "docs/ for the details.\n");
  return 0;
}

int main(int argc, char** argv) {
  const std::filesystem::path golden = argc > 1 ? argv[1] : NONLIN_SOURCE_DIR "/tests/golden/networks";
  try {
    return tour(golden);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tour: %s\n", e.what());
    return 1;
  }
}
