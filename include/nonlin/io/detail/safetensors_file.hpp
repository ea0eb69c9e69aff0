// nonlin/io/detail/safetensors_file.hpp: the safetensors container, without knowledge of networks.
// Reading a file, validating its header and the placement of every tensor, converting tensors to
// float and writing float tensors back are compiled once, in the nonlin library
// (src/io/safetensors_file.cpp), so that including nonlin's I/O does not parse a JSON library.
// The format: 8 bytes little-endian header length N, N bytes of JSON
// {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}, then the data;
// offsets are relative to the start of the data.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nonlin::detail::safetensors {

/// Every dtype the safetensors format defines, with its element size; nonlin converts four of them.
struct dtype_info {
  std::string_view name;
  std::size_t size;
};
inline constexpr dtype_info dtypes[] = {
    {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1},
    {"I16", 2},  {"U16", 2}, {"F16", 2}, {"BF16", 2},    {"I32", 4},
    {"U32", 4},  {"F32", 4}, {"I64", 8}, {"U64", 8},     {"F64", 8}};

const dtype_info* find_dtype(std::string_view name) noexcept;

struct tensor_entry {
  std::string name;
  std::string dtype;
  std::vector<std::size_t> shape;
  std::size_t begin = 0, end = 0;  // relative to the start of the data
};

/// A whole file in memory with its validated header; `tensors` excludes "__metadata__".
struct file_contents {
  std::string path;
  std::vector<unsigned char> bytes;
  std::size_t data_start = 0;  // 8 + header length
  std::map<std::string, tensor_entry> tensors;
  std::map<std::string, std::string> metadata;  // "__metadata__"

  std::span<const unsigned char> data(const tensor_entry& t) const noexcept {
    return std::span<const unsigned char>(bytes).subspan(data_start + t.begin, t.end - t.begin);
  }
};

[[noreturn]] void fail(std::string_view who, std::string_view path, std::string_view what);
[[noreturn]] void fail(std::string_view path, std::string_view what);  // as nonlin::load_safetensors

std::string shape_string(std::span<const std::size_t> shape);

/// Validates a file's bytes: the header (at most 100 000 000 bytes of UTF-8 JSON, one object with
/// unique keys, "__metadata__" a map of strings to strings), every entry, and the tensors' placement,
/// which must cover the data exactly. Values are checked later, when a tensor is converted. `path`
/// names the file in messages.
file_contents parse(const std::string& path, std::vector<unsigned char> bytes);

/// Reads a file and validates it, as parse does.
file_contents open(const std::string& path);

/// The tensor's values as floats. F32, F16 and BF16 convert exactly; F64 rounds to the nearest float
/// and must lie within float's range. Every value must be finite.
std::vector<float> to_float(const file_contents& f, const tensor_entry& t);

/// A float tensor to be written.
struct float_tensor {
  std::string name;
  std::vector<std::size_t> shape;
  std::span<const float> values;
};

/// Writes F32 tensors, in the given order and back to back, after a header padded with spaces to a
/// multiple of 8 bytes (as the reference implementation does, so the data stays aligned).
void write(const std::string& path_name, std::span<const float_tensor> tensors,
           const std::map<std::string, std::string>& metadata);

}  // namespace nonlin::detail::safetensors
