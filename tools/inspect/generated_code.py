#!/usr/bin/env python3
"""Writes docs/generated-code.md: the lecture network's code on AVX2, AVX-512 and NEON, and a wide
network's inner loop, each listing regenerated from the compiler with the instruction counts, llvm-mca's
estimate and (for targets this machine runs) the measured time.

    tools/inspect/generated_code.py [--out docs/generated-code.md]

Run it on an idle machine: the times and the clock are measured while it runs.
"""
import argparse
import datetime
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import inspect_network as nonlin_inspect  # noqa: E402
import listing  # noqa: E402

LECTURE = "nl::network<nl::input<2>, nl::dense<2, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>"
WIDE = "nl::network<nl::input<40>, nl::dense<128, nl::relu>, nl::dense<128, nl::tanh>, nl::dense<10>>"


def annotate(line, arch):
    """A short note tying an instruction to the formula: what the kernel uses it for."""
    mnemonic = line.split()[0]
    ops = line.split(None, 1)[1] if " " in line or "\t" in line else ""
    if arch == "aarch64":
        if mnemonic in ("fmla", "fmls") and re.search(r"\.s\[\d\]", ops):
            return "w·x: a weight taken from a lane (the broadcast is free), one fma for 4 samples"
        if mnemonic in ("fmla", "fmls", "fmadd", "fmsub", "fnmadd", "fnmsub"):
            return "fma: a weight term or the activation's polynomial"
        if mnemonic in ("dup", "ld1r"):
            return "a weight broadcast to every lane"
        if mnemonic == "fdiv":
            return "the activation's quotient (tanh h/(1+h), σ 1/(1+e^-x))"
        if mnemonic in ("ld1", "ld2", "ld3", "ld4", "ldr", "ldp", "ldur") and "sp" not in ops:
            return "load: samples, or weights and constants"
        if mnemonic in ("st1", "str", "stp", "stur") and "sp" not in ops:
            return "store: the tile's outputs"
        if mnemonic in ("zip1", "zip2", "uzp1", "uzp2", "trn1", "trn2", "ins", "ext", "tbl"):
            return "transpose: samples in rows to one vector per feature, or back"
        return ""
    if listing.FMA.match(mnemonic):
        if "{1to" in ops:
            return "w·x: a weight broadcast from memory into the fma, 1 instruction for a pack of samples"
        if re.search(r"\.LC\d+\(%rip\)", ops):
            return "the activation's polynomial (a coefficient from memory)"
        return "fma: a weight term, or the activation's polynomial"
    if mnemonic.startswith("vbroadcastss"):
        return "a weight (or constant) broadcast to every lane"
    if mnemonic.startswith(("vpermt2ps", "vpermps", "vpermd", "vpermi2ps", "vshufps", "vunpck", "vblendps", "vinsert", "vextract")):
        return "transpose: samples in rows to one pack per feature, or back"
    if mnemonic.startswith(("vpandd", "vpand", "vandps", "vandnps")):
        return "|z| (the sign bit cleared)"
    if mnemonic.startswith("vminps"):
        return "|z| clamped where tanh is ±1 in float"
    if mnemonic.startswith("vmaxps"):
        return "the argument clamped where σ saturates"
    if mnemonic.startswith(("vpslld", "vpaddd")):
        return "2^k built in the exponent bits (range reduction of the exponential)"
    if mnemonic.startswith("vscalefps"):
        return "2^k · p: the exponential reassembled"
    if mnemonic.startswith("vdivps"):
        return "the quotient: tanh h/(1+h), or σ 1/(1+e^-x)"
    if mnemonic.startswith(("vcmpps", "vblendmps", "vblendvps")):
        return "the small-|z| branch selected without a branch (a mask)"
    if mnemonic.startswith(("vpternlogd", "vorps", "vxorps", "vpor")):
        return "the sign copied back (bit logic)"
    if mnemonic.startswith(("vmovups", "vmovaps")) and ops.rstrip().endswith(")") and "%rsp" not in ops:
        return "store: the tile's outputs"
    if mnemonic.startswith(("vmovups", "vmovaps", "vmovdqa")) and "(" in ops.split(",")[0]:
        return "load"
    return ""


