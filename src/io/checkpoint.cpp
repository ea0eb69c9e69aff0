// src/io/checkpoint.cpp: training checkpoints as safetensors files, compiled once: the tensors through
// the safetensors container, the numbers of the metadata written so that they read back exactly.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include <nonlin/io/detail/checkpoint_file.hpp>
#include <nonlin/io/detail/safetensors_file.hpp>
#include <nonlin/io/format_error.hpp>

namespace nonlin::detail::checkpoint {

void contents::fail(const std::string& what) const {
  throw format_error("nonlin::load_checkpoint: " + path + ": " + what);
}

void contents::read(const std::string& name, std::span<float> destination) const {
  const auto found = tensors.find(name);
  if (found == tensors.end()) fail("no tensor \"" + name + "\"; is this a checkpoint of the same run?");
  if (found->second.size() != destination.size())
    fail("tensor \"" + name + "\" holds " + std::to_string(found->second.size()) + " floats; expected " +
         std::to_string(destination.size()));
  std::copy(found->second.begin(), found->second.end(), destination.begin());
}

std::vector<float> contents::read_optional(const std::string& name) const {
  const auto found = tensors.find(name);
  return found == tensors.end() ? std::vector<float>{} : found->second;
}

const std::string& contents::text(const std::string& key) const {
  const auto found = metadata.find(key);
  if (found == metadata.end()) fail("the metadata has no \"" + key + "\"");
  return found->second;
}

double contents::real(const std::string& key) const {
  const std::string& s = text(key);
  double value = 0.0;
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (error != std::errc{} || end != s.data() + s.size())
    fail("the metadata's \"" + key + "\" is \"" + s + "\", not a number");
  return value;
}

std::uint64_t contents::count(const std::string& key) const {
  const std::string& s = text(key);
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (error != std::errc{} || end != s.data() + s.size())
    fail("the metadata's \"" + key + "\" is \"" + s + "\", not a count");
  return value;
}

std::string number(double value) {
  char text[64];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

std::string number(std::uint64_t value) { return std::to_string(value); }

void write(const std::string& path, std::span<const safetensors::float_tensor> tensors,
           const std::map<std::string, std::string>& metadata) {
  safetensors::write(path, tensors, metadata);
}

contents read(const std::string& path) {
  contents c{path, {}, {}};
  try {
    const safetensors::file_contents file = safetensors::open(path);
    c.metadata = file.metadata;
    if (auto f = c.metadata.find("format"); f == c.metadata.end() || f->second != "nonlin_checkpoint")
      c.fail("not a nonlin checkpoint (its metadata has no \"format\": \"nonlin_checkpoint\")");
    for (const auto& [name, entry] : file.tensors) c.tensors.emplace(name, safetensors::to_float(file, entry));
  } catch (const format_error& e) {
    std::string what = e.what();
    if (what.starts_with("nonlin::load_checkpoint")) throw;
    // The container's message names the file; it speaks as load_safetensors, the checkpoint as itself.
    if (const std::string reader = "nonlin::load_safetensors: "; what.starts_with(reader)) what.erase(0, reader.size());
    throw format_error("nonlin::load_checkpoint: " + what);
  }
  return c;
}

}  // namespace nonlin::detail::checkpoint
