#!/bin/bash
# Scenario 3 of the mission, planned maintenance: tugctl drain under steady
# load through a real haproxy. An online service spread over three members
# (one replica each), an agent that tolerates the drain, and a workload
# pinned to one member. A drain that would leave the pinned workload with
# nowhere to go is refused, changing nothing; --dry-run shows the plan; the
# drain of member1 moves the service with no failed request, and the ready
# replicas across the members never drop below the desired count, although
# the graceful eviction timeout (1 s) is shorter than a replica's start-up
# (2 s): the disruption budget holds the old replicas until the new ones
# are ready. A drain that times out says what is left and goes on in tugd.
# Behaviour only: the figures are printed, never compared with a speed.
. "$(dirname "$0")/lib.sh"
require_kubectl
POLL_SECONDS=30

start_members --service-ports --ready-delay 2s || exit 1
start_tugd "$TRASH/data" --profile fast --graceful-eviction-timeout 1s || exit 1

# ready_fast DEPLOY: readyReplicas summed over the three members, straight
# from tug-membersim (quicker than kubectl: sampled every 100 ms).
ready_fast() {
	n=0
	for m in member1 member2 member3; do
		r=$(curl -sf "$MS/clusters/$m/apis/apps/v1/namespaces/default/deployments/$1" |
			jq -r '.status.readyReplicas // 0' 2>/dev/null)
		n=$((n + ${r:-0}))
	done
	echo $n
}
drain_taint() {
	taints_of "$1" | tr ' ' '\n' | grep -c "failover.tugboat.io/draining"
}

test_expect_success 'three members; a service on all three, an agent, a pinned workload' '
	join_ready member1 member2 member3 &&
	{
		service_yaml web 3 &&
		svc_policy_yaml web "
    replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted}"
	} >web.yaml &&
	cat >others.yaml <<-EOF &&
	apiVersion: apps/v1
	kind: Deployment
	metadata: {name: agent, namespace: default}
	spec:
	  replicas: 1
	  selector: {matchLabels: {app: agent}}
	  template:
	    metadata: {labels: {app: agent}}
	    spec: {containers: [{name: agent, image: agent:1}]}
	---
	apiVersion: policy.karmada.io/v1alpha1
	kind: PropagationPolicy
	metadata: {name: agent, namespace: default}
	spec:
	  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: agent}]
	  placement:
	    clusterAffinity: {clusterNames: [member1, member2, member3]}
	    clusterTolerations:
	    - {key: failover.tugboat.io/draining, operator: Exists, effect: NoExecute}
	    - {key: cluster.karmada.io/unschedulable, operator: Exists, effect: NoSchedule}
	    replicaScheduling: {replicaSchedulingType: Duplicated}
	---
	apiVersion: apps/v1
	kind: Deployment
	metadata: {name: pinned, namespace: default}
	spec:
	  replicas: 1
	  selector: {matchLabels: {app: pinned}}
	  template:
	    metadata: {labels: {app: pinned}}
	    spec: {containers: [{name: pinned, image: pinned:1}]}
	---
	apiVersion: policy.karmada.io/v1alpha1
	kind: PropagationPolicy
	metadata: {name: pinned, namespace: default}
	spec:
	  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: pinned}]
	  placement:
	    clusterAffinity: {clusterNames: [member2]}
	EOF
	kubectl apply -f web.yaml -f others.yaml &&
	poll is "member1=1 member2=1 member3=1 " placement web-deployment &&
	poll is 3 ready_fast web &&
	poll is 3 ready_fast agent &&
	poll is 1 ready_on member2 pinned
'

start_members_haproxy /default/web || exit 1

test_expect_success 'haproxy spreads the traffic over the three members' '
	poll is "$(printf "member1\nmember2\nmember3")" haproxy_up
'

