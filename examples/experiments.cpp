// The lecture's experiments, measured: its Keras models (Dense(k, tanh), Dense(2, tanh),
// Dense(1, sigmoid), MSE, plain SGD) on four 2-D data sets, a network without activations on the
// circles, and the trade-offs of the activation catalogue: saturation, zig-zag, dead ReLUs and
// convergence speed. Every run is seeded; the tables are the numbers docs/training.md quotes.
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include <nonlin/activation/elu.hpp>
#include <nonlin/activation/leaky_relu.hpp>
#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/network.hpp>
#include <nonlin/train/datasets.hpp>
#include <nonlin/train/diagnostics.hpp>
#include <nonlin/train/fit.hpp>
#include <nonlin/train/gradient.hpp>
#include <nonlin/train/init.hpp>
#include <nonlin/train/loss.hpp>
#include <nonlin/train/sgd.hpp>

namespace nl = nonlin;
namespace ds = nonlin::datasets;

namespace {

constexpr std::size_t samples = 400;
constexpr std::uint32_t seed = 7;

// The lecture's models: 2 → k → 2 → 1 with tanh in the hidden layers and a sigmoid output.
template <std::size_t K, class A = nl::tanh>
using lecture_net = nl::network<nl::input<2>, nl::dense<K, A>, nl::dense<2, A>, nl::dense<1, nl::sigmoid>>;

// A wider network for the trade-offs, the activation under test in both hidden layers.
template <class A>
using wide_net = nl::network<nl::input<2>, nl::dense<16, A>, nl::dense<16, A>, nl::dense<1, nl::sigmoid>>;

struct outcome {
  float final_accuracy = 0, best_accuracy = 0;
  std::size_t epochs_to_95 = 0;  // 0: never
};

// Keras' defaults where the lecture is silent: Glorot-uniform weights, zero bias, batches of 32.
template <class Net>
outcome train(Net& m, const ds::dataset& d, float learning_rate, std::size_t epochs, std::size_t batch = 32) {
  outcome r;
  nl::fit(m, d.x, d.y, nl::mse{}, nl::sgd{.learning_rate = learning_rate},
          {.epochs = epochs, .batch_size = batch, .seed = seed, .on_epoch = [&](const nl::epoch_report& e) {
             const float a = ds::accuracy(m, d);
             r.best_accuracy = std::max(r.best_accuracy, a);
             if (r.epochs_to_95 == 0 && a >= 0.95f) r.epochs_to_95 = e.epoch;
             return true;
           }});
  r.final_accuracy = ds::accuracy(m, d);
  return r;
}

std::string epochs_text(std::size_t e) { return e ? std::to_string(e) : std::string("never"); }

template <std::size_t K>
void lecture_row(const char* data_name, const ds::dataset& d, float lr, std::size_t epochs) {
  lecture_net<K> m;
  nl::init::glorot_uniform(m, seed);
  const outcome r = train(m, d, lr, epochs);
  std::printf("| %-8s | 2-%zu-2-1 | %5.3f | %5zu | %5.3f | %5.3f | %6s |\n", data_name, K, lr, epochs,
              r.final_accuracy, r.best_accuracy, epochs_text(r.epochs_to_95).c_str());
}

void lecture_models(const std::vector<std::pair<const char*, ds::dataset>>& sets) {
  std::printf("\n## The lecture's models (tanh, tanh, sigmoid; MSE; SGD, batch 32; %zu samples)\n\n", samples);
  std::printf("| data     | model   |  lr   | epochs | final | best  | to 95%% |\n");
  std::printf("|----------|---------|-------|--------|-------|-------|--------|\n");
  for (const auto& [name, d] : sets)
    for (float lr : {0.001f, 0.005f, 0.5f}) {
      const std::size_t epochs = lr < 0.01f ? 2000 : 500;
      lecture_row<2>(name, d, lr, epochs);
      lecture_row<3>(name, d, lr, epochs);
      lecture_row<4>(name, d, lr, epochs);
    }
}

void linear_on_circles(const ds::dataset& circles) {
  std::printf("\n## Without activations (2-4-2-1, identity everywhere but the sigmoid output) on the circles\n\n");
  std::printf("| lr    | epochs | final | best  |\n|-------|--------|-------|-------|\n");
  for (float lr : {0.005f, 0.5f}) {
    lecture_net<4, nl::identity> m;
    nl::init::glorot_uniform(m, seed);
    const outcome r = train(m, circles, lr, 500);
    std::printf("| %5.3f | %6d | %5.3f | %5.3f |\n", lr, 500, r.final_accuracy, r.best_accuracy);
  }
  std::printf("\n(A line can at best cut one cap of the outer circle off: about 0.5 + acos(0.5)/(2π) ≈ 0.67.)\n");
}

// Saturation: weights drawn 10x larger than Glorot's, then trained; sigmoid and tanh units sit on
// their flat tails, ReLU's active side never flattens.
template <class A>
void saturation_row(const char* name, const ds::dataset& d) {
  wide_net<A> m;
  nl::init::glorot_uniform(m, seed);
  nl::init::scale_weights(m, 10.0f);
  const auto at_start = nl::inspect_units(m, d.x);
  wide_net<A> g;
  nl::gradient_workspace<wide_net<A>> ws;
  nl::loss_and_gradient(m, d.x, d.y, nl::mse{}, g, ws);
  const float first_layer_norm = nl::gradient_norms(g)[0];
  const outcome r = train(m, d, 0.5f, 100);
  const auto at_end = nl::inspect_units(m, d.x);
  std::printf("| %-10s | %5.3f | %5.3f | %9.2e | %5.3f | %5.3f |\n", name, at_start.hidden_saturated_share(),
              at_start.hidden_saturated_active_share(), first_layer_norm, at_end.hidden_saturated_share(),
              r.final_accuracy);
}

void saturation(const ds::dataset& d) {
  std::printf("\n## Saturation: 2-16-16-1, Glorot weights x10, |f'(z)| < 1e-3 over hidden units x samples\n\n");
  std::printf("| activation | saturated at init | of which z>0 (share of z>0) | first-layer |grad| at init | "
              "saturated after 100 epochs | accuracy after 100 epochs (lr 0.5) |\n");
  std::printf("|---|---|---|---|---|---|\n");
  saturation_row<nl::sigmoid>("sigmoid", d);
  saturation_row<nl::tanh>("tanh", d);
  saturation_row<nl::relu>("relu", d);
}

// Zig-zag: the second hidden layer's inputs are the first layer's outputs. With sigmoid they are all
// positive, so one sample's gradient for a unit's weights has a single sign; with tanh it does not.
template <class A>
void zigzag_row(const char* name, const ds::dataset& d, std::size_t batch) {
  using net = wide_net<A>;
  net m, g;
  nl::init::glorot_uniform(m, seed);
  nl::gradient_workspace<net> ws;
  const nl::sgd opt{.learning_rate = 0.1f};
  double share = 0.0;
  std::size_t steps = 0;
  for (std::size_t epoch = 0; epoch < 5; ++epoch)
    for (std::size_t first = 0; first + batch <= d.size(); first += batch) {
      nl::loss_and_gradient(m, std::span(d.x).subspan(2 * first, 2 * batch), std::span(d.y).subspan(first, batch),
                            nl::mse{}, g, ws);
      share += nl::same_sign_share<1>(g);
      ++steps;
      opt.step(m, g);
    }
  std::printf("| %-8s | %5zu | %6.3f |\n", name, batch, share / static_cast<double>(steps));
}

void zigzag(const ds::dataset& d) {
  std::printf("\n## Zig-zag: share of steps x units of layer 2 whose 16 weight gradients share one sign\n\n");
  std::printf("| hidden   | batch | same-sign share |\n|----------|-------|--------|\n");
  for (std::size_t batch : {1, 32}) {
    zigzag_row<nl::sigmoid>("sigmoid", d, batch);
    zigzag_row<nl::tanh>("tanh", d, batch);
  }
  std::printf("\n(16 independent random signs would agree with probability 2^-15 ≈ 3e-5.)\n");
}

// Dead ReLU: every hidden bias starts at −3, which switches most ReLU units off for every sample.
template <class A>
void dead_row(const char* name, const ds::dataset& d) {
  wide_net<A> m;
  nl::init::he_uniform(m, seed);
  nl::init::set_hidden_biases(m, -1.5f);
  const auto before = nl::inspect_units(m, d.x);
  const outcome r = train(m, d, 0.5f, 300);
  const auto after = nl::inspect_units(m, d.x);
  wide_net<A> g;
  nl::gradient_workspace<wide_net<A>> ws;
  nl::loss_and_gradient(m, d.x, d.y, nl::mse{}, g, ws);
  const auto frozen = nl::zero_gradient_units(g);
  std::printf("| %-14s | %2zu + %2zu | %2zu + %2zu | %2zu + %2zu | %5.3f |\n", name, before.dead[0], before.dead[1],
              after.dead[0], after.dead[1], frozen[0], frozen[1], r.final_accuracy);
}

void dead_units(const ds::dataset& d) {
  std::printf("\n## Dead units: 2-16-16-1, He weights, hidden biases −1.5, lr 0.5, 300 epochs\n\n");
  std::printf("Layer 1 + layer 2 (16 units each). z ≤ 0 on every sample: the unit's pre-activation never turns\n"
              "positive; zero gradient: its whole full-batch gradient is exactly 0.\n\n");
  std::printf("| hidden         | z ≤ 0 at init | z ≤ 0 after | zero gradient after | accuracy |\n|---|---|---|---|---|\n");
  dead_row<nl::relu>("relu", d);
  dead_row<nl::leaky_relu<0.1f>>("leaky_relu 0.1", d);
  dead_row<nl::elu<1.0f>>("elu 1", d);
}

template <class A>
void convergence_row(const char* name, const std::vector<std::pair<const char*, ds::dataset>>& sets, float lr) {
  std::printf("| %-14s |", name);
  for (const auto& [data_name, d] : sets) {
    (void)data_name;
    wide_net<A> m;
    nl::init::glorot_uniform(m, seed);
    const outcome r = train(m, d, lr, 1000);
    std::printf(" %6s (%5.3f) |", epochs_text(r.epochs_to_95).c_str(), r.final_accuracy);
  }
  std::printf("\n");
}

void convergence(const std::vector<std::pair<const char*, ds::dataset>>& sets) {
  for (float lr : {0.1f, 0.5f}) {
    std::printf("\n## Convergence: epochs to 95%% accuracy (final accuracy after 1000), 2-16-16-1, lr %.1f\n\n", lr);
    std::printf("| hidden         |");
    for (const auto& [name, d] : sets) std::printf(" %-14s |", name);
    std::printf("\n|---|");
    for (std::size_t i = 0; i < sets.size(); ++i) std::printf("---|");
    std::printf("\n");
    convergence_row<nl::sigmoid>("sigmoid", sets, lr);
    convergence_row<nl::tanh>("tanh", sets, lr);
    convergence_row<nl::relu>("relu", sets, lr);
    convergence_row<nl::leaky_relu<0.1f>>("leaky_relu 0.1", sets, lr);
    convergence_row<nl::elu<1.0f>>("elu 1", sets, lr);
  }
}

}  // namespace

int main() {
  const std::vector<std::pair<const char*, ds::dataset>> sets = {
      {"circles", ds::circles(samples, 1)},
      {"xor", ds::xor_clusters(samples, 2)},
      {"moons", ds::moons(samples, 3)},
      {"spirals", ds::spirals(samples, 4)},
  };
  std::printf("# nonlin: the lecture's experiments (seed %u, %zu samples per data set)\n", seed, samples);
  lecture_models(sets);
  linear_on_circles(sets[0].second);
  saturation(sets[0].second);
  zigzag(sets[0].second);
  dead_units(sets[0].second);
  convergence(sets);
}
