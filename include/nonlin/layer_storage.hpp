// nonlin/layer_storage.hpp: where a network keeps its layers. A network's weights live inline in the
// object (a literal type, usable in constant expressions) while they take at most
// inline_weight_bytes; a larger network keeps them in one heap block that the object owns, with
// the same value semantics (a copy copies the weights), so that declaring
// network<input<1024>, dense<1024, relu>, ...> as a local variable cannot overflow a thread's stack.
#pragma once

#include <cstddef>
#include <utility>

namespace nonlin {

/// Networks whose layers take more bytes than this keep them on the heap.
inline constexpr std::size_t inline_weight_bytes = 64 * 1024;

namespace detail {

// The layers as one aggregate: layer K is the base layer_slot<K, Layer>, found by overload
// resolution on K (constant depth, no recursion over the layers).
template <std::size_t K, class Layer>
struct layer_slot {
  Layer value{};
};
template <class Indices, class... Layers>
struct layer_tuple_base;
template <std::size_t... K, class... Layers>
struct layer_tuple_base<std::index_sequence<K...>, Layers...> : layer_slot<K, Layers>... {};
template <class... Layers>
struct layer_tuple : layer_tuple_base<std::index_sequence_for<Layers...>, Layers...> {};

template <std::size_t K, class Layer>
constexpr Layer& slot_value(layer_slot<K, Layer>& s) noexcept {
  return s.value;
}
template <std::size_t K, class Layer>
constexpr const Layer& slot_value(const layer_slot<K, Layer>& s) noexcept {
  return s.value;
}

/// Inline storage: the layers are a member, zero-initialised.
template <class Tuple, bool Inline = (sizeof(Tuple) <= inline_weight_bytes)>
class layer_storage {
 public:
  constexpr Tuple& get() noexcept { return layers_; }
  constexpr const Tuple& get() const noexcept { return layers_; }

 private:
  Tuple layers_{};
};

/// Heap storage: one zero-initialised block, copied on copy. A moved-from network reads as zeros
/// and gets a fresh block when next written, so no state of it is invalid. (An owning pointer written
/// out, not std::unique_ptr: <memory> would double the parse time of network.hpp.)
template <class Tuple>
class layer_storage<Tuple, false> {
 public:
  layer_storage() : layers_(new Tuple{}) {}
  layer_storage(const layer_storage& other) : layers_(new Tuple(other.get())) {}
  layer_storage(layer_storage&& other) noexcept : layers_(std::exchange(other.layers_, nullptr)) {}
  layer_storage& operator=(const layer_storage& other) {
    if (this != &other) get() = other.get();
    return *this;
  }
  layer_storage& operator=(layer_storage&& other) noexcept {
    if (this != &other) {
      delete layers_;
      layers_ = std::exchange(other.layers_, nullptr);
    }
    return *this;
  }
  ~layer_storage() { delete layers_; }

  Tuple& get() {
    if (!layers_) layers_ = new Tuple{};
    return *layers_;
  }
  const Tuple& get() const noexcept { return layers_ ? *layers_ : zeros(); }

 private:
  static const Tuple& zeros() noexcept {
    static Tuple z{};  // not const: zero pages in .bss, not 0 bytes in the binary
    return z;
  }
  Tuple* layers_;
};

}  // namespace detail

}  // namespace nonlin
