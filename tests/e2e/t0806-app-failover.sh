#!/bin/bash
# Application failover (Karmada's spec.failover.application), live: a
# workload whose replicas never become ready on one member is moved to
# another after decisionConditions.tolerationSeconds, gracefully. The
# member is healthy the whole time (its API answers): only the application
# fails there. Here it fails because no node of "small1" can hold a replica
# (nodes of 1 cpu, a replica wants 1500m) while the cluster's total, which
# the scheduler's estimate reads (as Karmada's does without resource
# models), looks ample. A workload that is healthy there is left alone;
# purgeMode Never keeps the old replicas until the user lifts
# suppressDeletion.
. "$(dirname "$0")/lib.sh"
require_kubectl
POLL_SECONDS=30

start_members || exit 1
mkdir -p "$TRASH/kc2" &&
start_membersim "$TRASH/kc2/small.log" --clusters 1 --name-prefix small --nodes 2 \
	--node-cpu 1 --ready-delay 300ms --kubeconfig-dir "$TRASH/kc2" || exit 1
start_tugd "$TRASH/data" --profile fast || exit 1

small() { kubectl --kubeconfig "$TRASH/kc2/small1.kubeconfig" "$@"; }
ready_small() { small get deploy "$1" -o jsonpath='{.status.readyReplicas}' 2>/dev/null; }
gone_small() { small get deploy "$1" 2>&1 | grep -q NotFound; }
health_on() {
	kubectl get rb "$1" -o jsonpath="{.status.aggregatedStatus[?(@.clusterName==\"$2\")].health}"
}
tasks_of() {
	kubectl get rb "$1" -o jsonpath='{range .spec.gracefulEvictionTasks[*]}{.fromCluster}:{.reason}:{.producer} {end}'
}

# app NAME CPU PURGE: a Deployment (1 replica wanting CPU) that prefers small1
# and falls back on member2 (ordered clusterAffinities), with application
# failover after 2 s unhealthy.
app() {
	cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: $1, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: $1}}
  template:
    metadata: {labels: {app: $1}}
    spec:
      containers:
      - {name: $1, image: $1:1, resources: {requests: {cpu: $2}}}
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: $1, namespace: default}
spec:
  propagateDeps: true
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: $1}]
  placement:
    clusterAffinities:
    - {affinityName: preferred, clusterNames: [small1]}
    - {affinityName: fallback, clusterNames: [member2]}
  failover:
    application:
      decisionConditions: {tolerationSeconds: 2}
      purgeMode: $3
YAML
	if [ "$3" = Graciously ]; then echo "      gracePeriodSeconds: 60"; fi
}

test_expect_success 'four members join: three, and small1 whose nodes hold 1 cpu each' '
	join_ready member1 member2 member3 &&
	tugctl join small1 --cluster-kubeconfig "$TRASH/kc2/small1.kubeconfig" &&
	poll is True ready_of small1
'

test_expect_success 'a workload that fits runs on small1 and stays there' '
	app fits 500m Graciously >fits.yaml &&
	kubectl apply -f fits.yaml &&
	poll is "small1=1 " placement fits-deployment &&
	poll is 1 ready_small fits &&
	poll is Healthy health_on fits-deployment small1
'

test_expect_success 'a workload that never becomes ready on small1 moves to member2' '
	app big 1500m Graciously >big.yaml &&
	kubectl apply -f big.yaml &&
	poll is "small1=1 " placement big-deployment &&
	poll is Unhealthy health_on big-deployment small1 &&
	test "$(ready_small big)" = "" -o "$(ready_small big)" = 0 &&
	poll is "member2=1 " placement big-deployment &&
	kubectl get events --field-selector involvedObject.name=big-deployment \
		-o jsonpath="{range .items[*]}{.reason}: {.message}{\"\\n\"}{end}" >ev &&
	cat ev &&
	expect_contains ev "evicted from small1 (ApplicationFailure, Graciously, unhealthy for" &&
	poll is 1 ready_on member2 big &&
	poll is "" tasks_of big-deployment &&
	poll gone_small big
'

test_expect_success 'the healthy workload was never touched' '
	test "$(placement fits-deployment)" = "small1=1 " &&
	test "$(tasks_of fits-deployment)" = ""
'

test_expect_success 'purgeMode Never: moved, the old replicas kept until suppressDeletion is lifted' '
	app keep 1500m Never >keep.yaml &&
	kubectl apply -f keep.yaml &&
	poll is "small1=1 " placement keep-deployment &&
	poll is "member2=1 " placement keep-deployment &&
	poll is 1 ready_on member2 keep &&
	test "$(tasks_of keep-deployment)" = "small1:ApplicationFailure:resource-binding-application-failover-controller " &&
	test "$(kubectl get rb keep-deployment -o jsonpath="{.spec.gracefulEvictionTasks[0].suppressDeletion}")" = true &&
	sleep 1 &&
	small get deploy keep &&
	kubectl patch rb keep-deployment --type=json \
		-p "[{\"op\":\"replace\",\"path\":\"/spec/gracefulEvictionTasks/0/suppressDeletion\",\"value\":false}]" &&
	poll is "" tasks_of keep-deployment &&
	poll gone_small keep
'

test_done
