#!/bin/bash
# v1 Events: every failover step tugd's controllers take is an Event on the
# object it is about, seen with kubectl describe (a Cluster, cluster-scoped;
# a ResourceBinding, namespaced), kubectl get events (table, field
# selectors, watch); repeats are counted into one Event, Events survive a
# restart, and --event-ttl and --max-events bound what is kept. Events are
# also an API kind like any other: create, get, delete, validation.
. "$(dirname "$0")/lib.sh"
require_kubectl

start_tugd "$TRASH/data" --profile fast || exit 1
EX=$TB_SRC/examples

placed() {
	test "$(kubectl get rb "$1" -o jsonpath='{range .spec.clusters[*]}{.name}={.replicas} {end}')" = "$2"
}
# events_of SELECTOR: the reasons of the Events the field selector picks.
reasons() {
	kubectl get events -A --field-selector "$1" -o jsonpath='{range .items[*]}{.reason} {end}'
}
has_reason() { reasons "$1" | grep -qw "$2"; }
# counts_are SELECTOR WANT, events_are SELECTOR N: for poll, which runs them
# again each time (a $(...) argument would be computed once).
counts_are() { test "$(counts "$1")" = "$2"; }
events_are() {
	test "$(kubectl get events -A --field-selector "$1" --no-headers | wc -l)" -eq "$2"
}
# count_of SELECTOR: the counts of the Events it picks.
counts() {
	kubectl get events -A --field-selector "$1" -o jsonpath='{range .items[*]}{.count} {end}'
}
n_events() { kubectl get events -A --no-headers 2>/dev/null | wc -l; }
at_most() { test "$(n_events)" -le "$1"; }
gone() { ! kubectl get event "$1" >/dev/null 2>&1; }
# latest: the latest lastTimestamp of all Events (RFC 3339 sorts as text).
latest() {
	kubectl get events -A -o jsonpath='{range .items[*]}{.lastTimestamp}{"\n"}{end}' | sort | tail -1
}

test_expect_success 'tugd --help documents the event flags' '
	tugd --help >help &&
	expect_contains help "--event-ttl D" &&
	expect_contains help "--max-events N" &&
	expect_code 2 tugd --event-ttl 1x 2>err &&
	expect_contains err "--event-ttl" &&
	expect_code 2 tugd --max-events -3 2>err &&
	expect_contains err "--max-events"
'

test_expect_success 'clusters ready (taints lifted), a workload placed: ScheduleBindingSucceed' '
	pull_clusters 3 | kubectl apply -f - &&
	report member1 True && report member2 True && report member3 True &&
	kubectl apply -f $EX/batch-weighted.yaml &&
	poll has_taints member1 "" &&
	poll has_reason "involvedObject.name=batch-worker-deployment" ScheduleBindingSucceed &&
	poll has_reason "involvedObject.name=member1,involvedObject.kind=Cluster" TaintClusterSucceed
'

test_expect_success 'kubectl get events -w sees the failover as it happens' '
	{ kubectl get events -w >watch.out 2>&1 & echo $! >watch.pid; } &&
	test_track_pid $(cat watch.pid) &&
	sleep 1 &&
	report member1 False &&
	poll has_taints member1 "cluster.karmada.io/not-ready:NoSchedule cluster.karmada.io/not-ready:NoExecute " &&
	poll placed batch-worker-deployment "member2=3 member3=3 " &&
	poll grep -q EvictWorkloadFromClusterSucceed watch.out &&
	kill $(cat watch.pid) &&
	expect_contains watch.out "LAST SEEN" &&
	expect_contains watch.out ClusterNotReady &&
	expect_contains watch.out cluster/member1
'

test_expect_success 'describe cluster: its Ready condition and taint Events' '
	kubectl describe cluster member1 >out &&
	sed -n "/^Events:/,\$p" out >events &&
	expect_contains events "Type" &&
	expect_contains events "tugboat-controller-manager" &&
	grep "Warning *ClusterNotReady" events &&
	grep "TaintClusterSucceed.*+cluster.karmada.io/not-ready:NoSchedule" events &&
	grep "TaintClusterSucceed.*+cluster.karmada.io/not-ready:NoExecute" events &&
	! grep -q "batch-worker" events
