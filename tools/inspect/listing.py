#!/usr/bin/env python3
"""Cut an assembly listing to nonlin's kernels and count what their loops execute.

nonlin's kernels leave marker comments in the generated code (include/nonlin/detail/asm_marker.hpp):
    # nonlin dense loop begin rows=3 packs=4 length=40      ...      # nonlin dense loop end
This script finds every marked region of an assembly file (x86-64 AT&T as GCC and Clang write it,
or AArch64), names the function it lies in, picks out its inner loop (the instructions from a label to
the branch back to it) and classifies the loop's instructions: FMAs, broadcasts, loads, stores,
shuffles, calls, and stack traffic (spills and reloads).

    tools/inspect/listing.py file.s                        # the regions of an existing listing
    tools/inspect/listing.py -- g++ -std=c++20 -O3 -march=native -Iinclude my.cpp
                                                           # compiles to assembly first (adds -S -o -)
    tools/inspect/listing.py --json file.s                 # the same, for other tools
    tools/inspect/listing.py --loop-only --kernel dense file.s   # the inner loops alone (llvm-mca input)
"""
import argparse
import json
import re
import shutil
import subprocess
import sys

MARKER = re.compile(r"^\s*(?:#|//)\s*nonlin (?P<kernel>[a-z ]+?) (?P<edge>begin|end)\b(?P<args>.*)$")
LABEL = re.compile(r"^(?P<name>[.\w$@]+):")
# Lines that are not instructions: directives, GCC's #APP/#NO_APP and line markers, comments, blanks.
NOT_INSTRUCTION = re.compile(r"^\s*(?:$|[.#]|//|;)")
BRANCH_X86 = re.compile(r"^\s*j[a-z]+\s+(?P<target>[.\w$]+)\s*$")
BRANCH_ARM = re.compile(r"^\s*(?:b(?:\.[a-z]+)?|cbn?z|tbn?z)\s+(?:[^,]+,\s*)*(?P<target>[.\w$]+)\s*$")

FMA = re.compile(r"^(?:v?f(?:n)?m(?:add|sub)(?:\d{3})?[ps][sdh]|fml[as]|f(?:n)?m(?:add|sub))$")
BROADCAST = re.compile(r"^(?:vp?broadcast[a-z0-9]*|dup|ld1r)$")
SHUFFLE = re.compile(r"^(?:v?perm|v?pshuf|v?shuf|v?unpck|v?punpck|vinsert|vextract|v?movsh?dup|vpalignr|"
                     r"v?movhlps|v?movlhps|zip[12]|uzp[12]|trn[12]|ext|tbl|ins)")


def demangle(names):
    """Demangled names through c++filt (binutils), unchanged when it is not there."""
    if not names or shutil.which("c++filt") is None:
        return {n: n for n in names}
    out = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True).stdout.splitlines()
    return dict(zip(names, out)) if len(out) == len(names) else {n: n for n in names}


