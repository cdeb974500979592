#!/bin/bash
# Live failover end to end, observed with real kubectl on tugd and on the
# members themselves: three simulated members (one tug-membersim) joined
# with tugctl; a Weighted and an Aggregated workload run on them; a member
# goes down and its workloads move to the survivors, ready; when it comes
# back its old objects are removed; a slow member is never tainted; a
# member whose own process is killed fails over too; unjoin cleans up.
. "$(dirname "$0")/lib.sh"
require_kubectl
POLL_SECONDS=20

# start_ms DIR ARGS...: a tug-membersim writing kubeconfigs to DIR; sets
# MS_URL and MS_PID.
start_ms() {
	dir=$1
	shift
	mkdir -p "$dir" &&
	start_membersim "$dir/membersim.log" --kubeconfig-dir "$dir" --ready-delay 300ms "$@" &&
	MS_URL=$MSIM_URL &&
	MS_PID=$MSIM_PID
}

absent_on() { ! on "$1" get deploy "$2" >/dev/null 2>&1; }
has_taint() { taints_of "$1" | grep -q "$2"; }
not_on() { ! clusters_of "$1" | grep -q "$2"; }

start_ms "$TRASH/kc" --clusters 3 || exit 1
MS=$MS_URL
start_tugd "$TRASH/data" --profile fast || exit 1

test_expect_success 'three members join and are Ready, with their version' '
	for i in 1 2 3; do
		tugctl join member$i --cluster-kubeconfig $TRASH/kc/member$i.kubeconfig || return 1
	done &&
	poll is True ready_of member1 && poll is True ready_of member2 &&
	poll is True ready_of member3 &&
	poll is v1.32.0 kubectl get cluster member3 -o jsonpath="{.status.kubernetesVersion}" &&
	kubectl get clusters >out &&
	expect_contains out "member2   v1.32.0   Push   True"
'

test_expect_success 'a Weighted and an Aggregated workload run on the members' '
	kubectl apply -f $TB_SRC/examples/batch-weighted.yaml &&
	kubectl apply -f $TB_SRC/examples/online-aggregated.yaml &&
	poll is 6 total_ready batch-worker member1 member2 member3 &&
	poll is 3 total_ready web member1 member2 member3 &&
	web_on=$(clusters_of web-deployment) &&
	test $(echo $web_on | wc -w) = 1 &&
	is 3 ready_on $web_on web &&
	poll is True kubectl get rb batch-worker-deployment \
		-o jsonpath="{.status.conditions[?(@.type==\"FullyApplied\")].status}" &&
	on member1 get deploy batch-worker -o jsonpath="{.metadata.labels}" >labels &&
	expect_contains labels "karmada.io/managed"
'

test_expect_success 'member1 goes down: NoSchedule, NoExecute, evicted, ready on the survivors' '
	tug-membersim fault --server $MS --cluster member1 --mode down &&
	poll has_taint member1 "not-ready:NoExecute" &&
	poll not_on batch-worker-deployment member1 &&
	poll is 6 total_ready batch-worker member2 member3 &&
	poll not_on web-deployment member1 &&
	poll is 3 total_ready web member2 member3 &&
	log=$TRASH/data/tugd.log &&
	grep -n "taint member1: +cluster.karmada.io/not-ready:NoSchedule" $log | head -1 | cut -d: -f1 >a &&
	grep -n "taint member1: +cluster.karmada.io/not-ready:NoExecute" $log | head -1 | cut -d: -f1 >b &&
	test "$(cat a)" -lt "$(cat b)" &&
	grep "evict default/batch-worker-deployment: evicted from member1" $log
'

test_expect_success 'member1 comes back: its old objects go, nothing is left twice' '
	tug-membersim fault --server $MS --cluster member1 --mode ok &&
	poll is True ready_of member1 &&
	poll absent_on member1 batch-worker &&
	poll is "" kubectl get works -n karmada-es-member1 -o name &&
	is 6 total_ready batch-worker member1 member2 member3 &&
	is 3 total_ready web member1 member2 member3
'

test_expect_success 'a slow member with jitter is never tainted' '
	tug-membersim fault --server $MS --cluster member2 --mode slow --latency 150ms --jitter 150ms &&
	sleep 5 &&
	is "" taints_of member2 &&
	is True ready_of member2 &&
	! grep "cluster member2: Ready=False" $TRASH/data/tugd.log &&
	tug-membersim fault --server $MS --cluster member2 --mode ok
'

test_expect_success 'a member whose own process is killed fails over too' '
	start_ms "$TRASH/kc4" --names member4 &&
	echo $MS_PID >ms4.pid &&
	cp $TRASH/kc4/member4.kubeconfig $TRASH/kc/ &&
	tugctl join member4 --cluster-kubeconfig $TRASH/kc/member4.kubeconfig &&
	poll is True ready_of member4 &&
	cat >solo.yaml <<-EOT &&
	apiVersion: apps/v1
	kind: Deployment
	metadata: {name: solo, namespace: default}
	spec:
	  replicas: 2
	  selector: {matchLabels: {app: solo}}
	  template:
	    metadata: {labels: {app: solo}}
	    spec: {containers: [{name: solo, image: solo:1}]}
	---
	apiVersion: policy.karmada.io/v1alpha1
	kind: PropagationPolicy
	metadata: {name: solo, namespace: default}
	spec:
	  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: solo}]
	  placement:
	    clusterAffinity: {clusterNames: [member3, member4]}
	    replicaScheduling:
	      replicaSchedulingType: Divided
	      replicaDivisionPreference: Weighted
	      weightPreference:
	        staticWeightList:
	        - {targetCluster: {clusterNames: [member3]}, weight: 1}
	        - {targetCluster: {clusterNames: [member4]}, weight: 1}
	EOT
	kubectl apply -f solo.yaml &&
	poll is 1 ready_on member4 solo &&
	kill -9 $(cat ms4.pid) &&
	poll has_taint member4 "NoExecute" &&
	poll not_on solo-deployment member4 &&
	poll is 2 ready_on member3 solo
'

test_expect_success 'deleting a workload removes it from its members' '
	kubectl delete -f solo.yaml &&
	poll absent_on member3 solo
'

test_expect_success 'unjoin moves the workloads away and removes the objects from the member' '
	on member3 get deploy batch-worker &&
	tugctl unjoin member3 --wait 30s >out &&
	expect_contains out "cluster(member3) is unjoined successfully" &&
	absent_on member3 batch-worker &&
	absent_on member3 solo &&
	! kubectl get cluster member3 &&
	! kubectl get secret -n karmada-cluster member3 &&
	poll is 6 total_ready batch-worker member1 member2 &&
	poll not_on batch-worker-deployment member3
'

test_done
