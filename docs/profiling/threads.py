#!/usr/bin/env python3
"""threads.py COLLAPSED THREAD... : where each named thread's time went, from async-profiler's collapsed output
(taken with `threads`), counting only stacks that pass through Syncline's code. Samples are shown as seconds at a
10 ms interval; read the shares, not the absolute figures, in wall-clock mode."""
import collections
import sys

f = sys.argv[1]
for th in sys.argv[2:]:
    c = collections.Counter()
    tot = 0
    for line in open(f):
        stack, _, cnt = line.rstrip().rpartition(' ')
        fr = stack.split(';')
        if th not in fr[0] or 'io/syncline' not in stack:
            continue
        cnt = int(cnt)
        tot += cnt
        leaf = fr[-1]
        ours = [x for x in fr if 'io/syncline' in x and 'ClientProxy' not in x] or [x for x in fr if 'io/syncline' in x]
        if 'fdatasync' in leaf:
            key = 'fdatasync'
        elif 'futex' in leaf or 'pthread_cond' in leaf:
            key = 'wait ' + ours[-1].split('/')[-1][:60]
        else:
            key = 'cpu ' + ours[-1].split('/')[-1][:60]
        c[key] += cnt
    print(th, 'samples through Syncline code', tot)
    for k, v in c.most_common(16):
        print(f'   {100 * v / max(tot, 1):5.1f}% {k}')
