#!/bin/bash
# Every kind tugd serves, through kubectl: apply (create), get (table and
# YAML), label (a patch), describe, a watch that sees the change, apply
# again (update), delete and NotFound after.
. "$(dirname "$0")/lib.sh"
require_kubectl

start_tugd "$TRASH/data" || exit 1
K=$TB_SRC/tests/data/kinds

# resource name for kubectl, file, object name
while read -r res file name; do
	test_expect_success "$res: apply, get, label, describe, watch, update, delete" "
		kubectl apply -f $K/$file >out &&
		expect_contains out created &&
		kubectl get $res $name >out &&
		head -1 out | grep -q '^NAME' &&
		expect_contains out $name &&
		kubectl get $res $name -o yaml >obj.yaml &&
		expect_contains obj.yaml 'uid:' &&
		expect_contains obj.yaml 'resourceVersion:' &&
		expect_contains obj.yaml 'creationTimestamp:' &&
		rv=\$(kubectl get $res $name -o jsonpath={.metadata.resourceVersion})
		kubectl get $res $name -w --watch-only --output-watch-events \
			--request-timeout=3s >watch.out 2>&1 &
		sleep 0.5
		kubectl label $res $name tugboat.io/e2e=yes >out &&
		expect_contains out labeled &&
		test \"\$(kubectl get $res $name -o jsonpath={.metadata.labels.tugboat\\\\.io/e2e})\" = yes &&
		kubectl describe $res $name >out &&
		expect_contains out 'Name:' &&
		expect_contains out $name &&
		i=0 && while ! grep -q MODIFIED watch.out && [ \$i -lt 60 ]; do sleep 0.05; i=\$((i+1)); done &&
		expect_contains watch.out MODIFIED &&
		sed 's/^metadata:/metadata:\\n  annotations: {tugboat.io\\/e2e: updated}/' $K/$file |
			kubectl apply -f - >out &&
		expect_contains out configured &&
		test \"\$(kubectl get $res $name -o jsonpath={.metadata.annotations.tugboat\\\\.io/e2e})\" = updated &&
		test \"\$(kubectl get $res $name -o jsonpath={.metadata.resourceVersion})\" -gt \$rv &&
		kubectl delete -f $K/$file >out &&
		expect_contains out deleted &&
		expect_code 1 kubectl get $res $name 2>err &&
		expect_contains err NotFound
	"
done <<'LIST'
clusters cluster.yaml kind-test
propagationpolicies pp.yaml kind-test
clusterpropagationpolicies cpp.yaml kind-test
clustertaintpolicies ctp.yaml kind-test
resourcebindings rb.yaml kind-test-binding
clusterresourcebindings crb.yaml kind-test
works work.yaml kind-test
deployments deploy.yaml kind-test
jobs job.yaml kind-test
services svc.yaml kind-test
configmaps cm.yaml kind-test
secrets secret.yaml kind-test
namespaces ns.yaml kind-test-ns
LIST

test_expect_success 'a Secret stores stringData as base64 data' '
	kubectl apply -f $K/secret.yaml &&
	test "$(kubectl get secret kind-test -o jsonpath={.data.password})" = aHVudGVyMg== &&
	test -z "$(kubectl get secret kind-test -o jsonpath={.stringData})"
'

test_done
