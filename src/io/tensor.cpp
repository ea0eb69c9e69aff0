// src/io/tensor.cpp: read_tensor, one named tensor of a safetensors file as floats.
#include <string>
#include <vector>

#include <nonlin/io/detail/safetensors_file.hpp>
#include <nonlin/io/tensor.hpp>

namespace nonlin {

tensor read_tensor(const std::string& path, const std::string& name) {
  namespace st = detail::safetensors;
  const auto file = st::open(path);
  const auto found = file.tensors.find(name);
  if (found == file.tensors.end()) {
    std::string names;
    for (const auto& [n, entry] : file.tensors) names += (names.empty() ? "" : ", ") + n;
    st::fail("nonlin::read_tensor", path, "no tensor \"" + name + "\"; the file holds: " + names);
  }
  return tensor{found->second.shape, st::to_float(file, found->second)};
}

}  // namespace nonlin
