// A dense layer with no outputs computes nothing and would leave the next layer without inputs.
// Expected: "nonlin::dense<Outputs, Activation>: a layer needs at least one output"
#include <nonlin/nonlin.hpp>

int main() {
  nonlin::network<nonlin::input<2>, nonlin::dense<0>, nonlin::dense<1>> m;
  return static_cast<int>(m.parameter_count);
}