test_expect_success 'a drain that would leave a workload nowhere to go is refused' '
	expect_code 1 sh -c "tugctl drain member2 >refused.out 2>refused.err" &&
	cat refused.out refused.err &&
	expect_contains refused.out "default/pinned-deployment (1 replica): nowhere to go" &&
	expect_contains refused.out "default/web-deployment (1 replica) -> member" &&
	expect_contains refused.err "refused: 1 workload would have nowhere to go" &&
	expect_contains refused.err "nothing was changed" &&
	test "$(drain_taint member2)" = 0 &&
	test "$(placement pinned-deployment)" = "member2=1 "
'

test_expect_success 'drain --dry-run shows where each workload goes and changes nothing' '
	tugctl drain member1 --dry-run >dry.out &&
	cat dry.out &&
	grep -E "default/web-deployment \(1 replica\) -> member2=(1, member3=2 \(\+1\)|2 \(\+1\), member3=1)$" dry.out &&
	expect_contains dry.out "default/web-config-configmap -> member2, member3" &&
	expect_contains dry.out "default/agent-deployment (1 replica) stays: its policy tolerates" &&
	expect_contains dry.out "3 workloads to move, 1 staying, 0 with nowhere to go" &&
	expect_contains dry.out "dry run: nothing was changed" &&
	test "$(drain_taint member1)" = 0
'

test_expect_success 'drain under load: no failed request, never fewer ready than wanted' '
	: >samples &&
	{ while [ ! -f stop ]; do ready_fast web >>samples; sleep 0.1; done & } &&
	mon=$! &&
	test_track_pid $mon &&
	{ tb-loadgen --json --url $HAPROXY_URL/default/web --rate 50 --duration 12s \
		--interval 1s >drain.json 2>drain.log & } &&
	lg=$! &&
	test_track_pid $lg &&
	sleep 1 &&
	start=$(date +%s.%N) &&
	tugctl drain member1 --timeout 60s >drain.out &&
	end=$(date +%s.%N) &&
	cat drain.out &&
	expect_contains drain.out "cluster/member1 drained in" &&
	test "$(drain_taint member1)" = 1 &&
	placement web-deployment >after &&
	grep -Ex "member2=(1 member3=2|2 member3=1) " after &&
	poll is "" ready_on member1 web &&
	test "$(ready_fast web)" = 3 &&
	test "$(ready_on member1 agent)" = 1 &&
	wait $lg &&
	touch stop && wait $mon &&
	jq -c "{sent, ok, failed, failures, backends, max_gap_ms}" drain.json &&
	jq -e ".sent == 600 and .ok == 600 and .failed == 0" drain.json &&
	min=$(sort -n samples | head -1) &&
	echo "$(wc -l <samples) samples of the ready replicas, the lowest: $min" &&
	test "$(wc -l <samples)" -gt 20 &&
	test "$min" -ge 3 &&
	echo "drain of member1 (web 3 replicas, 1 s grace period, 2 s start-up):" \
		"$(echo "$end - $start" | bc) s, $(jq .failed drain.json) failed of" \
		"$(jq .sent drain.json) (50 req/s), longest gap $(jq .max_gap_ms drain.json) ms," \
		"lowest ready count $min of 3" >>measured
'

test_expect_success 'uncordon ends the drain; nothing moves back by itself' '
	tugctl uncordon member1 >un.out &&
	expect_contains un.out "cluster/member1 uncordoned" &&
	test "$(taints_of member1)" = "" &&
	sleep 1 &&
	placement web-deployment >later &&
	cmp after later
'

test_expect_success 'a drain that times out says what is left, and goes on in tugd' '
	expect_code 1 sh -c "tugctl drain member3 --timeout 300ms >slow.out 2>slow.err" &&
	cat slow.out slow.err &&
	expect_contains slow.err "timed out after" &&
	expect_contains slow.err "default/web-deployment: " &&
	expect_contains slow.err "The drain goes on in tugd; tugctl uncordon member3 stops it." &&
	poll eval "! clusters_of web-deployment | grep -qw member3" &&
	poll is 3 ready_fast web &&
	poll is "" ready_on member3 web &&
	tugctl uncordon member3
'

# For information, never compared with a speed.
[ -f "$TRASH/measured" ] && sed 's/^/# measured: /' "$TRASH/measured"
test_done
