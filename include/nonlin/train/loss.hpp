// nonlin/train/loss.hpp: the losses of training, as torch defines them: nl::mse_loss (mean over all
// elements, torch.nn.MSELoss), nl::bce_loss (torch.nn.BCELoss on sigmoid probabilities) and
// nl::cross_entropy_loss (on softmax probabilities, against one-hot or soft rows or against class
// indices), their gradients, and the tags nl::mse, nl::bce, nl::cross_entropy that loss_and_gradient
// and fit take.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nonlin/math/log.hpp>
#include <nonlin/simd/pack.hpp>
#include <nonlin/train/gradient.hpp>

namespace nonlin {

namespace detail {

inline void check_same_size(const char* who, std::size_t a, std::size_t b) {
  if (a != b)
    throw std::invalid_argument(std::string(who) + ": output and target must have the same number of floats; got " +
                                std::to_string(a) + " and " + std::to_string(b));
}

// torch's BCELoss clamps each log at −100 so that a probability that rounded to 0 or 1 gives a large
// finite loss instead of inf; the same clamp keeps cross-entropy finite on a probability of 0.
template <class V>
constexpr V clamped_log(V p) noexcept {
  const V l = math::log(p);
  const V floor = simd::broadcast<V>(-100.0f);
  return simd::select<V>(l < floor, floor, l);
}

// Class indices must name a class: the first that does not is reported with its position.
inline void check_labels(const char* who, std::span<const std::uint32_t> labels, std::size_t classes) {
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= classes)
      throw std::invalid_argument(std::string(who) + ": label " + std::to_string(i) + " is " +
                                  std::to_string(labels[i]) + ", not below the number of classes, " +
                                  std::to_string(classes));
}

inline void check_label_rows(const char* who, std::size_t probs, std::size_t labels, std::size_t classes) {
  if (classes == 0 || probs != labels * classes)
    throw std::invalid_argument(std::string(who) + ": expected one row of `classes` (" + std::to_string(classes) +
                                ") probabilities per label; got " + std::to_string(probs) + " floats and " +
                                std::to_string(labels) + " labels");
}

template <class A>
inline constexpr float temperature_of = [] {
  if constexpr (requires { A::temperature; }) return static_cast<float>(A::temperature);
  else return 1.0f;
}();

}  // namespace detail

/// Mean squared error over all elements, as torch.nn.MSELoss(): sum((y − t)²) / y.size().
inline float mse_loss(std::span<const float> out, std::span<const float> target) {
  detail::check_same_size("nonlin::mse_loss", out.size(), target.size());
  if (out.empty()) return 0.0f;
  double s = 0.0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const double d = static_cast<double>(out[i]) - target[i];
    s += d * d;
  }
  return static_cast<float>(s / static_cast<double>(out.size()));
}

/// d mse_loss / d out = 2 (y − t) / y.size(): the seed for nl::gradient.
inline void mse_loss_gradient(std::span<const float> out, std::span<const float> target, std::span<float> grad) {
  detail::check_same_size("nonlin::mse_loss_gradient", out.size(), target.size());
  detail::check_same_size("nonlin::mse_loss_gradient", out.size(), grad.size());
  const float k = 2.0f / static_cast<float>(out.size());
  for (std::size_t i = 0; i < out.size(); ++i) grad[i] = k * (out[i] - target[i]);
}

/// Binary cross-entropy of probabilities p against targets t in [0, 1], mean over all elements, as
/// torch.nn.BCELoss(): each log is clamped at −100, so p that rounded to exactly 0 or 1 stays finite.
inline float bce_loss(std::span<const float> p, std::span<const float> target) {
  detail::check_same_size("nonlin::bce_loss", p.size(), target.size());
  if (p.empty()) return 0.0f;
  double s = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i)
    s -= target[i] * detail::clamped_log(p[i]) + (1.0f - target[i]) * detail::clamped_log(1.0f - p[i]);
  return static_cast<float>(s / static_cast<double>(p.size()));
}

/// d bce_loss / d z for p = sigmoid(z): (p − t) / p.size(). The seed for nl::gradient(..., wrt::logits).
/// Going through the logit avoids the 1 / (p (1 − p)) of d/dp, which overflows where sigmoid saturates.
inline void bce_loss_gradient_logits(std::span<const float> p, std::span<const float> target, std::span<float> grad) {
  detail::check_same_size("nonlin::bce_loss_gradient_logits", p.size(), target.size());
  detail::check_same_size("nonlin::bce_loss_gradient_logits", p.size(), grad.size());
  const float k = 1.0f / static_cast<float>(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) grad[i] = k * (p[i] - target[i]);
}

