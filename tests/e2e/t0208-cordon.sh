#!/bin/bash
# tugctl cordon / uncordon: the taint cluster.karmada.io/unschedulable:NoSchedule
# as karmadactl puts it; new workloads avoid a cordoned cluster, what runs
# there stays, and tugd's own taints are left alone.
. "$(dirname "$0")/lib.sh"
require_kubectl

start_tugd "$TRASH/data" --profile fast || exit 1
EX=$TB_SRC/examples

placed() {
	test "$(kubectl get rb "$1" -o jsonpath='{range .spec.clusters[*]}{.name} {end}')" = "$2"
}

test_expect_success 'cordon taints the cluster, once' '
	pull_clusters 3 | kubectl apply -f - &&
	report member1 True && report member2 True && report member3 True &&
	poll has_taints member1 "" &&
	tugctl cordon member1 >out &&
	expect_contains out "cluster/member1 cordoned" &&
	has_taints member1 "cluster.karmada.io/unschedulable:NoSchedule " &&
	tugctl cordon member1 >out &&
	expect_contains out "cluster/member1 already cordoned" &&
	has_taints member1 "cluster.karmada.io/unschedulable:NoSchedule "
'

test_expect_success 'a new workload avoids the cordoned cluster' '
	kubectl apply -f $EX/batch-weighted.yaml &&
	poll placed batch-worker-deployment "member2 member3 " &&
	n=0 &&
	for r in $(kubectl get rb batch-worker-deployment -o jsonpath="{.spec.clusters[*].replicas}"); do
		n=$((n + r))
	done &&
	test $n = 6
'

test_expect_success 'what runs on a cluster cordoned later stays there' '
	tugctl cordon member2 &&
	sleep 1 &&
	placed batch-worker-deployment "member2 member3 "
'

test_expect_success 'uncordon removes only its taint, and tugd s own stay' '
	report member2 False &&
	poll has_taints member2 "cluster.karmada.io/unschedulable:NoSchedule cluster.karmada.io/not-ready:NoSchedule " &&
	tugctl uncordon member2 >out &&
	expect_contains out "cluster/member2 uncordoned" &&
	has_taints member2 "cluster.karmada.io/not-ready:NoSchedule " &&
	tugctl uncordon member1 &&
	has_taints member1 "" &&
	tugctl uncordon member1 >out &&
	expect_contains out "cluster/member1 already uncordoned"
'

test_expect_success 'an unknown cluster or no name is an error' '
	expect_code 1 tugctl cordon nope 2>err &&
	expect_contains err "not found" &&
	expect_code 2 tugctl uncordon 2>err &&
	expect_contains err "want exactly one cluster NAME"
'

test_done
