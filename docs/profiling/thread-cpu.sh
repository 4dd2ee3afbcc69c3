#!/bin/bash
# tasks.sh PID > file : thread name and CPU ticks
for t in /proc/$1/task/*; do
  n=$(cat $t/comm 2>/dev/null); s=$(cat $t/stat 2>/dev/null) || continue
  r=${s##*) }; set -- $r; echo "${t##*/} $(( ${12} + ${13} )) $n"
done
