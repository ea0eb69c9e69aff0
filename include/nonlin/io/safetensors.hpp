// nonlin/io/safetensors.hpp: load_safetensors<Net>(path) and save_safetensors(m, path), a network's
// weights in the safetensors format, named as torch.nn.Sequential's state_dict names them, so that
// weights move between PyTorch and nonlin without conversion. Every defect throws nl::format_error.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nonlin/describe.hpp>
#include <nonlin/io/detail/safetensors_file.hpp>
#include <nonlin/io/detail/safetensors_layers.hpp>
#include <nonlin/io/format_error.hpp>
#include <nonlin/network.hpp>
#include <nonlin/network_traits.hpp>

namespace nonlin {

namespace detail::safetensors {

template <class Net, std::size_t K>
std::string layer_description() {
  using L = typename Net::template layer_type<K>;
  return "layer " + std::to_string(K) + ": " + std::to_string(L::inputs) + " inputs → " +
         std::to_string(L::outputs) + " outputs";
}

// The index torch.nn.Sequential gives the K-th Linear when every non-identity activation follows it
// as a module of its own: Linear, Tanh, Linear, Tanh, Linear, Sigmoid -> 0, 2, 4. A network with
// residual blocks has no such Sequential; its layers are numbered by position, blocks flattened.
template <class Net>
constexpr std::array<std::size_t, Net::depth> sequential_indices() {
  std::array<std::size_t, Net::depth> indices{};
  if (network_traits<Net>::has_residual) {
    for (std::size_t k = 0; k < Net::depth; ++k) indices[k] = k;
    return indices;
  }
  std::size_t next = 0;
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    ((indices[K] = next,
      next += network_traits<Net>::is_identity[K] ? 1 : 2),
     ...);
  }(std::make_index_sequence<Net::depth>{});
  return indices;
}

template <class Net, std::size_t K>
void load_layer(const file_contents& f, const layer_tensors& found, Net& net) {
  using L = typename Net::template layer_type<K>;
  const std::string context = " (" + layer_description<Net, K>() + ")";
  auto& layer = net.template layer<K>();
  read_parameter(f, found, true, {L::outputs, L::inputs}, context, layer.weight);
  read_parameter(f, found, false, {L::outputs, 0}, context, layer.bias);
}

}  // namespace detail::safetensors

/// Tag for load_safetensors: take the weights even when the file records another network type.
struct ignore_recorded_type_t {
  explicit ignore_recorded_type_t() = default;
};
inline constexpr ignore_recorded_type_t ignore_recorded_type{};

namespace detail::safetensors {

template <class Net>
Net load_layers(const file_contents& f) {
  const auto layers = match_layers(f, Net::depth);
  Net net{};
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    (load_layer<Net, K>(f, layers[K], net), ...);
  }(std::make_index_sequence<Net::depth>{});
  return net;
}

}  // namespace detail::safetensors

/// The network of type Net with the weights of a safetensors file (a path as std::string, a string
/// literal or a std::filesystem::path, which converts). Tensors are named "<index>.weight"
/// and "<index>.bias"; the layer with the i-th smallest index becomes dense layer i. So both the names
/// of torch.nn.Sequential's state_dict ("0.weight", "2.weight", ... with activation modules in between)
/// and plain layer positions ("0.weight", "1.weight", ...) load. F32 loads as is; F64 (rounded to
/// nearest), F16 and BF16 are converted. When "__metadata__" records the network's type
/// ("nonlin_type", written by save_safetensors and tools/export_network.py), it must be Net: weights
/// trained with relu do not load silently into a tanh network. Throws nl::format_error on any
/// defect: see docs/safetensors.md for the list.
template <class Net>
Net load_safetensors(const std::string& path) {
  namespace st = detail::safetensors;
  const auto f = st::open(path);
  st::check_recorded_type(f, nonlin::detail::network_type_name<Net>("nl::"));
  return st::load_layers<Net>(f);
}

/// The same without comparing the recorded type: for a user who means to load weights into a network
/// of the same shapes but other activations (every other check still applies).
template <class Net>
Net load_safetensors(const std::string& path, ignore_recorded_type_t) {
  return detail::safetensors::load_layers<Net>(detail::safetensors::open(path));
}

/// Writes m's weights as F32 safetensors, with the names torch.nn.Sequential would give the same
/// network built as Linear, activation, Linear, ... (an identity activation adds no module):
/// network<input<2>, dense<2, tanh>, dense<1, sigmoid>> writes 0.weight, 0.bias, 2.weight, 2.bias;
/// with residual blocks the names are positions, 0.weight, 1.weight, ..., blocks flattened.
/// "__metadata__" records {"format": "pt", "nonlin_type": "network<...>"}. Loading the file gives
/// back every float bit for bit. Throws nl::format_error when the file cannot be written.
template <class Input, class... Layers>
void save_safetensors(const network<Input, Layers...>& m, const std::string& path) {
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
  st::write(path, tensors, {{"format", "pt"}, {"nonlin_type", nonlin::detail::network_type_name<Net>("nl::")}});
}

}  // namespace nonlin
