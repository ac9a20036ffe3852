"""PyTorch reference for bench/Invoke-Benchmark.ps1: the same work as the module, on the same machine.

Prints one JSON object: load, epoch, evaluation, one-prediction and import timings, all in seconds; the FastCnn
recipe's 2-epoch training time and test accuracy; the Keras CNN's epoch over the first cnn_count training images.
Arguments: cache folder, threads, MLP epochs, cnn_count. With --fastcnn-epoch or --mlp first, only that (see
one_epoch_mode; bench/cnn.ps1 -OneEpoch uses them).
Run with Debian's python3-torch (and libopenblas0-pthread, without which torch falls back to the reference BLAS).
"""
import json
import os
import statistics
import sys
import time

# PyTorch runs its operators on its own OpenMP threads and calls OpenBLAS from them; OpenBLAS's pthread build then
# starts threads of its own, and on 2 cores the two pools fight: the MLP's epoch took 8.6 s with OpenBLAS's default
# threads against 3.0-3.1 s with one (FastCnn's 24 s against 17 s). One BLAS thread inside PyTorch's threads is the
# reference at its best here; a caller's own setting is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

started = time.perf_counter()
import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

def load_idx(path, offset):
    with open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def load_all():
    x_train = load_idx(f"{cache}/train-images-idx3-ubyte", 16).reshape(-1, 784)
    y_train = load_idx(f"{cache}/train-labels-idx1-ubyte", 8)
    x_test = load_idx(f"{cache}/t10k-images-idx3-ubyte", 16).reshape(-1, 784)
    y_test = load_idx(f"{cache}/t10k-labels-idx1-ubyte", 8)
    return x_train, y_train, x_test, y_test


def model():
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 10))


def fast_cnn():
    """tuomaso/train_mnist_fast's network: conv 24 5x5, max-pool, ReLU, conv 32 3x3, max-pool, ReLU, dense 256, 10."""
    return nn.Sequential(
        nn.Conv2d(1, 24, 5), nn.MaxPool2d(2), nn.ReLU(),
        nn.Conv2d(24, 32, 3), nn.MaxPool2d(2), nn.ReLU(),
        nn.Flatten(), nn.Linear(800, 256), nn.ReLU(), nn.Linear(256, 10))


