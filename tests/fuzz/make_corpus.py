#!/usr/bin/env python3
"""Writes the seed corpus of tests/fuzz/: valid safetensors files for the fuzz target's two networks,
and one hostile file per defect the loader must refuse (truncations, header lengths beyond the file
or near 2^64, headers that are not JSON or nest deeply, offsets that overlap, leave gaps or lie out
of range, shapes whose byte count overflows, duplicate names, dtypes that do not match, non-finite
weights, metadata of the wrong kind, a recorded type that differs).

    tests/fuzz/make_corpus.py            # rewrites tests/fuzz/corpus/ (keeps found_*: the fuzzer's findings)
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")

LECTURE = "nl::network<nl::input<2>, nl::dense<2, nl::tanh>, nl::dense<2, nl::tanh>, nl::dense<1, nl::sigmoid>>"
SMALL = "nl::network<nl::input<2>, nl::dense<3, nl::relu>, nl::dense<1>>"


def f32(values):
    return b"".join(struct.pack("<f", v) for v in values)


def container(header_text, data, length=None):
    header = header_text.encode() if isinstance(header_text, str) else header_text
    return struct.pack("<Q", len(header) if length is None else length) + header + data


def layout(tensors, metadata=None, order=None):
    """(header dict, data) for [(name, dtype, shape, bytes)] stored back to back."""
    header, data = {}, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    if order:
        header = {k: header[k] for k in order}
    return header, data


def small_tensors():
    return [("0.weight", "F32", [3, 2], f32([1, 2, 3, 4, 5, 6])), ("0.bias", "F32", [3], f32([0.5, -0.5, 0.25])),
            ("1.weight", "F32", [1, 3], f32([-1, -2, -3])), ("1.bias", "F32", [1], f32([0.125]))]


def lecture_tensors():
    return [("0.weight", "F32", [2, 2], f32([0.5, -1, 1.5, 2])), ("0.bias", "F32", [2], f32([0.1, -0.1])),
            ("2.weight", "F32", [2, 2], f32([1, 0.25, -0.75, 1])), ("2.bias", "F32", [2], f32([0, 0.3])),
            ("4.weight", "F32", [1, 2], f32([2, -2])), ("4.bias", "F32", [1], f32([0.05]))]


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if not f.startswith("found_"):  # inputs the fuzzer found stay, as regression cases
            os.remove(os.path.join(OUT, f))
    files = {}

    def add(name, header, data, length=None, raw=None):
        files[name] = raw if raw is not None else container(
            header if isinstance(header, (str, bytes)) else json.dumps(header), data, length)

    h, d = layout(small_tensors())
    add("valid_small_positions", h, d)
    h, d = layout(small_tensors(), {"format": "pt", "nonlin_type": SMALL})
    add("valid_small_recorded_type", h, d)
    h, d = layout(lecture_tensors(), {"format": "pt", "nonlin_type": LECTURE})
    add("valid_lecture_torch_names", h, d)
    add("valid_lecture_padded_header", json.dumps(h) + "       ", d)
    h, d = layout(small_tensors(), order=["1.bias", "0.weight", "1.weight", "0.bias"])
    add("valid_small_unsorted_entries", h, d)

    whole = files["valid_small_positions"]
    for cut in (0, 4, 8, 20, len(whole) - 30, len(whole) - 1):
        add(f"truncated_at_{cut}", None, None, raw=whole[:cut])
    h, d = layout(small_tensors())
    text = json.dumps(h)
    add("header_length_beyond_file", text, d, length=len(text) + len(d) + 1)
    add("header_length_near_2_64", text, d, length=2**64 - 1)
    add("header_length_2_63", text, d, length=2**63)
    add("header_length_above_limit", text, d, length=100_000_001)
    add("header_not_json", "{\"0.weight\": {\"dtype\": \"F32\", ", d)
    add("header_not_an_object", "[1, 2, 3]", b"")
    add("header_starts_with_space", " " + text, d)
    add("header_nests_deeply", "{\"__metadata__\":" + "[" * 300 + "]" * 300 + "}", b"")
    add("header_nests_deeply_unclosed", "{\"a\":" + "{\"a\":" * 1000, b"")
    add("header_invalid_utf8", b"{\"0.w\xc0\xafeight\": 1}", b"")
    add("header_lone_surrogate", b"{\"\xed\xa0\x80\": 1}", b"")
    add("header_empty", "", b"")
    add("header_number_beyond_double", "{\"0.bias\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 2e4294967296]}}", b"")

    def tweak(name, mutate, data=None, metadata=None):
        h, d = layout(small_tensors(), metadata)
        mutate(h)
        add(name, h, d if data is None else data(d))

    tweak("offsets_overlapping", lambda h: h["1.bias"].update(data_offsets=[44, 48]))
    tweak("offsets_out_of_range", lambda h: h["1.bias"].update(data_offsets=[52, 56]))
    tweak("offsets_huge", lambda h: h["1.bias"].update(data_offsets=[2**64 - 4, 2**64]))
    tweak("offsets_end_before_begin", lambda h: h["1.bias"].update(data_offsets=[48, 44]))
    tweak("offsets_negative", lambda h: h["1.bias"].update(data_offsets=[-4, 0]))
    tweak("offsets_three", lambda h: h["1.bias"].update(data_offsets=[48, 52, 56]))
    tweak("offsets_gap", lambda h: (h["1.weight"].update(data_offsets=[40, 52]), h["1.bias"].update(data_offsets=[52, 56])),
          data=lambda d: d[:36] + b"\0" * 4 + d[36:])
    tweak("bytes_after_last_tensor", lambda h: None, data=lambda d: d + b"\0\0\0\0")
    tweak("shape_overflows_size_t", lambda h: h["0.weight"].update(shape=[2**32, 2**32, 16]))
    tweak("shape_product_wraps_to_24", lambda h: h["0.weight"].update(shape=[2**62 + 6]))
    tweak("shape_negative", lambda h: h["0.weight"].update(shape=[-3, 2]))
    tweak("shape_float", lambda h: h["0.weight"].update(shape=[3.0, 2]))
    tweak("shape_transposed", lambda h: h["0.weight"].update(shape=[2, 3]))
    tweak("shape_zero", lambda h: h["0.weight"].update(shape=[0, 2], data_offsets=[0, 0]))
    tweak("dtype_unknown", lambda h: h["0.bias"].update(dtype="F31"))
    tweak("dtype_not_a_string", lambda h: h["0.bias"].update(dtype=32))
    tweak("dtype_integer_same_size", lambda h: h["0.weight"].update(dtype="I32"))
    tweak("dtype_f16_with_f32_bytes", lambda h: h["0.bias"].update(dtype="F16"))
    tweak("entry_not_an_object", lambda h: h.update({"0.bias": [1, 2]}))
    tweak("entry_without_shape", lambda h: h["0.bias"].pop("shape"))
    tweak("metadata_not_strings", lambda h: h.update({"__metadata__": {"epochs": 12}}))
    tweak("metadata_array", lambda h: h.update({"__metadata__": ["pt"]}))
    tweak("recorded_type_differs", lambda h: h.update({"__metadata__": {"nonlin_type": SMALL.replace("relu", "tanh")}}))
    tweak("extra_tensor_name", lambda h: h.update({"0.running_mean": h.pop("1.bias")}))
    tweak("missing_bias", lambda h: h.pop("1.bias"), data=lambda d: d[:-4])
    tweak("index_with_leading_zero", lambda h: h.update({"01.bias": h.pop("1.bias")}))

    h, d = layout(small_tensors())
    text = json.dumps(h)
    dup = text[:-1] + ", \"0.bias\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [24, 36]}}"
    add("duplicate_names", dup, d)

    for label, value in (("nan", float("nan")), ("inf", float("inf")), ("minus_inf", float("-inf"))):
        t = small_tensors()
        t[0] = ("0.weight", "F32", [3, 2], f32([1, 2, value, 4, 5, 6]))
        h, d = layout(t)
        add(f"weight_{label}", h, d)
    t = small_tensors()
    t[1] = ("0.bias", "F64", [3], struct.pack("<3d", 0.5, 1e300, 0.25))
    h, d = layout(t)
    add("f64_beyond_float", h, d)
    t = small_tensors()
    t[1] = ("0.bias", "F16", [3], struct.pack("<3H", 0x3C00, 0x7C00, 0x3C00))
    h, d = layout(t)
    add("f16_infinity", h, d)
    t = small_tensors()
    t[1] = ("0.bias", "BF16", [3], struct.pack("<3H", 0x3F80, 0x7FC1, 0x3F80))
    h, d = layout(t)
    add("bf16_nan", h, d)

    for name, raw in files.items():
        with open(os.path.join(OUT, name + ".safetensors"), "wb") as f:
            f.write(raw)
    print(f"wrote {len(files)} files to {OUT}")


if __name__ == "__main__":
    main()
