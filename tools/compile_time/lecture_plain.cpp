// The lecture's 2-2-2-1 network as plain loops over arrays: the floor of tools/compile_time/measure.py.
#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

struct lecture_network {
  std::array<float, 4> w1{}, w2{};
  std::array<float, 2> w3{}, b1{}, b2{};
  float b3 = 0.0f;

  float operator()(const float* x) const {
    float h1[2], h2[2];
    for (int o = 0; o < 2; ++o) h1[o] = std::tanh(w1[2 * o] * x[0] + w1[2 * o + 1] * x[1] + b1[o]);
    for (int o = 0; o < 2; ++o) h2[o] = std::tanh(w2[2 * o] * h1[0] + w2[2 * o + 1] * h1[1] + b2[o]);
    return 1.0f / (1.0f + std::exp(-(w3[0] * h2[0] + w3[1] * h2[1] + b3)));
  }
};

int main() {
  const lecture_network m;
  std::vector<float> in(2 * 4096, 0.5f), out(4096);
  for (std::size_t s = 0; s < 4096; ++s) out[s] = m(in.data() + 2 * s);
  const float x[2] = {0.5f, -1.0f};
  return static_cast<int>(out[17] + m(x));
}
