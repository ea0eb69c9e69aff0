#!/usr/bin/env python3
"""What one network's forward costs on this compile target: a roofline for one network.

    tools/inspect/inspect_network.py 'nl::network<nl::input<2>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>'
    tools/inspect/inspect_network.py --target x86-64 '<type>'    # no -march: SSE2, no fma instruction
    tools/inspect/inspect_network.py --target avx2 '<type>'      # x86-64-v3, llvm-mca's Zen 3 model
    tools/inspect/inspect_network.py --target avx512 '<type>'    # x86-64-v4, Zen 4
    tools/inspect/inspect_network.py --target aarch64 '<type>'   # aarch64-linux-gnu-g++, NEON, Neoverse N1 model
    tools/inspect/inspect_network.py --listing '<type>'          # and print the kernels' inner loops

It compiles tools/inspect/inspect_main.cpp with the network (and nonlin's headers, -O3) twice: to
assembly, cut to the kernels' marked regions by listing.py, and to a program that prints the plan and
times the batch forward. It prints which kernel runs, the instruction mix of its inner loops, the
instructions and fmas per sample next to the minimum the weights need (one fma per weight and lane),
llvm-mca's estimate of the cycles, and the measured time beside the bound that applies. Timing needs
a target this machine runs; for AArch64 the program runs under qemu-aarch64 for the plan only.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import listing  # noqa: E402

# Compile flags and llvm-mca model per target. The x86 models are the Zen cores this project measures
# on; any other -mcpu of llvm-mca can be given with --mcpu.
TARGETS = {
    "native": {"flags": ["-march=native"], "mca": ["-mcpu=native"]},
    "x86-64": {"flags": ["-march=x86-64"], "mca": ["-mtriple=x86_64", "-mcpu=znver3"]},  # SSE2, no fma instruction
    "avx2": {"flags": ["-march=x86-64-v3"], "mca": ["-mtriple=x86_64", "-mcpu=znver3"]},
    "avx512": {"flags": ["-march=x86-64-v4"], "mca": ["-mtriple=x86_64", "-mcpu=znver4"]},
    "aarch64": {"flags": ["-march=armv8.2-a"], "mca": ["-mtriple=aarch64", "-mcpu=neoverse-n1"],
                "compiler": "aarch64-linux-gnu-g++", "runner": ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"]},
}


def fma_per_cycle(target_name):
    """Vector fma instructions a cycle on the core the target's numbers are for: two on Zen 3 (256-bit)
    and Neoverse N1 (128-bit); one 512-bit fma on Zen 4, which runs it on both 256-bit halves; two
    again on Zen 5, whose units are 512 bits wide."""
    if target_name == "avx512":
        return 1  # the Zen 4 model
    if target_name == "native" and os.path.exists("/proc/cpuinfo"):
        info = open("/proc/cpuinfo").read()
        family = re.search(r"^cpu family\s*:\s*(\d+)", info, re.M)
        if "AuthenticAMD" in info and re.search(r"\bavx512f\b", info) and family and family.group(1) == "25":
            return 1
    return 2


def find_tool(names):
    for n in names:
        if shutil.which(n):
            return n
    return None


def run(cmd, **kw):
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        sys.exit(f"inspect_network.py: {' '.join(cmd[:3])} … failed:\n{done.stderr or done.stdout}")
    return done.stdout


def cpu_runs(target):
    """Whether this machine executes code built for the target."""
    if target == "native":
        return True
    if target == "aarch64":
        return os.uname().machine == "aarch64"
    flags = open("/proc/cpuinfo").read() if os.path.exists("/proc/cpuinfo") else ""
    need = {"x86-64": [], "avx2": ["avx2", "fma"], "avx512": ["avx512f", "avx512bw", "avx512vl", "avx512dq"]}[target]
    return all(re.search(rf"\b{f}\b", flags) for f in need)


def mca_cycles(instructions, mca, model):
    """llvm-mca's steady-state cycles per iteration of a block of instructions."""
    if not mca or not instructions:
        return None
    done = subprocess.run([mca, *model, "-iterations=200", "-"], input="\n".join(instructions) + "\n",
                          capture_output=True, text=True)
    m_total = re.search(r"Total Cycles:\s+(\d+)", done.stdout)
    m_iter = re.search(r"Iterations:\s+(\d+)", done.stdout)
    if done.returncode != 0 or not m_total or not m_iter:
        return None
    return int(m_total.group(1)) / int(m_iter.group(1))


def parse_facts(text):
    facts, blocks = {}, []
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if key == "block":
            k, *pairs = value.split()
            blocks.append({"layer": int(k), **{p.split("=")[0]: int(p.split("=")[1]) for p in pairs}})
        else:
            facts[key] = value
    return facts, blocks


