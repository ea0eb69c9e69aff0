// src/io/safetensors_file.cpp: the safetensors container, compiled once into the nonlin library so
// that no user translation unit parses nlohmann-json. Reads a file, validates its header and the
// placement of every tensor, converts tensors to float, and writes float tensors back.
#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <nonlin/io/detail/half.hpp>
#include <nonlin/io/detail/safetensors_file.hpp>
#include <nonlin/io/format_error.hpp>

namespace nonlin::detail::safetensors {

const dtype_info* find_dtype(std::string_view name) noexcept {
  for (const auto& d : dtypes)
    if (d.name == name) return &d;
  return nullptr;
}

[[noreturn]] void fail(std::string_view who, std::string_view path, std::string_view what) {
  throw format_error(std::string(who) + ": " + std::string(path) + ": " + std::string(what));
}
[[noreturn]] void fail(std::string_view path, std::string_view what) {
  fail("nonlin::load_safetensors", path, what);
}

std::string shape_string(std::span<const std::size_t> shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

namespace {

// Little-endian on disk whatever the host: assemble integers byte by byte.
template <class UInt>
UInt read_le(const unsigned char* p) noexcept {
  UInt v = 0;
  for (std::size_t i = 0; i < sizeof(UInt); ++i) v |= static_cast<UInt>(p[i]) << (8 * i);
  return v;
}
template <class UInt>
void write_le(UInt v, std::vector<unsigned char>& out) {
  for (std::size_t i = 0; i < sizeof(UInt); ++i) out.push_back(static_cast<unsigned char>(v >> (8 * i)));
}

struct file_closer {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

std::vector<unsigned char> read_bytes(const std::string& path) {
  errno = 0;
  std::unique_ptr<std::FILE, file_closer> file(std::fopen(path.c_str(), "rb"));
  if (!file)
    fail(path, "cannot open the file (" + std::generic_category().message(errno ? errno : ENOENT) + ")");
  std::vector<unsigned char> bytes;
  unsigned char chunk[1 << 16];
  std::size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, file.get())) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
  if (std::ferror(file.get()))  // e.g. the path is a directory
    fail(path, "cannot read the file (" + std::generic_category().message(errno ? errno : EIO) + ")");
  return bytes;
}

std::size_t checked_unsigned(const nlohmann::json& j, std::string_view path, std::string_view where) {
  if (!j.is_number_unsigned())
    fail(path, std::string(where) + ": expected a non-negative integer, found " + j.dump());
  const auto v = j.get<std::uint64_t>();
  if (v > std::numeric_limits<std::size_t>::max()) fail(path, std::string(where) + ": " + j.dump() + " is too large");
  return static_cast<std::size_t>(v);
}

tensor_entry parse_entry(const std::string& name, const nlohmann::json& j, std::string_view path) {
  const std::string who = "tensor " + name;
  if (!j.is_object()) fail(path, who + ": expected a JSON object {dtype, shape, data_offsets}, found " + j.dump());
  for (const char* key : {"dtype", "shape", "data_offsets"})
    if (!j.contains(key)) fail(path, who + ": the entry has no \"" + key + "\"");
  tensor_entry t;
  t.name = name;
  const auto& dtype = j["dtype"];
  if (!dtype.is_string()) fail(path, who + ": \"dtype\" must be a string, found " + dtype.dump());
  t.dtype = dtype.get<std::string>();
  const auto& shape = j["shape"];
  if (!shape.is_array()) fail(path, who + ": \"shape\" must be an array of integers, found " + shape.dump());
  for (const auto& d : shape) t.shape.push_back(checked_unsigned(d, path, who + ": \"shape\""));
  const auto& offsets = j["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2)
    fail(path, who + ": \"data_offsets\" must be an array [begin, end], found " + offsets.dump());
  t.begin = checked_unsigned(offsets[0], path, who + ": \"data_offsets\"");
  t.end = checked_unsigned(offsets[1], path, who + ": \"data_offsets\"");
  return t;
}

}  // namespace

/// Reads and validates a file: header, every entry, every tensor's byte range. Values are checked
/// later, when a tensor is converted.
file_contents open(const std::string& path_name) {
  file_contents f;
  f.path = path_name;
  const std::string& path = f.path;
  f.bytes = read_bytes(path);
  if (f.bytes.size() < 8)
    fail(path, "the file has " + std::to_string(f.bytes.size()) +
                   " bytes, fewer than the 8 bytes of the header length; it is not a safetensors file");
  const auto header_length = read_le<std::uint64_t>(f.bytes.data());
  if (header_length > f.bytes.size() - 8)
    fail(path, "the header length is " + std::to_string(header_length) + " bytes but only " +
                   std::to_string(f.bytes.size() - 8) + " bytes follow it; the file is truncated or not safetensors");
  f.data_start = 8 + static_cast<std::size_t>(header_length);
  const std::size_t data_size = f.bytes.size() - f.data_start;

  const auto first = reinterpret_cast<const char*>(f.bytes.data()) + 8;
  const auto header = nlohmann::json::parse(first, first + header_length, nullptr, /*allow_exceptions=*/false);
  if (header.is_discarded()) fail(path, "the header is not valid JSON");
  if (!header.is_object()) fail(path, "the header must be a JSON object, found a JSON " + std::string(header.type_name()));

  std::vector<const tensor_entry*> by_offset;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") continue;  // free-form strings; nothing in it changes the weights
    auto t = parse_entry(name, entry, path);
    const std::string who = "tensor " + name;
    const dtype_info* dtype = find_dtype(t.dtype);
    if (!dtype) fail(path, who + ": unknown dtype \"" + t.dtype + "\"");
    // Count elements with an overflow check: a hostile shape must not wrap around to a small size.
    std::size_t bytes = dtype->size;
    for (const std::size_t d : t.shape) {
      if (d != 0 && bytes > std::numeric_limits<std::size_t>::max() / d)
        fail(path, who + ": shape " + shape_string(t.shape) + " is too large");
      bytes *= d;
    }
    if (t.begin > t.end)
      fail(path, who + ": data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                     "] end before they begin");
    if (t.end > data_size)
      fail(path, who + ": data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                     "] lie outside the data, which has " + std::to_string(data_size) + " bytes");
    if (t.end - t.begin != bytes)
      fail(path, who + ": data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) + "] span " +
                     std::to_string(t.end - t.begin) + " bytes, but shape " + shape_string(t.shape) + " of " +
                     t.dtype + " needs " + std::to_string(bytes));
    auto [it, inserted] = f.tensors.emplace(name, std::move(t));
    by_offset.push_back(&it->second);
  }

