#!/usr/bin/env python3
"""Run a command and print its wall time and peak RSS as JSON on stdout.

Usage: measure.py OUT.json -- CMD [ARGS...]
Peak RSS is the largest resident set of the waited-for child process tree
(getrusage(RUSAGE_CHILDREN).ru_maxrss, in KiB on Linux), i.e. what /usr/bin/time -v
reports as "Maximum resident set size". Python standard library only.
"""

import json
import resource
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.stderr.write(__doc__)
        return 2
    start = time.perf_counter()
    code = subprocess.call(sys.argv[3:])
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "seconds": wall,
        "peak_rss_kb": usage.ru_maxrss,
        "user_seconds": usage.ru_utime,
        "system_seconds": usage.ru_stime,
        "exit": code,
    }
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        json.dump(result, out)
    return code


if __name__ == "__main__":
    sys.exit(main())
