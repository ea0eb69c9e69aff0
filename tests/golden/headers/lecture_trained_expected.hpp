// torch's outputs of lecture_trained.hpp's network for a few inputs (tools/export_network.py
// --golden-headers, torch 1.13.0a0): the input, torch in float32, the same weights in float64.
#pragma once

#include <array>

struct lecture_trained_probe {
  std::array<float, 2> input;
  float torch_f32;
  double torch_f64;
};

inline constexpr std::array<lecture_trained_probe, 12> lecture_trained_probes{{
    {{-0x1.d588d8p-2f, -0x1.7b4db4p-4f}, 0x1.ffb792p-1f, 0x1.ffb79412aecf9p-1},
    {{0x1.e74294p-3f, -0x1.b2eafp-2f}, 0x1.ff9888p-1f, 0x1.ff98893fc8ebdp-1},
    {{0x1.ea9438p-2f, -0x1.5ee54cp-4f}, 0x1.ffb83ap-1f, 0x1.ffb83b1f49eb6p-1},
    {{0x1.a24836p-2f, 0x1.85596ep-2f}, 0x1.fd2ep-1f, 0x1.fd2dff6c76076p-1},
    {{0x1.b41312p-2f, 0x1.ee87eap-1f}, 0x1.1f6bdep-9f, 0x1.1f6bddaf817bep-9},
    {{-0x1.eb0d3cp-3f, 0x1.b0e986p-1f}, 0x1.2f62fap-6f, 0x1.2f63013560f64p-6},
    {{0x1.c70b22p-1f, -0x1.d1f1eap-2f}, 0x1.a05518p-13f, 0x1.a0553b0bba623p-13},
    {{0x1.66896cp-1f, -0x1.7e38acp-1f}, 0x1.bbeb28p-18f, 0x1.bbeaece6c46bbp-18},
    {{0x0p+0f, 0x0p+0f}, 0x1.ffc03cp-1f, 0x1.ffc03a56d4efap-1},
    {{0x1.8p+0f, -0x1.8p+0f}, 0x1.cf3ff4p-19f, 0x1.cf3ff2b4f6437p-19},
    {{-0x1p-2f, 0x1.8p-1f}, 0x1.2241e8p-1f, 0x1.2241ec1b60768p-1},
    {{0x1.8p+1f, 0x1.8p+1f}, 0x1.b89db6p-10f, 0x1.b89daebd3e6b7p-10},
}};
