#!/bin/sh
# API benchmark driver: builds tugd and bench_api (RelWithDebInfo) and runs the
# load generator against a fresh tugd in a temporary directory, once per size.
# Prints figures only; never fails on time (only when tugd stops answering).
#   bench/api.sh [N...]     (default: 10000 100000)
# Extra bench_api flags (e.g. --rate 2000 --duration 30) go in BENCH_API_FLAGS.
set -e
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"${JOBS:-2}" --target tugd bench_api >/dev/null
rc=0
for n in ${*:-10000 100000}; do
	echo "== bench_api: $n ResourceBindings through tugd's HTTP API =="
	# shellcheck disable=SC2086 # BENCH_API_FLAGS is a list of words
	./build/bench_api --tugd build/tugd --objects "$n" $BENCH_API_FLAGS || rc=1
done
exit $rc