'

test_expect_success 'describe rb: scheduling and eviction Events; the Deployment too' '
	kubectl describe rb batch-worker-deployment >out &&
	sed -n "/^Events:/,\$p" out >events &&
	grep -E "ScheduleBindingSucceed.*Result: \{member1:3, member2:(2, member3:1|1, member3:2)\}" events &&
	grep "EvictWorkloadFromClusterSucceed.*evicted from member1" events &&
	grep "ScheduleBindingSucceed.*Result: {member2:3, member3:3}" events &&
	! grep -q "TaintCluster" events &&
	kubectl describe deployment batch-worker >out &&
	sed -n "/^Events:/,\$p" out >events &&
	grep "EvictWorkloadFromClusterSucceed" events
'

test_expect_success 'get events: table columns, field selectors, involved object' '
	kubectl get events >out &&
	head -1 out >header &&
	grep -q "^LAST SEEN  *TYPE  *REASON  *OBJECT  *MESSAGE" header &&
	expect_contains out "resourcebinding/batch-worker-deployment" &&
	kubectl get events -A --field-selector involvedObject.kind=Cluster --no-headers >out &&
	test -s out &&
	! grep -v " cluster/member" out &&
	kubectl get events -o wide >out &&
	expect_contains out "FIRST SEEN" &&
	expect_contains out "tugboat-controller-manager" &&
	kubectl get events -A --field-selector type=Warning,reason=ClusterNotReady,source=tugboat-controller-manager --no-headers >out &&
	test $(wc -l <out) -eq 1 &&
	uid=$(kubectl get cluster member1 -o jsonpath={.metadata.uid}) &&
	kubectl get events -n default --field-selector involvedObject.uid=$uid -o yaml >ev.yaml &&
	expect_contains ev.yaml "apiVersion: cluster.karmada.io/v1alpha1" &&
	expect_contains ev.yaml "resourceVersion:" &&
	expect_contains ev.yaml "eventTime:" &&
	expect_contains ev.yaml "reportingComponent: tugboat-controller-manager" &&
	name=$(kubectl get events --field-selector involvedObject.uid=$uid -o jsonpath="{.items[0].metadata.name}") &&
	echo "$name" | grep -Eq "^member1\.[0-9a-f]{16}$" &&
	expect_code 1 kubectl get events --field-selector spec.x=1 2>err &&
	expect_contains err "field label not supported: spec.x"
'

test_expect_success 'a repeated event is counted, not duplicated' '
	report member1 True &&
	poll has_taints member1 "" &&
	report member1 False &&
	poll counts_are involvedObject.name=member1,reason=ClusterNotReady "2 " &&
	kubectl describe cluster member1 >out &&
	grep "ClusterNotReady.*(x2 over" out
'

test_expect_success 'mass-outage protection is an Event on every cluster' '
	report member2 False && report member3 False &&
	poll has_reason "involvedObject.name=member2" MassOutageProtection &&
	kubectl describe cluster member3 >out &&
	grep "Warning *MassOutageProtection.*engaged" out &&
	report member1 True && report member2 True && report member3 True &&
	poll events_are reason=MassOutageProtection,type=Normal 3
'

test_expect_success 'Events survive a restart; a repeat after it counts into the stored one' '
	kubectl get events -A -o jsonpath="{range .items[*]}{.metadata.name}{\"\\n\"}{end}" | sort >before &&
	test -s before &&
	stop_tugd &&
	start_tugd "$TRASH/data" --profile fast &&
	kubectl get events -A -o jsonpath="{range .items[*]}{.metadata.name}{\"\\n\"}{end}" | sort >after &&
	comm -23 before after >lost &&
	test ! -s lost &&
	poll has_taints member1 "" &&
	report member1 False &&
	poll counts_are involvedObject.name=member1,reason=ClusterNotReady "3 "
'