def listing_block(rows, arch, limit=None):
    lines, width = [], max((len(l.replace("\t", " ")) for l in rows), default=0)
    width = min(width, 52)
    shown = rows if limit is None else rows[:limit]
    for l in shown:
        text = l.replace("\t", " ")
        note = annotate(l, arch)
        lines.append(f"{text:<{width}}  {'# ' + note if note else ''}".rstrip() if arch != "aarch64"
                     else f"{text:<{width}}  {'// ' + note if note else ''}".rstrip())
    if limit is not None and len(rows) > limit:
        lines.append(f"... ({len(rows) - limit} more)")
    return "```asm\n" + "\n".join(lines) + "\n```\n"


def fmt(x, digits=2):
    return "–" if x is None else f"{x:.{digits}f}"


def summary_row(r):
    m = r["main"]["region_mix"] if r["main"] else None
    ns = r.get("ns")
    return (f"| {r['target']} (`{' '.join(r['flags'])}`) | {r['lanes']} | {r['facts']['register_group'] if r['kernel'] == 'registers' else '–'} "
            f"| {fmt(r['instructions'])} | {fmt(r['fmas'])} | {r['weights'] / r['lanes']:.2f} "
            f"| {m['call'] if m else '–'} | {m['stack store'] if m else '–'} | {fmt(r['stores_per_tile'], 0)} "
            f"| {fmt(r['estimate'])} | {fmt(r.get('cycles'))} | {fmt(ns, 3)} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "generated-code.md"))
    a = ap.parse_args()
    cpu = subprocess.run(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p' | head -1"], capture_output=True,
                         text=True).stdout.strip()
    flags = open("/proc/cpuinfo").read()
    machine = f"{cpu}, {'AVX-512' if 'avx512f' in flags else 'AVX2'}, {os.cpu_count()} cores"
    gcc = subprocess.run(["g++", "--version"], capture_output=True, text=True).stdout.splitlines()[0]

    targets = ["x86-64", "avx2", "avx512", "aarch64"]
    lecture = {t: nonlin_inspect.inspect(LECTURE, t) for t in targets}
    wide = {t: nonlin_inspect.inspect(WIDE, t) for t in ["avx2", "avx512"]}

    def tile_of_one(r):
        return next(x for x in r["rows"] if x["kernel"] == "register tiles" and x["args"].get("group") == "1"
                    and x["args"].get("depth") == r["facts"]["depth"])

    out = []
    w = out.append
    w("# The generated code\n")
    w("What the compiler makes of a network type, and how to look at it for one's own network. Every listing "
      "and number on this page is regenerated by one command, on an idle machine:\n")
    w("```sh\ntools/inspect/generated_code.py            # writes this page\n```\n")
    w(f"Last run: {datetime.date.today()}, {machine}; {gcc}; llvm-mca from LLVM 19. Listings are g++ 12 at "
      "`-O3`; `-march=x86-64-v3` is the AVX2 build (16 vector registers of 8 floats), `-march=x86-64-v4` "
      "the AVX-512 build (32 of 16), `aarch64-linux-gnu-g++ -march=armv8.2-a` the NEON build (32 of 4).\n")

    w("## Looking at one's own network\n")
    w("nonlin's kernels leave comments in the assembly (`include/nonlin/detail/asm_marker.hpp`, as Eigen's "
      "`EIGEN_ASM_COMMENT` marks its product kernel):\n")
    w("```asm\n# nonlin register tiles begin group=4 lanes=16 depth=3     the narrow-network kernel, per group of tiles\n"
      "# nonlin dense loop begin rows=12 packs=2 length=128         the wide-network kernel, per block of a layer\n```\n")
    w("They emit no instruction; `-DNONLIN_NO_ASM_MARKERS` leaves them out. Three ways to use them:\n")
    w("1. **One line, any translation unit**: `tools/inspect/listing.py -- g++ -std=c++20 -O3 -march=native "
      "-Iinclude my_network.cpp` compiles to assembly and prints each kernel region with the function it is in, "
      "its inner loop and the loop's instruction mix (fmas, broadcasts, loads, stores, shuffles, calls, stack "
      "stores and reloads). `--full` shows whole regions, `--json` gives them to other tools, `--loop-only` "
      "prints input for `llvm-mca`.\n")
    w("2. **In a CMake project** (nonlin found by `find_package(nonlin)` or added as a subdirectory):\n")
    w("   ```cmake\n   nonlin_add_listing(my_listing SOURCES my_network.cpp COMPILE_OPTIONS -O3 -march=native)\n   ```\n"
      "   then `cmake --build build --target my_listing` writes `build/my_listing.txt`, compiled with exactly the "
      "flags and include paths the sources get in the program.\n")
    w("3. **A roofline for one network**: `tools/inspect/inspect_network.py [--target avx2|avx512|aarch64] "
      "'nl::network<…>'` prints which kernel the plan picks, the instruction mix of each kernel region, "
      "instructions and fmas per sample beside the minimum the weights need, llvm-mca's cycles, and the "
      "measured time per sample beside the bound that applies. `--listing` adds the loops themselves.\n")
    w("4. **Compiler Explorer**: see the last section.\n")

    # The lecture network.
    w("## The lecture network\n")
    w(f"`{LECTURE}`: 15 parameters, 10 weights. With `forward` on a batch, it runs the register kernel "
      "(`eval/register_kernel.hpp`): one tile is one vector of samples, transposed so that each feature is one "
      "vector, pushed through all three layers in registers, and transposed back. Several tiles go together "
      "(a group) so that their activations' long dependency chains overlap.\n")
    w("### The instructions per sample, by target\n")
    w("One row per build of the same source (the group of tiles that a large batch runs): *instr* and *fma* per "
      "sample; *weights' fma* the minimum the 10 weights need (10 / lanes); *calls* and *spills* (stack stores) "
      "in the group's code; *stores* per tile (the outputs only: nothing is stored between layers); llvm-mca's "
      "cycles per sample (Zen 3 model for AVX2, Zen 4 for AVX-512, Neoverse N1 for NEON) and the measured cycles "
      "and ns per sample (4096 samples, best of 40; a target this machine runs).\n")
    w("| build | lanes | group | instr | fma | weights' fma | calls | spills | stores/tile | llvm-mca cyc | measured cyc | ns |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in targets:
        w(summary_row(lecture[t]))
    w("")
    w("Read it as (AVX2 and AVX-512): 80 fmas per tile of one vector, of which 10 are the weights (each of the 5 biases "
      "starts its sum, so 15 parameters cost 10 fmas) and 70 are activations: 15 for each of the four tanh, 10 "
      "for the sigmoid. The weights are the cheap part of this network; its time goes to the activations, "
      "which is the lecture's point about what non-linearity costs. The group of 4 tiles that a large batch "
      "runs keeps four independent chains in flight for the core to overlap; the price is some values on the "
      "stack (the *spills* column: the four tiles' activation temporaries do not all fit), which a lone tile "
      "does not pay (below). On NEON, GCC writes part of the polynomials as separate multiplies and adds, "
      "so fewer instructions count as fmas.\n")
    for t, title in (("avx512", "AVX-512"), ("avx2", "AVX2"), ("aarch64", "NEON (AArch64)")):
        r = lecture[t]
        one = tile_of_one(r)
        m = one["region_mix"]
        w(f"### One tile, {title}\n")
        w(f"`{' '.join(r['flags'])}`: {r['lanes']} samples, {m['instructions']} instructions, {m['fma']} fmas, "
          f"{m['call']} calls, {m['stack store']} stack stores, {m['stack load']} reloads, "
          f"{m['stack broadcast']} weight broadcasts from the frame (the kernel's private copy of the small "
          f"network lives there). The tile a batch's tail runs alone; the group's code is the same sums, "
          "four times, interleaved.\n")
        w(listing_block(one["region"], "aarch64" if t == "aarch64" else "x86", limit=None if t == "avx512" else 70))
    w("What changes between the builds:\n")
    w("- **AVX-512** folds a weight's broadcast into the fma (`{1to16}`), has masks for the small-|z| "
      "selection (`vcmpps` into `%k1`, a masked `vdivps`), `vscalefps` for 2^k·p and `vpternlogd` for the sign, "
      "and 32 registers: the tanh coefficients stay in registers and the lone tile spills nothing.\n")
    w("- **AVX2** broadcasts weights with `vbroadcastss`, selects with `vblendvps`, builds 2^k with integer "
      "shifts, and with 16 registers GCC keeps hoisted constants in the frame: the lone tile reloads them "
      "(stack loads, no stores), the group spills as well.\n")
    w("- **NEON** has 4 lanes and 32 registers; weights enter fmas as lanes of a register (`fmla v, v, v.s[i]`), "
      "the transposes are `zip`/`uzp`/`ld2`-style shuffles. The suite runs these kernels too: "
      "`tests/cross/forward_check.cpp`, built with `aarch64-linux-gnu-g++` and run under `qemu-aarch64`, "
      "compares `forward` and `m(x)` of one network per kernel with a reference in double.\n")
    base = lecture["x86-64"]["main"]["region_mix"] if lecture["x86-64"]["main"] else None
    w("- **No `-march`** (the x86-64 baseline: SSE2, 4 lanes, no fma instruction): the layers' products "
      "become a multiply and an add (`mulps`, `addps`: two roundings, as Eigen and PyTorch compute on such "
      "a CPU; `simd::multiply_add`), and the activations' fmas, which their error bounds need, are "
      "emulated exactly in double lanes (`cvtps2pd`, `mulpd`, `addpd` and a round-to-odd correction: "
      "`simd::fma`), so no lane calls libm's `fmaf`: "
      f"{base['call'] if base else '–'} calls in the group's code (the *calls* column of the first row). "
      "Such a build still runs 4 lanes without fma; build with `-march=x86-64-v3` or better (or "
      "`-march=native`), as nonlin's own targets do. A baseline build that picks the AVX2 or AVX-512 "
      "kernel at run time is not there yet.\n")

    # The wide network.
    w("## A wide network: the blocked kernel's inner loop\n")
    w(f"`{WIDE}`: 23 050 parameters, 22 784 weights. Layers this wide run the blocked kernel "
      "(`eval/blocked_kernel.hpp`, `eval/dense_kernel.hpp`): per layer, blocks of *rows × packs* accumulators "
      "stay in registers while the loop over the layer's inputs broadcasts one weight per row and loads one "
      "vector of inputs per pack. The loop is all the time there is: it has only fmas, broadcasts, loads and "
      "its own counter.\n")
    w("| build | block | instr/turn | fma | broadcast | load | spills | llvm-mca cyc/turn | dense loops: llvm-mca cyc/sample | fma bound cyc/sample | measured cyc/sample | ns |")
    w("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in ["avx2", "avx512"]:
        r = wide[t]
        main_rows = [x for x in r["rows"] if x["kernel"] == "dense loop" and x["args"].get("length") == "128"]
        main_row = max(main_rows, key=lambda x: int(x["args"]["rows"]) * int(x["args"]["packs"]))
        m = main_row["mix"]
        w(f"| {t} | {main_row['args']['rows']} × {main_row['args']['packs']} | {m['instructions']} | {m['fma']} | "
          f"{m['broadcast']} | {m['load']} | {m['stack store']} | {fmt(main_row['mca'], 1)} | {fmt(r['estimate'])} | "
          f"{r['weights'] / r['lanes'] / r['fma_per_cycle']:.1f} | {fmt(r.get('cycles'))} | {fmt(r.get('ns'), 1)} |")
    w("")
    for t, title in (("avx512", "AVX-512"), ("avx2", "AVX2")):
        r = wide[t]
        main_rows = [x for x in r["rows"] if x["kernel"] == "dense loop" and x["args"].get("length") == "128"]
        main_row = max(main_rows, key=lambda x: int(x["args"]["rows"]) * int(x["args"]["packs"]))
        w(f"### The inner loop of a {main_row['args']['rows']} × {main_row['args']['packs']} block, {title}\n")
        w(listing_block(main_row["body"], "x86"))
    w("With AVX2, a block of 3 rows × 4 packs would need 12 accumulators, 4 inputs and a broadcast: 17 of 16 "
      "registers, and one accumulator went through the stack every turn. The blocking now takes 4 packs only "
      "where they fit beside their inputs (`wide_block_packs` in `eval/dense_kernel.hpp`, which training's kernels use too), so AVX2 runs 6 × 2; "
      "`tests/codegen/wide_forward.cpp` holds the loop to that.\n")

    w("## Held to it: the codegen tests\n")
    w("`tests/codegen/` compiles five sources to assembly with fixed flags (`-O3`, `-march=x86-64-v3` and "
      "`-march=x86-64-v4`), cuts the listing to the kernels and checks it with LLVM's FileCheck (prefixes "
      "`GCC`/`CLANG` and `AVX2`/`AVX512`), as Google Benchmark's assembly tests do. They run in the default "
      "suite with g++ 12 and clang 19 (`ctest -L codegen`) and report a skip elsewhere or without FileCheck "
      "(`apt-get install llvm-19-tools`):\n")
    w("- `lecture_forward`: no call in a tile (every activation inlined, no libm), 80 fmas per tile of one vector "
      "and 320 per group of four, no spill in a lone tile, no reload either with AVX-512 (GCC).\n")
    w("- `wide_forward`: each full-tile block's inner loop is exactly its fmas, broadcasts and loads, with no "
      "stack traffic, on AVX2 as on AVX-512; one-pack tail blocks under Clang with AVX2 still spill 1 to 9 "
      "values (recorded by the test).\n")
    w("- `identity_stack_forward`: three identity layers 3 → 8 → 8 → 2 run as one merged 3 → 2 layer, 6 fmas per "
      "tile instead of 104.\n")
    w("- `softmax_forward`: a classifier's softmax runs in the blocked kernel's epilogue and the program calls "
      "no `expf`.\n")
    w("- `training_gradient`: training's forward and input gradient use the same blocks (6 × 4 with AVX-512, "
      "6 × 2 with AVX2) and store nothing to the stack in their inner loops.\n")
    w("`inspect_network_reports_a_network` (and its AArch64 twin, under qemu, when the cross compiler is there) "
      "runs the inspection tool on a network no other test names.\n")

    w("## Compile time\n")
    w("What these types cost the compiler is measured in [compile-time.md](compile-time.md).\n")

    w("## Compiler Explorer\n")
    w("`tools/single_header.py --output nonlin_single.hpp` writes all of nonlin's headers as one file, which "
      "`tests/single_header/` compiles alone with g++ and clang in the suite. Paste its contents into "
      "[Compiler Explorer](https://godbolt.org) (x86-64 gcc 12 or clang 19, flags `-std=c++20 -O3 "
      "-march=x86-64-v4`), followed by:\n")
    w("```cpp\nnamespace nl = nonlin;\nusing lecture = nl::network<nl::input<2>, nl::dense<2, nl::tanh>, "
      "nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;\n\n"
      "void forward(const lecture& m, std::span<const float> in, std::span<float> out) {\n"
      "  m.forward(in, out, nl::execution::sequential);\n}\n```\n")
    w("and look for `# nonlin register tiles begin` in the output (untick *Filter: comments*, which hides the "
      "markers). Loading and saving files needs the compiled part: in one translation unit of a program, "
      "`#define NONLIN_IMPLEMENTATION` before the include.\n")

    with open(a.out, "w") as f:
        f.write("\n".join(out) + "\n")
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
