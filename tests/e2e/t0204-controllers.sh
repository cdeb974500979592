#!/bin/bash
# tugd's resource detector, scheduler and Work producer, observed with kubectl:
# templates matched by policies get bindings, bindings get clusters, clusters
# get Works; changes to templates, policies and clusters propagate; deletes
# clean up.
. "$(dirname "$0")/lib.sh"
require_kubectl

start_tugd "$TRASH/data" || exit 1
EX=$TB_SRC/examples

fails() { ! "$@"; }
empty() { test -z "$("$@")"; }


# placed RB WANT...: the binding's clusters are one of WANT ("member1=3 member2=2 ").
placed() {
	got=$(placement "$1")
	echo "placed: $got"
	shift
	for want; do [ "$got" = "$want" ] && return 0; done
	return 1
}

# work_replicas CLUSTER: spec.replicas of the (first) Work in its namespace.
work_replicas() {
	kubectl get works -n karmada-es-$1 \
		-o jsonpath="{.items[0].spec.workload.manifests[0].spec.replicas}"
}
has_work_replicas() { test "$(work_replicas "$1")" = "$2"; }
has_work_count() { test "$(kubectl get works -n karmada-es-$1 -o name | wc -l)" = "$2"; }

test_expect_success 'execution namespaces follow the clusters' '
	apply_reported_clusters $EX/clusters.yaml &&
	poll kubectl get ns karmada-es-member1 &&
	kubectl get ns karmada-es-member2 karmada-es-member3
'

test_expect_success 'a Deployment and its policy get a scheduled binding' '
	kubectl apply -f $EX/batch-weighted.yaml &&
	# Weights 2:1:1 for 6 replicas leave a tie for the last replica, which
	# Karmada breaks by a hash of the binding uid: either is right.
	poll placed batch-worker-deployment "member1=3 member2=2 member3=1 " \
		"member1=3 member2=1 member3=2 " &&
	kubectl get rb batch-worker-deployment -o yaml >rb.yaml &&
	expect_contains rb.yaml "propagationpolicy.karmada.io/name: batch-worker" &&
	expect_contains rb.yaml "kind: Deployment" &&
	expect_contains rb.yaml "replicas: 6" &&
	expect_contains rb.yaml "cpu: 500m" &&
	kubectl get rb batch-worker-deployment \
		-o jsonpath="{.status.conditions[?(@.type==\"Scheduled\")].status}" >st &&
	test "$(cat st)" = True
'

test_expect_success 'each target cluster gets a Work with its share of replicas' '
	for c in $(placement batch-worker-deployment); do
		poll has_work_replicas ${c%%=*} ${c#*=} || return 1
	done &&
	kubectl get works -n karmada-es-member1 -o jsonpath="{.items[0].metadata.name}" >wname &&
	grep -E "^batch-worker-[bcdfghjklmnpqrstvwxz2456789]+$" wname
'

test_expect_success 'scaling the template reschedules and updates the Works' '
	kubectl scale deploy batch-worker --replicas=8 &&
	poll placed batch-worker-deployment "member1=4 member2=2 member3=2 " &&
	poll has_work_replicas member1 4
'

test_expect_success 'changing the policy reschedules' '
	kubectl patch pp batch-worker --type=json -p "[{\"op\":\"replace\",\"path\":\"/spec/placement/clusterAffinity/clusterNames\",\"value\":[\"member1\",\"member2\"]},{\"op\":\"remove\",\"path\":\"/spec/placement/replicaScheduling/weightPreference/staticWeightList/2\"}]" &&
	poll placed batch-worker-deployment "member1=5 member2=3 " &&
	poll empty kubectl get works -n karmada-es-member3 -o name
'

test_expect_success 'a higher-priority policy takes over the template' '
	cat >pp2.yaml <<-EOF &&
	apiVersion: policy.karmada.io/v1alpha1
	kind: PropagationPolicy
	metadata:
	  name: all-to-member3
	spec:
	  priority: 10
	  resourceSelectors:
	  - apiVersion: apps/v1
	    kind: Deployment
	  placement:
	    clusterAffinity:
	      clusterNames: [member3]
	EOF
	kubectl apply -f pp2.yaml &&
	poll placed batch-worker-deployment "member3=8 " &&
	kubectl get rb batch-worker-deployment -o yaml >rb.yaml &&
	expect_contains rb.yaml "propagationpolicy.karmada.io/name: all-to-member3" &&
	kubectl delete pp all-to-member3 &&
	poll placed batch-worker-deployment "member1=5 member2=3 "
'

test_expect_success 'a ClusterPropagationPolicy propagates what no PropagationPolicy selects' '
	cat >cpp.yaml <<-EOF &&
	apiVersion: policy.karmada.io/v1alpha1
	kind: ClusterPropagationPolicy
	metadata:
	  name: configs
	spec:
	  resourceSelectors:
	  - apiVersion: v1
	    kind: ConfigMap
	    labelSelector:
	      matchLabels: {propagate: "yes"}
	  placement:
	    clusterAffinity:
	      clusterNames: [member1, member2]
	EOF
	kubectl apply -f cpp.yaml &&
	kubectl create configmap settings --from-literal=a=b --dry-run=client -o yaml |
		sed "s/^metadata:/metadata:\n  labels: {propagate: \"yes\"}/" | kubectl apply -f - &&
	poll placed settings-configmap "member1= member2= " &&
	poll has_work_count member2 2 &&
	kubectl get works -n karmada-es-member2 -o name >works &&
	expect_contains works settings
'

test_expect_success 'deleting a cluster moves its share and removes its namespace' '
	kubectl delete cluster member2 &&
	poll placed batch-worker-deployment "member1=8 " &&
	poll fails kubectl get ns karmada-es-member2
'

test_expect_success 'deleting the template deletes its binding and Works' '
	kubectl delete deploy batch-worker &&
	poll fails kubectl get rb batch-worker-deployment &&
	poll fails kubectl get works -n karmada-es-member1 batch-worker-556cf8ff56
'

test_expect_success 'a restart changes nothing' '
	kubectl get rb,works -A -o yaml >before &&
	stop_tugd &&
	start_tugd "$TRASH/data" &&
	sleep 0.5 &&
	kubectl get rb,works -A -o yaml >after &&
	diff before after
'

test_done