def inspect(network, target_name="native", compiler=None, mcpu=None, timing=True):
    """Everything the report shows, as a dict: facts from the program, kernel regions, per-sample numbers."""
    target = TARGETS[target_name]
    compiler = compiler or target.get("compiler", "g++")
    if not shutil.which(compiler):
        sys.exit(f"inspect_network.py: no {compiler} (for aarch64: apt-get install g++-aarch64-linux-gnu qemu-user)")
    mca = find_tool(["llvm-mca-19", "llvm-mca-15", "llvm-mca"])
    model = list(target["mca"])
    if mcpu:
        model = [m for m in model if not m.startswith("-mcpu=")] + [f"-mcpu={mcpu}"]
    flags = ["-std=c++20", "-O3", *target["flags"], f"-I{ROOT}/include", f"-DNONLIN_INSPECTED_NETWORK={network}"]
    source = os.path.join(HERE, "inspect_main.cpp")
    with tempfile.TemporaryDirectory() as tmp:
        asm = listing.compile_to_assembly([compiler, *flags, "-c", source])
        program = os.path.join(tmp, "inspect")
        run([compiler, *flags, source, f"{ROOT}/src/argument_errors.cpp", "-o", program])
        native = cpu_runs(target_name)
        runner = [] if native else target.get("runner", [])
        if not native and not runner:
            facts, blocks = None, []
        else:
            if runner and not shutil.which(runner[0]):
                sys.exit("inspect_network.py: the program needs qemu-aarch64 (apt-get install qemu-user)")
            timed = native and timing
            facts, blocks = parse_facts(run([*runner, program] + ([] if timed else ["--no-timing"])))
    if facts is None:
        # The plan without running: a build for the same vector width on this machine would print the
        # same facts, but the kernel regions below still come from the target's own listing.
        sys.exit(f"inspect_network.py: this machine cannot run {target_name} code and has no emulator for it")

    lanes, kernel = int(facts["lanes"]), facts["kernel"]
    seen, rows = set(), []
    for r in listing.analyse(asm):
        key = (r["kernel"], tuple(r["args"].items()))
        if key in seen:
            continue
        seen.add(key)
        # A register tile is measured whole (it is the unit of work, loops and all); a dense block by
        # its inner loop, which is where its time goes.
        r["whole"] = r["kernel"] == "register tiles" or not r["has_loop"]
        r["body"], r["mix"] = (r["region"], r["region_mix"]) if r["whole"] else (r["loop"], r["loop_mix"])
        r["mca"] = mca_cycles(r["body"], mca, model)
        rows.append(r)

    # Per sample: the kernel that a large batch runs.
    estimate, instructions, fmas, stores, main = None, None, None, None, None
    if kernel == "registers":
        group, depth = facts["register_group"], facts["depth"]
        main = next((r for r in rows if r["kernel"] == "register tiles" and r["args"].get("group") == group
                     and r["args"].get("depth") == depth), None)
        if main:
            per = int(group) * lanes
            m = main["region_mix"]
            instructions, fmas, stores = m["instructions"] / per, m["fma"] / per, m["store"] / int(group)
            estimate = main["mca"] / per if main["mca"] is not None else None
    else:
        # The dense loops of a full tile, layer by layer: blocks × turns × cycles per turn, per sample.
        total_cycles, total_instr, total_fma, complete = 0.0, 0.0, 0.0, True
        tile = int(facts["tile"])
        for b in blocks:
            for rows_, count in ((b["rows"], b["row_blocks"]), (b["rest_rows"], 1)):
                if rows_ == 0:
                    continue
                r = next((x for x in rows if x["kernel"] == "dense loop" and x["args"].get("rows") == str(rows_)
                          and x["args"].get("packs") == str(b["packs"]) and x["args"].get("length") == str(b["inputs"])), None)
                if r is None or not r["has_loop"]:
                    complete = False
                    continue
                m = r["loop_mix"]
                inputs_per_turn = max(1, m["fma"] // (rows_ * b["packs"]))
                turns = b["inputs"] / inputs_per_turn * count * (b["tile_packs"] / b["packs"])
                total_instr += turns * m["instructions"]
                total_fma += turns * m["fma"]
                total_cycles += turns * (r["mca"] or 0.0)
                complete = complete and r["mca"] is not None
        instructions, fmas = total_instr / tile, total_fma / tile
        estimate = total_cycles / tile if complete else None

    weights = int(facts["weights"])
    rate = fma_per_cycle(target_name)
    bounds = {f"fma throughput, the weights' fmas ({rate} a cycle)": weights / lanes / rate}
    if fmas is not None and kernel == "registers":
        bounds[f"fma throughput, every fma (activations' polynomials too, {rate} a cycle)"] = fmas / rate
    if estimate is not None:
        bounds["llvm-mca's schedule of the " + ("tile" if kernel == "registers" else "dense loops")] = estimate
    result = {"network": network, "target": target_name, "native": cpu_runs(target_name), "flags": target["flags"], "compiler": compiler,
              "mca": " ".join(model) if mca else None, "facts": facts, "rows": rows, "main": main,
              "instructions": instructions, "fmas": fmas, "stores_per_tile": stores, "estimate": estimate,
              "bounds": bounds, "fma_per_cycle": rate, "weights": weights, "lanes": lanes, "kernel": kernel}
    if "ns_per_sample" in facts:
        result["ns"] = float(facts["ns_per_sample"])
        result["ghz"] = float(facts["ghz"])
        result["cycles"] = result["ns"] * result["ghz"]
    return result


def report(r, show_listing=False):
    facts, lanes, kernel, weights = r["facts"], r["lanes"], r["kernel"], r["weights"]
    print(f"network   {facts['type']}")
    if facts["runs"] != facts["type"]:
        print(f"runs as   {facts['runs']}   (identity runs merged, for large batches)")
    print(f"target    {r['target']} ({' '.join(r['flags'])}, {r['compiler']}), {lanes} floats a vector, "
          f"{facts['vector_registers']} vector registers; llvm-mca {r['mca'] or 'not installed'}")
    print(f"kernel    {kernel}" + (f", {facts['register_group']} tiles of {lanes} samples together" if kernel == "registers"
                                   else f", tiles of {facts['tile']} samples, a register-blocked product per layer"))
    print(f"work      {facts['parameters']} parameters; {weights} weights run: {weights} fmas a sample, "
          f"{weights / lanes:.2f} fma instructions at {lanes} lanes; {facts['activation_evaluations']} activations a sample")
    print("\nkernel regions (a register tile whole; a dense block's inner loop):")
    print(f"  {'region':<44} {'instr':>5} {'fma':>4} {'bcast':>5} {'load':>4} {'store':>5} {'shuf':>4} {'call':>4} "
          f"{'spill':>5} {'reload':>6} {'mca cyc':>7}")
    for row in r["rows"]:
        m = row["mix"]
        name = row["kernel"] + " " + " ".join(f"{k}={v}" for k, v in row["args"].items())
        cyc = f"{row['mca']:.1f}" if row["mca"] is not None else "-"
        print(f"  {name:<44} {m['instructions']:>5} {m['fma']:>4} {m['broadcast']:>5} {m['load']:>4} {m['store']:>5} "
              f"{m['shuffle']:>4} {m['call']:>4} {m['stack store']:>5} {m['stack load']:>6} {cyc:>7}")
    print("\nper sample (a large batch):")
    if r["instructions"] is not None:
        print(f"  instructions  {r['instructions']:8.2f}" + ("   (the dense loops only)" if kernel == "blocked" else "   (the whole tile)"))
        print(f"  fmas          {r['fmas']:8.2f}   (minimum for the weights: {weights / lanes:.2f})")
    for what, cycles in r["bounds"].items():
        print(f"  bound         {cycles:8.2f} cycles  {what}")
    what, bound = max(r["bounds"].items(), key=lambda kv: kv[1])
    if "ns" in r:
        print(f"  measured      {r['cycles']:8.2f} cycles = {r['ns']:.3f} ns at {r['ghz']:.2f} GHz "
              f"({facts['samples']} samples, best of 40)")
        print(f"  roofline      the bound that applies is {what}: measured / bound = {r['cycles'] / bound:.2f}")
        print(f"  memory        {facts['bytes_per_sample']} bytes a sample in and out, "
              f"{int(facts['bytes_per_sample']) / r['ns']:.1f} GB/s at this speed: far below memory bandwidth "
              f"(the batch stays in L2)")
    else:
        print("  measured      - (" + ("timing off" if r["native"] else "not run: this machine does not execute "
                                    + r["target"] + " code") + ")")
    if show_listing:
        for row in r["rows"]:
            print(f"\n== nonlin {row['kernel']} " + " ".join(f"{k}={v}" for k, v in row["args"].items())
                  + f" in {listing.short_name(row['function'])}")
            for line in row["body"]:
                print("      " + line)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("network", help="a network type, written with nl:: (namespace nl = nonlin)")
    ap.add_argument("--target", choices=sorted(TARGETS), default="native")
    ap.add_argument("--compiler", help="the C++ compiler (default: g++, or the cross compiler for aarch64)")
    ap.add_argument("--mcpu", help="llvm-mca's CPU model instead of the target's")
    ap.add_argument("--listing", action="store_true", help="print the kernels' inner loops too")
    ap.add_argument("--no-timing", action="store_true", help="do not time the forward")
    a = ap.parse_args()
    report(inspect(a.network, a.target, a.compiler, a.mcpu, not a.no_timing), a.listing)


if __name__ == "__main__":
    main()
