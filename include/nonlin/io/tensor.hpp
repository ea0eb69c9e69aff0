// nonlin/io/tensor.hpp: read one named tensor of any float dtype from a safetensors file, as floats.
// For data that travels with weights (a batch of inputs, PyTorch's outputs); load_safetensors is
// the way to read a whole network.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nonlin/io/detail/safetensors_file.hpp>

namespace nonlin {

/// A tensor read from a file: its shape and its values in row-major order, converted to float.
struct tensor {
  std::vector<std::size_t> shape;
  std::vector<float> values;
};

/// Reads tensor `name` from `path`; throws nl::format_error when the file is malformed, the tensor
/// is missing (the message lists the tensors there are), its dtype is not F32, F64, F16 or BF16, or a
/// value is not finite (as for weights).
inline tensor read_tensor(const std::filesystem::path& path, const std::string& name) {
  namespace st = detail::safetensors;
  const auto file = st::open(path);
  const auto found = file.tensors.find(name);
  if (found == file.tensors.end()) {
    std::string names;
    for (const auto& [n, entry] : file.tensors) names += (names.empty() ? "" : ", ") + n;
    st::fail("nonlin::read_tensor", path.string(), "no tensor \"" + name + "\"; the file holds: " + names);
  }
  return tensor{found->second.shape, st::to_float(file, found->second)};
}

}  // namespace nonlin
