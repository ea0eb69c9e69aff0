// tests/single_header/round_trip.cpp: a program of three translation units that include the single
// header (this one, uses_network.cpp and implementation.cpp) links, which shows that the header part
// defines nothing twice; it saves a network, loads it back bit for bit and evaluates it.
// Usage: round_trip <file.safetensors>
#include "nonlin_single.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <span>

using lecture_net =
    nonlin::network<nonlin::input<2>, nonlin::dense<2, nonlin::tanh>, nonlin::dense<1, nonlin::sigmoid>>;

void evaluate(const lecture_net& m, std::span<const float> in, std::span<float> out);  // uses_network.cpp

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: round_trip <file.safetensors>\n");
    return 2;
  }
  lecture_net m{};
  m.layer<0>().weight = {0.5f, -1.25f, 2.0f, 0.75f};
  m.layer<0>().bias = {0.125f, -0.5f};
  m.layer<1>().weight = {1.5f, -2.0f};
  m.layer<1>().bias = {0.25f};
  nonlin::save_safetensors(m, argv[1]);
  const auto loaded = nonlin::load_safetensors<lecture_net>(argv[1]);
  if (loaded.layer<0>().weight != m.layer<0>().weight || loaded.layer<0>().bias != m.layer<0>().bias ||
      loaded.layer<1>().weight != m.layer<1>().weight || loaded.layer<1>().bias != m.layer<1>().bias) {
    std::fprintf(stderr, "round_trip: the loaded weights differ from the saved ones\n");
    return 1;
  }
  // One row by hand: tanh(0.5 - 1.25 + 0.125) and tanh(2 + 0.75 - 0.5), then the sigmoid unit.
  const std::array<float, 2> in{1.0f, 1.0f};
  std::array<float, 1> out{};
  evaluate(loaded, in, out);
  const double h0 = std::tanh(-0.625), h1 = std::tanh(2.25);
  const double expected = 1.0 / (1.0 + std::exp(-(1.5 * h0 - 2.0 * h1 + 0.25)));
  if (std::fabs(out[0] - expected) > 1e-6) {
    std::fprintf(stderr, "round_trip: forward gave %.9g, expected %.9g\n", out[0], expected);
    return 1;
  }
  std::printf("round_trip: saved, loaded and evaluated through the single header: %.7f\n", out[0]);
  return 0;
}
