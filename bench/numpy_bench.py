"""NumPy's figures for the benchmark cases NumPy can do, in bench.c's output
format: case, seconds per operation, bytes, 0.  Run by bench/run.py when
NumPy is installed (Debian's python3-numpy)."""
import sys
import time

import numpy as np


def measure(fn):
    """Seconds per call: the median of 7 samples of about 20 ms each."""
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed > 0.02:
            break
        calls *= 10 if elapsed < 0.002 else 2
    samples = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls)
    return sorted(samples)[3]


def cases():
    a = np.ones((4096, 8192), np.uint8)
    out = np.empty((4096, 4096), np.uint8)
    yield ("to_contiguous_C_uint8_every_2nd_column",
           lambda: np.copyto(out, a[:, ::2]), out.nbytes)
    c = np.ones((256, 256, 64))
    f = np.asfortranarray(c)
    to_f = np.empty_like(c, order="F")
    to_c = np.empty_like(c, order="C")
    yield ("to_contiguous_F_of_C_float64_256x256x64",
           lambda: np.copyto(to_f, c), c.nbytes)
    yield ("to_contiguous_C_of_F_float64_256x256x64",
           lambda: np.copyto(to_c, f), c.nbytes)
    region = np.ones((256, 256, 64 * 64))
    scattered = region[:, :, ::64]
    yield ("from_contiguous_C_float64_inner_stride_512",
           lambda: np.copyto(scattered, c), c.nbytes)
    del region, scattered
    big = np.ones((2048, 4096))
    dest = np.empty((2048, 2048))
    yield ("copy_data_float64_2048x2048_strided",
           lambda: dest.__setitem__(Ellipsis, big[:, ::2]), dest.nbytes)
    small = np.ones((8, 16))
    small_dest = np.empty((8, 8))
    strided = small[:, ::2]
    yield ("copy_data_float64_8x8_strided",
           lambda: small_dest.__setitem__(Ellipsis, strided), 512)
    yield ("to_contiguous_C_float64_8x8_strided",
           lambda: np.copyto(small_dest, strided), 512)


def main():
    only = sys.argv[1] if len(sys.argv) > 1 else ""
    for name, fn, nbytes in cases():
        if name.startswith(only):
            print("%s\t%.6e\t%d\t0" % (name, measure(fn), nbytes), flush=True)


main()
