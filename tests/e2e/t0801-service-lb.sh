#!/bin/bash
# Service traffic through a real load balancer: tug-membersim's per-cluster
# service ports (200 "CLUSTER SERVICE" while a selected Deployment has a
# ready replica there, 503 otherwise, faults applied), haproxy in front of
# three members with active health checks, and tb-loadgen's steady load
# through it while a member goes down and a Deployment is scaled to zero.
# Behaviour only: the measured gaps are printed, never compared with a speed.
. "$(dirname "$0")/lib.sh"
require_kubectl

start_membersim "$TRASH/msim.log" --clusters 3 --service-ports --ready-delay 300ms \
	--kubeconfig-dir "$TRASH/kc" || exit 1
svc_url() {
	sed -n "s/.*cluster $1 serves services on \(http:[^ ]*\).*/\1/p" "$TRASH/msim.log"
}
S1=$(svc_url member1)
S2=$(svc_url member2)
S3=$(svc_url member3)

cat >"$TRASH/web.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
YAML

cat >"$TRASH/other.yaml" <<'YAML'
apiVersion: v1
kind: Service
metadata:
  name: other
spec:
  selector: {app: nothing}
  ports:
  - port: 80
YAML

# code URL [CURL ARGS...]: the HTTP status (000 when none came).
code() {
	u=$1
	shift
	curl -s -o /dev/null -w '%{http_code}' -m 2 "$@" "$u" || true
}
answers() { test "$(curl -s -m 2 "$1")" = "$2"; }
# loadgen NAME ARGS...: tb-loadgen --json into NAME.json (stderr to NAME.log).
loadgen() {
	n=$1
	shift
	tb-loadgen --json "$@" >"$n.json" 2>"$n.log"
}
show() {
	jq -c '{sent, ok, failed, failures, backends, max_gap_ms, max_gap_from_ms}' "$1.json"
}

test_expect_success 'every cluster serves its services on a port of its own' '
	test -n "$S1" && test -n "$S2" && test -n "$S3" &&
	test "$S1" != "$S2" && test "$S2" != "$S3" &&
	curl -sf $MSIM_URL/admin/clusters >clusters.json &&
	jq -e --arg u "$S2" ".clusters[1].name == \"member2\" and .clusters[1].serviceURL == \$u" \
		clusters.json
'

test_expect_success 'a Service is 404 where it does not exist, 404 for a path naming none' '
	test "$(code $S1/default/web)" = 404 &&
	curl -s $S1/default/web >out &&
	expect_contains out "member1: no service default/web" &&
	test "$(code $S1/)" = 404
'

test_expect_success 'web on member1 and member2 answers once its replicas are ready' '
	kubectl --kubeconfig kc/member1.kubeconfig apply -f web.yaml &&
	kubectl --kubeconfig kc/member2.kubeconfig apply -f web.yaml &&
	wait_for 10 answers $S1/default/web "member1 web" &&
	wait_for 10 answers $S2/default/web "member2 web" &&
	curl -si $S2/default/web >out &&
	expect_contains out "X-Tugboat-Cluster: member2" &&
	test "$(code $S3/default/web)" = 404
'

test_expect_success 'a Host header names the Service as cluster DNS would' '
	test "$(curl -s -H "Host: web.default.svc:80" $S2/any/path)" = "member2 web" &&
	test "$(curl -s -H "Host: web.default.svc.cluster.local" $S1/)" = "member1 web" &&
	test "$(code $S1/ -H "Host: api.default")" = 404
'

test_expect_success 'a Service whose selector matches nothing has no endpoints: 503' '
	kubectl --kubeconfig kc/member1.kubeconfig apply -f other.yaml &&
	test "$(code $S1/default/other)" = 503 &&
	curl -s $S1/default/other >out &&
	expect_contains out "no ready endpoints"
'

test_expect_success 'faults apply to service traffic: down, hang, slow; error spares it' '
	M=$MSIM_URL/clusters/member2 &&
	tug-membersim fault --server $MSIM_URL --cluster member2 --mode down >/dev/null &&
	expect_code 52 curl -s -m 2 $S2/default/web &&
	tug-membersim fault --server $MSIM_URL --cluster member2 --mode hang >/dev/null &&
	expect_code 28 curl -s -m 0.3 $S2/default/web &&
	tug-membersim fault --server $MSIM_URL --cluster member2 --mode slow --latency 100ms \
		>/dev/null &&
	test "$(curl -s -m 2 $S2/default/web)" = "member2 web" &&
	tug-membersim fault --server $MSIM_URL --cluster member2 --mode error >/dev/null &&
	test "$(code $M/readyz)" = 500 &&
	test "$(curl -s -m 2 $S2/default/web)" = "member2 web" &&
	tug-membersim fault --server $MSIM_URL --cluster member2 --mode ok >/dev/null &&
	test "$(code $M/readyz)" = 200