/// Cross-entropy of softmax probabilities against target distributions (one-hot or soft), rows of
/// `classes`, mean over rows: −Σ t log p, each log clamped at −100 like BCELoss. torch's
/// CrossEntropyLoss reads logits instead; in float the two agree, as no p > 0 has log p < −104.
inline float cross_entropy_loss(std::span<const float> probs, std::span<const float> target, std::size_t classes) {
  detail::check_same_size("nonlin::cross_entropy_loss", probs.size(), target.size());
  if (classes == 0 || probs.size() % classes != 0)
    throw std::invalid_argument("nonlin::cross_entropy_loss: the spans must hold whole rows of `classes` floats");
  if (probs.empty()) return 0.0f;
  double s = 0.0;
  for (std::size_t i = 0; i < probs.size(); ++i) s -= target[i] * detail::clamped_log(probs[i]);
  return static_cast<float>(s / static_cast<double>(probs.size() / classes));
}

/// d cross_entropy_loss / d z for p = softmax(z / T): (p Σt − t) / (n T), which is (p − t) / (n T) for
/// targets that sum to one. The seed for nl::gradient(..., wrt::logits).
inline void cross_entropy_gradient_logits(std::span<const float> probs, std::span<const float> target,
                                          std::size_t classes, float temperature, std::span<float> grad) {
  detail::check_same_size("nonlin::cross_entropy_gradient_logits", probs.size(), target.size());
  detail::check_same_size("nonlin::cross_entropy_gradient_logits", probs.size(), grad.size());
  if (classes == 0 || probs.size() % classes != 0)
    throw std::invalid_argument("nonlin::cross_entropy_gradient_logits: the spans must hold whole rows of `classes` floats");
  const std::size_t rows = probs.size() / classes;
  const float k = 1.0f / (static_cast<float>(rows) * temperature);
  for (std::size_t r = 0; r < rows; ++r) {
    float sum_t = 0.0f;
    for (std::size_t c = 0; c < classes; ++c) sum_t += target[r * classes + c];
    for (std::size_t c = 0; c < classes; ++c)
      grad[r * classes + c] = k * (probs[r * classes + c] * sum_t - target[r * classes + c]);
  }
}

/// Class indices as one-hot rows of `classes` floats (label k: 1 at column k, 0 elsewhere), the
/// targets the one-hot forms read. Throws std::invalid_argument naming the first label that is not
/// below `classes`.
inline std::vector<float> one_hot(std::span<const std::uint32_t> labels, std::size_t classes) {
  detail::check_labels("nonlin::one_hot", labels, classes);
  std::vector<float> rows(labels.size() * classes, 0.0f);
  for (std::size_t i = 0; i < labels.size(); ++i) rows[i * classes + labels[i]] = 1.0f;
  return rows;
}

/// Cross-entropy against class indices, one label per row of `classes` probabilities: the mean of
/// −log p[label] (clamped at −100), equal to cross_entropy_loss on the one-hot rows of the labels.
/// A label that is not below `classes` throws std::invalid_argument naming its position and value.
inline float cross_entropy_loss(std::span<const float> probs, std::span<const std::uint32_t> labels,
                                std::size_t classes) {
  detail::check_label_rows("nonlin::cross_entropy_loss", probs.size(), labels.size(), classes);
  detail::check_labels("nonlin::cross_entropy_loss", labels, classes);
  if (labels.empty()) return 0.0f;
  double s = 0.0;
  // The one-hot sum −Σ t log p without its zero terms, which leave a double sum unchanged (±0 each).
  for (std::size_t r = 0; r < labels.size(); ++r) s -= detail::clamped_log(probs[r * classes + labels[r]]);
  return static_cast<float>(s / static_cast<double>(labels.size()));
}

/// d cross_entropy_loss / d z against class indices: (p − onehot(label)) / (n T), as the one-hot form.
inline void cross_entropy_gradient_logits(std::span<const float> probs, std::span<const std::uint32_t> labels,
                                          std::size_t classes, float temperature, std::span<float> grad) {
  detail::check_label_rows("nonlin::cross_entropy_gradient_logits", probs.size(), labels.size(), classes);
  detail::check_same_size("nonlin::cross_entropy_gradient_logits", probs.size(), grad.size());
  detail::check_labels("nonlin::cross_entropy_gradient_logits", labels, classes);
  const float k = 1.0f / (static_cast<float>(labels.size()) * temperature);
  for (std::size_t r = 0; r < labels.size(); ++r)  // a one-hot row sums to exactly 1: p · Σt = p
    for (std::size_t c = 0; c < classes; ++c)
      grad[r * classes + c] = k * (probs[r * classes + c] - (c == labels[r] ? 1.0f : 0.0f));
}

