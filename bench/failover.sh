#!/bin/sh
# Failover benchmark driver: builds tugd, tug-membersim, tugctl and
# bench_failover (RelWithDebInfo) and runs a live failover once per size:
# M simulated members, B Deployments, member1 killed (bench/bench_failover.c
# says what is measured). Prints figures only; never fails on time, only when
# something breaks (a process dies, nothing converges).
#   bench/failover.sh [MEMBERSxBINDINGS...]   (default: 100x1000 1000x10000, the sizes the issue names; the second takes about 5 minutes)
# Extra bench_failover flags (e.g. --idle 20 --ready-delay 1s) go in
# BENCH_FAILOVER_FLAGS; extra tugd flags in BENCH_FAILOVER_TUGD_FLAGS.
set -e
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"${JOBS:-2}" --target tugd tug-membersim tugctl bench_failover >/dev/null
rc=0
for size in ${*:-100x1000 1000x10000}; do
	m=${size%x*}
	b=${size#*x}
	case "$m$b" in
	*[!0-9]* | "")
		echo "bench/failover.sh: want MEMBERSxBINDINGS (e.g. 100x1000), got \"$size\"" >&2
		exit 2
		;;
	esac
	# shellcheck disable=SC2086 # the flag variables are lists of words
	./build/bench_failover --tugd build/tugd --membersim build/tug-membersim \
		--tugctl build/tugctl --members "$m" --bindings "$b" $BENCH_FAILOVER_FLAGS \
		-- $BENCH_FAILOVER_TUGD_FLAGS || rc=1
	echo
done
exit $rc
