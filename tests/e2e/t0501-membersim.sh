#!/bin/bash
# tug-membersim: simulated member clusters driven by real kubectl and curl.
# Deployments become ready on the simulated nodes (or stay partly unready
# when they do not fit), Jobs complete, errors are kube's Status objects,
# every fault mode shows, tokens are enforced, a thousand clusters answer.
. "$(dirname "$0")/lib.sh"
require_kubectl

start_membersim "$TRASH/msim.log" --clusters 3 --nodes 2 --node-cpu 4 --node-memory 8Gi \
	--ready-delay 300ms --job-duration 1s --kubeconfig-dir "$TRASH/kc" || exit 1
M1=$TRASH/kc/member1.kubeconfig
M2=$TRASH/kc/member2.kubeconfig
U3=$MSIM_URL/clusters/member3

cat >"$TRASH/web.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
        resources:
          requests: {cpu: "1", memory: 1Gi}
EOF
sed -e 's/web/big/g' -e 's/replicas: 3/replicas: 5/' -e 's/cpu: "1"/cpu: "3"/' \
	"$TRASH/web.yaml" >"$TRASH/big.yaml"
cat >"$TRASH/job.yaml" <<'EOF'
apiVersion: batch/v1
kind: Job
metadata:
  name: crunch
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: crunch
        image: busybox
        resources:
          requests: {cpu: 500m}
EOF

# jp KUBECONFIG ARGS...: kubectl get ... -o jsonpath.
jp() {
	kc=$1
	shift
	kubectl --kubeconfig "$kc" get "$@"
}
job_succeeded() {
	test "$(jp "$1" job "$2" -o jsonpath='{.status.succeeded}')" = "$3"
}
ready_is() {
	test "$(jp "$1" deploy "$2" -o jsonpath='{.status.readyReplicas}')" = "$3"
}

test_expect_success 'every cluster has a kubeconfig with its URL prefix and a token' '
	for c in member1 member2 member3; do
		expect_contains kc/$c.kubeconfig "server: $MSIM_URL/clusters/$c" &&
		expect_contains kc/$c.kubeconfig "current-context: $c" &&
		expect_contains kc/$c.kubeconfig "token: " || return 1
	done
'

test_expect_success 'kubectl sees a 1.32 server with nodes and namespaces' '
	kubectl --kubeconfig $M1 version >out &&
	expect_contains out "Server Version: v1.32.0" &&
	kubectl --kubeconfig $M1 get nodes -o name >out &&
	test "$(cat out)" = "$(printf "node/member1-node-1\nnode/member1-node-2")" &&
	test "$(jp $M1 node member1-node-1 -o jsonpath={.status.allocatable.cpu})" = 4 &&
	test "$(jp $M1 node member1-node-1 -o jsonpath={.status.capacity.memory})" = 8Gi &&
	jp $M1 node member1-node-2 \
		-o jsonpath="{.status.conditions[?(@.type==\"Ready\")].status}" >out &&
	test "$(cat out)" = True &&
	kubectl --kubeconfig $M1 get namespaces -o name >out &&
	expect_contains out namespace/default &&
	expect_contains out namespace/kube-system
'

