// The run-time temperature overload exists only on softmax<>: on softmax<2.0f> it would be unclear
// which of the two temperatures applies.
// Expected: the unsatisfied constraint "Temperature == 1.0f"
#include <array>

#include <nonlin/activation/softmax.hpp>

int main() {
  const std::array<float, 2> logits{1.0f, 2.0f};
  std::array<float, 2> probs{};
  nonlin::softmax<2.0f>::apply(logits, probs, 3.0f);
  return probs[0] > 0.0f ? 0 : 1;
}
