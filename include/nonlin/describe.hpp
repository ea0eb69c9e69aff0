// nonlin/describe.hpp: describe<Net>(), a network's type told in words — its layers with shapes and
// activations, the parameter count, the arithmetic per sample, the fused formula it computes and the
// batch kernel forward uses. Every number comes from the type at compile time.
#pragma once

#include <array>
#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include <nonlin/eval/plan.hpp>
#include <nonlin/network_traits.hpp>
#include <nonlin/expr/describe_collapse.hpp>

namespace nonlin {

namespace detail {

inline std::string decimal(std::size_t n) { return std::to_string(n); }

// The shortest decimal that reads back as the same float: 0.1f prints as 0.1, not 0.100000001.
inline std::string shortest_decimal(float value) {
  std::array<char, 32> buffer{};
  const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value).ptr;
  return std::string(buffer.data(), end);
}

// How an activation is spelled: in the layer list leaky_relu(0.1), elu(α=1), softmax(T=2); in the
// formula leaky_relu<0.1>, elu<α=1>, softmax<T=2>; in the type as C++ writes it, leaky_relu<0.1f>.
// The parameter is found by the member each parametrised activation offers.
enum class label_style { list, formula, type };

inline std::string float_literal(float value) {
  std::string s = shortest_decimal(value);
  return s + (s.find_first_of(".e") == std::string::npos ? ".0f" : "f");
}

template <class A>
std::string activation_label(label_style style) {
  const bool type = style == label_style::type;
  auto spell = [&](const char* key, float value) {
    return type ? float_literal(value) : std::string(key) + shortest_decimal(value);
  };
  std::string parameter;
  if constexpr (requires { A::negative_slope; })
    parameter = spell("", A::negative_slope);
  else if constexpr (requires { A::alpha; })
    parameter = spell("α=", A::alpha);
  else if constexpr (requires { A::temperature; })
    parameter = spell("T=", A::temperature);
  std::string label(A::name);
  if (!parameter.empty())
    label += style == label_style::list ? "(" + parameter + ")" : "<" + parameter + ">";
  return label;
}

/// The type as C++ spells it, every nonlin name after `qualifier`: "network<input<2>, dense<1, sigmoid>>",
/// or with "nl::" the spelling tools/export_network.py writes into a file's metadata.
template <class Net>
inline std::string network_type_name(std::string_view qualifier = "") {
  const std::string q(qualifier);
  std::string s = q + "network<" + q + "input<" + decimal(Net::inputs) + ">";
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    (
        [&] {
          using L = typename Net::template layer_type<K>;
          using A = typename L::activation_type;
          constexpr auto blocks = network_traits<Net>::blocks;
          s += blocks.begins[K] ? ", " + q + "residual<" : ", ";
          s += q + "dense<" + decimal(L::outputs);
          if constexpr (!network_traits<Net>::is_identity[K]) s += ", " + q + activation_label<A>(label_style::type);
          s += blocks.ends[K] ? ">>" : ">";
        }(),
        ...);
  }(std::make_index_sequence<Net::depth>{});
  return s + ">";
}

