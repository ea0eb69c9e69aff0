// Class indices are targets for cross-entropy only: fit with them and another loss must not compile.
// Expected: "nonlin::fit: class indices as targets need the cross_entropy loss"
#include <cstdint>
#include <vector>

#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/network.hpp>
#include <nonlin/train/fit.hpp>
#include <nonlin/train/loss.hpp>
#include <nonlin/train/sgd.hpp>

namespace nl = nonlin;

void train() {
  nl::network<nl::input<2>, nl::dense<1, nl::sigmoid>> m;
  const std::vector<float> x(4);
  const std::vector<std::uint32_t> labels(2);
  nl::fit(m, x, labels, nl::bce{}, nl::sgd{});
}
