#!/usr/bin/env python3
"""Run a command (several times) and write its wall time and peak RSS as JSON.

Usage: measure.py OUT.json [--runs N] -- CMD [ARGS...]
Runs CMD N times (default 1) one after the other; "seconds" is the median wall time of
the runs and "runs" lists every run's. Peak RSS is the largest resident set of any run
(getrusage(RUSAGE_CHILDREN).ru_maxrss, in KiB on Linux, i.e. what /usr/bin/time -v
reports as "Maximum resident set size"); user and system seconds are summed over the runs.
Stops at the first run that fails. Python standard library only.
"""

import json
import resource
import statistics
import subprocess
import sys
import time


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        sys.stderr.write(__doc__)
        return 2
    out, args = args[0], args[1:]
    runs = 1
    if args[0] == "--runs":
        runs, args = int(args[1]), args[2:]
    if runs < 1 or len(args) < 2 or args[0] != "--":
        sys.stderr.write(__doc__)
        return 2
    cmd = args[1:]
    walls = []
    code = 0
    for _ in range(runs):
        start = time.perf_counter()
        code = subprocess.call(cmd)
        walls.append(time.perf_counter() - start)
        if code != 0:
            break
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "seconds": statistics.median(walls),
        "runs": walls,
        "peak_rss_kb": usage.ru_maxrss,
        "user_seconds": usage.ru_utime,
        "system_seconds": usage.ru_stime,
        "exit": code,
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f)
    return code


if __name__ == "__main__":
    sys.exit(main())
