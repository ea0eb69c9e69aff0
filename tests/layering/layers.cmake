# The layers of include/nonlin, lowest first: the one place the order is written. A header may
# include headers of its own layer or of lower ones, never of a higher one. An entry is a folder
# (every header below it) or a single header; entries of one layer are separated by |.
set(nonlin_layers
  "detail/"
  "simd/"
  "math/"
  "activation/"
  "layer.hpp|layer_storage.hpp|network_fwd.hpp|network_traits.hpp"
  "eval/"
  "network.hpp"
  "symbolic/"
  "expr/|describe.hpp"
  "io/|train/|viz/|dispatch.hpp"
  "nonlin.hpp")
