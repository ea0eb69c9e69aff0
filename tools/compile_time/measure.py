#!/usr/bin/python3
"""Measures how long translation units that use nonlin take to compile and link, and how much memory
the compiler needs, against Eigen and plain loops doing the same work, and writes docs/compile-time.md.

Every figure is the median of --runs runs (compile and link, -O3 -march=native, C++20) with its peak
resident memory (the largest process of the compiler's tree). Run from the repository:
    tools/compile_time/measure.py [--compilers g++ clang++-19] [--runs 3] [--out docs/compile-time.md]
With --root DIR it measures another checkout's headers (an older commit, say) with the same cases.
"""
import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # --root changes it
HERE = os.path.dirname(os.path.abspath(__file__))
EIGEN = "/usr/include/eigen3"


def lecture_body(with_io=False):
    load = 'nl::load_safetensors<net>(argv[1])' if with_io else 'net{}'
    return f"""namespace nl = nonlin;
using net = nl::network<nl::input<2>, nl::dense<2, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>;
int main(int argc, char** argv) {{
  (void)argc; (void)argv;
  const net m = {load};
  std::vector<float> in(2 * 4096, 0.5f), out(4096);
  m.forward(in, out);
  const auto y = m(std::array<float, 2>{{0.5f, -1.0f}});
  return static_cast<int>(out[17] + y[0]);
}}
"""


def chain_source(depth, width, activation="tanh"):
    layers = ", ".join([f"nl::dense<{width}, nl::{activation}>"] * depth)
    return f"""#include <nonlin/activation/{activation}.hpp>
#include <nonlin/network.hpp>
#include <array>
#include <vector>
namespace nl = nonlin;
using net = nl::network<nl::input<{width}>, {layers}>;
int main() {{
  static net m;
  std::vector<float> in({width} * 512, 0.5f), out({width} * 512);
  m.forward(in, out);
  std::array<float, {width}> x{{}};
  const auto y = m(x);
  return static_cast<int>(out[3] + y[0]);
}}
"""


def compiled_in_source(header, name, inputs, outputs):
    """A network compiled in by tools/export_network.py --header, used as lecture_body uses its own."""
    return f"""#include "golden/headers/{header}"
#include <array>
#include <vector>
int main() {{
  std::vector<float> in({inputs} * 4096, 0.5f), out({outputs} * 4096);
  {name}.forward(in, out);
  const auto y = {name}(std::array<float, {inputs}>{{}});
  return static_cast<int>(out[17] + y[0]);
}}
"""


def wide_loaded_source():
    return """#include <nonlin/activation/relu.hpp>
#include <nonlin/activation/softmax.hpp>
#include <nonlin/io/safetensors.hpp>
#include <nonlin/network.hpp>
#include <array>
#include <vector>
namespace nl = nonlin;
using net = nl::network<nl::input<64>, nl::dense<128, nl::relu>, nl::dense<128, nl::relu>, nl::dense<10, nl::softmax<1.0f>>>;
int main(int argc, char** argv) {
  (void)argc;
  const net m = nl::load_safetensors<net>(argv[1]);
  std::vector<float> in(64 * 4096, 0.5f), out(10 * 4096);
  m.forward(in, out);
  const auto y = m(std::array<float, 64>{});
  return static_cast<int>(out[17] + y[0]);
}
"""


def cases():
    nonlin_headers = "#include <nonlin/activation/sigmoid.hpp>\n#include <nonlin/activation/tanh.hpp>\n#include <nonlin/network.hpp>\n#include <array>\n#include <vector>\n"
    c = []
    c.append(("lecture network, `nonlin/nonlin.hpp`", "nonlin",
              "#include <nonlin/nonlin.hpp>\n#include <array>\n#include <vector>\n" + lecture_body()))
    c.append(("lecture network, the headers it needs", "nonlin", nonlin_headers + lecture_body()))
    c.append(("lecture network loaded from safetensors", "nonlin",
              "#include <nonlin/activation/sigmoid.hpp>\n#include <nonlin/activation/tanh.hpp>\n"
              "#include <nonlin/io/safetensors.hpp>\n#include <nonlin/network.hpp>\n#include <array>\n#include <vector>\n"
              + lecture_body(with_io=True)))
    c.append(("lecture network, trained weights compiled in (a 2 KB header)", "nonlin",
              compiled_in_source("lecture_trained.hpp", "lecture_trained", 2, 1)))
    c.append(("64-128-128-10 loaded from safetensors", "nonlin", wide_loaded_source()))
    c.append(("64-128-128-10, weights compiled in (a 452 KB header)", "nonlin",
              compiled_in_source("wide_64_128_128_10.hpp", "wide_64_128_128_10", 64, 10)))
    c.append(("lecture network, Eigen fixed-size matrices", "eigen", open(os.path.join(HERE, "lecture_eigen.cpp")).read()))
    c.append(("lecture network, plain loops", "plain", open(os.path.join(HERE, "lecture_plain.cpp")).read()))
    c.append(("`#include <nonlin/nonlin.hpp>` alone", "nonlin", "#include <nonlin/nonlin.hpp>\nint main() {}\n"))
    c.append(("`#include <nonlin/network.hpp>` alone", "nonlin", "#include <nonlin/network.hpp>\nint main() {}\n"))
    c.append(("`#include <Eigen/Dense>` alone", "eigen", "#include <Eigen/Dense>\nint main() {}\n"))
    for depth in (1, 2, 4, 8, 16, 32, 64):
        c.append((f"depth {depth}, 16 wide, tanh", "nonlin", chain_source(depth, 16)))
    for width in (2, 4, 8, 16, 32, 64, 128, 256):
        c.append((f"width {width}, 3 layers, tanh", "nonlin", chain_source(3, width)))
    return c


