// h + softmax(z) is not a distribution: softmax stays the last layer's, outside any block.
// Expected: "nonlin::residual<Layers...>: softmax normalises the output and may not be inside a residual block"
#include <nonlin/nonlin.hpp>

int main() {
  namespace nl = nonlin;
  nl::network<nl::input<3>, nl::residual<nl::dense<8, nl::relu>, nl::dense<3, nl::softmax<>>>> m;
  return static_cast<int>(m.parameter_count);
}
