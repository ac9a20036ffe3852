"""The Python side of bench/picture-prep.ps1: the classic OpenCV preparation of a digit picture, timed per picture.

  python3 picture_prep.py <file list> [repeats]

Reads the newline-separated picture paths, and for each: reads it as grayscale, Otsu threshold (dark ink on light
paper), the largest outer contour's bounding box, resize into 20x20 keeping the aspect ratio, pad to 28x28, shift
by the centre of mass to the middle. Prints JSON: pictures, seconds (the best of the repeats), wall and CPU ms
per picture.
Needs Debian's python3-opencv and python3-numpy (/usr/bin/python3).
"""
import json
import math
import sys
import time

import cv2
import numpy as np


def prepare(path):
    gray = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if gray is None:
        return None
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    contours, _ = cv2.findContours(ink, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    x, y, w, h = cv2.boundingRect(max(contours, key=cv2.contourArea))
    digit = ink[y:y + h, x:x + w]
    scale = 20.0 / max(w, h)
    digit = cv2.resize(digit, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    rows, cols = digit.shape
    top, left = (28 - rows) // 2, (28 - cols) // 2
    field = cv2.copyMakeBorder(digit, top, 28 - rows - top, left, 28 - cols - left, cv2.BORDER_CONSTANT, value=0)
    m = cv2.moments(field)
    if m["m00"] == 0:
        return field
    dx, dy = 14 - m["m10"] / m["m00"], 14 - m["m01"] / m["m00"]
    return cv2.warpAffine(field, np.float32([[1, 0, dx], [0, 1, dy]]), (28, 28))


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        paths = [line.strip() for line in f if line.strip()]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    best, best_cpu = math.inf, math.inf
    prepared = 0
    for _ in range(repeats):
        started, cpu = time.perf_counter(), time.process_time()
        prepared = sum(1 for p in paths if prepare(p) is not None)
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    print(json.dumps({"pictures": len(paths), "prepared": prepared, "seconds": best,
                      "ms_per_picture": 1000 * best / len(paths), "cpu_ms_per_picture": 1000 * best_cpu / len(paths),
                      "threads": cv2.getNumThreads()}))


if __name__ == "__main__":
    main()