'

# At the top level, so that HAPROXY_URL reaches every test that follows.
start_haproxy /default/web member1="$S1" member2="$S2" member3="$S3" || exit 1

test_expect_success 'haproxy checks the three members: member3 (no web) is down' '
	poll haproxy_is member1 UP &&
	poll haproxy_is member2 UP &&
	poll haproxy_is member3 DOWN
'

test_expect_success 'tb-loadgen through haproxy: member1 and member2 answer, nothing fails' '
	loadgen both --url $HAPROXY_URL/default/web --rate 100 --duration 2s &&
	show both &&
	jq -e ".sent == 200 and .ok == 200 and .failed == 0" both.json &&
	jq -e ".backends.member1 > 0 and .backends.member2 > 0 and .backends.member3 == null" \
		both.json
'

test_expect_success 'member1 goes down under load: traffic moves to member2, the gap is reported' '
	tb-loadgen --json --url $HAPROXY_URL/default/web --rate 100 --duration 4s \
		--interval 500ms >down.json 2>down.log &
	lg=$! &&
	test_track_pid $lg &&
	sleep 1 &&
	tug-membersim fault --server $MSIM_URL --cluster member1 --mode down >/dev/null &&
	wait $lg &&
	show down &&
	echo "member1 down under load: longest gap $(jq .max_gap_ms down.json) ms," \
		"$(jq .failed down.json) failed of $(jq .sent down.json)" >>measured &&
	jq -e ".sent == 400 and .ok > 0 and .max_gap_ms < 4000" down.json &&
	jq -e ".backends.member1 > 0 and .backends.member2 > 0" down.json &&
	poll haproxy_is member1 DOWN &&
	loadgen after --url $HAPROXY_URL/default/web --rate 100 --duration 1s &&
	jq -e ".ok == 100 and .failed == 0 and .backends == {\"member2\": 100}" after.json
'

test_expect_success 'web scaled to 0 on member2: 503 there while it is up, haproxy fails too' '
	kubectl --kubeconfig kc/member2.kubeconfig scale deploy web --replicas=0 &&
	test "$(code $S2/default/web)" = 503 &&
	test "$(code $MSIM_URL/clusters/member2/readyz)" = 200 &&
	poll haproxy_is member2 DOWN &&
	loadgen none --url $HAPROXY_URL/default/web --rate 50 --duration 1s &&
	show none &&
	jq -e ".ok == 0 and .failed == 50 and .failures.http5xx == 50 and .max_gap_ms == 1000" \
		none.json
'

test_expect_success 'scaled up again: requests succeed again, the outage is counted honestly' '
	tb-loadgen --json --url $HAPROXY_URL/default/web --rate 50 --duration 5s \
		>back.json 2>back.log &
	lg=$! &&
	test_track_pid $lg &&
	sleep 1 &&
	kubectl --kubeconfig kc/member2.kubeconfig scale deploy web --replicas=1 &&
	wait $lg &&
	show back &&
	echo "member2 back from 0 replicas under load: longest gap" \
		"$(jq .max_gap_ms back.json) ms, $(jq .failed back.json) failed of" \
		"$(jq .sent back.json)" >>measured &&
	jq -e ".ok > 0 and .failed > 0 and .failures.http5xx == .failed" back.json &&
	jq -e ".max_gap_ms >= 1000 and .max_gap_ms < 5000" back.json &&
	jq -e ".backends == {\"member2\": .ok}" back.json
'

test_expect_success 'member3, with no Deployment, never answered 200' '
	test "$(code $S3/default/web)" = 404 &&
	test "$(haproxy_status member3)" = DOWN &&
	for f in both down after none back; do
		jq -e ".backends.member3 == null" $f.json || return 1
	done
'

# For information, never compared with a speed.
[ -f "$TRASH/measured" ] && sed 's/^/# measured: /' "$TRASH/measured"
test_done
