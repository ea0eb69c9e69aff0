// two_blocks_trained: a network compiled into the program, written by tools/export_network.py
// (torch 1.13.0a0) from the two-block softmax network of two_blocks_cross_entropy.txt
// after its 100 SGD steps (tools/golden/make_residual_golden.py).
// Regenerate it rather than edit it.
// The weights are hexadecimal float literals, each exactly the float torch holds, row-major
// [out][in] as torch.nn.Linear keeps them. The weights live in the object, so the network is a constant:
// it needs no file and no allocation, and two_blocks_trained(x) is a constant expression.
#pragma once

#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/activation/tanh.hpp>
#include <nonlin/network.hpp>

using two_blocks_trained_type = nonlin::network<nonlin::input<4>, nonlin::dense<8, nonlin::tanh>, nonlin::residual<nonlin::dense<16, nonlin::relu>, nonlin::dense<8>>, nonlin::residual<nonlin::dense<8, nonlin::tanh>, nonlin::dense<8, nonlin::tanh>>, nonlin::dense<3, nonlin::softmax<1.0f>>>;

static_assert(two_blocks_trained_type::stores_inline,
              "two_blocks_trained: written as a constant for a network whose weights live in the object");

constexpr two_blocks_trained_type make_two_blocks_trained() noexcept {
  two_blocks_trained_type m;
  m.layer<0>().weight = {
      -0x1.7b34dep-3f, 0x1.a3f57ep-2f, -0x1.0928a8p+0f, -0x1.235202p-1f, 0x1.3d51dep-4f, 0x1.91dd66p-2f,
      0x1.b304bp-4f, 0x1.0d72eep-2f, 0x1.84ee1ap-2f, -0x1.73cc2cp-2f, -0x1.2c2998p-2f, -0x1.bde3c2p-3f,
      -0x1.32214p-1f, -0x1.dd048cp-3f, -0x1.ca954ep-2f, -0x1.b33c5cp-2f, 0x1.32820ep-2f, 0x1.3fefd8p-3f,
      -0x1.1caa76p-1f, -0x1.e2c898p-5f, 0x1.f4252cp-6f, 0x1.5fc128p-1f, -0x1.3d8306p-3f, 0x1.b30beap-5f,
      0x1.8e733cp-5f, 0x1.cb5ccp-1f, 0x1.68cbd6p-2f, -0x1.58677p-1f, -0x1.35a9eep-1f, 0x1.47cfb6p-2f,
      -0x1.160078p-1f, 0x1.3719d6p-1f};
  m.layer<0>().bias = {
      -0x1.993ba2p-2f, -0x1.93d32p-3f, -0x1.eaba7ap-2f, -0x1.9829b4p-2f, -0x1.d4084ap-2f, 0x1.e4ec18p-1f,
      0x1.934bdcp-3f, 0x1.4c5d48p-2f};
  m.layer<1>().weight = {
      0x1.d51e1ep-7f, -0x1.77588p-3f, 0x1.886e5ep-5f, -0x1.60a9dcp-2f, -0x1.1e91f4p-2f, -0x1.7cc2fap-3f,
      0x1.1dedb4p-2f, 0x1.56d9c6p-3f, -0x1.5e626cp-8f, 0x1.eba89cp-4f, 0x1.ae3e32p-3f, 0x1.295cdcp-2f,
      0x1.7f9d5p-3f, 0x1.72792cp-3f, 0x1.5a253p-2f, -0x1.bc171p-3f, 0x1.d8b588p-4f, -0x1.0c632cp-2f,
      -0x1.063feap-2f, -0x1.95cd7ap-3f, 0x1.742e82p-3f, 0x1.4a739ap-3f, -0x1.b4473ap-3f, 0x1.3a37a2p-4f,
      0x1.90dfeep-4f, 0x1.b218d4p-5f, -0x1.9aff6p-4f, -0x1.8e46a2p-4f, 0x1.1538bcp-2f, 0x1.cb2686p-2f,
      -0x1.297c52p-2f, 0x1.8c8f9ep-6f, 0x1.798f5ap-4f, 0x1.0640fep-2f, 0x1.b3e97ep-2f, 0x1.0156ecp-2f,
      0x1.3ed386p-3f, -0x1.13d22p-2f, 0x1.b5f1c8p-5f, -0x1.6b26dcp-2f, -0x1.70b386p-2f, 0x1.df4966p-3f,
      0x1.56aa5p-2f, -0x1.2f12d6p-1f, 0x1.d5435cp-6f, -0x1.86a10ap-6f, 0x1.02d0cap-3f, -0x1.00d6a4p-2f,
      0x1.5cacep-4f, -0x1.a51578p-4f, 0x1.a9e012p-4f, 0x1.b0e566p-4f, 0x1.a2959ap-3f, 0x1.d536acp-4f,
      -0x1.32dd02p-2f, -0x1.9ce1a2p-3f, 0x1.3f172cp-2f, 0x1.b941f4p-6f, -0x1.8f6e82p-3f, -0x1.8a40d4p-3f,
      0x1.58a45p-2f, 0x1.16ac12p-2f, 0x1.c6aafep-5f, -0x1.8b1ca6p-2f, -0x1.94ba8p-2f, -0x1.d1cd08p-4f,
      -0x1.1a5c88p-2f, -0x1.1df158p-2f, -0x1.168404p-3f, 0x1.0c4ebap-4f, -0x1.7a0748p-4f, 0x1.d476dep-4f,
      -0x1.71983ap-3f, 0x1.32b2e8p-2f, 0x1.fe14f4p-3f, -0x1.232c84p-2f, -0x1.3a3e54p-3f, 0x1.e62f5ep-5f,
      0x1.24afdcp-2f, 0x1.1d36a2p-5f, 0x1.466c68p-2f, 0x1.2b5a22p-5f, -0x1.8fdep-3f, 0x1.876ab6p-3f,
      -0x1.2d318cp-2f, -0x1.4cb968p-3f, -0x1.b0a816p-3f, -0x1.c34662p-4f, -0x1.38d924p-3f, -0x1.cadfc8p-3f,
      -0x1.d4d07p-5f, 0x1.22e68ep-4f, -0x1.93646p-3f, 0x1.461d2p-7f, 0x1.86e03p-3f, -0x1.76c984p-8f,
      0x1.605dcp-5f, -0x1.836a28p-7f, 0x1.e4fd72p-3f, 0x1.6621cep-2f, 0x1.09e17cp-1f, 0x1.cce896p-3f,
      0x1.215b12p-3f, 0x1.8fb3aap-3f, -0x1.397e84p-2f, -0x1.28605ap-3f, 0x1.03f256p-2f, -0x1.ad7e86p-6f,
      -0x1.128decp-3f, -0x1.029e8cp-2f, -0x1.64a14p-2f, -0x1.2d0ffcp-2f, -0x1.d9dd3p-4f, 0x1.5e7404p-3f,
      0x1.b2c32ep-3f, -0x1.474894p-2f, 0x1.7beb62p-3f, -0x1.4d9702p-2f, -0x1.59c22p-5f, -0x1.d95856p-4f,
      0x1.221292p-4f, -0x1.fa773cp-5f, -0x1.55900cp-2f, -0x1.8096a4p-2f, 0x1.4494p-6f, 0x1.1677fep-4f,
      -0x1.316b7ep-3f, -0x1.8dc7c4p-7f};
  m.layer<1>().bias = {
      -0x1.3b9dfep-2f, -0x1.048d0ep-4f, 0x1.3de996p-2f, 0x1.291258p-8f, 0x1.152002p-3f, 0x1.8a14e6p-3f,
      -0x1.e0d14ep-2f, 0x1.cb2ca4p-4f, 0x1.5c24c8p-4f, -0x1.54dc48p-3f, 0x1.4f61bep-2f, -0x1.6bc54p-2f,
      -0x1.515d3cp-5f, -0x1.b55c82p-4f, 0x1.130ff8p-2f, 0x1.751f3cp-4f};
  m.layer<2>().weight = {
      0x1.9db49p-4f, 0x1.98461p-4f, -0x1.c323cep-4f, -0x1.b49e52p-4f, -0x1.adfaa2p-3f, 0x1.cf82cap-3f,
      0x1.631e7p-3f, 0x1.07b872p-2f, -0x1.abb4b8p-3f, 0x1.164f32p-7f, -0x1.a792bap-8f, -0x1.fb1b96p-4f,
      -0x1.1ad36p-2f, -0x1.8aa9e4p-7f, -0x1.47b408p-3f, 0x1.dbe82cp-9f, -0x1.8c94acp-5f, 0x1.c7f76cp-3f,
      -0x1.2f617ap-2f, -0x1.9ba306p-3f, -0x1.014542p-3f, 0x1.de9f4p-2f, -0x1.5e2b1ep-4f, 0x1.b51b16p-3f,
      0x1.17b1aep-3f, 0x1.180b1p-3f, 0x1.4adccap-4f, -0x1.3c1202p-3f, 0x1.c0b272p-4f, -0x1.22f31cp-4f,
      0x1.381eeap-5f, 0x1.4b9114p-6f, -0x1.d40714p-3f, -0x1.92eb8ap-4f, 0x1.1239f6p-3f, -0x1.d63d56p-3f,
      -0x1.541bfap-6f, 0x1.6cf9a8p-2f, 0x1.3a5a36p-4f, -0x1.a43edp-6f, -0x1.774da2p-3f, 0x1.5b77bep-3f,
      -0x1.4b5576p-3f, -0x1.07e2dep-3f, -0x1.c41726p-7f, -0x1.6a2d5cp-5f, 0x1.a4ce5ap-7f, 0x1.87933p-3f,
      0x1.6932bap-5f, 0x1.e2575ap-3f, 0x1.ae8ddp-4f, -0x1.33a674p-3f, 0x1.a75e74p-4f, -0x1.fd88dep-5f,
      -0x1.4a787cp-4f, -0x1.283eb6p-4f, 0x1.45e892p-3f, 0x1.121c4cp-2f, -0x1.6f2768p-3f, -0x1.2b6594p-4f,
      0x1.311efcp-2f, -0x1.5c5586p-3f, 0x1.a94788p-3f, -0x1.dfe57ap-3f, 0x1.e82706p-5f, -0x1.2bf3aap-4f,
      -0x1.231702p-3f, 0x1.251672p-5f, 0x1.a0a83cp-3f, -0x1.6bf0a8p-3f, -0x1.fea364p-4f, -0x1.00c0a8p-2f,
      -0x1.f5739cp-3f, 0x1.b330dp-4f, -0x1.798fe4p-3f, -0x1.f53456p-4f, -0x1.fe7b6ep-4f, 0x1.9c04b4p-3f,
      0x1.aaaa3ep-4f, 0x1.62b59p-3f, 0x1.3ff5eap-3f, -0x1.fa08dcp-4f, 0x1.808558p-7f, 0x1.d51cap-4f,
      0x1.8a55e8p-3f, -0x1.1f0ceep-3f, -0x1.be713ap-4f, -0x1.678036p-3f, -0x1.e750a6p-3f, -0x1.79f7ccp-6f,
      -0x1.d29fd8p-3f, -0x1.05f284p-3f, 0x1.6e2596p-3f, -0x1.377a0ap-3f, -0x1.2b90cap-4f, 0x1.797dd8p-4f,
      0x1.7fa6e8p-5f, -0x1.7d7ccep-3f, -0x1.060534p-2f, 0x1.a331b8p-3f, 0x1.3390f2p-5f, 0x1.a3afcep-3f,
      -0x1.495bb4p-5f, -0x1.627652p-3f, 0x1.b0db4ep-8f, 0x1.0c487ap-4f, -0x1.2e7f7p-2f, 0x1.a760acp-5f,
      0x1.ec6b44p-3f, 0x1.0ece3ap-3f, -0x1.f1a6d6p-5f, -0x1.8533c8p-3f, 0x1.4ec332p-3f, -0x1.424ad4p-3f,
      0x1.63df8p-5f, -0x1.51096p-4f, -0x1.d41656p-4f, 0x1.d49f8p-4f, -0x1.d26aap-4f, -0x1.62959ap-4f,
      0x1.bc0796p-4f, -0x1.088794p-3f, -0x1.55d578p-5f, 0x1.70f2c2p-5f, 0x1.0aadb8p-2f, 0x1.d3bcf8p-6f,
      -0x1.8986a2p-3f, -0x1.3f474cp-4f};
  m.layer<2>().bias = {
      0x1.59c9acp-6f, -0x1.07ef4ap-3f, 0x1.c7535p-5f, 0x1.a5a7dep-3f, -0x1.fd0c94p-4f, 0x1.66c3b2p-5f,
      0x1.171ec4p-3f, 0x1.f2d3f8p-8f};
  m.layer<3>().weight = {
      -0x1.87c1fp-8f, 0x1.14157ep-6f, -0x1.45dc22p-2f, -0x1.4922d6p-5f, 0x1.bd7f78p-3f, 0x1.812122p-2f,
      0x1.07ff9cp-2f, 0x1.77b8f8p-6f, 0x1.862cp-2f, -0x1.d371acp-3f, -0x1.531aacp-2f, -0x1.314dc6p-2f,
      0x1.6ef8bep-2f, 0x1.a1946cp-3f, -0x1.2b195ap-2f, -0x1.7c665cp-7f, 0x1.ff63c8p-4f, 0x1.4260e2p-2f,
      0x1.8aa52cp-2f, 0x1.3b3442p-2f, -0x1.c8a5c2p-5f, -0x1.f3b3cp-4f, 0x1.52250ap-2f, 0x1.0d5b3cp-2f,
      -0x1.2dc9b4p-2f, 0x1.917b4ep-2f, 0x1.6b8fccp-2f, 0x1.ea0994p-3f, -0x1.2bd82p-3f, 0x1.78cb9cp-3f,
      -0x1.151ba2p-2f, 0x1.43d48ap-2f, 0x1.ccabd2p-5f, 0x1.bff976p-3f, 0x1.1c648cp-6f, 0x1.41c6b6p-3f,
      -0x1.aa4978p-3f, 0x1.d5aa0ep-4f, -0x1.e4a54ap-3f, -0x1.12584ep-6f, -0x1.7f865ep-2f, -0x1.a8062cp-2f,
      -0x1.1d112ap-2f, 0x1.7560ep-2f, 0x1.9d8a1p-3f, 0x1.204b4cp-2f, 0x1.35a108p-2f, -0x1.83c272p-3f,
      -0x1.b7cdeap-4f, -0x1.0ac622p-6f, -0x1.0514e2p-2f, 0x1.cb33ap-3f, -0x1.1a4796p-2f, -0x1.5cf28p-3f,
      -0x1.90b0d4p-2f, -0x1.270baep-2f, 0x1.b1441cp-4f, 0x1.5b668ap-2f, 0x1.28fe28p-2f, 0x1.b06ae2p-2f,
      0x1.9408b8p-3f, -0x1.b05c5ap-3f, 0x1.e9d656p-4f, 0x1.c21128p-2f};
  m.layer<3>().bias = {
      0x1.74a44ap-3f, 0x1.41ab64p-2f, 0x1.8d18c8p-3f, 0x1.043694p-2f, -0x1.6390f8p-3f, 0x1.616fccp-3f,
      0x1.b481d6p-5f, -0x1.b32bc8p-4f};
  m.layer<4>().weight = {
      -0x1.05563cp-2f, -0x1.ce0908p-3f, -0x1.f9a87ap-3f, 0x1.e99946p-4f, 0x1.2e784p-2f, -0x1.8b29c4p-3f,
      -0x1.a138bep-4f, 0x1.d75e46p-3f, 0x1.510646p-3f, -0x1.8d9496p-4f, -0x1.5373cep-4f, 0x1.7f75ap-2f,
      0x1.8fbd96p-3f, -0x1.664e6ap-2f, 0x1.681018p-2f, 0x1.46bf88p-2f, -0x1.5a801ap-3f, 0x1.2d22d6p-3f,
      -0x1.99926ep-3f, -0x1.5e62e6p-4f, 0x1.35573ep-2f, -0x1.60862p-7f, -0x1.a2e4eep-3f, -0x1.18fe24p-3f,
      -0x1.87a65p-4f, -0x1.cb8ceep-4f, 0x1.5de0dp-4f, 0x1.00b83ep-1f, 0x1.d4849ap-7f, -0x1.279312p-3f,
      -0x1.2aecfep-4f, 0x1.0a6ecp-2f, 0x1.8e157cp-3f, -0x1.41d3e2p-2f, -0x1.4550c4p-4f, -0x1.5076fcp-3f,
      -0x1.40bddap-3f, 0x1.5df3fap-3f, -0x1.1a86p-2f, 0x1.2b433ep-3f, 0x1.a886f8p-2f, 0x1.77528ep-3f,
      -0x1.4db9d6p-2f, -0x1.a423eep-3f, 0x1.054478p-7f, -0x1.2d4f1p-3f, 0x1.0510cp-3f, -0x1.89cf5cp-2f,
      -0x1.59c848p-2f, -0x1.b1623p-2f, -0x1.837a9p-5f, 0x1.cec32ep-2f, -0x1.4a9636p-2f, 0x1.8a1eccp-2f,
      -0x1.b0f5ap-3f, 0x1.a98432p-3f, 0x1.361e78p-5f, -0x1.8ea2ap-2f, 0x1.52b3b8p-2f, 0x1.4e3254p-2f,
      0x1.5171dep-2f, 0x1.1b001p-2f, -0x1.279fdep-2f, 0x1.5e549ep-2f};
  m.layer<4>().bias = {
      -0x1.a980f6p-5f, 0x1.1582dap-3f, -0x1.48b7aap-2f, -0x1.59a746p-6f, -0x1.3f9966p-2f, -0x1.91fa52p-4f,
      0x1.88542p-4f, -0x1.cffc3ap-3f};
  m.layer<5>().weight = {
      0x1.4b3658p-3f, 0x1.1408cp-1f, 0x1.dd1628p-4f, 0x1.2a26e6p-2f, -0x1.bb55ccp-2f, -0x1.22ae6p-1f,
      0x1.e10a8cp-3f, 0x1.1f5f0ep-1f, 0x1.2b353ap-1f, -0x1.5df132p-4f, -0x1.21e304p-3f, -0x1.7d191cp-1f,
      -0x1.bb3b92p-2f, 0x1.cccef2p-2f, -0x1.0beb78p-1f, -0x1.bbd958p-2f, -0x1.5c0124p-1f, -0x1.ea541p-2f,
      -0x1.7ca75ep-4f, 0x1.bc6e92p-5f, 0x1.03c3a6p-2f, 0x1.c86a0cp-2f, 0x1.d93aecp-2f, 0x1.2c5d02p-1f};
  m.layer<5>().bias = {
      -0x1.504bf2p-4f, -0x1.735ba6p-4f, -0x1.0c8002p-9f};
  return m;
}

inline constexpr two_blocks_trained_type two_blocks_trained = make_two_blocks_trained();