  // Empty tensors occupy no bytes and cannot overlap anything.
  std::erase_if(by_offset, [](const tensor_entry* t) { return t->begin == t->end; });
  std::sort(by_offset.begin(), by_offset.end(),
            [](const tensor_entry* a, const tensor_entry* b) {
              return std::tie(a->begin, a->end, a->name) < std::tie(b->begin, b->end, b->name);
            });
  for (std::size_t i = 1; i < by_offset.size(); ++i) {
    const auto &a = *by_offset[i - 1], &b = *by_offset[i];
    if (a.end > b.begin)
      fail(path, "tensors " + a.name + " (bytes " + std::to_string(a.begin) + " to " + std::to_string(a.end) +
                     ") and " + b.name + " (bytes " + std::to_string(b.begin) + " to " + std::to_string(b.end) +
                     ") overlap");
  }
  return f;
}

/// The tensor's values as floats. F32, F16 and BF16 convert exactly; F64 rounds to the nearest float
/// and must lie within float's range. Every value must be finite.
std::vector<float> to_float(const file_contents& f, const tensor_entry& t) {
  const auto bytes = f.data(t);
  const std::string who = "tensor " + t.name;
  // The flat index and, for matrices, its [row, column]: the position a user finds in torch.
  auto element = [&](std::size_t i) {
    std::string s = "element " + std::to_string(i);
    if (t.shape.size() == 2 && t.shape[1] != 0)
      s += " ([" + std::to_string(i / t.shape[1]) + ", " + std::to_string(i % t.shape[1]) + "])";
    return s;
  };
  auto non_finite = [&](std::size_t i, double v) {
    fail(f.path, who + ": " + element(i) + " is " + (std::isnan(v) ? "NaN" : v > 0 ? "+inf" : "-inf") +
                     "; weights must be finite");
  };
  std::vector<float> out;
  if (t.dtype == "F32") {
    for (std::size_t i = 0; i < bytes.size() / 4; ++i)
      out.push_back(std::bit_cast<float>(read_le<std::uint32_t>(&bytes[4 * i])));
  } else if (t.dtype == "F16") {
    for (std::size_t i = 0; i < bytes.size() / 2; ++i)
      out.push_back(float_from_f16_bits(read_le<std::uint16_t>(&bytes[2 * i])));
  } else if (t.dtype == "BF16") {
    for (std::size_t i = 0; i < bytes.size() / 2; ++i)
      out.push_back(float_from_bf16_bits(read_le<std::uint16_t>(&bytes[2 * i])));
  } else if (t.dtype == "F64") {
    for (std::size_t i = 0; i < bytes.size() / 8; ++i) {
      const double v = std::bit_cast<double>(read_le<std::uint64_t>(&bytes[8 * i]));
      if (!std::isfinite(v)) non_finite(i, v);
      // Out-of-range double-to-float conversion is undefined behaviour, so it is refused first.
      if (std::fabs(v) > static_cast<double>(std::numeric_limits<float>::max())) {
        char text[32];
        std::snprintf(text, sizeof text, "%.17g", v);
        fail(f.path, who + ": " + element(i) + " is " + text + ", outside the range of float");
      }
      out.push_back(static_cast<float>(v));
    }
  } else {
    fail(f.path, who + ": dtype " + t.dtype + " is not supported; expected F32 (F64, F16 and BF16 are converted)");
  }
  for (std::size_t i = 0; i < out.size(); ++i)
    if (!std::isfinite(out[i])) non_finite(i, out[i]);
  return out;
}