test_expect_success 'Events are an API kind: create, get, watch, delete, validation' '
	uid=$(kubectl get cluster member2 -o jsonpath={.metadata.uid}) &&
	cat >ev.yaml <<-EOT &&
	apiVersion: v1
	kind: Event
	metadata:
	  name: member2.manual
	  namespace: default
	involvedObject:
	  apiVersion: cluster.karmada.io/v1alpha1
	  kind: Cluster
	  name: member2
	  uid: $uid
	reason: OperatorNote
	message: drained for maintenance
	type: Normal
	source: {component: operator}
	count: 1
	EOT
	{ kubectl get events -n default -w --watch-only >w.out 2>&1 & echo $! >w.pid; } &&
	test_track_pid $(cat w.pid) &&
	sleep 1 &&
	kubectl create -f ev.yaml &&
	poll grep -q OperatorNote w.out &&
	kill $(cat w.pid) &&
	kubectl get event member2.manual -o jsonpath={.reason} >out &&
	expect_contains out OperatorNote &&
	kubectl describe cluster member2 >out &&
	grep "OperatorNote.*drained for maintenance" out &&
	kubectl delete event member2.manual &&
	expect_code 1 kubectl get event member2.manual 2>err &&
	expect_contains err NotFound &&
	printf "apiVersion: v1\nkind: Event\nmetadata: {name: bad, namespace: default}\nreason: X\n" >bad.yaml &&
	expect_code 1 kubectl create -f bad.yaml 2>err &&
	expect_contains err "involvedObject: Required value"
'

test_expect_success 'a Work applied on a member: SyncSucceed on the Work and the binding' '
	mkdir -p kc &&
	start_membersim "$TRASH/ms.log" --clusters 1 --kubeconfig-dir "$TRASH/kc" \
		--ready-delay 300ms &&
	tugctl join live1 --cluster-kubeconfig "$TRASH/kc/member1.kubeconfig" &&
	cat >solo.yaml <<-EOT &&
	apiVersion: apps/v1
	kind: Deployment
	metadata: {name: solo, namespace: default}
	spec:
	  replicas: 1
	  selector: {matchLabels: {app: solo}}
	  template:
	    metadata: {labels: {app: solo}}
	    spec: {containers: [{name: c, image: nginx}]}
	---
	apiVersion: policy.karmada.io/v1alpha1
	kind: PropagationPolicy
	metadata: {name: solo, namespace: default}
	spec:
	  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: solo}]
	  placement: {clusterAffinity: {clusterNames: [live1]}}
	EOT
	kubectl apply -f solo.yaml &&
	poll has_reason "involvedObject.kind=Work,involvedObject.namespace=karmada-es-live1" SyncSucceed &&
	kubectl describe rb solo-deployment >out &&
	grep "SyncSucceed.*Successfully applied resource(default/solo) to cluster live1" out &&
	work=$(kubectl get works -n karmada-es-live1 -o jsonpath="{.items[0].metadata.name}") &&
	kubectl describe work -n karmada-es-live1 $work >out &&
	grep "Normal *SyncSucceed" out
'

test_expect_success 'an Event older than --event-ttl (1h) is deleted' '
	cat >old.yaml <<-EOT &&
	apiVersion: v1
	kind: Event
	metadata: {name: member3.old, namespace: default}
	involvedObject: {apiVersion: cluster.karmada.io/v1alpha1, kind: Cluster, name: member3}
	reason: Old
	message: two hours ago
	firstTimestamp: "2020-01-01T00:00:00Z"
	lastTimestamp: "2020-01-01T00:00:00Z"
	EOT
	kubectl create -f old.yaml &&
	poll gone member3.old
'

test_expect_success '--max-events caps what is kept, oldest first' '
	test $(n_events) -gt 5 &&
	old=$(kubectl get events --field-selector involvedObject.kind=Deployment,reason=ScheduleBindingSucceed --sort-by=.lastTimestamp -o jsonpath="{.items[0].metadata.name}") &&
	test -n "$old" &&
	newest=$(latest) &&
	stop_tugd &&
	start_tugd "$TRASH/data" --profile fast --max-events 5 &&
	poll at_most 5 &&
	sleep 1.5 &&
	at_most 5 &&
	gone "$old" &&
	! test "$(latest)" \< "$newest"
'

test_done
