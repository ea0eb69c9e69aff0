// nonlin/train/checkpoint.hpp: save a training run and resume it. nl::save_checkpoint(path, m, opt,
// progress) writes the weights, the optimiser's settings and state (SGD's velocity, Adam's moments and
// step count) and fit's progress (epochs done, the schedule's position, early stopping's best) as one
// safetensors file; nl::load_checkpoint reads them into fresh objects, and fit continues the run as if
// it had not stopped, bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nonlin/describe.hpp>
#include <nonlin/io/detail/checkpoint_file.hpp>
#include <nonlin/io/format_error.hpp>
#include <nonlin/train/adam.hpp>
#include <nonlin/train/fit.hpp>
#include <nonlin/train/sgd.hpp>

namespace nonlin {

namespace detail::checkpoint {

template <class Net, class Optimizer>
inline constexpr const char* optimizer_name = nullptr;
template <class Net>
inline constexpr const char* optimizer_name<Net, sgd> = "sgd";
template <class Net>
inline constexpr const char* optimizer_name<Net, sgd_with_momentum<Net>> = "sgd_with_momentum";
template <class Net>
inline constexpr const char* optimizer_name<Net, adam<Net>> = "adam";
template <class Net>
inline constexpr const char* optimizer_name<Net, adamw<Net>> = "adamw";

template <class Net, class Optimizer>
constexpr void check_optimizer() {
  static_assert(optimizer_name<Net, Optimizer> != nullptr,
                "nonlin checkpoints: the optimiser must be nl::sgd, nl::sgd_with_momentum<Net>, nl::adam<Net> or "
                "nl::adamw<Net> of the network's type");
}

// Calls f(prefix + "<k>.weight", array) and f(prefix + "<k>.bias", array) for every layer k.
template <class Net, class F>
void each_tensor(const std::string& prefix, Net& net, F f) {
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    ((f(prefix + std::to_string(K) + ".weight", std::span(net.template layer<K>().weight)),
      f(prefix + std::to_string(K) + ".bias", std::span(net.template layer<K>().bias))),
     ...);
  }(std::make_index_sequence<std::remove_const_t<Net>::depth>{});
}

// The buffers of an optimiser that has them, with their names in the file.
template <class Net, class Optimizer, class F>
void each_buffer(Optimizer& opt, F f) {
  using plain = std::remove_const_t<Optimizer>;
  if constexpr (std::is_same_v<plain, sgd_with_momentum<Net>>) {
    f("optimizer.velocity.", opt.velocity);
  } else if constexpr (std::is_same_v<plain, adam<Net>> || std::is_same_v<plain, adamw<Net>>) {
    f("optimizer.first_moment.", opt.first_moment);
    f("optimizer.second_moment.", opt.second_moment);
  }
}

// The hyper-parameters of each optimiser as (name, field) pairs; f(name, float&) or f(name, bool&).
template <class Net, class Optimizer, class F>
void each_setting(Optimizer& opt, F f) {
  using plain = std::remove_const_t<Optimizer>;
  if constexpr (std::is_same_v<plain, sgd>) {
    f("optimizer.learning_rate", opt.learning_rate);
    f("optimizer.momentum", opt.momentum);
    f("optimizer.weight_decay", opt.weight_decay);
    f("optimizer.nesterov", opt.nesterov);
  } else if constexpr (std::is_same_v<plain, sgd_with_momentum<Net>>) {
    each_setting<Net>(opt.settings, f);
  } else {
    f("optimizer.learning_rate", opt.learning_rate);
    f("optimizer.beta1", opt.beta1);
    f("optimizer.beta2", opt.beta2);
    f("optimizer.epsilon", opt.epsilon);
    f("optimizer.weight_decay", opt.weight_decay);
  }
}

}  // namespace detail::checkpoint

