#!/usr/bin/env python3
"""One codegen test: compile a source to assembly with fixed flags, cut the listing to nonlin's kernels
(tools/inspect/listing.py) and check it with LLVM's FileCheck against the CHECK lines of the source,
as Google Benchmark's AssemblyTests do.

FileCheck sees, per distinct kernel region (the first of each kind, sorted):
    == nonlin <kernel> <args>
    mix: fma=… broadcast=… load=… store=… shuffle=… call=… stack_store=… stack_load=… stack_broadcast=… instructions=…
    | <the instructions of its inner loop, or of the whole region when it has no loop, one a line>
and at the end the functions the file calls anywhere:  == calls: <name> <name> …
Exit code 77 (a skip) when the compiler is not one the checks were written for."""
import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "inspect"))
import listing  # noqa: E402

SKIP = 77


def compiler_prefix(compiler_id, version):
    """GCC or CLANG for the compilers the checks were written for, else None."""
    major = version.split(".")[0]
    if compiler_id == "GNU" and major == "12":
        return "GCC"
    if compiler_id == "Clang" and major == "19":
        return "CLANG"
    return None


def render(text):
    lines, seen = [], set()
    # Sorted by kernel, then by the marker's numbers in their order (rows, packs, length).
    def order(r):
        return r["kernel"], [int(v) if v.isdigit() else 0 for v in r["args"].values()]

    for r in sorted(listing.analyse(text), key=order):
        header = "== nonlin " + r["kernel"] + " " + " ".join(f"{k}={v}" for k, v in r["args"].items())
        if header in seen:
            continue
        seen.add(header)
        m = r["loop_mix"] if r["has_loop"] else r["region_mix"]
        lines.append(header)
        lines.append("mix: " + " ".join(f"{k.replace(' ', '_')}={m[k]}" for k in listing.CLASSES + ["instructions"]))
        lines += ["| " + i for i in (r["loop"] if r["has_loop"] else r["region"])]
    calls = sorted({listing.operands(l)[1].split("@")[0] for l in text.splitlines()
                    if re.match(r"^\s*(call|bl|jmp)\s+[A-Za-z_]", l)})
    names = listing.demangle(calls)
    lines.append("== calls: " + " ".join(names[c].split("(")[0] for c in calls))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--compiler", required=True)
    ap.add_argument("--compiler-id", required=True, help="CMake's CMAKE_CXX_COMPILER_ID")
    ap.add_argument("--compiler-version", required=True)
    ap.add_argument("--filecheck", default="")
    ap.add_argument("--source", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--target", required=True, choices=["AVX2", "AVX512", "BASELINE"])
    a = ap.parse_args()
    prefix = compiler_prefix(a.compiler_id, a.compiler_version)
    if prefix is None:
        print(f"skipped: the checks are written for g++ 12 and clang 19, not {a.compiler_id} {a.compiler_version}")
        return SKIP
    if not a.filecheck or not os.path.exists(a.filecheck):
        print("skipped: LLVM's FileCheck is not installed (apt-get install llvm-19-tools)")
        return SKIP
    march = {"AVX2": "x86-64-v3", "AVX512": "x86-64-v4", "BASELINE": "x86-64"}[a.target]
    flags = ["-std=c++20", "-O3", f"-march={march}", "-I" + a.include, "-c", a.source]
    asm = listing.compile_to_assembly([a.compiler] + flags)
    text = render(asm)
    prefixes = f"CHECK,{prefix},{a.target},{prefix}-{a.target}"
    done = subprocess.run([a.filecheck, a.source, f"--check-prefixes={prefixes}", "--allow-unused-prefixes",
                           "--dump-input=fail"], input=text, text=True)
    print(f"{a.source}: {prefix} {a.target} ({' '.join(flags[:3])})")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
