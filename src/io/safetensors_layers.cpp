// src/io/safetensors_layers.cpp: matching a safetensors file's tensors to layer positions and
// reading one layer's parameters, compiled once for every network type.
#include <algorithm>
#include <charconv>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <nonlin/io/detail/safetensors_file.hpp>
#include <nonlin/io/detail/safetensors_layers.hpp>

namespace nonlin::detail::safetensors {

namespace {

// "12.weight" -> {12, weight}. Indices are plain decimals without leading zeros, so that two
// spellings can never name the same layer.
struct parameter_name {
  std::size_t index;
  bool is_weight;
};
inline std::optional<parameter_name> parse_parameter_name(std::string_view name) {
  const auto dot = name.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto digits = name.substr(0, dot), kind = name.substr(dot + 1);
  if (kind != "weight" && kind != "bias") return std::nullopt;
  if (digits.empty() || digits.size() > 9 || (digits.size() > 1 && digits[0] == '0')) return std::nullopt;
  std::size_t index = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  return parameter_name{index, kind == "weight"};
}

inline std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (std::size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
  return s;
}

}  // namespace

void check_recorded_type(const file_contents& f, std::string_view declared) {
  const auto recorded = f.metadata.find("nonlin_type");
  if (recorded == f.metadata.end()) return;
  const auto without_spaces = [](std::string_view s) {
    std::string out;
    for (const char c : s)
      if (c != ' ' && c != '\t' && c != '\n') out += c;
    return out;
  };
  if (without_spaces(recorded->second) != without_spaces(declared))
    fail(f.path, "the file records the network " + recorded->second + " (\"nonlin_type\" in \"__metadata__\"), but is loaded as " +
                     std::string(declared) + "; declare the recorded type, or pass nl::ignore_recorded_type to load the weights anyway");
}

std::vector<layer_tensors> match_layers(const file_contents& f, std::size_t depth) {
  std::map<std::size_t, layer_tensors> by_index;  // ordered: the i-th smallest index is layer i
  std::vector<std::string> unexpected;
  for (const auto& [name, entry] : f.tensors) {
    const auto parsed = parse_parameter_name(name);
    if (!parsed) {
      unexpected.push_back(name);
      continue;
    }
    auto& slot = by_index[parsed->index];
    slot.index = parsed->index;
    (parsed->is_weight ? slot.weight : slot.bias) = &entry;
  }
  std::vector<layer_tensors> layers;
  std::vector<std::string> indices;
  for (const auto& [index, tensors] : by_index) {
    if (layers.size() >= depth) {
      if (tensors.weight) unexpected.push_back(tensors.weight->name);
      if (tensors.bias) unexpected.push_back(tensors.bias->name);
    }
    layers.push_back(tensors);
    indices.push_back(std::to_string(index));
  }
  if (!unexpected.empty())
    fail(f.path, "unexpected tensors " + join(unexpected) + ": the network has " + std::to_string(depth) +
                     " dense layers and takes only <index>.weight and <index>.bias for " + std::to_string(depth) +
                     " indices (found indices: " + join(indices) + ")");
  if (layers.size() < depth)
    fail(f.path, "missing tensors: the network has " + std::to_string(depth) + " dense layers, the file holds tensors for " +
                     std::to_string(layers.size()) + " (indices: " + (indices.empty() ? std::string("none") : join(indices)) +
                     ")");
  return layers;
}

void read_parameter(const file_contents& f, const layer_tensors& found, bool is_weight,
                    std::initializer_list<std::size_t> shape, std::string_view context,
                    std::span<float> destination) {
  const std::string name = std::to_string(found.index) + (is_weight ? ".weight" : ".bias");
  const std::vector<std::size_t> expected =
      is_weight ? std::vector<std::size_t>(shape) : std::vector<std::size_t>{*shape.begin()};
  const tensor_entry* t = is_weight ? found.weight : found.bias;
  if (!t) fail(f.path, "missing tensor " + name + ": expected shape " + shape_string(expected) + std::string(context));
  if (t->shape != expected)
    fail(f.path, name + ": expected shape " + shape_string(expected) + std::string(context) + ", found " +
                     shape_string(t->shape));
  const auto values = to_float(f, *t);
  std::copy(values.begin(), values.end(), destination.begin());
}

}  // namespace nonlin::detail::safetensors