def run_once(cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"measure.py: {' '.join(cmd)} failed:\n{err}")
    return elapsed, usage.ru_maxrss / 1024.0  # KiB to MiB


def build_library(compiler, work):
    """The compiled part of nonlin (src/), as CMake builds it into nonlin::nonlin: not timed."""
    objects = []
    for folder, _, files in os.walk(os.path.join(ROOT, "src")):
        for src in sorted(f for f in files if f.endswith(".cpp")):
            obj = os.path.join(work, f"{os.path.basename(compiler)}-{src}.o")
            subprocess.run([compiler, "-std=c++20", "-O2", "-I", os.path.join(ROOT, "include"), "-c",
                            os.path.join(folder, src), "-o", obj], check=True)
            objects.append(obj)
    return objects


def openmp_flag(compiler, work):
    """-fopenmp where the compiler has OpenMP (as CMake's OpenMP::OpenMP_CXX gives it), else nothing."""
    probe = os.path.join(work, "omp_probe.cpp")
    with open(probe, "w") as f:
        f.write("#include <omp.h>\nint main() { return omp_get_max_threads() > 0 ? 0 : 1; }\n")
    ok = subprocess.run([compiler, "-fopenmp", probe, "-o", probe + ".out"], capture_output=True).returncode == 0
    return ["-fopenmp"] if ok else []