/// Writes a checkpoint of a run to `path` (a safetensors file): m's weights as "model.<k>.weight" and
/// "model.<k>.bias" (k the layer's position), the optimiser's buffers as "optimizer.velocity.<k>...",
/// "optimizer.first_moment.<k>...", "optimizer.second_moment.<k>...", early stopping's best weights as
/// "fit.best_weights", and in "__metadata__" the network type, the optimiser's kind, settings and step
/// count and fit's progress, each number written so that it reads back exactly. The optimiser is
/// nl::sgd, nl::sgd_with_momentum<Net>, nl::adam<Net> or nl::adamw<Net>. Throws nl::format_error when
/// the file cannot be written.
template <class Net, class Optimizer>
void save_checkpoint(const std::string& path, const Net& m, const Optimizer& opt, const fit_progress& progress = {}) {
  namespace cp = detail::checkpoint;
  cp::check_optimizer<Net, Optimizer>();
  std::vector<detail::safetensors::float_tensor> tensors;
  auto add = [&](const std::string& name, std::span<const float> values) {
    tensors.push_back({name, {values.size()}, values});
  };
  cp::each_tensor("model.", m, add);
  cp::each_buffer<Net>(opt, [&](const char* prefix, const Net& buffer) { cp::each_tensor(prefix, buffer, add); });
  if (!progress.best_weights.empty()) add("fit.best_weights", progress.best_weights);

  std::map<std::string, std::string> meta{
      {"format", "nonlin_checkpoint"},
      {"nonlin_type", nonlin::detail::network_type_name<Net>("nl::")},
      {"optimizer", cp::optimizer_name<Net, Optimizer>},
  };
  cp::each_setting<Net>(opt, [&](const char* name, const auto& value) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(value)>, bool>)
      meta[name] = value ? "true" : "false";
    else
      meta[name] = cp::number(static_cast<double>(value));
  });
  if constexpr (requires { opt.step_count; }) meta["optimizer.step_count"] = cp::number(static_cast<std::uint64_t>(opt.step_count));
  const auto& s = progress.schedule;
  meta["fit.epochs_done"] = cp::number(static_cast<std::uint64_t>(progress.epochs_done));
  meta["fit.has_schedule"] = progress.has_schedule ? "true" : "false";
  meta["fit.schedule.base_rate"] = cp::number(static_cast<double>(s.base_rate));
  meta["fit.schedule.epoch"] = cp::number(static_cast<std::uint64_t>(s.epoch));
  meta["fit.schedule.plateau_rate"] = cp::number(s.plateau.rate);
  meta["fit.schedule.plateau_best"] = cp::number(s.plateau.best);
  meta["fit.schedule.plateau_bad_epochs"] = cp::number(std::uint64_t(static_cast<unsigned>(s.plateau.bad_epochs)));
  meta["fit.best_validation_loss"] = cp::number(static_cast<double>(progress.best_validation_loss));
  meta["fit.best_epoch"] = cp::number(static_cast<std::uint64_t>(progress.best_epoch));
  meta["fit.epochs_without_improvement"] = cp::number(static_cast<std::uint64_t>(progress.epochs_without_improvement));
  meta["fit.stopped_early"] = progress.stopped_early ? "true" : "false";
  cp::write(path, tensors, meta);
}

/// Reads a checkpoint that save_checkpoint wrote into m, opt and progress, which then equal the saved
/// objects bit for bit (the optimiser's settings included: a scheduled rate is the one it had).
/// Throws nl::format_error, naming the file, when it is not a checkpoint, records another network type
/// or another kind of optimiser, or lacks a tensor or an entry; m, opt and progress are then unchanged.
template <class Net, class Optimizer>
void load_checkpoint(const std::string& path, Net& m, Optimizer& opt, fit_progress& progress) {
  namespace cp = detail::checkpoint;
  cp::check_optimizer<Net, Optimizer>();
  const cp::contents c = cp::read(path);
  const std::string declared = nonlin::detail::network_type_name<Net>("nl::");
  if (c.text("nonlin_type") != declared)
    c.fail("the checkpoint is of " + c.text("nonlin_type") + ", not of " + declared);
  if (c.text("optimizer") != cp::optimizer_name<Net, Optimizer>)
    c.fail("the checkpoint's optimiser is " + c.text("optimizer") + ", not " + cp::optimizer_name<Net, Optimizer>);
  auto flag = [&](const std::string& key) {
    const std::string& t = c.text(key);
    if (t != "true" && t != "false") c.fail("the metadata's \"" + key + "\" is \"" + t + "\", not true or false");
    return t == "true";
  };
  // Everything into copies first, so that a defect found late leaves the caller's objects alone.
  Net model = m;
  Optimizer optimizer = opt;
  fit_progress p;
  cp::each_tensor("model.", model, [&](const std::string& name, std::span<float> a) { c.read(name, a); });
  cp::each_buffer<Net>(optimizer, [&](const char* prefix, Net& buffer) {
    cp::each_tensor(prefix, buffer, [&](const std::string& name, std::span<float> a) { c.read(name, a); });
  });
  cp::each_setting<Net>(optimizer, [&](const char* name, auto& value) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(value)>, bool>)
      value = flag(name);
    else
      value = static_cast<float>(c.real(name));
  });
  if constexpr (requires { optimizer.step_count; })
    optimizer.step_count = static_cast<std::size_t>(c.count("optimizer.step_count"));
  p.epochs_done = static_cast<std::size_t>(c.count("fit.epochs_done"));
  p.has_schedule = flag("fit.has_schedule");
  p.schedule.base_rate = static_cast<float>(c.real("fit.schedule.base_rate"));
  p.schedule.epoch = static_cast<std::size_t>(c.count("fit.schedule.epoch"));
  p.schedule.plateau.rate = c.real("fit.schedule.plateau_rate");
  p.schedule.plateau.best = c.real("fit.schedule.plateau_best");
  p.schedule.plateau.bad_epochs = static_cast<int>(c.count("fit.schedule.plateau_bad_epochs"));
  p.best_validation_loss = static_cast<float>(c.real("fit.best_validation_loss"));
  p.best_epoch = static_cast<std::size_t>(c.count("fit.best_epoch"));
  p.epochs_without_improvement = static_cast<std::size_t>(c.count("fit.epochs_without_improvement"));
  p.stopped_early = flag("fit.stopped_early");
  p.best_weights = c.read_optional("fit.best_weights");
  if (!p.best_weights.empty() && p.best_weights.size() != Net::parameter_count)
    c.fail("\"fit.best_weights\" holds " + std::to_string(p.best_weights.size()) + " floats; the network has " +
           std::to_string(Net::parameter_count) + " parameters");
  m = model;
  opt = std::move(optimizer);
  progress = std::move(p);
}

}  // namespace nonlin
