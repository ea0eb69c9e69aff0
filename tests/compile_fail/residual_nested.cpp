// Residual blocks hold dense layers only; a block inside a block is refused.
// Expected: "nonlin::residual<Layers...>: a residual block holds dense<Outputs, Activation> layers only"
#include <nonlin/nonlin.hpp>

int main() {
  namespace nl = nonlin;
  nl::network<nl::input<4>, nl::residual<nl::dense<4, nl::relu>, nl::residual<nl::dense<4>>>> m;
  return static_cast<int>(m.parameter_count);
}
