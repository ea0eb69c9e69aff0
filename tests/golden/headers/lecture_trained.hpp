// lecture_trained: a network compiled into the program, written by tools/export_network.py
// (torch 1.13.0a0) from the lecture's 2-4-2-1 classifier
// trained in torch on two circles (accuracy 1.000).
// Regenerate it rather than edit it.
// The weights are hexadecimal float literals, each exactly the float torch holds, row-major
// [out][in] as torch.nn.Linear keeps them. The weights live in the object, so the network is a constant:
// it needs no file and no allocation, and lecture_trained(x) is a constant expression.
#pragma once

#include <nonlin/activation/sigmoid.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/network.hpp>

using lecture_trained_type = nonlin::network<nonlin::input<2>, nonlin::dense<4, nonlin::tanh>, nonlin::dense<2, nonlin::tanh>, nonlin::dense<1, nonlin::sigmoid>>;

static_assert(lecture_trained_type::stores_inline,
              "lecture_trained: written as a constant for a network whose weights live in the object");

constexpr lecture_trained_type make_lecture_trained() noexcept {
  lecture_trained_type m;
  m.layer<0>().weight = {
      -0x1.1cca02p+0f, 0x1.cd31c6p+1f, 0x1.aeaa66p-3f, 0x1.c473aep-2f, 0x1.01331ap+1f, 0x1.ed02e2p+0f,
      0x1.c53b5ap+1f, -0x1.061b88p+0f};
  m.layer<0>().bias = {
      0x1.b8a73cp+0f, 0x1.cfd27ap-2f, -0x1.7b0fccp+0f, 0x1.a0be9p+0f};
  m.layer<1>().weight = {
      -0x1.ca194ep+1f, -0x1.40147cp+0f, -0x1.37738ap-2f, -0x1.e41e5ap+1f, -0x1.5e3606p+1f, 0x1.57ad0ap+1f,
      0x1.7c2552p+1f, -0x1.395a22p+1f};
  m.layer<1>().bias = {
      0x1.e3767ap-1f, 0x1.407e9ap+1f};
  m.layer<2>().weight = {
      -0x1.7a5092p+2f, -0x1.c1effp+2f};
  m.layer<2>().bias = {
      -0x1.53aeb4p+2f};
  return m;
}

inline constexpr lecture_trained_type lecture_trained = make_lecture_trained();
