// dense<3, float>: perhaps meant as the element type, but the second parameter is the activation.
// Expected: "nonlin::dense<Outputs, Activation>: Activation must be an activation function"
#include <nonlin/nonlin.hpp>

int main() {
  nonlin::network<nonlin::input<2>, nonlin::dense<3, float>> m;
  return static_cast<int>(m.parameter_count);
}
