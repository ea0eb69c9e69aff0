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
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <unistd.h>  // fsync

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

namespace {

// The largest header the reference implementation accepts (its MAX_HEADER_SIZE), and the deepest
// nesting of arrays and objects (serde_json's recursion limit): a header beyond either is refused
// before it is parsed, so that no input can make the parser exhaust memory or the stack.
constexpr std::uint64_t max_header_bytes = 100'000'000;
constexpr std::size_t max_nesting = 128;

// The byte offset of the first byte that is not well-formed UTF-8 (overlong forms, surrogates and
// code points above U+10FFFF included), or npos.
std::size_t invalid_utf8_at(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned c = p[i];
    std::size_t length;
    unsigned lo = 0x80, hi = 0xBF;  // the range of the second byte
    if (c < 0x80) { ++i; continue; }
    if (c >= 0xC2 && c <= 0xDF) length = 2;
    else if (c >= 0xE0 && c <= 0xEF) { length = 3; if (c == 0xE0) lo = 0xA0; if (c == 0xED) hi = 0x9F; }
    else if (c >= 0xF0 && c <= 0xF4) { length = 4; if (c == 0xF0) lo = 0x90; if (c == 0xF4) hi = 0x8F; }
    else return i;
    if (i + length > n) return i;
    if (p[i + 1] < lo || p[i + 1] > hi) return i;
    for (std::size_t k = 2; k < length; ++k)
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    i += length;
  }
  return std::string_view::npos;
}

// The deepest nesting of [ and { outside strings, stopping once it passes `limit`.
std::size_t nesting_depth(std::string_view s, std::size_t limit) noexcept {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

/// Validates a whole file held in memory: the header (bounded, UTF-8, one JSON object with unique
/// keys, "__metadata__" a map of strings to strings), every entry, and the placement of the tensors,
/// which must cover the data exactly, as the reference implementation requires: sorted by offset,
/// the first starts at 0, each starts where the previous ends, the last ends at the end of the file.
/// Values are checked later, when a tensor is converted.
file_contents parse(const std::string& path_name, std::vector<unsigned char> bytes_in) {
  file_contents f;
  f.path = path_name;
  f.bytes = std::move(bytes_in);
  const std::string& path = f.path;
  if (f.bytes.size() < 8)
    fail(path, "the file has " + std::to_string(f.bytes.size()) +
                   " bytes, fewer than the 8 bytes of the header length; it is not a safetensors file");
  const auto header_length = read_le<std::uint64_t>(f.bytes.data());
  if (header_length > max_header_bytes)
    fail(path, "the header length is " + std::to_string(header_length) + " bytes, more than the " +
                   std::to_string(max_header_bytes) + " a safetensors header may have");
  if (header_length > f.bytes.size() - 8)
    fail(path, "the header length is " + std::to_string(header_length) + " bytes but only " +
                   std::to_string(f.bytes.size() - 8) + " bytes follow it; the file is truncated or not safetensors");
  f.data_start = 8 + static_cast<std::size_t>(header_length);
  const std::size_t data_size = f.bytes.size() - f.data_start;

  const std::string_view text(reinterpret_cast<const char*>(f.bytes.data()) + 8, static_cast<std::size_t>(header_length));
  if (const std::size_t bad = invalid_utf8_at(text); bad != std::string_view::npos)
    fail(path, "the header is not valid UTF-8 (byte " + std::to_string(bad) + " of the header)");
  if (text.empty() || text.front() != '{')
    fail(path, "the header must be a JSON object and start with '{'");
  if (nesting_depth(text, max_nesting) > max_nesting)
    fail(path, "the header nests arrays and objects more than " + std::to_string(max_nesting) + " deep");

  // Keys of the top-level object, seen as the parser meets them: JSON allows a key twice, and a
  // parser keeps one of the two silently, so a duplicated tensor name is refused here.
  std::vector<std::string> top_level_keys;
  const auto remember_keys = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    if (depth == 1 && event == nlohmann::json::parse_event_t::key) top_level_keys.push_back(parsed.get<std::string>());
    return true;
  };
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(text.begin(), text.end(), remember_keys);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based in the header.
    fail(path, "the header is not valid JSON (at byte " + std::to_string(e.byte > 0 ? e.byte - 1 : 0) + " of the header)");
  } catch (const nlohmann::json::exception& e) {
    // Valid syntax the parser cannot represent, e.g. 2e4294967296, a number beyond double (found by
    // tests/fuzz: it throws out_of_range, not parse_error).
    fail(path, std::string("the header is not valid JSON (") + e.what() + ")");
  }
  if (!header.is_object()) fail(path, "the header must be a JSON object, found a JSON " + std::string(header.type_name()));
  std::sort(top_level_keys.begin(), top_level_keys.end());
  if (const auto twice = std::adjacent_find(top_level_keys.begin(), top_level_keys.end()); twice != top_level_keys.end())
    fail(path, "the header names \"" + *twice + "\" twice");

  std::vector<const tensor_entry*> by_offset;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      // Free-form strings; nonlin reads "nonlin_type" from it (io/safetensors.hpp).
      if (!entry.is_object()) fail(path, "\"__metadata__\" must be a JSON object of strings, found " + entry.dump());
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string())
          fail(path, "\"__metadata__\" must map strings to strings; \"" + key + "\" is " + value.dump());
        f.metadata.emplace(key, value.get<std::string>());
      }
      continue;
    }
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

  // The tensors, in the order of their bytes, must tile the data: no overlap, no gap, nothing after.
  std::sort(by_offset.begin(), by_offset.end(),
            [](const tensor_entry* a, const tensor_entry* b) {
              return std::tie(a->begin, a->end, a->name) < std::tie(b->begin, b->end, b->name);
            });
  std::size_t covered = 0;
  const tensor_entry* previous = nullptr;
  for (const tensor_entry* t : by_offset) {
    if (t->begin < covered)
      fail(path, "tensors " + previous->name + " (bytes " + std::to_string(previous->begin) + " to " +
                     std::to_string(previous->end) + ") and " + t->name + " (bytes " + std::to_string(t->begin) +
                     " to " + std::to_string(t->end) + ") overlap");
    if (t->begin > covered)
      fail(path, "bytes " + std::to_string(covered) + " to " + std::to_string(t->begin) +
                     " of the data belong to no tensor (before tensor " + t->name + ")");
    covered = t->end;
    previous = t;
  }
  if (covered != data_size)
    fail(path, "bytes " + std::to_string(covered) + " to " + std::to_string(data_size) +
                   " of the data belong to no tensor (after the last one)");
  return f;
}