def measure(compiler, runs, work):
    library = build_library(compiler, work)
    openmp = openmp_flag(compiler, work)
    results = []
    for name, kind, source in cases():
        path = os.path.join(work, re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") + ".cpp")
        with open(path, "w") as f:
            f.write(source)
        cmd = [compiler, "-std=c++20", "-O3", "-march=native", path, "-o", path + ".out"]
        if kind == "nonlin":
            cmd += ["-I", os.path.join(ROOT, "include"), "-I", os.path.join(ROOT, "tests")] + openmp + library
        if kind == "eigen":
            cmd += ["-I", EIGEN]
        samples = [run_once(cmd) for _ in range(runs)]
        seconds = statistics.median(s for s, _ in samples)
        mib = statistics.median(m for _, m in samples)
        results.append((name, kind, seconds, mib))
        print(f"{compiler:>12}  {name:<48} {seconds:6.2f} s {mib:6.0f} MiB", flush=True)
    return results


def diagnostics(compiler, work):
    """Lines each compile-fail program makes the compiler print, and whether its first error line names the problem."""
    rows = []
    folder = os.path.join(ROOT, "tests", "compile_fail")
    for source in sorted(f for f in os.listdir(folder) if f.endswith(".cpp")):
        proc = subprocess.run([compiler, "-std=c++20", "-fsyntax-only", "-I", os.path.join(ROOT, "include"),
                               os.path.join(folder, source)], capture_output=True, text=True)
        lines = proc.stderr.splitlines()
        first = next((l for l in lines if "error" in l), "")
        first = re.sub(r"^.*?error: ", "", first)
        rows.append((source[:-4], len(lines), first))
    return rows


def cpu_name():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = re.search(r"Model name:\s*(.+)", out).group(1).strip()
        family = int(re.search(r"CPU family:\s*(\d+)", out).group(1))
        flags = re.search(r"Flags:\s*(.+)", out).group(1).split()
        isa = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "SSE"
        core = {23: "Zen 2", 25: "Zen 3/4", 26: "Zen 5"}.get(family, f"family {family}") if "AMD" in out else ""
        return f"{model} ({', '.join(x for x in (core, isa) if x)}), {os.cpu_count()} cores"
    except Exception:
        return platform.processor()


def version(compiler):
    return subprocess.run([compiler, "--version"], capture_output=True, text=True).stdout.splitlines()[0]


def write_report(out, machine, per_compiler, diag, runs):
    lines = ["# Compile time", "",
             "How long a translation unit that uses nonlin takes to compile and link, and the compiler's peak",
             "memory, against Eigen's fixed-size matrices and plain loops doing the same work (the lecture's",
             "2-2-2-1 network: a batch of 4096 through `forward`, one sample through `m(x)`). Produced by",
             "", "```sh", "tools/compile_time/measure.py   # writes this file", "```", "",
             f"Machine: {machine}. Flags: `-std=c++20 -O3 -march=native`, compile and link, median of {runs} runs;",
             "memory is the peak resident set of the compiler. Ratios compare figures of the same run (the",
             "machine's own noise is about ±15 % between runs).", "",
             "To compare with another commit: `git worktree add /tmp/old <commit>`, then",
             "`tools/compile_time/measure.py --root /tmp/old --out /tmp/old.md`.", ""]
    for compiler, results in per_compiler.items():
        by = {name: (s, m) for name, _, s, m in results}
        eigen_tu = by["lecture network, Eigen fixed-size matrices"]
        eigen_alone = by["`#include <Eigen/Dense>` alone"]
        lines += [f"## {version(compiler)}", "",
                  "| translation unit | time | memory | time ÷ Eigen's | memory ÷ Eigen's |",
                  "|---|---|---|---|---|"]
        for name, kind, s, m in results:
            ref = eigen_alone if "alone" in name else eigen_tu
            lines.append(f"| {name} | {s:.2f} s | {m:.0f} MiB | {s / ref[0]:.2f} | {m / ref[1]:.2f} |")
        lines.append("")
        depth = [(int(re.search(r"depth (\d+)", n).group(1)), s) for n, _, s, _ in results if n.startswith("depth ")]
        if len(depth) >= 2:
            (d0, s0), (d1, s1) = depth[0], depth[-1]
            half = depth[-2]
            lines += [f"Growth in depth: {(s1 - s0) / (d1 - d0) * 1000:.0f} ms per layer from depth {d0} to {d1}, "
                      f"{(s1 - half[1]) / (d1 - half[0]) * 1000:.0f} ms per layer from {half[0]} to {d1}.", ""]
        umbrella = by["lecture network, `nonlin/nonlin.hpp`"]
        alone = by["`#include <nonlin/nonlin.hpp>` alone"]
        deepest = by[f"depth {depth[-1][0]}, 16 wide, tanh"] if depth else (0, 0)
        lines += ["| goal | measured | met |", "|---|---|---|",
                  f"| lecture network with the umbrella header: ≤ 0.5× Eigen's time, ≤ 0.9× its memory | "
                  f"{umbrella[0] / eigen_tu[0]:.2f}×, {umbrella[1] / eigen_tu[1]:.2f}× | "
                  f"{'yes' if umbrella[0] <= 0.5 * eigen_tu[0] and umbrella[1] <= 0.9 * eigen_tu[1] else 'no'} |",
                  f"| `#include <nonlin/nonlin.hpp>` alone: ≤ 0.33× `<Eigen/Dense>` | {alone[0] / eigen_alone[0]:.2f}× | "
                  f"{'yes' if alone[0] <= 0.33 * eigen_alone[0] else 'no'} |",
                  f"| 64 layers 16 wide: ≤ 2× Eigen's lecture translation unit | {deepest[0] / eigen_tu[0]:.2f}× | "
                  f"{'yes' if deepest[0] <= 2 * eigen_tu[0] else 'no'} |", ""]
    lines += ["## Diagnostics", "",
              "Lines the compiler prints for each program of `tests/compile_fail` (`-fsyntax-only`), and its first",
              "error line, which carries nonlin's message.", ""]
    compilers = list(diag.keys())
    lines += ["| program | " + " | ".join(f"{c}: lines" for c in compilers) + " | first error (" + compilers[0] + ") |",
              "|---|" + "---|" * len(compilers) + "---|"]
    first = diag[compilers[0]]
    for i, (name, count, message) in enumerate(first):
        counts = " | ".join(str(diag[c][i][1]) for c in compilers)
        shown = message.replace("|", "\\|")[:150]
        lines.append(f"| {name} | {counts} | {shown} |")
    lines.append("")
    with open(out, "w") as f:
        f.write("\n".join(lines))


def main():
    global ROOT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compilers", nargs="+", default=[c for c in ("g++", "clang++-19") if shutil.which(c)])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "compile-time.md"))
    parser.add_argument("--root", default=ROOT, help="the checkout whose include/ and src/ are measured")
    args = parser.parse_args()
    ROOT = os.path.abspath(args.root)
    if not os.path.isdir(EIGEN):
        sys.exit("measure.py: Eigen is needed for the comparison: apt-get install libeigen3-dev")
    with tempfile.TemporaryDirectory() as work:
        per_compiler = {c: measure(c, args.runs, work) for c in args.compilers}
        diag = {c: diagnostics(c, work) for c in args.compilers}
    write_report(args.out, cpu_name(), per_compiler, diag, args.runs)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
