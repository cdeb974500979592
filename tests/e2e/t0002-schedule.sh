#!/usr/bin/env bash
# tugctl schedule: the offline scheduler on the example clusters and
# policies, with a Deployment, a binding after a failure, and bad input.
. "$(dirname "$0")/lib.sh"

# Three members with room for the examples' pods (clusters.yaml has no status).
cat >"$TRASH/clusters.yaml" <<'YAML'
apiVersion: cluster.karmada.io/v1alpha1
kind: Cluster
metadata: {name: member1, labels: {environment: production}}
spec: {syncMode: Push, region: eu-west}
status:
  resourceSummary:
    allocatable: {cpu: "8", memory: 32Gi, pods: "110"}
---
apiVersion: cluster.karmada.io/v1alpha1
kind: Cluster
metadata: {name: member2, labels: {environment: production}}
spec: {syncMode: Push, region: eu-west}
status:
  resourceSummary:
    allocatable: {cpu: "4", memory: 16Gi, pods: "110"}
---
apiVersion: cluster.karmada.io/v1alpha1
kind: Cluster
metadata: {name: member3, labels: {environment: production}}
spec:
  syncMode: Push
  region: eu-central
  taints:
  - {key: cluster.karmada.io/not-ready, effect: NoSchedule}
status:
  resourceSummary:
    allocatable: {cpu: "8", memory: 32Gi, pods: "110"}
YAML

test_expect_success 'a Deployment with static weights 2:1:1 over the healthy members' '
	tugctl schedule -f clusters.yaml -f "$TB_SRC/examples/batch-weighted.yaml" >out.yaml &&
	expect_contains out.yaml "kind: ResourceBinding" &&
	expect_contains out.yaml "name: batch-worker-deployment" &&
	tugctl schedule -f clusters.yaml -f "$TB_SRC/examples/batch-weighted.yaml" -o json >out.json &&
	tr -d " \n" <out.json >flat &&
	expect_contains flat "\"clusters\":[{\"name\":\"member1\",\"replicas\":4},{\"name\":\"member2\",\"replicas\":2}]"
'

test_expect_success 'aggregated: all replicas on one cluster; -o wide explains every cluster' '
	tugctl schedule -f clusters.yaml -f "$TB_SRC/examples/online-aggregated.yaml" -o wide >wide &&
	expect_contains wide "CLUSTER" &&
	grep -E "^member1 +3 +32 " wide &&
	grep -E "^member2 +0 +16 +0 +selected, no replicas assigned" wide &&
	expect_contains wide "filtered: cluster(s) had untolerated taint {cluster.karmada.io/not-ready:NoSchedule}"
'

test_expect_success 'after member1 fails and is evicted, its replicas move by weight' '
	cat >binding.yaml <<-YAML &&
	apiVersion: work.karmada.io/v1alpha2
	kind: ResourceBinding
	metadata: {name: batch-worker-deployment, namespace: default}
	spec:
	  resource: {apiVersion: apps/v1, kind: Deployment, namespace: default, name: batch-worker}
	  replicas: 6
	  clusters: [{name: member2, replicas: 2}]
	  gracefulEvictionTasks:
	  - {fromCluster: member1, reason: TaintUntolerated, producer: TaintManager, replicas: 4}
	YAML
	sed "/taints:/,+1d" clusters.yaml >healthy.yaml &&
	tugctl schedule -f healthy.yaml -f "$TB_SRC/examples/batch-weighted.yaml" -f binding.yaml -o wide >wide &&
	grep -E "^member1 +0 .*filtered: cluster\(s\) is in the process of eviction" wide &&
	grep -E "^member2 +3 " wide &&
	grep -E "^member3 +3 " wide
'

test_expect_success 'nothing fits: the reason on stderr, exit 1' '
	cat >pp.yaml <<-YAML &&
	apiVersion: policy.karmada.io/v1alpha1
	kind: PropagationPolicy
	metadata: {name: only3, namespace: default}
	spec:
	  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: batch-worker}]
	  placement:
	    clusterAffinity: {clusterNames: [member3]}
	YAML
	sed -n "/^apiVersion: apps/,/^---/p" "$TB_SRC/examples/batch-weighted.yaml" | sed "\$d" >deploy.yaml &&
	expect_code 1 tugctl schedule -f clusters.yaml -f pp.yaml -f deploy.yaml >out 2>err &&
	expect_contains err "0/3 clusters are available: 1 cluster(s) had untolerated taint {cluster.karmada.io/not-ready:NoSchedule}, 2 cluster(s) did not match the placement cluster affinity constraint." &&
	test ! -s out
'

test_expect_success 'bad input exits 2 with field paths' '
	printf "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: m1}\nspec: {syncMode: push}\n" >bad.yaml &&
	expect_code 2 tugctl schedule -f bad.yaml -f "$TB_SRC/examples/batch-weighted.yaml" 2>err &&
	expect_contains err "Cluster/m1 (line 1): spec.syncMode: Unsupported value: \"push\"" &&
	expect_code 2 tugctl schedule -f clusters.yaml 2>err &&
	expect_contains err "nothing to schedule" &&
	expect_code 2 tugctl schedule -f clusters.yaml -f deploy.yaml 2>err &&
	expect_contains err "needs a PropagationPolicy" &&
	expect_code 2 tugctl schedule 2>/dev/null
'

test_expect_success 'every case in tests/sched gives its expected answer through the CLI' '
	n=0 && bad=0 &&
	for f in "$TB_SRC"/tests/sched/*.yaml; do
		want=$(sed -n "s/^# expect: //p" "$f")
		[ -n "$want" ] || continue
		got=$(tugctl schedule -f "$f" -o json | tr -d " \n" |
		      sed -n "s/.*\"clusters\":\[\([^]]*\)\].*/\1/p" |
		      sed "s/{\"name\":\"\([^\"]*\)\"\(,\"replicas\":\([0-9]*\)\)\{0,1\}}/\1=\3/g; s/=,/=0,/g; s/=$/=0/; s/,/ /g")
		if [ "$got" != "$want" ]; then
			echo "$f: want [$want] got [$got]"
			bad=$((bad + 1))
		fi
		n=$((n + 1))
	done &&
	echo "$n cases, $bad wrong" &&
	test "$bad" -eq 0 && test "$n" -gt 10
'

test_done