/// Writes F32 tensors, in the given order and back to back, after a header padded with spaces to a
/// multiple of 8 bytes (as the reference implementation does, so the data stays aligned).
void write(const std::string& path_name, std::span<const float_tensor> tensors,
                  const std::map<std::string, std::string>& metadata) {
  const std::string& path = path_name;
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::size_t offset = 0;
  for (const auto& t : tensors) {
    const std::size_t size = 4 * t.values.size();
    header[t.name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + size}}};
    offset += size;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');

  std::vector<unsigned char> bytes;
  bytes.reserve(8 + text.size() + offset);
  write_le<std::uint64_t>(text.size(), bytes);
  bytes.insert(bytes.end(), text.begin(), text.end());
  for (const auto& t : tensors)
    for (const float v : t.values) write_le(std::bit_cast<std::uint32_t>(v), bytes);

  errno = 0;
  std::unique_ptr<std::FILE, file_closer> file(std::fopen(path.c_str(), "wb"));
  if (!file)
    fail("nonlin::save_safetensors", path,
         "cannot create the file (" + std::generic_category().message(errno ? errno : EIO) + ")");
  if (std::fwrite(bytes.data(), 1, bytes.size(), file.get()) != bytes.size() || std::fflush(file.get()) != 0)
    fail("nonlin::save_safetensors", path,
         "cannot write the file (" + std::generic_category().message(errno ? errno : EIO) + ")");
}

}  // namespace nonlin::detail::safetensors
