# Shared helpers for the end-to-end tests (git's t/test-lib.sh, trimmed).
# Each test script sources this, runs test_expect_success blocks against the
# real binaries in $TB_BIN, and ends with test_done. Every process a test
# starts is registered with test_track_pid and killed on exit.
set -u

TB_SRC=${TB_SRC:-$(dirname "$0")/../..}
TB_SRC=$(cd "$TB_SRC" && pwd)
TB_BIN=${TB_BIN:-$TB_SRC/build}
TB_BIN=$(cd "$TB_BIN" && pwd)
PATH="$TB_BIN:$PATH"
export PATH

TRASH=$(mktemp -d "${TMPDIR:-/tmp}/tb-e2e.XXXXXX")
test_count=0
test_failed=0
test_pids=""

# PIDs go to a file: tests run in subshells and may start processes too.
test_track_pid() {
	echo "$1" >>"$TRASH/.pids"
}

test_cleanup() {
	test_pids=$(cat "$TRASH/.pids" 2>/dev/null)
	for pid in $test_pids; do
		kill "$pid" 2>/dev/null
	done
	for pid in $test_pids; do
		while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
	done
	rm -rf "$TRASH"
}
trap test_cleanup EXIT

# test_expect_success TITLE BODY: BODY runs in a subshell with errexit, in $TRASH.
test_expect_success() {
	test_count=$((test_count + 1))
	# The tugd a previous test (re)started, if any.
	[ -f "$TRASH/.tugd" ] && . "$TRASH/.tugd"
	if (cd "$TRASH" && set -e && eval "$2") >"$TRASH/.out" 2>&1; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TRASH/.out"
	fi
}

