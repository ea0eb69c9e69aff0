// dense<3, int>: the second parameter of dense must be an activation function, not any type.
// Expected: "nonlin::dense<Outputs, Activation>: Activation must be an activation function"
#include <nonlin/nonlin.hpp>

int main() {
  nonlin::network<nonlin::input<2>, nonlin::dense<3, int>> m;
  return static_cast<int>(m.parameter_count);
}
