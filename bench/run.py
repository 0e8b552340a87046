"""Runs the benchmark built against minibuf and against CPython alternately,
adds NumPy's figures when NumPy is there, and prints the table.

    python3 bench/run.py MINIBUF_BINARY CPYTHON_BINARY CPYTHON_PREFIX \
        [--rounds N] [--numpy PYTHON] [--markdown]

Each binary (and NumPy's script) runs N times (3 by default), in turns,
and each case keeps the median of its runs.  Ratios are CPython's time
(or NumPy's) over minibuf's: above 1, minibuf is faster.
"""
import argparse
import os
import statistics
import subprocess


def run(command, env=None):
    """The case times printed by one run: {case: (seconds, bytes, memcpy)}."""
    out = subprocess.run(command, check=True, capture_output=True, text=True,
                         env=env).stdout
    times = {}
    for line in out.splitlines():
        name, seconds, nbytes, memcpy = line.split("\t")
        times[name] = (float(seconds), int(nbytes), float(memcpy))
    return times


def medians(runs):
    merged = {}
    for times in runs:
        for name, (seconds, nbytes, memcpy) in times.items():
            merged.setdefault(name, ([], nbytes, []))
            merged[name][0].append(seconds)
            merged[name][2].append(memcpy)
    return {name: (statistics.median(s), n, statistics.median(m))
            for name, (s, n, m) in merged.items()}


def show(seconds):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return "%.3g %s" % (seconds / scale, unit)
    return "%.3g ns" % (seconds / 1e-9)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("minibuf")
    parser.add_argument("cpython")
    parser.add_argument("prefix")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--numpy")
    parser.add_argument("--markdown", action="store_true")
    options = parser.parse_args()
    env = dict(os.environ, PYTHONHOME=options.prefix)
    env.pop("PYTHONPATH", None)
    script = os.path.join(os.path.dirname(__file__), "numpy_bench.py")
    ours, theirs, numpys = [], [], []
    for _ in range(options.rounds):
        # The three sides take turns, so that a slow spell of a shared
        # machine falls on each of them alike.
        ours.append(run([options.minibuf]))
        theirs.append(run([options.cpython], env))
        if options.numpy:
            numpys.append(run([options.numpy, script]))
    ours, theirs = medians(ours), medians(theirs)
    numpy = medians(numpys) if numpys else {}
    header = ("case", "minibuf", "CPython", "CPython/minibuf", "GB/s",
              "minibuf/memcpy", "NumPy", "NumPy/minibuf")
    rows = []
    for name, (seconds, nbytes, memcpy) in ours.items():
        cpy = theirs.get(name, (0, 0, 0))[0]
        npy = numpy.get(name, (0, 0, 0))[0]
        rows.append((name, show(seconds), show(cpy) if cpy else "-",
                     "%.1fx" % (cpy / seconds) if cpy else "-",
                     "%.1f" % (nbytes / seconds / 1e9) if nbytes else "-",
                     "%.2f" % (seconds / memcpy) if memcpy else "-",
                     show(npy) if npy else "-",
                     "%.1fx" % (npy / seconds) if npy else "-"))
    if options.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(row) + " |")
        return
    widths = [max(len(r[i]) for r in rows + [header])
              for i in range(len(header))]
    for row in [header] + rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(row, widths))))


main()
