// A residual block adds its input to its chain's output, so the chain must end as wide as it
// begins: 16 inputs cannot be added to 8 outputs.
// Expected: "nonlin::residual<Layers...>: the last layer of a residual block must have as many outputs as the block has inputs"
#include <nonlin/nonlin.hpp>

int main() {
  namespace nl = nonlin;
  nl::network<nl::input<4>, nl::dense<16, nl::tanh>, nl::residual<nl::dense<32, nl::relu>, nl::dense<8>>, nl::dense<1>> m;
  return static_cast<int>(m.parameter_count);
}
