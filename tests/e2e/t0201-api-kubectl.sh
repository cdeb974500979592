#!/bin/bash
# tugd's API driven by real kubectl: discovery, apply, get (tables), describe,
# patch (merge, json, strategic), server-side apply, delete, errors.
. "$(dirname "$0")/lib.sh"
require_kubectl

start_tugd "$TRASH/data" || exit 1
EX=$TB_SRC/examples

test_expect_success 'kubectl version reports tugd as 1.32' '
	kubectl version >out &&
	expect_contains out "Server Version: v1.32"
'

test_expect_success 'api-resources lists Karmada kinds with short names' '
	kubectl api-resources >out &&
	expect_contains out "clusters" &&
	grep -E "^propagationpolicies +pp +policy.karmada.io/v1alpha1 +true +PropagationPolicy" out &&
	grep -E "^resourcebindings +rb +work.karmada.io/v1alpha2 +true +ResourceBinding" out &&
	grep -E "^deployments +deploy +apps/v1 +true +Deployment" out
'

test_expect_success 'the default namespaces exist' '
	kubectl get namespaces -o name >out &&
	expect_contains out "namespace/default" &&
	expect_contains out "namespace/karmada-system"
'

test_expect_success 'apply creates clusters, templates and policies' '
	kubectl apply -f $EX/clusters.yaml >out &&
	expect_contains out "cluster.cluster.karmada.io/member1 created" &&
	kubectl apply -f $EX/batch-weighted.yaml >out &&
	expect_contains out "deployment.apps/batch-worker created" &&
	expect_contains out "propagationpolicy.policy.karmada.io/batch-worker created" &&
	kubectl apply -f $EX/online-aggregated.yaml >out &&
	expect_contains out "configmap/web-config created"
'

# Like Karmada's webhook, tugd fills resourceSelectors[].namespace, so kubectl
# sees a difference and says "configured"; the object does not change.
test_expect_success 'apply again changes nothing, and a change is configured' '
	rv=$(kubectl get pp batch-worker -o jsonpath={.metadata.resourceVersion}) &&
	kubectl apply -f $EX/batch-weighted.yaml >out &&
	expect_contains out "deployment.apps/batch-worker unchanged" &&
	test "$(kubectl get pp batch-worker -o jsonpath={.metadata.resourceVersion})" = "$rv" &&
	test "$(kubectl get pp batch-worker -o jsonpath={.metadata.generation})" = 1 &&
	sed "s/replicas: 6/replicas: 8/" $EX/batch-weighted.yaml | kubectl apply -f - >out &&
	expect_contains out "deployment.apps/batch-worker configured" &&
	test "$(kubectl get deploy batch-worker -o jsonpath={.spec.replicas})" = 8 &&
	test "$(kubectl get deploy batch-worker -o jsonpath={.metadata.generation})" = 2
'

test_expect_success 'get clusters prints karmadactl columns' '
	kubectl get clusters >out &&
	head -1 out | grep -E "^NAME +VERSION +MODE +READY +AGE" &&
	grep -E "^member1 +.*Push" out
'

test_expect_success 'get pp prints a table, -o yaml the object with server metadata' '
	kubectl get pp >out &&
	expect_contains out batch-worker &&
	kubectl get pp batch-worker -o yaml >out &&
	expect_contains out "uid:" &&
	expect_contains out "resourceVersion:" &&
	expect_contains out "creationTimestamp:" &&
	expect_contains out "replicaDivisionPreference: Weighted"
'

test_expect_success 'get -A lists across namespaces; label selectors filter' '
	kubectl get deploy -A >out &&
	expect_contains out batch-worker &&
	expect_contains out web &&
	kubectl get deploy -l app=web -o name >out &&
	test "$(cat out)" = "deployment.apps/web" &&
	kubectl get deploy -l "app in (nope)" -o name >out &&
	test ! -s out
'

test_expect_success 'describe shows the object' '
	kubectl describe cluster member1 >out &&
	expect_contains out "Name:" &&
	expect_contains out "member1" &&
	expect_contains out "API Endpoint:  https://10.0.0.11:6443"
'

test_expect_success 'patch: merge, json and default (strategic) on a Karmada kind' '
	kubectl patch cluster member2 --type=merge -p "{\"spec\":{\"region\":\"us-east\"}}" >out &&
	expect_contains out "cluster.cluster.karmada.io/member2 patched" &&
	test "$(kubectl get cluster member2 -o jsonpath={.spec.region})" = us-east &&
	kubectl patch cluster member2 --type=json \
		-p "[{\"op\":\"replace\",\"path\":\"/spec/region\",\"value\":\"eu-north\"}]" &&
	test "$(kubectl get cluster member2 -o jsonpath={.spec.region})" = eu-north &&
	kubectl patch cluster member2 -p "{\"metadata\":{\"labels\":{\"tier\":\"gold\"}}}" &&
	test "$(kubectl get cluster member2 -o jsonpath={.metadata.labels.tier})" = gold
'

test_expect_success 'strategic merge patch merges containers by name' '
	kubectl patch deploy web -p "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.27\"}]}}}}" &&
	kubectl get deploy web -o jsonpath="{.spec.template.spec.containers[*].name}" >out &&
	test "$(cat out)" = web &&
	test "$(kubectl get deploy web -o jsonpath={.spec.template.spec.containers[0].image})" = nginx:1.27
'

