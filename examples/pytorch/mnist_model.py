"""Loads a model exported by `Export-MnistModel -Path mnist.pt` (a state_dict plus mnist.json) as a torch.nn network.

    import mnist_model
    net, info = mnist_model.load("mnist.pt")       # eval mode; info is the JSON: class_names, input, training_data...
    probabilities = torch.softmax(net(x), dim=1)    # x: float32 [N, 784], the 28x28 pixels row by row, / 255

Run as a script to predict the first images of an IDX file:
    python3 mnist_model.py mnist.pt ~/.cache/mnist/t10k-images-idx3-ubyte 5
"""
import json
import os
import sys

import torch
from torch import nn


class Normalization(nn.Module):
    """x * scale + shift: the input normalisation some architectures (FastCnn) carry inside the network."""

    def __init__(self, scale, shift):
        super().__init__()
        self.scale, self.shift = scale, shift

    def forward(self, x):
        return x * self.scale + self.shift


LAYERS = {"Normalization": Normalization}


def build(layers):
    """A Sequential of the listed layers (torch.nn's, or this file's); a dotted name ("dense.0") nests the layer in a Sequential ("dense")."""
    root = nn.Sequential()
    for layer in layers:
        *parents, name = layer["name"].split(".")
        container = root
        for parent in parents:
            if not hasattr(container, parent):
                container.add_module(parent, nn.Sequential())
            container = getattr(container, parent)
        kind = LAYERS.get(layer["type"]) or getattr(nn, layer["type"])
        container.add_module(name, kind(**layer["args"]))
    return root


def load(path):
    with open(os.path.splitext(path)[0] + ".json", encoding="utf-8") as f:
        info = json.load(f)
    if info.get("kind") != "Mnist.PyTorch":
        raise ValueError(f"{path}: the JSON beside it is not an Mnist architecture")
    net = build(info["layers"])
    net.load_state_dict(torch.load(path, map_location="cpu"))
    return net.eval(), info


def read_idx_images(path, count):
    with open(path, "rb") as f:
        data = f.read(16 + count * 784)
    pixels = torch.frombuffer(bytearray(data[16:]), dtype=torch.uint8)
    return pixels.reshape(count, 784).to(torch.float32) / 255


if __name__ == "__main__":
    model_path, images_path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    net, info = load(model_path)
    with torch.no_grad():
        probabilities = torch.softmax(net(read_idx_images(images_path, count)), dim=1)
    for n, row in enumerate(probabilities):
        best = int(row.argmax())
        print(n, info["class_names"][best], f"{float(row[best]):.4f}", " ".join(f"{float(p):.9g}" for p in row))