/// What fit reports as validation accuracy for a loss: none (regression), the share of rows whose
/// largest output is the target's largest (argmax), or the share of outputs on the target's side of 0.5.
enum class accuracy_kind { none, argmax, threshold };

// The tags: what loss_and_gradient and fit need from a loss, computed on a tile of samples in lanes.
// tile() returns each lane's unscaled loss and writes the scaled seed into g.

/// Mean squared error (torch.nn.MSELoss), on any output activation.
struct mse {
  static constexpr wrt seed_at = wrt::output;
  static constexpr accuracy_kind accuracy = accuracy_kind::none;
  static float mean(std::span<const float> out, std::span<const float> target, std::size_t) {
    return mse_loss(out, target);
  }
  template <class Act>
  static constexpr void check_output_activation() noexcept {}
  template <std::size_t Outputs>
  static float scale(std::size_t n) noexcept { return 1.0f / static_cast<float>(n * Outputs); }
  template <class Act, class V, std::size_t N>
  static V tile(const std::array<V, N>& y, const std::array<V, N>& t, std::array<V, N>& g, float scale) noexcept {
    V loss = simd::broadcast<V>(0.0f);
    for (std::size_t o = 0; o < N; ++o) {
      const V d = y[o] - t[o];
      g[o] = (2.0f * scale) * d;
      loss = simd::fma(d, d, loss);
    }
    return loss;
  }
};

/// Binary cross-entropy (torch.nn.BCELoss) on a sigmoid output; gradient through the logit.
struct bce {
  static constexpr wrt seed_at = wrt::logits;
  static constexpr accuracy_kind accuracy = accuracy_kind::threshold;
  static float mean(std::span<const float> p, std::span<const float> target, std::size_t) {
    return bce_loss(p, target);
  }
  template <class Act>
  static constexpr void check_output_activation() noexcept {
    static_assert(Act::name == std::string_view("sigmoid"),
                  "nonlin::bce: binary cross-entropy needs a network whose last activation is sigmoid");
  }
  template <std::size_t Outputs>
  static float scale(std::size_t n) noexcept { return 1.0f / static_cast<float>(n * Outputs); }
  template <class Act, class V, std::size_t N>
  static V tile(const std::array<V, N>& p, const std::array<V, N>& t, std::array<V, N>& g, float scale) noexcept {
    V loss = simd::broadcast<V>(0.0f);
    const V one = simd::broadcast<V>(1.0f);
    for (std::size_t o = 0; o < N; ++o) {
      g[o] = scale * (p[o] - t[o]);
      loss -= t[o] * detail::clamped_log(p[o]) + (one - t[o]) * detail::clamped_log(one - p[o]);
    }
    return loss;
  }
};

/// Cross-entropy on a softmax<T> output, mean over samples; the fused gradient (p − t) / T per sample.
struct cross_entropy {
  static constexpr wrt seed_at = wrt::logits;
  static constexpr accuracy_kind accuracy = accuracy_kind::argmax;
  static float mean(std::span<const float> p, std::span<const float> target, std::size_t classes) {
    return cross_entropy_loss(p, target, classes);
  }
  template <class Act>
  static constexpr void check_output_activation() noexcept {
    static_assert(!Act::is_elementwise,
                  "nonlin::cross_entropy: cross-entropy needs a network whose last activation is softmax");
  }
  template <std::size_t Outputs>
  static float scale(std::size_t n) noexcept { return 1.0f / static_cast<float>(n); }
  template <class Act, class V, std::size_t N>
  static V tile(const std::array<V, N>& p, const std::array<V, N>& t, std::array<V, N>& g, float scale) noexcept {
    V loss = simd::broadcast<V>(0.0f), sum_t = simd::broadcast<V>(0.0f);
    for (std::size_t o = 0; o < N; ++o) {
      loss -= t[o] * detail::clamped_log(p[o]);
      sum_t += t[o];
    }
    const float k = scale / detail::temperature_of<Act>;
    for (std::size_t o = 0; o < N; ++o) g[o] = k * (p[o] * sum_t - t[o]);
    return loss;
  }
};

}  // namespace nonlin
