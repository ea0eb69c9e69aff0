// nonlin/network_fwd.hpp: the declaration of network<Input, Layers...> and is_network_v. The headers
// below network.hpp (the traits, the cost model that builds merged network types) name network types
// through it without needing the class itself.
#pragma once

namespace nonlin {

template <class Input, class... Layers>
class network;

/// True for the network<...> types, false for everything else.
template <class T>
inline constexpr bool is_network_v = false;
template <class Input, class... Layers>
inline constexpr bool is_network_v<network<Input, Layers...>> = true;

}  // namespace nonlin
