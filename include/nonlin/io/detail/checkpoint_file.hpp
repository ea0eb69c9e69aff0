// nonlin/io/detail/checkpoint_file.hpp: a training checkpoint as a safetensors file, apart from any
// network type: named float tensors and a "__metadata__" map of exactly written numbers. Compiled once
// (src/io/checkpoint.cpp); nonlin/train/checkpoint.hpp maps networks and optimisers onto it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include <nonlin/io/detail/safetensors_file.hpp>

namespace nonlin::detail::checkpoint {

/// A checkpoint read back: every tensor as floats, and the metadata.
struct contents {
  std::string path;
  std::map<std::string, std::vector<float>> tensors;
  std::map<std::string, std::string> metadata;

  /// The tensor `name` (format_error naming the checkpoint and the tensor when it is missing or does
  /// not hold `count` floats), copied into `destination`.
  void read(const std::string& name, std::span<float> destination) const;
  /// The tensor `name` of any length, or an empty vector when there is none.
  std::vector<float> read_optional(const std::string& name) const;
  /// The metadata entry `key` as written by number(); format_error when it is missing or malformed.
  double real(const std::string& key) const;
  std::uint64_t count(const std::string& key) const;
  const std::string& text(const std::string& key) const;
  [[noreturn]] void fail(const std::string& what) const;
};

/// The shortest decimal text that reads back as exactly the same double (or float, once widened).
std::string number(double value);
std::string number(std::uint64_t value);

/// Writes the tensors (F32) and the metadata; format_error when the file cannot be written.
void write(const std::string& path, std::span<const safetensors::float_tensor> tensors,
           const std::map<std::string, std::string>& metadata);

/// Reads and validates a checkpoint written by write(); format_error on any defect, naming the file.
contents read(const std::string& path);

}  // namespace nonlin::detail::checkpoint
