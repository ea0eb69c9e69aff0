// Evaluates a two-layer linear network declared as a type; prints 5 (three times: one
// sample, then a batch of two) when nonlin is usable.
#include <cstdio>

#include <nonlin/nonlin.hpp>

namespace nl = nonlin;

int main() {
  using net = nl::network<nl::input<2>, nl::dense<2>, nl::dense<1>>;
  net m;
  m.layer<0>().weight = {1, 0, 0, 1};
  m.layer<1>().weight = {2, 1};
  const auto y = m(std::array<float, 2>{2.0f, 1.0f});
  // The same sample twice through the batch kernel.
  const std::array<float, 4> batch{2.0f, 1.0f, 2.0f, 1.0f};
  std::array<float, 2> out{};
  m.forward(batch, out);
  std::printf("%g %g %g\n", y[0], out[0], out[1]);
  return y[0] == 5.0f && out[0] == 5.0f && out[1] == 5.0f ? 0 : 1;
}
