// Softmax turns a layer's outputs into one distribution; it belongs to the output layer only.
// Expected: "nonlin::network: softmax normalises the output and may only be the activation of the last layer"
#include <nonlin/activation/softmax.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/nonlin.hpp>

int main() {
  nonlin::network<nonlin::input<2>, nonlin::dense<3, nonlin::softmax<>>, nonlin::dense<1, nonlin::tanh>> m;
  return static_cast<int>(m.parameter_count);
}
