// nonlin/io/safetensors.hpp: load_safetensors<Net>(path) and save_safetensors(m, path), a network's
// weights in the safetensors format, named as torch.nn.Sequential's state_dict names them, so that
// weights move between PyTorch and nonlin without conversion. Every defect throws nl::format_error.
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nonlin/io/detail/safetensors_file.hpp>
#include <nonlin/io/format_error.hpp>
#include <nonlin/network.hpp>

namespace nonlin {

namespace detail::safetensors {

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

template <class Net, std::size_t K>
std::string layer_description() {
  using L = typename Net::template layer_type<K>;
  return "layer " + std::to_string(K) + ": " + std::to_string(L::inputs) + " inputs → " +
         std::to_string(L::outputs) + " outputs";
}

// How the type is written in C++, for the file's metadata, spelled as tools/export_network.py spells
// it: "nl::network<nl::input<2>, nl::dense<3>, nl::dense<1, nl::sigmoid>>".
template <class A>
std::string activation_spelling() {
  auto with = [](float parameter) {
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, parameter).ptr;
    std::string s(text, end);
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return "nl::" + std::string(A::name) + "<" + s + "f>";
  };
  if constexpr (requires { A::negative_slope; }) return with(A::negative_slope);
  else if constexpr (requires { A::alpha; }) return with(A::alpha);
  else if constexpr (requires { A::temperature; }) return with(A::temperature);
  else return "nl::" + std::string(A::name);
}

template <class Net>
std::string type_spelling() {
  std::string s = "nl::network<nl::input<" + std::to_string(Net::inputs) + ">";
  auto append = [&]<std::size_t K>(std::integral_constant<std::size_t, K>) {
    using L = typename Net::template layer_type<K>;
    s += ", nl::dense<" + std::to_string(L::outputs);
    if constexpr (!std::is_same_v<typename L::activation_type, identity>)
      s += ", " + activation_spelling<typename L::activation_type>();
    s += ">";
  };
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    (append(std::integral_constant<std::size_t, K>{}), ...);
  }(std::make_index_sequence<Net::depth>{});
  return s + ">";
}

// The index torch.nn.Sequential gives the K-th Linear when every non-identity activation follows it
// as a module of its own: Linear, Tanh, Linear, Tanh, Linear, Sigmoid -> 0, 2, 4.
template <class Net>
constexpr std::array<std::size_t, Net::depth> sequential_indices() {
  std::array<std::size_t, Net::depth> indices{};
  std::size_t next = 0;
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    ((indices[K] = next,
      next += std::is_same_v<typename Net::template layer_type<K>::activation_type, identity> ? 1 : 2),
     ...);
  }(std::make_index_sequence<Net::depth>{});
  return indices;
}

struct layer_tensors {
  const tensor_entry* weight = nullptr;
  const tensor_entry* bias = nullptr;
};

template <class Net, std::size_t K>
void load_layer(const file_contents& f, std::size_t index, const layer_tensors& found, Net& net) {
  using L = typename Net::template layer_type<K>;
  auto load = [&](const tensor_entry* t, bool is_weight, auto& destination) {
    const std::string name = std::to_string(index) + (is_weight ? ".weight" : ".bias");
    const std::vector<std::size_t> expected =
        is_weight ? std::vector<std::size_t>{L::outputs, L::inputs} : std::vector<std::size_t>{L::outputs};
    const std::string context = " (" + layer_description<Net, K>() + ")";
    if (!t) fail(f.path, "missing tensor " + name + ": expected shape " + shape_string(expected) + context);
    if (t->shape != expected)
      fail(f.path, name + ": expected shape " + shape_string(expected) + context + ", found " + shape_string(t->shape));
    const auto values = to_float(f, *t);
    std::copy(values.begin(), values.end(), destination.begin());
  };
  load(found.weight, true, net.template layer<K>().weight);
  load(found.bias, false, net.template layer<K>().bias);
}

}  // namespace detail::safetensors

