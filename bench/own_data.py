"""The Python side of bench/own-data.ps1: writes the picture folders and times Pillow reading them.

  write-digits <idx folder> <out>     MNIST's 70,000 images as 28x28 grayscale PNGs in out/train/<label>/ and out/test/<label>/
  write-photos <idx folder> <out> N   N test digits as 200x200 photos (dark ink on light, uneven, noisy paper) in out/<label>/
  read <folder>                       decodes every PNG under the folder with Pillow into one NumPy array; prints the seconds

Needs Debian's python3-pil and python3-numpy.
"""
import os
import struct
import sys
import time

import numpy as np
from PIL import Image


def read_idx(path):
    with open(path, "rb") as f:
        magic, count = struct.unpack(">II", f.read(8))
        if magic == 2051:
            rows, cols = struct.unpack(">II", f.read(8))
            return np.frombuffer(f.read(), dtype=np.uint8).reshape(count, rows, cols)
        return np.frombuffer(f.read(), dtype=np.uint8)


def write_digits(idx, out):
    for split, prefix in (("train", "train"), ("test", "t10k")):
        images = read_idx(os.path.join(idx, f"{prefix}-images-idx3-ubyte"))
        labels = read_idx(os.path.join(idx, f"{prefix}-labels-idx1-ubyte"))
        for label in range(10):
            os.makedirs(os.path.join(out, split, str(label)), exist_ok=True)
        for i, (image, label) in enumerate(zip(images, labels)):
            Image.fromarray(image, mode="L").save(os.path.join(out, split, str(label), f"{i:05d}.png"))


def write_photos(idx, out, count):
    rng = np.random.default_rng(1)
    images = read_idx(os.path.join(idx, "t10k-images-idx3-ubyte"))
    labels = read_idx(os.path.join(idx, "t10k-labels-idx1-ubyte"))
    yy, xx = np.mgrid[0:200, 0:200]
    for label in range(10):
        os.makedirs(os.path.join(out, str(label)), exist_ok=True)
    for i in range(count):
        scale = int(rng.integers(3, 7))
        digit = Image.fromarray(255 - images[i], mode="L").resize((28 * scale, 28 * scale), Image.BILINEAR)
        paper = 215 + 25 * (xx / 200.0) * (yy / 200.0) + rng.normal(0, 6, (200, 200))
        page = Image.fromarray(np.clip(paper, 0, 255).astype(np.uint8), mode="L")
        left, top = (int(rng.integers(0, 200 - 28 * scale + 1)) for _ in range(2))
        page.paste(Image.fromarray(np.minimum(np.asarray(page.crop((left, top, left + 28 * scale, top + 28 * scale))), np.asarray(digit))), (left, top))
        page.save(os.path.join(out, str(labels[i]), f"{i:05d}.png"))


def read(folder):
    started = time.perf_counter()
    paths = sorted(os.path.join(root, name) for root, _, names in os.walk(folder) for name in names if name.endswith(".png"))
    images = np.empty((len(paths), 28, 28), dtype=np.uint8)
    for i, path in enumerate(paths):
        with Image.open(path) as image:
            images[i] = np.asarray(image.convert("L"))
    print(f"{time.perf_counter() - started:.3f} {len(paths)}")


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "write-digits":
        write_digits(sys.argv[2], sys.argv[3])
    elif command == "write-photos":
        write_photos(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif command == "read":
        read(sys.argv[2])
    else:
        sys.exit(__doc__)
