"""Whether every row of the docs that says what CPython does has a probe:
each row of docs/differences.md's tables (their second column is
CPython's, or _testbuffer's), and each line of docs/limits.md that names
CPython, _testbuffer, Python 2 or Python's rules, must be listed in
tests/claims/rows.txt with the claims that probe it (CPython's side, and
minibuf's where tests/claims/minibuf.py has one), and each must have
passed in this run of tests/claims.sh.  One TAP line per row; a row with
no probe fails.

usage: rows.py SRCDIR --count
       rows.py SRCDIR RESULTS FIRST-NUMBER
RESULTS: the claims' TAP lines, each after its script's name and a tab
("cpython311<TAB>ok 12 - ...").
"""
import re
import sys


def document_rows(srcdir):
    """(document, first cell) of each row that speaks of CPython."""
    rows = []
    table = False
    for line in open(srcdir + "/docs/differences.md", encoding="utf-8"):
        if line.startswith("| situation |"):
            table = True
            continue
        if not line.startswith("|"):
            table = False
            continue
        if table and not line.startswith("|---"):
            rows.append(("differences.md", line.split(" | ")[0][2:].strip()))
    for line in open(srcdir + "/docs/limits.md", encoding="utf-8"):
        if line.startswith("|") and any(
                word in line for word in ("CPython", "_testbuffer",
                                          "Python 2", "as Python")):
            rows.append(("limits.md", line.split(" | ")[0][2:].strip()
                         + " | " + line.split(" | ")[1].strip()))
    return rows


def probes(srcdir):
    """[(document, row prefix, script, claim prefix)] from rows.txt."""
    listed = []
    for line in open(srcdir + "/tests/claims/rows.txt", encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        document, rest = line.split(": ", 1)
        row, probe = rest.split(" => ")
        script, claim = probe.split(": ", 1)
        listed.append((document, row, script, claim))
    return listed


def verdict(results, script, claim):
    """'ok', 'skip', 'failed' or 'missing' for one listed claim."""
    lines = results.get(script, [])
    if any("# SKIP" in line for line in lines):
        return "skip"
    for line in lines:
        match = re.match(r"^(ok|not ok) \d+ - (.*)$", line)
        if match and match.group(2).startswith(claim):
            return "ok" if match.group(1) == "ok" else "failed"
    return "missing"


def main():
    srcdir = sys.argv[1]
    rows = document_rows(srcdir)
    if sys.argv[2] == "--count":
        print(len(rows))
        return
    results = {}
    for line in open(sys.argv[2], encoding="utf-8"):
        script, _, tap = line.rstrip("\n").partition("\t")
        results.setdefault(script, []).append(tap)
    listed = probes(srcdir)
    n = int(sys.argv[3])
    for document, row in rows:
        name = "%s: %s" % (document, row[:70])
        verdicts = [verdict(results, script, claim)
                    for d, prefix, script, claim in listed
                    if d == document and row.startswith(prefix)]
        if not verdicts:
            print("not ok %d - %s: no probe in tests/claims/rows.txt"
                  % (n, name))
        elif all(v == "ok" for v in verdicts):
            sides = {script == "minibuf" for d, prefix, script, claim
                     in listed if d == document and row.startswith(prefix)}
            print("ok %d - %s: probed on %s" % (
                n, name, "CPython's side and minibuf's" if True in sides
                else "CPython's side (minibuf's by its own tests)"))
        elif all(v in ("ok", "skip") for v in verdicts):
            print("ok %d - %s # SKIP a CPython it names is not installed"
                  % (n, name))
        else:
            print("not ok %d - %s: a probe %s" % (
                n, name, "failed" if "failed" in verdicts
                else "is missing from its script"))
        n += 1


main()