/// The network of type Net with the weights of a safetensors file. Tensors are named "<index>.weight"
/// and "<index>.bias"; the layer with the i-th smallest index becomes dense layer i. So both the names
/// of torch.nn.Sequential's state_dict ("0.weight", "2.weight", ... with activation modules in between)
/// and plain layer positions ("0.weight", "1.weight", ...) load. F32 loads as is; F64 (rounded to
/// nearest), F16 and BF16 are converted. "__metadata__" is ignored. Throws nl::format_error on any
/// defect: see docs/safetensors.md for the list.
template <class Net>
Net load_safetensors(const std::filesystem::path& path) {
  namespace st = detail::safetensors;
  const auto f = st::open(path);

  std::map<std::size_t, st::layer_tensors> by_index;  // ordered: the i-th smallest index is layer i
  std::vector<std::string> unexpected;
  for (const auto& [name, entry] : f.tensors) {
    const auto parsed = st::parse_parameter_name(name);
    if (!parsed) {
      unexpected.push_back(name);
      continue;
    }
    auto& slot = by_index[parsed->index];
    (parsed->is_weight ? slot.weight : slot.bias) = &entry;
  }
  std::vector<std::size_t> indices;
  for (const auto& [index, tensors] : by_index) {
    if (indices.size() >= Net::depth) {
      if (tensors.weight) unexpected.push_back(tensors.weight->name);
      if (tensors.bias) unexpected.push_back(tensors.bias->name);
    }
    indices.push_back(index);
  }
  const auto found_indices = [&] {
    std::vector<std::string> s;
    for (const auto i : indices) s.push_back(std::to_string(i));
    return st::join(s);
  };
  if (!unexpected.empty())
    st::fail(f.path, "unexpected tensors " + st::join(unexpected) + ": the network has " +
                         std::to_string(Net::depth) + " dense layers and takes only <index>.weight and <index>.bias"
                         " for " + std::to_string(Net::depth) + " indices (found indices: " + found_indices() + ")");
  if (indices.size() < Net::depth)
    st::fail(f.path, "missing tensors: the network has " + std::to_string(Net::depth) +
                         " dense layers, the file holds tensors for " + std::to_string(indices.size()) +
                         " (indices: " + (indices.empty() ? std::string("none") : found_indices()) + ")");

  Net net{};
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    (st::load_layer<Net, K>(f, indices[K], by_index[indices[K]], net), ...);
  }(std::make_index_sequence<Net::depth>{});
  return net;
}

/// Writes m's weights as F32 safetensors, with the names torch.nn.Sequential would give the same
/// network built as Linear, activation, Linear, ... (an identity activation adds no module):
/// network<input<2>, dense<2, tanh>, dense<1, sigmoid>> writes 0.weight, 0.bias, 2.weight, 2.bias.
/// "__metadata__" records {"format": "pt", "nonlin_type": "network<...>"}. Loading the file gives
/// back every float bit for bit. Throws nl::format_error when the file cannot be written.
template <class Input, class... Layers>
void save_safetensors(const network<Input, Layers...>& m, const std::filesystem::path& path) {
  using Net = network<Input, Layers...>;
  namespace st = detail::safetensors;
  constexpr auto indices = st::sequential_indices<Net>();
  std::vector<st::float_tensor> tensors;
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    ((tensors.push_back({std::to_string(indices[K]) + ".weight",
                         {Net::template layer_type<K>::outputs, Net::template layer_type<K>::inputs},
                         m.template layer<K>().weight}),
      tensors.push_back({std::to_string(indices[K]) + ".bias",
                         {Net::template layer_type<K>::outputs},
                         m.template layer<K>().bias})),
     ...);
  }(std::make_index_sequence<Net::depth>{});
  st::write(path, tensors, {{"format", "pt"}, {"nonlin_type", st::type_spelling<Net>()}});
}

}  // namespace nonlin