file_contents open(const std::string& path) { return parse(path, read_bytes(path)); }

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

  // Written under a temporary name in the same folder, then renamed over the destination: rename
  // replaces a file in one step, so a reader (or a crash) sees the old file or the new one, never a
  // part. "x" (C11) makes the creation exclusive; the file gets the usual permissions.
  const auto cannot = [&](const char* what, int error) {
    fail("nonlin::save_safetensors", path, std::string(what) + " (" + std::generic_category().message(error ? error : EIO) + ")");
  };
  std::random_device entropy;
  std::string temporary;
  std::unique_ptr<std::FILE, file_closer> file;
  for (int attempt = 0; attempt < 16 && !file; ++attempt) {
    temporary = path + ".tmp-" + std::to_string(entropy()) + std::to_string(attempt);
    errno = 0;
    file.reset(std::fopen(temporary.c_str(), "wbx"));
    if (!file && errno != EEXIST) cannot("cannot create the file", errno);
  }
  if (!file) cannot("cannot create a temporary file beside it", EEXIST);
  errno = 0;
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), file.get()) == bytes.size() &&
                       std::fflush(file.get()) == 0 && ::fsync(::fileno(file.get())) == 0;
  const int write_error = errno;
  const bool closed = std::fclose(file.release()) == 0;
  if (!written || !closed) {
    std::remove(temporary.c_str());
    cannot("cannot write the file", write_error ? write_error : errno);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    std::remove(temporary.c_str());
    cannot("cannot replace the file", error);
  }
}

}  // namespace nonlin::detail::safetensors
