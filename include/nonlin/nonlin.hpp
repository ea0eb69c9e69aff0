// nonlin/nonlin.hpp: everything nonlin offers, in one include.
#pragma once

#include <nonlin/activation/entropy.hpp>
#include <nonlin/activation/identity.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/layer.hpp>
#include <nonlin/network.hpp>
#include <nonlin/io/safetensors.hpp>
#include <nonlin/describe.hpp>
