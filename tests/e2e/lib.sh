# Shared helpers for the end-to-end tests (git's t/test-lib.sh, trimmed).
# Each test script sources this, runs test_expect_success blocks against the
# real binaries in $TB_BIN, and ends with test_done. Every process a test
# starts is registered with test_track_pid and killed on exit.
set -u

TB_SRC=${TB_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
TB_BIN=${TB_BIN:-$TB_SRC/build}
TB_BIN=$(cd "$TB_BIN" && pwd)
PATH="$TB_BIN:$PATH"
export PATH

TRASH=$(mktemp -d "${TMPDIR:-/tmp}/tb-e2e.XXXXXX")
test_count=0
test_failed=0
test_pids=""

test_track_pid() {
	test_pids="$test_pids $1"
}

test_cleanup() {
	for pid in $test_pids; do
		kill "$pid" 2>/dev/null
	done
	for pid in $test_pids; do
		wait "$pid" 2>/dev/null
	done
	rm -rf "$TRASH"
}
trap test_cleanup EXIT

# test_expect_success TITLE BODY: BODY runs in a subshell with errexit, in $TRASH.
test_expect_success() {
	test_count=$((test_count + 1))
	if (cd "$TRASH" && set -e && eval "$2") >"$TRASH/.out" 2>&1; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TRASH/.out"
	fi
}

test_done() {
	echo "# $((test_count - test_failed))/$test_count passed"
	[ "$test_failed" -eq 0 ]
	exit $?
}

# expect_contains FILE TEXT: fails (showing FILE) unless FILE contains TEXT.
expect_contains() {
	if ! grep -qF -- "$2" "$1"; then
		echo "expected to find: $2"
		echo "in $1:"
		cat "$1"
		return 1
	fi
}

# expect_code N CMD...: runs CMD and fails unless it exits with N.
expect_code() {
	want=$1
	shift
	set +e
	"$@"
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		echo "expected exit code $want, got $got from: $*"
		return 1
	fi
}
