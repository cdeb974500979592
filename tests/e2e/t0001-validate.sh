#!/usr/bin/env bash
# tugctl validate on the shipped examples and on broken manifests: the exit
# codes, the report format and the defaulted output a user relies on.
. "$(dirname "$0")/lib.sh"

test_expect_success 'examples validate, one ok line per object' '
	tugctl validate -f "$TB_SRC/examples" >out &&
	expect_contains out "examples/batch-weighted.yaml: Deployment/batch-worker: ok" &&
	expect_contains out "examples/batch-weighted.yaml: PropagationPolicy/batch-worker: ok" &&
	expect_contains out "examples/online-aggregated.yaml: ConfigMap/web-config: ok" &&
	expect_contains out "examples/online-aggregated.yaml: Service/web: ok" &&
	expect_contains out "examples/tolerations.yaml: ClusterPropagationPolicy/fast-failover: ok" &&
	expect_contains out "examples/clusters.yaml: Cluster/member3: ok" &&
	test "$(grep -c ": ok$" out)" -eq 10
'

test_expect_success 'an unsupported value is reported with its path, exit 1' '
	cat >bad.yaml <<-YAML &&
	apiVersion: policy.karmada.io/v1alpha1
	kind: PropagationPolicy
	metadata:
	  name: nginx
	spec:
	  resourceSelectors:
	  - apiVersion: apps/v1
	    kind: Deployment
	    name: nginx
	  placement:
	    replicaScheduling:
	      replicaSchedulingType: Divide
	YAML
	expect_code 1 tugctl validate -f bad.yaml >out &&
	expect_contains out "bad.yaml: PropagationPolicy/nginx: spec.placement.replicaScheduling.replicaSchedulingType: Unsupported value: \"Divide\": supported values: \"Duplicated\", \"Divided\""
'

test_expect_success 'every error of every object is reported, valid ones still ok' '
	cat >mixed.yaml <<-YAML &&
	apiVersion: cluster.karmada.io/v1alpha1
	kind: Cluster
	metadata:
	  name: member1
	spec:
	  syncMode: Push
	---
	apiVersion: cluster.karmada.io/v1alpha1
	kind: Cluster
	metadata:
	  name: Member_2
	spec:
	  syncMod: Push
	YAML
	expect_code 1 tugctl validate -f mixed.yaml >out &&
	expect_contains out "mixed.yaml: Cluster/member1: ok" &&
	expect_contains out "mixed.yaml: Cluster/Member_2: spec.syncMod: Unknown field: did you mean \"syncMode\"?" &&
	expect_contains out "mixed.yaml: Cluster/Member_2: metadata.name: Invalid value: \"Member_2\"" &&
	expect_contains out "mixed.yaml: Cluster/Member_2: spec.syncMode: Required value" &&
	! grep -q "Member_2: ok" out
'

test_expect_success 'syntax errors name the line; tabs are rejected' '
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n" >tabs.yaml &&
	expect_code 1 tugctl validate -f tabs.yaml >out &&
	expect_contains out "tabs.yaml: line 4" &&
	printf "a: 1\na: 2\n" >dup.yaml &&
	expect_code 1 tugctl validate -f dup.yaml >out &&
	expect_contains out "duplicate key" &&
	printf "{\"apiVersion\": \"v1\", \"kind\": \n" >trunc.json &&
	expect_code 1 tugctl validate -f trunc.json >out &&
	expect_contains out "trunc.json: line"
'

test_expect_success 'stdin, JSON and kind: List are accepted' '
	printf "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}},{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"b\"}}]}" |
		tugctl validate -f - >out &&
	expect_contains out "-: ConfigMap/a: ok" &&
	expect_contains out "-: ConfigMap/b: ok"
'

test_expect_success '-o yaml prints the defaulted policy; the report goes to stderr' '
	tugctl validate -f "$TB_SRC/examples/batch-weighted.yaml" -o yaml >out.yaml 2>report &&
	expect_contains report "PropagationPolicy/batch-worker: ok" &&
	expect_contains out.yaml "key: cluster.karmada.io/not-ready" &&
	expect_contains out.yaml "tolerationSeconds: 300" &&
	expect_contains out.yaml "conflictResolution: Abort" &&
	tugctl validate -f out.yaml >again &&
	test "$(grep -c ": ok$" again)" -eq 2
'

test_expect_success '-o json prints a List for several objects; toleration defaults are configurable' '
	tugctl validate -f "$TB_SRC/examples/tolerations.yaml" -o json \
		--default-not-ready-toleration-seconds=5 >one.json 2>/dev/null &&
	expect_contains one.json "\"tolerationSeconds\": 30" &&
	! grep -q "\"tolerationSeconds\": 5" one.json &&
	tugctl validate -f "$TB_SRC/examples/batch-weighted.yaml" -o json \
		--default-unreachable-toleration-seconds=-1 >two.json 2>/dev/null &&
	expect_contains two.json "\"kind\": \"List\"" &&
	! grep -q "unreachable" two.json
'

test_expect_success 'usage errors exit 2' '
	expect_code 2 tugctl validate &&
	expect_code 2 tugctl validate -f x -o table &&
	expect_code 2 tugctl validate -f x --default-not-ready-toleration-seconds=soon &&
	expect_code 2 tugctl nosuchcommand &&
	expect_code 1 tugctl validate -f does-not-exist.yaml
'

test_expect_success 'a 10 MiB document is refused with a clear error' '
	{ echo "apiVersion: v1"; echo "kind: ConfigMap"; echo "metadata: {name: big}";
	  echo "data:"; head -c 10485760 /dev/zero | tr "\0" a | fold -w 1000 |
	  awk "{print \"  k\" NR \": \" \$0}"; } >big.yaml &&
	expect_code 1 tugctl validate -f big.yaml >out &&
	expect_contains out "too large"
'

test_done
