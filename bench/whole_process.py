#!/usr/bin/python3
"""Whole-process time of a command: runs it REPEAT times (after one unmeasured run that
warms the page cache and the font hash cache) and prints the median wall time in
milliseconds; with --cpu also the median CPU time (user + system) of the process, which a
machine shared with other work inflates far less than the wall time.
Usage: whole_process.py [--cpu] REPEAT COMMAND [ARGS...]"""
import resource
import statistics
import subprocess
import sys
import time

args = sys.argv[1:]
cpu = args[0] == "--cpu"
if cpu:
    args = args[1:]
repeat = int(args[0])
command = args[1:]
subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
walls, cpus = [], []
for _ in range(repeat):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    walls.append((time.perf_counter() - start) * 1000)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpus.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
line = f"{statistics.median(walls):.1f}"
if cpu:
    line += f" {statistics.median(cpus):.1f}"
print(line)