// The function the network computes, layer by layer from the inside: W1·x + b1, then
// tanh(W2·tanh(W1·x + b1) + b2), ... Identity layers add no wrapper. A residual block adds its
// input: h + (W3·relu(W2·h + b2) + b3), with h named after the layer whose output it is, as the
// lecture names h1 = W1x + b1, and defined on lines of its own below y ("  where h1 = ..."); a block
// at the start of the network adds x itself.
template <class Net>
inline std::string fused_formula() {
  constexpr std::size_t depth = Net::depth;
  constexpr auto blocks = network_traits<Net>::blocks;
  std::array<std::string, depth> wrapper;  // the activation's opening, or nothing for identity
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    ((wrapper[K] = network_traits<Net>::is_identity[K]
                       ? std::string()
                       : activation_label<typename Net::template layer_type<K>::activation_type>(label_style::formula) +
                             "("),
     ...);
  }(std::make_index_sequence<depth>{});
  // Appended piece by piece: GCC 12 warns (-Wrestrict, wrongly) about "literal" + std::string&&.
  std::string e = "x", h;  // the expression so far, and the input of the open block
  bool e_is_sum = false;   // a sum needs parentheses as a factor or as the right operand of +
  auto operand = [](std::string& out, const std::string& s, bool parenthesise) {
    if (parenthesise) out += '(';
    out += s;
    if (parenthesise) out += ')';
  };
  std::array<std::string, depth> definitions;
  for (std::size_t k = 0; k < depth; ++k) {
    if (blocks.begins[k]) {
      // Built as a new string rather than assigned from a literal: GCC 12 for AArch64 warns
      // (-Wrestrict, wrongly) about std::string's replace behind the assignment.
      h = k > 0 ? std::string(1, 'h') + decimal(k) : std::string(1, 'x');
      if (k > 0) {
        definitions[k] = h;
        definitions[k] += " = ";
        definitions[k] += e;
      }
      e = h, e_is_sum = false;
    }
    std::string next = wrapper[k];
    next += 'W';
    next += decimal(k + 1);
    next += "·";
    operand(next, e, e_is_sum);
    next += " + b";
    next += decimal(k + 1);
    e_is_sum = wrapper[k].empty();
    if (!e_is_sum) next += ')';
    if (blocks.ends[k]) {
      e = h;
      e += " + ";
      operand(e, next, e_is_sum);
      e_is_sum = true;
    } else {
      e = std::move(next);
    }
  }
  std::string text = "y = ";
  text += e;
  bool first = true;
  for (std::size_t k = depth; k-- > 0;) {
    if (definitions[k].empty()) continue;
    text += first ? "\n  where " : "\n        ";
    text += definitions[k];
    first = false;
  }
  return text;
}

inline std::string pad(std::string s, std::size_t width) {
  std::size_t shown = 0;  // characters as displayed: UTF-8 continuation bytes take no column
  for (char c : s) shown += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (shown < width) s += std::string(width - shown, ' ');
  return s;
}

template <class Net>
inline std::string description() {
  using plan = forward_plan<Net>;
  std::string text = network_type_name<Net>() + "\n";
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    (
        [&] {
          using L = typename Net::template layer_type<K>;
          text += "  layer " + pad(decimal(K + 1) + ":", 4) + "dense " +
                  pad(decimal(L::inputs) + " → " + decimal(L::outputs), 12) +
                  pad(activation_label<typename L::activation_type>(label_style::list), 16) +
                  decimal(L::parameter_count) + " parameters\n";
        }(),
        ...);
  }(std::make_index_sequence<Net::depth>{});
  text += "parameters: " + decimal(Net::parameter_count) + "\n";
  text += "FLOPs per sample: " + decimal(network_traits<Net>::flops_per_sample) +
          " (2·in·out per dense layer, the bias included; activations not counted: " +
          decimal(network_traits<Net>::activation_evaluations) + " evaluations)\n";
  text += fused_formula<Net>() + "\n";
  text += "batch kernel: ";
  text += plan::kernel == forward_kernel::registers
              ? "registers (every layer of a " + decimal(plan::tile) + "-sample tile in registers)"
              : "blocked (" + decimal(plan::tile) + "-sample tiles, register-blocked layers)";
  text += "; threads from " + decimal(plan::parallel_threshold) + " samples\n";
  // The instruction set is the translation unit's (nonlin::dispatched names the one it chose instead).
  text += std::string("kernels compiled for: ") + simd::target_name + "\n";
  return text;
}

}  // namespace detail

/// A readable account of Net: one line per layer (shapes, activation with its parameters, parameter
/// count), the parameter total, FLOPs per sample (2·in·out per dense layer; activations are counted
/// apart, as evaluations), the fused formula and the batch kernel. Every number in it is a
/// compile-time constant of the type; only the words are put together at run time.
template <class Net>
std::string describe() {
  std::string text = detail::description<Net>();
  // Facts that need more than the layer list (e.g. which identity runs forward merges) go here,
  // appended after the kernel line.
  text += describe_collapse<Net>() + "\n";
  return text;
}

}  // namespace nonlin
