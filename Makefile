# Thin wrapper: setup, build, test, demo. The real build is CMake's.
# `make test` builds twice: a normal build and an ASan+UBSan build, and runs
# every test in both; the last line printed is ctest's summary.
JOBS ?= 2
CMAKE_FLAGS ?=

.PHONY: all build build-asan test test-fast demo bench setup clean

all: build

setup:
	@./scripts/setup

build: setup
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@cmake --build build -j$(JOBS)

build-asan: setup
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DTB_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-asan -j$(JOBS)

# Normal build first (fast feedback), then the sanitizer build.
test: build build-asan
	@echo "== tests (normal build) =="
	@cd build && ctest --output-on-failure -j$(JOBS)
	@echo "== tests (ASan + UBSan build) =="
	@cd build-asan && ctest --output-on-failure -j$(JOBS)

test-fast: build
	@cd build && ctest --output-on-failure -j$(JOBS)

bench: build
	@echo "== bench_codec: manifests parsed, admitted and encoded per second =="
	@./build/bench_codec
	@echo "== bench_sched: 100,000 bindings rescheduled over 100 clusters =="
	@./build/bench_sched
	@./bench/api.sh
	@./bench/failover.sh

demo: build
	@./scripts/demo build

clean:
	rm -rf build build-asan
