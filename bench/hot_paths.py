"""Runs bench/hot_paths (both libraries in one process, the constant-time
cases timed in turns) several times and prints, per case, the medians of
the runs: minibuf's and CPython's time per call, and the ratio (CPython's
time over minibuf's: above 1, minibuf is faster), with the lowest and
highest run's ratio.  Each run places the code and data at other
addresses (address-space layout randomization), which moves a case's
time by more than the two libraries differ; the median of the runs is
what the table reports.

    python3 bench/hot_paths.py HOT_PATHS_BINARY CPYTHON_PREFIX [--runs N]
        [--markdown]
"""
import argparse
import os
import statistics
import subprocess


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("prefix")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--markdown", action="store_true")
    options = parser.parse_args()
    env = dict(os.environ, PYTHONHOME=options.prefix)
    env.pop("PYTHONPATH", None)
    cases = {}
    for _ in range(options.runs):
        out = subprocess.run([options.binary], check=True, text=True,
                             capture_output=True, env=env).stdout
        for line in out.splitlines():
            name, ours, theirs, ratio = line.split("\t")
            cases.setdefault(name, []).append(
                (float(ours), float(theirs), float(ratio)))
    if options.markdown:
        print("| case | minibuf | CPython | CPython / minibuf "
              "(lowest - highest run) |")
        print("|---|---|---|---|")
        row = "| %s | %.1f ns | %.1f ns | %.2fx (%.2f - %.2f) |"
    else:
        print("%-40s %10s %10s  %s" % ("case", "minibuf", "CPython",
                                      "CPython/minibuf (runs' range)"))
        row = "%-40s %7.1f ns %7.1f ns  %.2fx (%.2f - %.2f)"
    for name, runs in cases.items():
        ratios = [r for _, _, r in runs]
        print(row % (name, statistics.median(o for o, _, _ in runs) * 1e9,
                     statistics.median(t for _, t, _ in runs) * 1e9,
                     statistics.median(ratios), min(ratios), max(ratios)))
    print("(%d runs; %s)" % (options.runs, os.uname().machine))


main()
