#!/usr/bin/python3
"""Writes scikit-learn's handwritten digits (the UCI optical recognition set: 1797 images of 8x8
pixels, values 0..16, ten classes) once into tests/data/digits.safetensors, so that nonlin's tests and
examples need no Python.

The split is fixed: sklearn.model_selection.train_test_split(test_size=360, random_state=0,
stratify=labels) gives 1437 training and 360 test images. Tensors (F16, which holds the pixel values
and the labels exactly): train.x [1437, 64], train.y [1437], test.x [360, 64], test.y [360]; pixels are
the raw 0..16 values (scale by 1/16 to train).

    /usr/bin/python3 tools/digits/convert.py        # from the repository root
"""
import json
import os
import struct

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {}, [], 0
    for name, array in tensors:
        data = np.ascontiguousarray(array, dtype='<f2').tobytes()
        header[name] = {'dtype': 'F16', 'shape': list(array.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header['__metadata__'] = metadata
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)  # keep the data 8-byte aligned, as the reference writer does
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    digits = load_digits()
    x, y = digits.data.astype(np.float32), digits.target.astype(np.float32)
    train_x, test_x, train_y, test_y = train_test_split(x, y, test_size=360, random_state=0, stratify=y)
    assert train_x.shape == (1437, 64) and test_x.shape == (360, 64)
    path = os.path.join(root, 'tests', 'data', 'digits.safetensors')
    write_safetensors(path, [('train.x', train_x), ('train.y', train_y), ('test.x', test_x), ('test.y', test_y)],
                      {'source': 'sklearn.datasets.load_digits', 'pixels': '0..16, scale by 1/16',
                       'split': 'train_test_split(test_size=360, random_state=0, stratify=labels)'})
    print(f'wrote {path}: {len(train_y)} training and {len(test_y)} test images')


if __name__ == '__main__':
    main()
