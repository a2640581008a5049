"""Write the linprobe sample datasets as IDX (MNIST-format) files.

Usage:
    /usr/bin/python3 data-samples/make_idx.py OUTDIR

Needs numpy and scikit-learn (Debian: python3-sklearn) and the Debian package
dataset-fashion-mnist. Writes into OUTDIR:

    digits-{train,test}-images-idx3-ubyte   digits-{train,test}-labels-idx1-ubyte
    fashion-{train,test}-images-idx3-ubyte  fashion-{train,test}-labels-idx1-ubyte

digits:  sklearn.datasets.load_digits() (8x8, values 0..16), split with
         train_test_split(test_size=1/3, stratify=y, random_state=0), rows in
         the order train_test_split returns them.
fashion: the first 200 rows of each class of the official Fashion-MNIST train
         file and the first 100 of each class of the official test file, kept
         in file order; 28x28, values 0..255.

Pixel values are written unchanged. See data-samples/README.md.
"""

import gzip
import os
import struct
import sys

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

FASHION_DIR = "/usr/share/datasets/fashion-mnist"

# IDX magic numbers: two zero bytes, type code 0x08 (unsigned byte), number of dims.
MAGIC_IMAGES = 0x00000803
MAGIC_LABELS = 0x00000801


def write_images(path, images):
    images = np.ascontiguousarray(images, dtype=np.uint8)
    n, rows, cols = images.shape
    with open(path, "wb") as f:
        f.write(struct.pack(">IIII", MAGIC_IMAGES, n, rows, cols))
        f.write(images.tobytes())


def write_labels(path, labels):
    labels = np.ascontiguousarray(labels, dtype=np.uint8)
    with open(path, "wb") as f:
        f.write(struct.pack(">II", MAGIC_LABELS, labels.shape[0]))
        f.write(labels.tobytes())


def read_idx(path):
    """Read a (possibly gzipped) ubyte IDX file into a numpy array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError("%s: not a ubyte IDX file" % path)
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if arr.size != int(np.prod(dims)):
        raise ValueError("%s: size %d does not match dims %s" % (path, arr.size, dims))
    return arr.reshape(dims)


def find_fashion_file(stem):
    """Debian ships the files gzipped; accept an uncompressed copy too."""
    for name in (stem + ".gz", stem):
        path = os.path.join(FASHION_DIR, name)
        if os.path.exists(path):
            return path
    raise FileNotFoundError("%s(.gz) not found in %s (install dataset-fashion-mnist)"
                            % (stem, FASHION_DIR))


def first_per_class(labels, per_class):
    """Indices of the first `per_class` rows of every class, in file order."""
    keep = np.zeros(labels.shape[0], dtype=bool)
    for c in np.unique(labels):
        idx = np.flatnonzero(labels == c)
        if idx.size < per_class:
            raise ValueError("class %d has only %d rows" % (c, idx.size))
        keep[idx[:per_class]] = True
    return np.flatnonzero(keep)


def emit(outdir, prefix, split, images, labels):
    img_name = "%s-%s-images-idx3-ubyte" % (prefix, split)
    lbl_name = "%s-%s-labels-idx1-ubyte" % (prefix, split)
    write_images(os.path.join(outdir, img_name), images)
    write_labels(os.path.join(outdir, lbl_name), labels)
    print("%s: %d rows (%dx%d)" % (img_name, images.shape[0], images.shape[1], images.shape[2]))
    print("%s: %d rows" % (lbl_name, labels.shape[0]))


def make_digits(outdir):
    digits = load_digits()
    # load_digits returns float64 data holding integers 0..16; store them as-is.
    X = digits.data.astype(np.uint8)
    y = digits.target.astype(np.uint8)
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=1 / 3, stratify=y, random_state=0)
    emit(outdir, "digits", "train", X_tr.reshape(-1, 8, 8), y_tr)
    emit(outdir, "digits", "test", X_te.reshape(-1, 8, 8), y_te)


def make_fashion(outdir):
    for split, stem, per_class in (("train", "train", 200), ("test", "t10k", 100)):
        images = read_idx(find_fashion_file(stem + "-images-idx3-ubyte"))
        labels = read_idx(find_fashion_file(stem + "-labels-idx1-ubyte"))
        rows = first_per_class(labels, per_class)
        emit(outdir, "fashion", split, images[rows], labels[rows])


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: %s OUTDIR" % argv[0])
    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)
    make_digits(outdir)
    make_fashion(outdir)


if __name__ == "__main__":
    main(sys.argv)
