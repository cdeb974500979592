#!/bin/bash
# Mass outage and flapping, live (issue 8, item 7): every member unreachable
# at once looks, from the control plane, like its own partition, so nothing
# is evicted, an Event says why on every Cluster, and everything resumes
# when they answer again; a member whose API flaps faster than the probes
# is never evicted back and forth. Three simulated members, tugd with the
# fast profile, a weighted workload on all three.
. "$(dirname "$0")/lib.sh"
require_kubectl
POLL_SECONDS=30

start_members || exit 1
start_tugd "$TRASH/data" --profile fast || exit 1
LOG=$TRASH/data/tugd.log

fault() { tug-membersim fault --server $MS --cluster "$1" --mode "$2" "${@:3}" >/dev/null; }
no_eviction() { ! grep -q "evict default/batch-worker-deployment: evicted" $LOG; }

test_expect_success 'a weighted workload runs on the three members' '
	join_ready member1 member2 member3 &&
	kubectl apply -f $TB_SRC/examples/batch-weighted.yaml &&
	poll is 6 total_ready batch-worker member1 member2 member3 &&
	placement batch-worker-deployment >before &&
	test "$(wc -w <before)" = 3
'

test_expect_success 'every member unreachable at once: protection engages, nothing is evicted' '
	fault member1 down && fault member2 down && fault member3 down &&
	poll is False ready_of member1 && poll is False ready_of member2 &&
	poll is False ready_of member3 &&
	poll grep -Eq "mass-outage protection engaged: [23] of 3 clusters unhealthy" $LOG &&
	sleep 5 &&
	no_eviction &&
	placement batch-worker-deployment >during &&
	diff before during &&
	kubectl get events -o jsonpath="{range .items[*]}{.reason} {.involvedObject.kind}/{.involvedObject.name}{\"\\n\"}{end}" >events &&
	expect_contains events "MassOutageProtection Cluster/member1" &&
	expect_contains events "MassOutageProtection Cluster/member3" &&
	kubectl describe cluster member2 >describe &&
	expect_contains describe "mass-outage protection engaged"
'

test_expect_success 'they answer again: protection releases, the workload never moved' '
	fault member1 ok && fault member2 ok && fault member3 ok &&
	poll is True ready_of member1 && poll is True ready_of member2 &&
	poll is True ready_of member3 &&
	poll grep -q "mass-outage protection released" $LOG &&
	poll is "" taints_of member2 &&
	no_eviction &&
	placement batch-worker-deployment >after &&
	diff before after &&
	is 6 total_ready batch-worker member1 member2 member3
'

test_expect_success 'a member flapping faster than the probes is never evicted' '
	fault member2 flap --period 400ms &&
	sleep 8 &&
	fault member2 ok &&
	poll is True ready_of member2 &&
	no_eviction &&
	! grep -q "taint member2: +cluster.karmada.io/[a-z-]*:NoExecute" $LOG &&
	placement batch-worker-deployment >flapped &&
	diff before flapped
'

test_expect_success 'while one member really dies, the protection does not get in the way' '
	fault member3 down &&
	poll grep -q "evict default/batch-worker-deployment: evicted from member3" $LOG &&
	poll is 6 total_ready batch-worker member1 member2 &&
	! grep -q "mass-outage protection engaged: 1 of 3" $LOG
'

test_done
