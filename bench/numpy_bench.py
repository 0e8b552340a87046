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


def filled(shape, dtype):
    """An array of that shape whose every byte is written, as bench.c fills
    its memory: np.zeros leaves the pages unmapped, and a copy from them
    reads the kernel's one page of zeros again and again, from the cache,
    which no copy of real data can match."""
    a = np.empty(shape, dtype)
    a.view(np.uint8)[...] = 7
    return a


def cases():
    a = np.ones((4096, 8192), np.uint8)
    out = np.empty((4096, 4096), np.uint8)
    yield ("to_contiguous_C_uint8_every_2nd_column",
           lambda: np.copyto(out, a[:, ::2]), out.nbytes)
    out_f = np.empty((4096, 4096), np.uint8, order="F")
    yield ("to_contiguous_F_uint8_every_2nd_column",
           lambda: np.copyto(out_f, a[:, ::2]), out.nbytes)
    del a, out, out_f
    c = np.ones((256, 256, 64))
    swapped = c.transpose(0, 2, 1)
    gathered = np.empty((256, 64, 256))
    yield ("to_contiguous_C_float64_transposed_021",
           lambda: np.copyto(gathered, swapped), c.nbytes)
    yield ("from_contiguous_C_float64_transposed_021",
           lambda: np.copyto(swapped, gathered), c.nbytes)
    yield ("copy_data_float64_transposed_021_to_C",
           lambda: gathered.__setitem__(Ellipsis, swapped), c.nbytes)
    del swapped, gathered
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
    for size, dtype in ((1, "u1"), (2, "u2"), (4, "u4"), (8, "u8"),
                        (12, "V12"), (16, "c16")):
        rows = 2048
        cols = (16 << 20) // size // rows
        square = filled((rows, cols), dtype)
        to_f = np.empty((rows, cols), dtype, order="F")
        yield ("to_contiguous_F_of_C_%dB_16MiB" % size,
               lambda: np.copyto(to_f, square), square.nbytes)
        wide = filled((rows, 2 * cols), dtype)
        every_2nd = wide[:, ::2]
        to_c = np.empty((rows, cols), dtype)
        yield ("to_contiguous_C_%dB_every_2nd_column_16MiB" % size,
               lambda: np.copyto(to_c, every_2nd), square.nbytes)
        yield ("to_contiguous_F_%dB_every_2nd_column_16MiB" % size,
               lambda: np.copyto(to_f, every_2nd), square.nbytes)
        yield ("from_contiguous_C_%dB_every_2nd_column_16MiB" % size,
               lambda: np.copyto(every_2nd, to_c), square.nbytes)
        del square, to_f, wide, every_2nd, to_c
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