test_expect_success 'kubectl scale, through the scale subresource (autoscaling/v1 Scale)' '
	kubectl scale deploy web --replicas=5 >out &&
	expect_contains out "deployment.apps/web scaled" &&
	test "$(kubectl get deploy web -o jsonpath={.spec.replicas})" = 5 &&
	kubectl get --raw /apis/apps/v1/namespaces/default/deployments/web/scale >scale &&
	jq -e ".kind == \"Scale\" and .apiVersion == \"autoscaling/v1\" and .spec.replicas == 5 and .status.selector == \"app=web\"" scale &&
	kubectl get --raw /apis/apps/v1 | jq -e ".resources[] | select(.name == \"deployments/scale\") | .kind == \"Scale\"" &&
	expect_code 1 kubectl scale deploy web --current-replicas=4 --replicas=3 &&
	kubectl scale deploy web --current-replicas=5 --replicas=3 &&
	test "$(kubectl get deploy web -o jsonpath={.spec.replicas})" = 3 &&
	curl -s -X PATCH -H "Content-Type: application/merge-patch+json" \
		-d "{\"spec\":{\"replicas\":-2}}" "$TUGD_URL/apis/apps/v1/namespaces/default/deployments/web/scale" >neg &&
	jq -e ".code == 422 and (.message | contains(\"spec.replicas: Invalid value: -2\"))" neg &&
	rv=$(jq -r .metadata.resourceVersion scale) &&
	curl -s -X PUT -H "Content-Type: application/json" \
		-d "{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\",\"metadata\":{\"name\":\"web\",\"namespace\":\"default\",\"resourceVersion\":\"$rv\"},\"spec\":{\"replicas\":7}}" \
		"$TUGD_URL/apis/apps/v1/namespaces/default/deployments/web/scale" >stale &&
	jq -e ".code == 409" stale &&
	test "$(kubectl get deploy web -o jsonpath={.spec.replicas})" = 3 &&
	expect_code 1 kubectl scale cluster member2 --replicas=2
'

test_expect_success 'server-side apply creates and updates' '
	cat >ssa.yaml <<-EOF &&
	apiVersion: v1
	kind: ConfigMap
	metadata:
	  name: ssa-config
	data:
	  a: "1"
	EOF
	kubectl apply --server-side -f ssa.yaml >out &&
	expect_contains out "configmap/ssa-config serverside-applied" &&
	sed "s/a: \"1\"/a: \"2\"/" ssa.yaml | kubectl apply --server-side -f - &&
	test "$(kubectl get cm ssa-config -o jsonpath={.data.a})" = 2
'

test_expect_success 'an invalid policy is refused with field paths' '
	cat >bad.yaml <<-EOF &&
	apiVersion: policy.karmada.io/v1alpha1
	kind: PropagationPolicy
	metadata:
	  name: bad
	spec:
	  resourceSelectors:
	  - apiVersion: apps/v1
	    kind: Deployment
	  placement:
	    replicaScheduling:
	      replicaSchedulingType: Divided
	      replicaDivisionPreference: Sideways
	EOF
	expect_code 1 kubectl apply -f bad.yaml 2>err &&
	expect_contains err "The PropagationPolicy \"bad\" is invalid" &&
	expect_contains err "spec.placement.replicaScheduling.replicaDivisionPreference" &&
	expect_code 1 kubectl get pp bad
'

test_expect_success 'an unknown field is refused by name' '
	cat >unknown.yaml <<-EOF &&
	apiVersion: policy.karmada.io/v1alpha1
	kind: PropagationPolicy
	metadata:
	  name: typo
	spec:
	  resourceSelectors:
	  - apiVersion: apps/v1
	    kind: Deployment
	  placement:
	    clusterAfinity: {}
	EOF
	expect_code 1 kubectl apply -f unknown.yaml 2>err &&
	expect_contains err "clusterAfinity"
'

test_expect_success 'create of an existing object is AlreadyExists' '
	expect_code 1 kubectl create -f $EX/clusters.yaml 2>err &&
	expect_contains err "Error from server (AlreadyExists)" &&
	expect_contains err "clusters.cluster.karmada.io \"member1\" already exists"
'

test_expect_success 'get of a missing object is NotFound' '
	expect_code 1 kubectl get cluster nope 2>err &&
	expect_contains err "Error from server (NotFound): clusters.cluster.karmada.io \"nope\" not found"
'

test_expect_success 'a namespaced object needs its namespace' '
	kubectl -n nowhere create configmap x --from-literal=a=b --dry-run=client -o yaml >cm.yaml &&
	expect_code 1 kubectl apply -f cm.yaml 2>err &&
	expect_contains err "namespaces \"nowhere\" not found"
'

test_expect_success 'delete removes, then NotFound' '
	kubectl delete -f $EX/online-aggregated.yaml >out &&
	expect_contains out "configmap \"web-config\" deleted" &&
	expect_code 1 kubectl get cm web-config &&
	expect_code 1 kubectl delete cm web-config 2>err &&
	expect_contains err "NotFound"
'

test_expect_success 'a finalizer holds a delete until it is removed' '
	kubectl patch cm ssa-config --type=merge -p "{\"metadata\":{\"finalizers\":[\"tugboat.io/test\"]}}" &&
	kubectl delete cm ssa-config --wait=false &&
	kubectl get cm ssa-config -o jsonpath={.metadata.deletionTimestamp} >out &&
	test -s out &&
	kubectl patch cm ssa-config --type=json -p "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]" &&
	expect_code 1 kubectl get cm ssa-config
'

test_expect_success 'deleting a namespace deletes what is in it' '
	kubectl create namespace scratch --dry-run=client -o yaml | kubectl apply -f - &&
	kubectl -n scratch create configmap c1 --from-literal=a=b --dry-run=client -o yaml |
		kubectl apply -f - &&
	kubectl get -n scratch cm c1 &&
	kubectl delete namespace scratch &&
	expect_code 1 kubectl get -n scratch cm c1
'

test_done
