// src/argument_errors.cpp: the messages of nonlin's std::invalid_argument exceptions, composed once.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nonlin/detail/argument_errors.hpp>

namespace nonlin_library::detail {

void throw_span_mismatch(std::string_view activation, std::string_view kernel, std::size_t in, std::size_t out) {
  throw std::invalid_argument("nonlin::" + std::string(activation) + "::" + std::string(kernel) + ": input has " +
                              std::to_string(in) + " elements but output has " + std::to_string(out));
}

void throw_size_mismatch(std::string_view where, std::string_view in_name, std::size_t in_size,
                         std::string_view out_name, std::size_t out_size) {
  throw std::invalid_argument(std::string(where) + ": " + std::string(in_name) + " has " + std::to_string(in_size) +
                              " elements but " + std::string(out_name) + " has " + std::to_string(out_size));
}

void throw_bad_rows(std::string_view where, std::size_t size, std::size_t row_length) {
  if (row_length == 0) throw std::invalid_argument(std::string(where) + ": row_length must be positive");
  throw std::invalid_argument(std::string(where) + ": " + std::to_string(size) +
                              " elements are not a whole number of rows of " + std::to_string(row_length));
}

void throw_bad_temperature(float temperature) {
  throw std::invalid_argument("nonlin::softmax<>::apply: the temperature must be finite and positive, got " +
                              std::to_string(temperature));
}

void throw_batch_mismatch(std::size_t inputs, std::size_t outputs, std::size_t in_size, std::size_t out_size) {
  throw std::invalid_argument("nonlin::network::forward: expected the input to hold n rows of " +
                              std::to_string(inputs) + " floats and the output n rows of " + std::to_string(outputs) +
                              " floats; got " + std::to_string(in_size) + " input and " + std::to_string(out_size) +
                              " output floats");
}

}  // namespace nonlin_library::detail