def one_epoch_mode(argv):
    """The FastCnn recipe for one epoch per seed, or the notebook's MLP, and nothing else (bench/cnn.ps1 -OneEpoch).

    --fastcnn-epoch CACHE THREADS SEED...: per seed, tuomaso/train_mnist_fast's recipe for one epoch on all 60,000
    images (batch 256, Adam 0.01 betas (0.7, 0.9), one-cycle over that epoch's batches, PyTorch's default
    initialisation, a fresh shuffle): training seconds and test accuracy.
    --mlp CACHE THREADS EPOCHS: the notebook's MLP (batch 128, Adam 0.001, validation split 0.1): each epoch's
    seconds (training and validation, as the module's History counts them) and the test accuracy.
    """
    mode, cache_folder, thread_count = argv[1], argv[2], int(argv[3])
    torch.set_num_threads(thread_count)
    x_train, y_train, x_test, y_test = (load_idx(f"{cache_folder}/{name}", offset) for name, offset in (
        ("train-images-idx3-ubyte", 16), ("train-labels-idx1-ubyte", 8), ("t10k-images-idx3-ubyte", 16), ("t10k-labels-idx1-ubyte", 8)))
    images = torch.from_numpy(x_train.reshape(-1, 784).astype(np.float32) / 255)
    labels = torch.from_numpy(y_train.astype(np.int64))
    test_images = torch.from_numpy(x_test.reshape(-1, 784).astype(np.float32) / 255)
    test_labels = torch.from_numpy(y_test.astype(np.int64))
    loss = nn.CrossEntropyLoss()
    if mode == "--fastcnn-epoch":
        xn = ((images - 0.1307) / 0.3081).view(-1, 1, 28, 28)
        xtn = ((test_images - 0.1307) / 0.3081).view(-1, 1, 28, 28)
        runs = []
        for seed in (int(a) for a in argv[4:]):
            torch.manual_seed(seed)
            net = fast_cnn()
            optimizer = torch.optim.Adam(net.parameters(), lr=0.01, betas=(0.7, 0.9))
            steps = (len(xn) + 255) // 256
            scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.01, total_steps=steps, cycle_momentum=False)
            started_at = time.perf_counter()
            net.train()
            order = torch.randperm(len(xn))
            for start in range(0, len(xn), 256):
                index = order[start:start + 256]
                step_loss = loss(net(xn[index]), labels[index])
                optimizer.zero_grad(set_to_none=True)
                step_loss.backward()
                optimizer.step()
                scheduler.step()
            seconds = time.perf_counter() - started_at
            net.eval()
            with torch.no_grad():
                correct = sum((net(xtn[s:s + 2000]).argmax(1) == test_labels[s:s + 2000]).sum().item() for s in range(0, len(xtn), 2000))
            runs.append({"seed": seed, "seconds": seconds, "accuracy": correct / len(xtn)})
        print(json.dumps({"torch": torch.__version__, "threads": thread_count, "fast_cnn": runs}))
        return
    torch.manual_seed(1)
    train_count = int(len(images) * 0.9)
    net = model()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.001)
    seconds = []
    for _ in range(int(argv[4])):
        started_at = time.perf_counter()
        net.train()
        order = torch.randperm(train_count)
        for start in range(0, train_count, 128):
            index = order[start:start + 128]
            step_loss = loss(net(images[index]), labels[index])
            optimizer.zero_grad()
            step_loss.backward()
            optimizer.step()
        net.eval()
        with torch.no_grad():
            (net(images[train_count:]).argmax(1) == labels[train_count:]).float().mean().item()
        seconds.append(time.perf_counter() - started_at)
    with torch.no_grad():
        accuracy = (net(test_images).argmax(1) == test_labels).float().mean().item()
    print(json.dumps({"torch": torch.__version__, "threads": thread_count, "mlp_epochs": seconds, "mlp_accuracy": accuracy}))


if len(sys.argv) > 1 and sys.argv[1] in ("--fastcnn-epoch", "--mlp"):
    one_epoch_mode(sys.argv)
    sys.exit(0)

cache, threads, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
cnn_count = int(sys.argv[4]) if len(sys.argv) > 4 else 10000
torch.set_num_threads(threads)
torch.manual_seed(1)


# import plus first call: interpreter start is excluded on both sides
net = model().eval()
with torch.no_grad():
    net(torch.zeros(1, 784))
import_first = time.perf_counter() - started

load_times = []
load_all()  # warm-up, as the module's side has
for _ in range(5):
    t = time.perf_counter()
    x_train, y_train, x_test, y_test = load_all()
    load_times.append(time.perf_counter() - t)

