// nonlin/eval/execution.hpp: execution policies for network::forward.
// nl::execution::sequential keeps a batch on the calling thread, nl::execution::parallel spreads its
// tiles over OpenMP threads; without a policy, forward goes parallel only when the batch is big enough.
#pragma once

#include <type_traits>

namespace nonlin::execution {

/// Decide from the batch size: threads only when the work outweighs starting them.
struct automatic_policy {};
/// Everything on the calling thread.
struct sequential_policy {};
/// Tiles shared among all OpenMP threads (the calling thread alone when built without OpenMP).
struct parallel_policy {};

inline constexpr automatic_policy automatic{};
inline constexpr sequential_policy sequential{};
inline constexpr parallel_policy parallel{};

/// One of the three policies above.
template <class P>
concept policy = std::is_same_v<P, automatic_policy> || std::is_same_v<P, sequential_policy> ||
                 std::is_same_v<P, parallel_policy>;

}  // namespace nonlin::execution