test_done() {
	# Stop what the tests started, so that a sanitizer build reports leaks
	# and errors at exit; any such report fails the script.
	for pid in $(cat "$TRASH/.pids" 2>/dev/null); do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in $(cat "$TRASH/.pids" 2>/dev/null); do
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	done
	if grep -rl "Sanitizer" "$TRASH" --include=*.log >/dev/null 2>&1; then
		test_count=$((test_count + 1))
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - no sanitizer reports"
		grep -rh -A30 "Sanitizer" "$TRASH" --include=*.log | head -60 | sed 's/^/#   /'
	fi
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

# kubectl with the tests' own home (discovery cache) and tugd's kubeconfig.
HOME=$TRASH
export HOME

# start_tugd DIR [FLAGS...]: starts tugd on a free port with its data in DIR,
# waits until it serves, and sets TUGD_PID, TUGD_URL and KUBECONFIG.
start_tugd() {
	dir=$1
	shift
	mkdir -p "$dir"
	rm -f "$dir/kubeconfig"
	touch "$dir/tugd.log"
	from=$(($(wc -l <"$dir/tugd.log") + 1))
	tugd --data "$dir" --listen 127.0.0.1:0 "$@" >>"$dir/tugd.log" 2>&1 &
	TUGD_PID=$!
	test_track_pid $TUGD_PID
	i=0
	while ! tail -n +$from "$dir/tugd.log" | grep -q "serving the API on"; do
		i=$((i + 1))
		if [ $i -gt 200 ] || ! kill -0 $TUGD_PID 2>/dev/null; then
			echo "tugd did not start:"
			cat "$dir/tugd.log"
			return 1
		fi
		sleep 0.05
	done
	TUGD_URL=$(tail -n +$from "$dir/tugd.log" |
		sed -n 's/.*serving the API on \(http:[^ ]*\).*/\1/p')
	KUBECONFIG=$dir/kubeconfig
	export KUBECONFIG TUGD_URL TUGD_PID
	printf 'TUGD_PID=%s\nTUGD_URL=%s\nKUBECONFIG=%s\n' "$TUGD_PID" "$TUGD_URL" \
		"$KUBECONFIG" >"$TRASH/.tugd"
}

# stop_tugd [SIGNAL]: stops the tugd started last and waits for it.
stop_tugd() {
	kill -"${1:-TERM}" $TUGD_PID 2>/dev/null
	wait $TUGD_PID 2>/dev/null
	i=0
	while kill -0 $TUGD_PID 2>/dev/null; do
		i=$((i + 1))
		[ $i -eq 500 ] && kill -9 $TUGD_PID
		sleep 0.02
	done
}

# kubectl is real kubectl 1.32 (the dispatcher on the PATH picks it from
# tugd's /version); the tests need it and say so when it is missing.
require_kubectl() {
	if ! command -v kubectl >/dev/null; then
		echo "kubectl is not on the PATH: these tests drive tugd with real kubectl" >&2
		exit 1
	fi
}

# start_membersim LOG [FLAGS...]: starts tug-membersim on a free port with its
# output in LOG (name it *.log: test_done looks there for sanitizer reports),
# waits until it serves, and sets MSIM_PID and MSIM_URL (http://127.0.0.1:PORT;
# cluster NAME is under $MSIM_URL/clusters/NAME).
start_membersim() {
	log=$1
	shift
	: >"$log"
	tug-membersim --listen 127.0.0.1:0 "$@" >>"$log" 2>&1 &
	MSIM_PID=$!
	test_track_pid $MSIM_PID
	i=0
	while ! grep -q "tug-membersim: serving" "$log"; do
		i=$((i + 1))
		if [ $i -gt 1200 ] || ! kill -0 $MSIM_PID 2>/dev/null; then
			echo "tug-membersim did not start:"
			cat "$log"
			return 1
		fi
		sleep 0.05
	done
	MSIM_URL=$(sed -n 's/.*tug-membersim: serving [0-9]* clusters on \(http:[^ ]*\).*/\1/p' \
		"$log" | head -1)
	export MSIM_PID MSIM_URL
}

# wait_for SECONDS CMD...: poll with a deadline of SECONDS.
wait_for() {
	POLL_SECONDS=$1 poll "${@:2}"
}

# apply_reported_clusters FILE: applies the Clusters of FILE in Pull mode
# (they report their own health, tugd does not probe them) and writes the
# status FILE gives each, as its agent would.
apply_reported_clusters() {
	sed 's/syncMode: Push/syncMode: Pull/' "$1" | kubectl apply -f - >/dev/null || return 1
	kubectl create --dry-run=client -f "$1" \
		-o jsonpath='{.metadata.name}{"\t"}{.status}{"\n"}' >"$TRASH/.status" || return 1
	while IFS="$(printf '\t')" read -r c st; do
		kubectl patch cluster "$c" --subresource=status --type=merge \
			-p "{\"status\":$st}" >/dev/null || return 1
	done <"$TRASH/.status"
}

# poll CMD...: runs CMD until it succeeds, for up to $POLL_SECONDS (default
# 15) seconds: the controllers run asynchronously. On a timeout it shows what
# CMD last printed. A deadline for correctness, not a speed check.
poll() {
	i=0
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt $((${POLL_SECONDS:-15} * 20)) ]; then
			echo "timed out waiting for: $*"
			"$@"
			return 1
		fi
		sleep 0.05
	done
}

# report CLUSTER True|False: what a cluster's agent writes (syncMode Pull).
report() {
	now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	kubectl patch cluster "$1" --subresource=status --type=merge -p "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"$2\",\"reason\":\"Reported\",\"message\":\"test\",\"lastTransitionTime\":\"$now\"}]}}" >/dev/null
}

# taints_of CLUSTER: its taints as "key:Effect key:Effect ".
taints_of() {
	kubectl get cluster "$1" -o jsonpath='{range .spec.taints[*]}{.key}:{.effect} {end}'
}
has_taints() { test "$(taints_of "$1")" = "$2"; }

