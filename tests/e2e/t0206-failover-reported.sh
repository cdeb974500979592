#!/bin/bash
# tugd's failover controllers on clusters that report their own health (no
# credentials to probe them with, or syncMode Pull, as with Karmada's agent):
# a Ready=False written to a cluster's status brings the NoSchedule taint,
# then NoExecute, then its replicas move to the survivors by weight; Ready
# again lifts the taints; every cluster failing at once is held by
# mass-outage protection.
. "$(dirname "$0")/lib.sh"
require_kubectl

start_tugd "$TRASH/data" --profile fast || exit 1
EX=$TB_SRC/examples

placed() { test "$(placement "$1")" = "$2"; }

test_expect_success 'three reported clusters, a workload spread by weight' '
	pull_clusters 3 | kubectl apply -f - &&
	poll has_taints member1 "cluster.karmada.io/not-ready:NoSchedule " &&
	report member1 True && report member2 True && report member3 True &&
	kubectl apply -f $EX/batch-weighted.yaml &&
	poll placed batch-worker-deployment "member1=3 member2=2 member3=1 " ||
	poll placed batch-worker-deployment "member1=3 member2=1 member3=2 " &&
	has_taints member1 ""
'

test_expect_success 'Ready=False: NoSchedule, then NoExecute, then the replicas move' '
	report member1 False &&
	poll has_taints member1 "cluster.karmada.io/not-ready:NoSchedule " &&
	poll has_taints member1 "cluster.karmada.io/not-ready:NoSchedule cluster.karmada.io/not-ready:NoExecute " &&
	poll placed batch-worker-deployment "member2=3 member3=3 " &&
	kubectl get rb batch-worker-deployment -o jsonpath="{.spec.gracefulEvictionTasks[*].fromCluster}" >tasks &&
	expect_contains tasks member1 &&
	grep "taint member1" "$TRASH/data/tugd.log" &&
	grep "evict" "$TRASH/data/tugd.log"
'

test_expect_success 'Ready again: the taints go' '
	report member1 True &&
	poll has_taints member1 ""
'

test_expect_success 'every cluster failing at once: mass-outage protection, nothing evicted' '
	placed batch-worker-deployment "member2=3 member3=3 " &&
	report member1 False && report member2 False && report member3 False &&
	poll grep -q "mass-outage protection engaged" "$TRASH/data/tugd.log" &&
	poll has_taints member2 "cluster.karmada.io/not-ready:NoSchedule " &&
	sleep 2 &&
	has_taints member2 "cluster.karmada.io/not-ready:NoSchedule " &&
	placed batch-worker-deployment "member2=3 member3=3 " &&
	report member1 True && report member2 True && report member3 True &&
	poll has_taints member2 "" &&
	poll grep -q "mass-outage protection released" "$TRASH/data/tugd.log"
'

test_done