def short_name(name, limit=160):
    """A function name a reader can take in: template arguments elided below the first level."""
    out, depth = [], 0
    for ch in name:
        if ch == "<":
            depth += 1
            if depth == 2:
                out.append("<…")
        elif ch == ">":
            if depth == 2:
                out.append(">")
            depth -= 1
        if depth < 2 and ch not in "<>" or (depth == 1 and ch == "<") or (depth == 0 and ch == ">"):
            out.append(ch)
    text = "".join(out).replace("nonlin::detail::", "").replace("nonlin::", "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def operands(line):
    parts = line.strip().split(None, 1)
    return parts[0], (parts[1] if len(parts) > 1 else "")


def split_operands(text):
    """Operands separated by top-level commas (not those inside parentheses or brackets)."""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def is_memory(op, arch):
    return ("[" in op) if arch == "aarch64" else ("(" in op or re.match(r"^[\w.]+(?:[+-]\d+)?$", op) is not None)


def is_stack(op, arch):
    return re.search(r"\[(?:sp|x29)\b", op) is not None if arch == "aarch64" else re.search(r"%(?:rsp|rbp)\)", op) is not None


def classify(line, arch):
    """The classes one instruction belongs to (an fma with a memory operand is an fma and a load)."""
    mnemonic, rest = operands(line)
    ops = split_operands(rest)
    kinds = []
    if mnemonic.startswith("call") or mnemonic in ("bl", "blr"):
        return ["call"]
    if BRANCH_X86.match(line) or (arch == "aarch64" and BRANCH_ARM.match(line)) or mnemonic in ("ret", "jmp"):
        return ["branch"]
    if FMA.match(mnemonic) or (arch == "aarch64" and mnemonic in ("fmla", "fmls")):
        kinds.append("fma")
    if BROADCAST.match(mnemonic) or any("{1to" in op for op in ops) or (arch == "aarch64" and mnemonic in ("fmla", "fmls", "fmul") and re.search(r"\.s\[\d\]", rest)):
        kinds.append("broadcast")
    if SHUFFLE.match(mnemonic):
        kinds.append("shuffle")
    kinds = kinds + memory_kinds(mnemonic, ops, arch)
    if "broadcast" in kinds and "stack load" in kinds:
        # A weight broadcast straight from the frame (the register kernel's private copy of a small
        # network lives there): the load a broadcast makes anyway, not a reload of a spilled value.
        kinds[kinds.index("stack load")] = "stack broadcast"
    return kinds or ["other"]


def memory_kinds(mnemonic, ops, arch):
    kinds = []
    if arch == "aarch64":
        if mnemonic.startswith(("ld", "ldr", "ldp", "ldur")):
            kinds.append("stack load" if any(is_stack(o, arch) for o in ops) else "load")
        elif mnemonic.startswith(("st", "str", "stp", "stur")):
            kinds.append("stack store" if any(is_stack(o, arch) for o in ops) else "store")
    elif ops:
        sources, destination = ops[:-1], ops[-1]
        if mnemonic.startswith(("lea", "nop", "prefetch")):
            pass
        elif is_memory(destination, arch) and len(ops) >= 1 and not mnemonic.startswith(("cmp", "test")):
            kinds.append("stack store" if is_stack(destination, arch) else "store")
        for op in (sources if not mnemonic.startswith(("cmp", "test")) else ops):
            if is_memory(op, arch) and not op.startswith("$"):
                kinds.append("stack load" if is_stack(op, arch) else "load")
    return kinds


CLASSES = ["fma", "broadcast", "load", "store", "shuffle", "call", "stack store", "stack load", "stack broadcast",
           "branch", "other"]


def mix(instructions, arch):
    counts = dict.fromkeys(CLASSES, 0)
    for line in instructions:
        for kind in classify(line, arch):
            counts[kind] += 1
    counts["instructions"] = len(instructions)
    return counts


def inner_loop(body):
    """The innermost loop of a region: the shortest run from a label to a branch back to it."""
    labels, best = {}, None
    for i, line in enumerate(body):
        m = LABEL.match(line)
        if m:
            labels[m.group("name")] = i
            continue
        b = BRANCH_X86.match(line) or BRANCH_ARM.match(line)
        if b and b.group("target") in labels:
            start = labels[b.group("target")]
            if best is None or i - start < best[1] - best[0]:
                best = (start, i)
    return None if best is None else body[best[0]: best[1] + 1]


def regions(lines):
    """Every marked region: kernel, marker arguments, enclosing function (mangled) and its lines."""
    found, function, open_regions = [], None, []
    for line in lines:
        m = LABEL.match(line)
        if m and not m.group("name").startswith(".L") and not m.group("name").startswith(".."):
            function = m.group("name")
        mk = MARKER.match(line)
        if mk:
            if mk.group("edge") == "begin":
                args = dict(a.split("=", 1) for a in mk.group("args").split() if "=" in a)
                open_regions.append({"kernel": mk.group("kernel"), "args": args, "function": function, "lines": []})
            elif open_regions:
                found.append(open_regions.pop())
            continue
        for r in open_regions:
            r["lines"].append(line.rstrip())
    return found


def without_comment(line):
    """An instruction without the comment a compiler may append (Clang's "# zmm1 = ...")."""
    return re.split(r"\s(?:#|//)\s", line, maxsplit=1)[0].rstrip()


def instructions_only(lines):
    return [without_comment(l.strip()) for l in lines if not NOT_INSTRUCTION.match(l) and not LABEL.match(l)]


def analyse(text, arch=None):
    lines = text.splitlines()
    if arch is None:
        arch = "aarch64" if re.search(r"^\s*//\s*nonlin ", text, re.M) or "\tldr\t" in text or "\tfmla\t" in text else "x86-64"
    found = regions(lines)
    names = demangle(sorted({r["function"] for r in found if r["function"]}))
    out = []
    for r in found:
        loop = inner_loop(r["lines"])
        body = instructions_only(r["lines"])
        loop_instructions = instructions_only(loop) if loop else body
        out.append({
            "kernel": r["kernel"], "args": r["args"], "arch": arch,
            "function": names.get(r["function"], r["function"]),
            "region": body, "region_mix": mix(body, arch),
            "loop": loop_instructions, "loop_mix": mix(loop_instructions, arch), "has_loop": loop is not None,
        })
    return out


def compile_to_assembly(command):
    cmd = list(command) + ["-S", "-o", "-", "-g0", "-fno-asynchronous-unwind-tables"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"listing.py: the compiler failed:\n{done.stderr}")
    return done.stdout


def format_mix(m):
    keys = ["fma", "broadcast", "load", "store", "shuffle", "call", "stack store", "stack load", "stack broadcast"]
    return ", ".join(f"{m[k]} {k}{'s' if k in ('fma', 'call') and m[k] != 1 else ''}" for k in keys) + f"; {m['instructions']} instructions"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("assembly", nargs="*", help="assembly files (or - for standard input)")
    ap.add_argument("--output", help="write the report to this file instead of standard output")
    ap.add_argument("--json", action="store_true", help="print the regions as JSON")
    ap.add_argument("--kernel", help="only regions of this kernel (dense, register)")
    ap.add_argument("--loop-only", action="store_true", help="print the inner loops' instructions alone")
    ap.add_argument("--full", action="store_true", help="print each whole region, not only its inner loop")
    argv = sys.argv[1:]
    command = argv[argv.index("--") + 1:] if "--" in argv else []
    a = ap.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    if command:
        texts = [compile_to_assembly(command)]
    elif not a.assembly or a.assembly == ["-"]:
        texts = [sys.stdin.read()]
    else:
        texts = []
        for path in a.assembly:
            with open(path) as f:
                texts.append(f.read())
    found = [r for t in texts for r in analyse(t) if not a.kernel or r["kernel"].startswith(a.kernel)]
    if a.output:
        sys.stdout = open(a.output, "w")
    if not found:
        sys.exit("listing.py: no nonlin kernel markers in this listing (was it compiled with -O1 or more, "
                 "and without NONLIN_NO_ASM_MARKERS?)")
    if a.json:
        json.dump(found, sys.stdout, indent=1, ensure_ascii=False)
        print()
        return
    for r in found:
        shown = r["region"] if a.full or not r["has_loop"] else r["loop"]
        if a.loop_only:
            print("\n".join(shown))
            continue
        args = " ".join(f"{k}={v}" for k, v in r["args"].items())
        print(f"== nonlin {r['kernel']} ({args}) in {short_name(r['function'])}")
        print(f"   {'inner loop' if r['has_loop'] and not a.full else 'region'}: "
              f"{format_mix(r['loop_mix'] if r['has_loop'] and not a.full else r['region_mix'])}")
        for line in shown:
            print("      " + line)
        print()


if __name__ == "__main__":
    main()