# start_haproxy SERVICE_PATH [NAME=]BACKEND_URL...: starts haproxy (Debian's)
# on 127.0.0.1 and a free port with a generated config: round robin over the
# backends (named NAME, or b1, b2... in order), an active health check
# `GET SERVICE_PATH` every 200 ms (2 failures: down, 2 successes: up), and
# L7 retries on another backend (retry-on all-retryable-errors 404, redispatch),
# so that a failed backend's requests go elsewhere; HAPROXY_RETRY_ON=conn-failure
# (say) narrows them, to see what the health checks alone do. Sets HAPROXY_URL
# (http://127.0.0.1:PORT; its /haproxy-stats page is haproxy's, add ;csv)
# and HAPROXY_PID; the config is $TRASH/haproxy.cfg, the log haproxy.log.
start_haproxy() {
	svc_path=$1
	shift
	if ! command -v haproxy >/dev/null; then
		echo "haproxy is not installed: run scripts/setup as root" >&2
		return 1
	fi
	servers=""
	n=0
	for b in "$@"; do
		n=$((n + 1))
		name=b$n
		case $b in *=*) name=${b%%=*}; b=${b#*=} ;; esac
		hostport=${b#http://}
		hostport=${hostport%%/*}
		servers="$servers    server $name $hostport check
"
	done
	tries=0
	while :; do
		tries=$((tries + 1))
		# No port 0 in haproxy's config: a random port, another if it is taken.
		port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
		cat >"$TRASH/haproxy.cfg" <<HAEOF
global
    maxconn 4096
    log stdout format raw local0 notice

defaults
    mode http
    log global
    option dontlognull
    timeout connect 500ms
    timeout client 10s
    timeout server 2s
    timeout check 500ms
    # A request that failed on one backend (refused, reset, timed out, 5xx)
    # is tried again on another: failover without failed requests. And a
    # 404: every member serves the same routes, so a 404 from one means the
    # service has just left it (a drain removes its Service there).
    retries 3
    option redispatch 1
    retry-on ${HAPROXY_RETRY_ON:-all-retryable-errors 404}

listen lb
    bind 127.0.0.1:$port
    balance roundrobin
    option httpchk GET $svc_path
    http-check expect status 200
    # Fast checks for failover tests: a dead backend is out after 2 failed
    # checks (about 0.4 s), a recovered one back after 2 good ones.
    default-server inter 200ms fastinter 100ms downinter 200ms fall 2 rise 2
    stats enable
    stats uri /haproxy-stats
$servers
HAEOF
		: >"$TRASH/haproxy.log"
		haproxy -db -f "$TRASH/haproxy.cfg" >>"$TRASH/haproxy.log" 2>&1 &
		HAPROXY_PID=$!
		test_track_pid $HAPROXY_PID
		HAPROXY_URL=http://127.0.0.1:$port
		i=0
		while kill -0 $HAPROXY_PID 2>/dev/null &&
			! curl -sf -o /dev/null "$HAPROXY_URL/haproxy-stats;csv"; do
			i=$((i + 1))
			[ $i -gt 200 ] && break
			sleep 0.05
		done
		if curl -sf -o /dev/null "$HAPROXY_URL/haproxy-stats;csv"; then
			export HAPROXY_URL HAPROXY_PID
			return 0
		fi
		kill $HAPROXY_PID 2>/dev/null
		wait $HAPROXY_PID 2>/dev/null
		if [ $tries -ge 10 ] || ! grep -q "cannot bind" "$TRASH/haproxy.log"; then
			echo "haproxy did not start:"
			cat "$TRASH/haproxy.log"
			return 1
		fi
	done
}

# haproxy_status NAME: haproxy's view of backend NAME (UP, DOWN, "UP 1/2"...).
haproxy_status() {
	curl -sf "$HAPROXY_URL/haproxy-stats;csv" |
		awk -F, -v n="$1" '$1 == "lb" && $2 == n { print $18 }'
}

haproxy_is() { test "$(haproxy_status "$1")" = "$2"; }

# stop_haproxy: stops the haproxy started last and waits for it.
stop_haproxy() {
	kill $HAPROXY_PID 2>/dev/null
	wait $HAPROXY_PID 2>/dev/null
	while kill -0 $HAPROXY_PID 2>/dev/null; do sleep 0.02; done
}

# pull_clusters N: YAML for Clusters member1..memberN in Pull mode (they
# report their own health: tugd does not probe them).
pull_clusters() {
	for i in $(seq 1 "$1"); do
		cat <<-EOT
		apiVersion: cluster.karmada.io/v1alpha1
		kind: Cluster
		metadata:
		  name: member$i
		spec:
		  syncMode: Pull
		  apiEndpoint: https://10.0.0.$((10 + i)):6443
		---
		EOT
	done
}

# ---- members and placements (member kubeconfigs in $TRASH/kc) ----

# on MEMBER ARGS...: kubectl against a member itself.
on() {
	m=$1
	shift
	kubectl --kubeconfig "$TRASH/kc/$m.kubeconfig" "$@"
}
# ready_on MEMBER DEPLOY: its readyReplicas there ("" when absent).
ready_on() { on "$1" get deploy "$2" -o jsonpath='{.status.readyReplicas}' 2>/dev/null; }
# total_ready DEPLOY MEMBERS...: readyReplicas summed over the members.
total_ready() {
	d=$1
	shift
	n=0
	for m; do
		r=$(ready_on "$m" "$d")
		n=$((n + ${r:-0}))
	done
	echo $n
}
# is VALUE COMMAND...: the command prints VALUE (for poll).
is() { test "$("${@:2}")" = "$1"; }
# ready_of CLUSTER: its Ready condition's status, on tugd.
ready_of() {
	kubectl get cluster "$1" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}'
}
# clusters_of BINDING: "member1 member2 " from its spec.clusters.
clusters_of() {
	kubectl get rb "$1" -o jsonpath='{range .spec.clusters[*]}{.name} {end}'
}
# placement BINDING: "member1=4 member2=2 " from its spec.clusters.
placement() {
	kubectl get rb "$1" -o jsonpath='{range .spec.clusters[*]}{.name}={.replicas} {end}'
}
# join_ready MEMBER...: tugctl join each (kubeconfigs in $TRASH/kc) and wait
# until tugd reports it Ready.
join_ready() {
	for m; do
		tugctl join "$m" --cluster-kubeconfig "$TRASH/kc/$m.kubeconfig" || return 1
	done
	for m; do
		poll is True ready_of "$m" || return 1
	done
}
# start_members ARGS...: a tug-membersim of three members (ready delay
# 300 ms, more flags in ARGS) writing kubeconfigs to $TRASH/kc, for
# join_ready and on; sets MS (its URL) and MS_LOG.
start_members() {
	mkdir -p "$TRASH/kc" &&
	MS_LOG=$TRASH/kc/membersim.log &&
	start_membersim "$MS_LOG" --clusters 3 --ready-delay 300ms "$@" \
		--kubeconfig-dir "$TRASH/kc" &&
	MS=$MSIM_URL
}

# ---- an online service (scenarios 2 and 3) ----

# service_yaml NAME [REPLICAS]: a Deployment (2 replicas by default), its
# ConfigMap and its Service; svc_policy_yaml selects all three
# (propagateDeps is not implemented: the ConfigMap is named).
service_yaml() {
	cat <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: $1-config, namespace: default}
data: {greeting: hello}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: $1, namespace: default}
spec:
  replicas: ${2:-2}
  selector: {matchLabels: {app: $1}}
  template:
    metadata: {labels: {app: $1}}
    spec:
      containers:
      - name: $1
        image: $1:1
        volumeMounts: [{name: config, mountPath: /etc/$1}]
      volumes: [{name: config, configMap: {name: $1-config}}]
---
apiVersion: v1
kind: Service
metadata: {name: $1, namespace: default}
spec:
  selector: {app: $1}
  ports: [{port: 80}]
YAML
}

# svc_policy_yaml NAME PLACEMENT: a policy for the three objects of
# service_yaml over the three members; PLACEMENT adds lines to
# spec.placement.
svc_policy_yaml() {
	cat <<YAML
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: $1, namespace: default}
spec:
  resourceSelectors:
  - {apiVersion: apps/v1, kind: Deployment, name: $1}
  - {apiVersion: v1, kind: ConfigMap, name: $1-config}
  - {apiVersion: v1, kind: Service, name: $1}
  placement:
    clusterAffinity: {clusterNames: [member1, member2, member3]}$2
YAML
}

# haproxy_up: the members (of member1..3) haproxy has in rotation, a line each.
haproxy_up() {
	for m in member1 member2 member3; do
		[ "$(haproxy_status $m)" = UP ] && echo $m
	done
}

# start_members_haproxy SERVICE_PATH: start_haproxy in front of the three
# members' service endpoints (start_members --service-ports).
start_members_haproxy() {
	start_haproxy "$1" member1="$(svc_url member1)" member2="$(svc_url member2)" \
		member3="$(svc_url member3)"
}

# svc_url MEMBER: where tug-membersim serves MEMBER's Services
# (start_members --service-ports).
svc_url() {
	sed -n "s/.*cluster $1 serves services on \(http:[^ ]*\).*/\1/p" "$MS_LOG"
}
