// nonlin/io/tensor.hpp: read one named tensor of any float dtype from a safetensors file, as floats.
// For data that travels with weights (a batch of inputs, PyTorch's outputs); load_safetensors is
// the way to read a whole network. Compiled in the library (src/io/tensor.cpp).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace nonlin {

/// A tensor read from a file: its shape and its values in row-major order, converted to float.
struct tensor {
  std::vector<std::size_t> shape;
  std::vector<float> values;
};

/// Reads tensor `name` from `path`; throws nl::format_error when the file is malformed, the tensor
/// is missing (the message lists the tensors there are), its dtype is not F32, F64, F16 or BF16, or a
/// value is not finite (as for weights).
tensor read_tensor(const std::string& path, const std::string& name);

}  // namespace nonlin