x = torch.from_numpy(x_train.astype(np.float32) / 255)
y = torch.from_numpy(y_train.astype(np.int64))
xt = torch.from_numpy(x_test.astype(np.float32) / 255)
yt = torch.from_numpy(y_test.astype(np.int64))
train_count = int(len(x) * 0.9)
net = model()
optimizer = torch.optim.Adam(net.parameters(), lr=0.001)
loss_fn = nn.CrossEntropyLoss()
epoch_times = []
for epoch in range(epochs):
    t = time.perf_counter()
    net.train()
    order = torch.randperm(train_count)
    for start in range(0, train_count, 128):
        index = order[start:start + 128]
        logits = net(x[index])
        loss = loss_fn(logits, y[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    net.eval()
    with torch.no_grad():
        val = net(x[train_count:])
        val_accuracy = (val.argmax(1) == y[train_count:]).float().mean().item()
    epoch_times.append(time.perf_counter() - t)

# The same MLP with its products in bfloat16 (autocast), as -Precision BFloat16 trains it: epoch time only.
bf16_times = []
if hasattr(torch, "autocast"):
    net_bf16 = model()
    optimizer = torch.optim.Adam(net_bf16.parameters(), lr=0.001)
    for epoch in range(2):
        t = time.perf_counter()
        net_bf16.train()
        order = torch.randperm(train_count)
        for start in range(0, train_count, 128):
            index = order[start:start + 128]
            with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
                loss = loss_fn(net_bf16(x[index]).float(), y[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        bf16_times.append(time.perf_counter() - t)

eval_times = []
for _ in range(3):
    t = time.perf_counter()
    with torch.no_grad():
        correct = 0
        for start in range(0, len(xt), 2000):
            logits = net(xt[start:start + 2000])
            correct += (logits.argmax(1) == yt[start:start + 2000]).sum().item()
    eval_times.append(time.perf_counter() - t)

one = xt[:1]
predict_times = []
with torch.no_grad():
    for i in range(1200):
        t = time.perf_counter()
        probabilities = torch.softmax(net(one), 1)
        int(probabilities.argmax())
        if i >= 200:
            predict_times.append(time.perf_counter() - t)



def keras_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10))


def train_images(net, images, labels, optimizer, batch, epochs, scheduler=None):
    """Trains; returns the seconds spent (shuffling, forward, backward, steps), evaluation excluded."""
    started = time.perf_counter()
    for _ in range(epochs):
        net.train()
        order = torch.randperm(len(images))
        for start in range(0, len(images), batch):
            index = order[start:start + batch]
            loss = loss_fn(net(images[index]), labels[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
    return time.perf_counter() - started


def test_accuracy(net, images, labels):
    net.eval()
    with torch.no_grad():
        return sum((net(images[s:s + 2000]).argmax(1) == labels[s:s + 2000]).sum().item()
                   for s in range(0, len(images), 2000)) / len(images)


# FastCnn: all 60,000 images, normalised, batch 256, Adam 0.01 betas (0.7, 0.9), one-cycle per batch, 2 epochs.
torch.manual_seed(1)
xn = ((x - 0.1307) / 0.3081).view(-1, 1, 28, 28)
xtn = ((xt - 0.1307) / 0.3081).view(-1, 1, 28, 28)
net = fast_cnn()
optimizer = torch.optim.Adam(net.parameters(), lr=0.01, betas=(0.7, 0.9))
steps = 2 * ((len(xn) + 255) // 256)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.01, total_steps=steps, cycle_momentum=False)
fast_seconds = train_images(net, xn, y, optimizer, 256, 2, scheduler)
fast_accuracy = test_accuracy(net, xtn, yt)

# The Keras CNN: one epoch over the first cnn_count images, batch 128, Adam 0.002.
torch.manual_seed(1)
net = keras_cnn()
optimizer = torch.optim.Adam(net.parameters(), lr=0.002)
cnn_seconds = train_images(net, x[:cnn_count].view(-1, 1, 28, 28), y[:cnn_count], optimizer, 128, 1)

print(json.dumps({
    "fast_cnn_seconds": fast_seconds,
    "fast_cnn_accuracy": fast_accuracy,
    "cnn_count": cnn_count,
    "cnn_epoch": cnn_seconds,
    "threads": threads,
    "torch": torch.__version__,
    "load": statistics.median(load_times),
    "epoch": statistics.median(epoch_times[1:] if len(epoch_times) > 1 else epoch_times),
    "epochs": epoch_times,
    "epoch_bf16": bf16_times[-1] if bf16_times else None,
    "val_accuracy": val_accuracy,
    "evaluate": statistics.median(eval_times),
    "test_accuracy": correct / len(xt),
    "predict_one": statistics.median(predict_times),
    "import_first": import_first,
}))