test_expect_success 'apply a Deployment; its replicas become ready' '
	kubectl --kubeconfig $M1 apply -f web.yaml >out &&
	expect_contains out "deployment.apps/web created" &&
	wait_for 20 ready_is $M1 web 3 &&
	kubectl --kubeconfig $M1 get deploy web -o json >web.json &&
	expect_contains web.json "\"readyReplicas\": 3" &&
	expect_contains web.json "\"availableReplicas\": 3" &&
	expect_contains web.json "\"observedGeneration\": 1" &&
	expect_contains web.json "\"reason\": \"NewReplicaSetAvailable\"" &&
	test "$(jp $M1 deploy web -o jsonpath="{.status.conditions[?(@.type==\"Available\")].status}")" = True &&
	kubectl --kubeconfig $M1 apply -f web.yaml >out &&
	expect_contains out "deployment.apps/web unchanged" &&
	kubectl --kubeconfig $M1 get deployments -A >out &&
	expect_contains out web
'

test_expect_success 'pods show their node and requests for resource accounting' '
	jp $M1 pods -l app=web -o jsonpath="{range .items[*]}{.spec.nodeName} {.spec.containers[0].resources.requests.cpu} {.status.phase}{\"\\n\"}{end}" >out &&
	test $(grep -c "^member1-node-1 1 Running$" out) = 3 &&
	jp $M1 pods --field-selector spec.nodeName=member1-node-1 -o name >out &&
	test $(wc -l <out) = 3 &&
	jp $M1 pods --field-selector spec.nodeName=member1-node-2 -o name >out &&
	test ! -s out
'

test_expect_success 'scale down is immediate, scale up becomes ready after the delay' '
	kubectl --kubeconfig $M1 scale deploy web --replicas=1 >out &&
	expect_contains out "deployment.apps/web scaled" &&
	test "$(jp $M1 deploy web -o jsonpath={.status.replicas})" = 1 &&
	ready_is $M1 web 1 &&
	test "$(jp $M1 deploy web -o jsonpath={.metadata.generation})" = 2 &&
	kubectl --kubeconfig $M1 patch deploy web --type=merge -p "{\"spec\":{\"replicas\":4}}" &&
	test "$(jp $M1 deploy web -o jsonpath={.status.replicas})" = 4 &&
	wait_for 20 ready_is $M1 web 4 &&
	test "$(jp $M1 deploy web -o jsonpath={.status.observedGeneration})" = 3
'

test_expect_success 'a Deployment too big for the nodes stays partly unready' '
	kubectl --kubeconfig $M2 apply -f big.yaml &&
	wait_for 20 ready_is $M2 big 2 &&
	sleep 0.5 &&
	ready_is $M2 big 2 &&
	test "$(jp $M2 deploy big -o jsonpath={.status.unavailableReplicas})" = 3 &&
	test "$(jp $M2 deploy big -o jsonpath="{.status.conditions[?(@.type==\"Available\")].status}")" = False &&
	jp $M2 pods --field-selector status.phase=Pending -o name >out &&
	test $(wc -l <out) = 3 &&
	kubectl --kubeconfig $M2 scale deploy big --replicas=2 &&
	test "$(jp $M2 deploy big -o jsonpath="{.status.conditions[?(@.type==\"Available\")].status}")" = True
'

test_expect_success 'a Job completes after its duration' '
	kubectl --kubeconfig $M1 apply -f job.yaml >out &&
	expect_contains out "job.batch/crunch created" &&
	wait_for 20 job_succeeded $M1 crunch 1 &&
	jp $M1 job crunch -o jsonpath="{.status.conditions[?(@.type==\"Complete\")].status}" >out &&
	test "$(cat out)" = True &&
	test -n "$(jp $M1 job crunch -o jsonpath={.status.completionTime})"
'

test_expect_success 'errors are Status objects with kube codes and reasons' '
	expect_code 1 kubectl --kubeconfig $M1 get deploy nope 2>err &&
	expect_contains err "Error from server (NotFound): deployments.apps \"nope\" not found" &&
	U1=$MSIM_URL/clusters/member1 &&
	curl -s -o out -w "%{http_code}" -X POST -H "Content-Type: application/json" \
		--data-binary @web.json $U1/apis/apps/v1/namespaces/default/deployments >code &&
	test "$(cat code)" = 409 &&
	expect_contains out "\"reason\":\"AlreadyExists\"" &&
	expect_contains out "deployments.apps \\\"web\\\" already exists" &&
	sed "s/\"resourceVersion\": \"[0-9]*\"/\"resourceVersion\": \"1\"/" web.json >stale.json &&
	curl -s -o out -w "%{http_code}" -X PUT -H "Content-Type: application/json" \
		--data-binary @stale.json $U1/apis/apps/v1/namespaces/default/deployments/web >code &&
	test "$(cat code)" = 409 &&
	expect_contains out "\"reason\":\"Conflict\"" &&
	expect_contains out "the object has been modified" &&
	curl -s -o out -w "%{http_code}" -X POST -H "Content-Type: application/json" \
		-d "{\"metadata\":{\"name\":\"x\"}}" $U1/api/v1/namespaces/nope/configmaps >code &&
	test "$(cat code)" = 404 &&
	expect_contains out "namespaces \\\"nope\\\" not found" &&
	curl -s -o out -w "%{http_code}" -X POST -H "Content-Type: application/json" \
		-d "{\"metadata\":{\"name\":\"Bad_Name\"}}" $U1/api/v1/namespaces/default/configmaps >code &&
	test "$(cat code)" = 422 &&
	expect_contains out "\"reason\":\"Invalid\"" &&
	curl -s -o out -w "%{http_code}" -X POST -H "Content-Type: application/json" \
		-d "{}" $U1/api/v1/nodes >code &&
	test "$(cat code)" = 405 &&
	expect_contains out "\"reason\":\"MethodNotAllowed\""
'

test_expect_success 'kubectl describe and delete' '
	kubectl --kubeconfig $M1 describe deploy web >out &&
	expect_contains out "4 desired | 4 updated | 4 total | 4 available | 0 unavailable" &&
	kubectl --kubeconfig $M1 delete -f web.yaml >out &&
	expect_contains out "deployment.apps \"web\" deleted" &&
	expect_code 1 kubectl --kubeconfig $M1 get deploy web 2>err &&
	expect_contains err NotFound &&
	jp $M1 pods -l app=web -o name >out &&
	test ! -s out
'

test_expect_success 'fault down: the connection closes without an answer' '
	tug-membersim fault --server $MSIM_URL --cluster member3 --mode down >out &&
	expect_contains out "\"mode\":\"down\"" &&
	expect_code 0 curl -sf $MSIM_URL/clusters/member1/readyz &&
	! curl -s --max-time 5 $U3/readyz &&
	! curl -s --max-time 5 $U3/version
'

test_expect_success 'fault hang: accepted and never answered' '
	tug-membersim fault --server $MSIM_URL --cluster member3 --mode hang &&
	expect_code 28 curl -s --max-time 1 $U3/readyz &&
	expect_code 0 curl -sf $MSIM_URL/clusters/member2/readyz
'

test_expect_success 'fault slow: still answers' '
	tug-membersim fault --server $MSIM_URL --cluster member3 --mode slow --latency 200ms \
		--jitter 50ms >out &&
	expect_contains out "\"latency\":\"200ms\"" &&
	curl -sf --max-time 10 $U3/readyz >out &&
	test "$(cat out)" = ok &&
	curl -sf --max-time 10 $U3/api/v1/namespaces/default >out &&
	expect_contains out "\"name\":\"default\""
'

test_expect_success 'fault error: the health endpoints fail, the rest works' '
	tug-membersim fault --server $MSIM_URL --cluster member3 --mode error &&
	test "$(curl -s -o /dev/null -w "%{http_code}" $U3/readyz)" = 500 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" $U3/healthz)" = 500 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" $U3/livez)" = 500 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" $U3/version)" = 200 &&
	tug-membersim fault --server $MSIM_URL --cluster member3 --mode error --status 503 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" $U3/readyz)" = 503
'

test_expect_success 'fault flap: down and up in turn' '
	tug-membersim fault --server $MSIM_URL --cluster member3 --mode flap --period 300ms &&
	up=0 down=0 i=0 &&
	while [ $i -lt 100 ] && { [ $up = 0 ] || [ $down = 0 ]; }; do
		if curl -s --max-time 2 $U3/readyz >/dev/null; then up=1; else down=1; fi
		i=$((i + 1))
		sleep 0.1
	done &&
	test $up = 1 && test $down = 1
'

test_expect_success 'fault ok restores; the admin API reports faults' '
	tug-membersim fault --server $MSIM_URL --cluster member3 --mode ok &&
	curl -sf $U3/readyz &&
	tug-membersim fault --server $MSIM_URL --cluster member3 >out &&
	expect_contains out "\"mode\":\"ok\"" &&
	curl -sf $MSIM_URL/admin/clusters >out &&
	expect_contains out "\"name\":\"member3\"" &&
	expect_code 1 tug-membersim fault --server $MSIM_URL --cluster nope --mode down 2>err &&
	expect_contains err 404 &&
	expect_code 1 tug-membersim fault --server $MSIM_URL --cluster member3 --mode sideways \
		2>err &&
	expect_contains err "unknown mode"
'

test_expect_success '--token is enforced, the admin API is exempt' '
	start_membersim "$TRASH/token.log" --clusters 1 --token s3cret &&
	U=$MSIM_URL/clusters/member1 &&
	test "$(curl -s -o out -w "%{http_code}" $U/readyz)" = 401 &&
	expect_contains out "\"reason\":\"Unauthorized\"" &&
	test "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer nope" \
		$U/api/v1/nodes)" = 401 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer s3cret" \
		$U/api/v1/nodes)" = 200 &&
	curl -sf $MSIM_URL/admin/clusters/member1/fault
'

test_expect_success 'one cluster alone (--first), killed with SIGKILL' '
	start_membersim "$TRASH/single.log" --clusters 1 --first 3 &&
	curl -sf $MSIM_URL/clusters/member3/readyz &&
	test "$(curl -s -o /dev/null -w "%{http_code}" $MSIM_URL/clusters/member1/readyz)" = 404 &&
	kill -9 $MSIM_PID &&
	wait_for 10 sh -c "! kill -0 $MSIM_PID" &&
	! curl -s --max-time 5 $MSIM_URL/clusters/member3/readyz
'

test_expect_success 'a thousand clusters start and answer' '
	start_membersim "$TRASH/many.log" --clusters 1000 --name-prefix c &&
	curl -sf $MSIM_URL/clusters/c1/readyz &&
	curl -sf $MSIM_URL/clusters/c1000/version >out &&
	expect_contains out v1.32.0 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" $MSIM_URL/clusters/c1001/readyz)" = 404 &&
	for c in c2 c500 c999; do
		curl -sf -X POST -H "Content-Type: application/json" \
			-d "{\"metadata\":{\"name\":\"cfg\"},\"data\":{\"cluster\":\"$c\"}}" \
			$MSIM_URL/clusters/$c/api/v1/namespaces/default/configmaps >/dev/null || return 1
	done &&
	curl -sf $MSIM_URL/clusters/c500/api/v1/namespaces/default/configmaps/cfg >out &&
	expect_contains out "\"cluster\":\"c500\"" &&
	test "$(curl -s -o /dev/null -w "%{http_code}" \
		$MSIM_URL/clusters/c501/api/v1/namespaces/default/configmaps/cfg)" = 404
'

test_done
