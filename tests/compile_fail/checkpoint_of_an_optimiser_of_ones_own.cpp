// A checkpoint knows nonlin's optimisers; one of the user's own has no state it could save.
// Expected: "nonlin checkpoints: the optimiser must be nl::sgd, nl::sgd_with_momentum<Net>, nl::adam<Net> or nl::adamw<Net> of the network's type"
#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/network.hpp>
#include <nonlin/train/checkpoint.hpp>

namespace nl = nonlin;

using net = nl::network<nl::input<2>, nl::dense<1, nl::sigmoid>>;

struct halving {
  void step(net&, const net&) {}
};

void save(const net& m) { nl::save_checkpoint("run.safetensors", m, halving{}); }
