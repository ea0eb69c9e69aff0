// nonlin/io/detail/safetensors_layers.hpp: how the tensors of a safetensors file become a network's
// layers, apart from the network's type: "<index>.weight" and "<index>.bias" matched to layer
// positions, every tensor's shape checked, values copied. Compiled once (src/io/safetensors_layers.cpp).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include <nonlin/io/detail/safetensors_file.hpp>

namespace nonlin::detail::safetensors {

/// The tensors of one layer and the index that names them in the file.
struct layer_tensors {
  std::size_t index = 0;
  const tensor_entry* weight = nullptr;
  const tensor_entry* bias = nullptr;
};

/// Throws format_error when the file records a network type ("nonlin_type" in "__metadata__", as
/// save_safetensors and tools/export_network.py write it) other than `declared`, both spelled as
/// detail::network_type_name<Net>("nl::") spells them (spaces are not compared). A file without the
/// record passes.
void check_recorded_type(const file_contents& f, std::string_view declared);

/// The tensors of `depth` layers: the layer with the i-th smallest index becomes layer i. Throws
/// format_error for a tensor that is not <index>.weight or <index>.bias, for more indices than
/// layers, and for fewer.
std::vector<layer_tensors> match_layers(const file_contents& f, std::size_t depth);

/// Checks the weight (is_weight) or bias tensor of `found` against shape {outputs, inputs} (a bias:
/// {outputs}) and writes its values to `destination`; `context` describes the layer in messages.
void read_parameter(const file_contents& f, const layer_tensors& found, bool is_weight,
                    std::initializer_list<std::size_t> shape, std::string_view context,
                    std::span<float> destination);

}  // namespace nonlin::detail::safetensors
