#!/bin/bash
# tugd's API at the HTTP level (curl) and kubectl get -w: optimistic
# concurrency, Status codes, list pagination, watches from a resourceVersion,
# 410 Expired for a resourceVersion older than the kept history.
. "$(dirname "$0")/lib.sh"
require_kubectl

start_tugd "$TRASH/data" --watch-history 20 || exit 1
CM=$TUGD_URL/api/v1/namespaces/default/configmaps

# req METHOD URL [BODY [CONTENT-TYPE]]: prints the body, then the code on its own line.
req() {
	curl -sS -X "$1" -H "Content-Type: ${4:-application/json}" ${3:+--data-binary "$3"} \
		-w '\n%{http_code}\n' "$2"
}

test_expect_success 'create answers 201 with server metadata' '
	req POST $CM "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c1\"},\"data\":{\"k\":\"v\"}}" >out &&
	test "$(tail -1 out)" = 201 &&
	expect_contains out "\"uid\":" &&
	expect_contains out "\"namespace\":\"default\"" &&
	expect_contains out "\"resourceVersion\":"
'

test_expect_success 'generateName makes a name' '
	req POST $CM "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"generateName\":\"gen-\"}}" >out &&
	test "$(tail -1 out)" = 201 &&
	grep -E "\"name\":\"gen-[a-z0-9]{5}\"" out
'

test_expect_success 'PUT with a stale resourceVersion is 409 Conflict' '
	rv=$(req GET $CM/c1 | head -1 | sed "s/.*\"resourceVersion\":\"\([0-9]*\)\".*/\1/") &&
	body="{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c1\",\"resourceVersion\":\"$rv\"},\"data\":{\"k\":\"v2\"}}" &&
	req PUT $CM/c1 "$body" >out &&
	test "$(tail -1 out)" = 200 &&
	req PUT $CM/c1 "$body" >out &&
	test "$(tail -1 out)" = 409 &&
	expect_contains out "\"reason\":\"Conflict\"" &&
	expect_contains out "the object has been modified"
'

test_expect_success 'an update that changes nothing keeps the resourceVersion' '
	before=$(req GET $CM/c1 | head -1) &&
	req PUT $CM/c1 "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c1\"},\"data\":{\"k\":\"v2\"}}" >out &&
	test "$(tail -1 out)" = 200 &&
	test "$(head -1 out)" = "$before"
'

test_expect_success 'Status errors: 404, 400 malformed, 415 protobuf, 405' '
	req GET $CM/nope >out && test "$(tail -1 out)" = 404 &&
	expect_contains out "\"reason\":\"NotFound\"" &&
	req POST $CM "{not json" >out && test "$(tail -1 out)" = 400 &&
	expect_contains out "\"reason\":\"BadRequest\"" &&
	req POST $CM "k8s" application/vnd.kubernetes.protobuf >out &&
	test "$(tail -1 out)" = 415 &&
	req POST $CM/c1 "{}" >out && test "$(tail -1 out)" = 405
'

test_expect_success 'a wrong kind in the body is a 400 naming both' '
	req POST $CM "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\"}}" >out &&
	test "$(tail -1 out)" = 400 &&
	expect_contains out "does not match the expected kind (ConfigMap)"
'

test_expect_success 'a huge body is refused and nothing is stored' '
	head -c 4000000 /dev/zero | tr "\0" a >huge &&
	curl -sS -o /dev/null -w "%{http_code}" -X POST -H "Content-Type: application/json" \
		--data-binary @huge $CM >code || true &&
	test "$(cat code)" = 413 &&
	req GET $TUGD_URL/healthz >out && test "$(tail -1 out)" = 200
'

test_expect_success 'list pages with limit and continue' '
	for i in 1 2 3 4 5; do
		req POST $CM "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"p$i\",\"labels\":{\"page\":\"yes\"}}}" >/dev/null
	done &&
	req GET "$CM?labelSelector=page%3Dyes&limit=2" >out &&
	expect_contains out "\"name\":\"p1\"" && expect_contains out "\"name\":\"p2\"" &&
	tok=$(head -1 out | sed -n "s/.*\"continue\":\"\([^\"]*\)\".*/\1/p") && test -n "$tok" &&
	req GET "$CM?labelSelector=page%3Dyes&limit=2&continue=$tok" >out &&
	expect_contains out "\"name\":\"p3\"" && expect_contains out "\"name\":\"p4\"" &&
	tok=$(head -1 out | sed -n "s/.*\"continue\":\"\([^\"]*\)\".*/\1/p") &&
	req GET "$CM?labelSelector=page%3Dyes&limit=2&continue=$tok" >out &&
	expect_contains out "\"name\":\"p5\"" &&
	! grep -q "\"continue\"" out &&
	req GET "$CM?fieldSelector=metadata.name%3Dp3" >out &&
	expect_contains out "\"name\":\"p3\"" && ! grep -q "\"name\":\"p4\"" out &&
	req GET "$CM?labelSelector=a%20in%20(" >out && test "$(tail -1 out)" = 400 &&
	req GET "$CM?fieldSelector=spec.x%3D1" >out && test "$(tail -1 out)" = 400
'

test_expect_success 'watch from a resourceVersion replays later changes' '
	rv=$(req GET $CM | head -1 | sed "s/.*\"metadata\":{\"resourceVersion\":\"\([0-9]*\)\".*/\1/") &&
	req DELETE $CM/p5 >/dev/null &&
	req PATCH $CM/p4 "{\"data\":{\"x\":\"y\"}}" application/merge-patch+json >/dev/null &&
	curl -sS -m 2 "$CM?watch=true&resourceVersion=$rv&timeoutSeconds=1" >out &&
	test "$(wc -l <out)" = 2 &&
	head -1 out | grep "\"type\":\"DELETED\".*\"name\":\"p5\"" &&
	tail -1 out | grep "\"type\":\"MODIFIED\".*\"name\":\"p4\""
'

test_expect_success 'watch from a resourceVersion older than the history is 410 Expired' '
	for i in $(seq 1 25); do
		req PATCH $CM/p4 "{\"data\":{\"n\":\"$i\"}}" application/merge-patch+json >/dev/null
	done &&
	curl -sS -m 2 "$CM?watch=true&resourceVersion=1" >out &&
	expect_contains out "\"type\":\"ERROR\"" &&
	expect_contains out "\"code\":410" &&
	expect_contains out "\"reason\":\"Expired\""
'

test_expect_success 'a watch with a label selector sees objects enter and leave it' '
	curl -sS -N -m 3 "$CM?watch=true&labelSelector=page%3Dyes&timeoutSeconds=2&resourceVersion=$(req GET $CM | head -1 | sed "s/.*\"metadata\":{\"resourceVersion\":\"\([0-9]*\)\".*/\1/")" >sel.out &
	wpid=$!
	sleep 0.5
	req PATCH $CM/p3 "{\"metadata\":{\"labels\":{\"page\":\"no\"}}}" application/merge-patch+json >/dev/null &&
	req PATCH $CM/p3 "{\"data\":{\"unseen\":\"1\"}}" application/merge-patch+json >/dev/null &&
	req PATCH $CM/p3 "{\"metadata\":{\"labels\":{\"page\":\"yes\"}}}" application/merge-patch+json >/dev/null
	wait $wpid || :
	test "$(wc -l <sel.out)" = 2 &&
	head -1 sel.out | grep "\"type\":\"DELETED\".*\"page\":\"yes\"" &&
	tail -1 sel.out | grep "\"type\":\"ADDED\".*\"unseen\":\"1\""
'

test_expect_success 'kubectl get -w sees changes as they happen' '
	kubectl get cm p4 -w --output-watch-events >watch.out 2>&1 &
	wpid=$! &&
	i=0 && while ! grep -q p4 watch.out && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done &&
	kubectl patch cm p4 --type=merge -p "{\"data\":{\"n\":\"live\"}}" &&
	i=0 && while ! grep -q MODIFIED watch.out && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done &&
	kubectl delete cm p4 &&
	i=0 && while ! grep -q DELETED watch.out && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
	kill $wpid
	wait $wpid 2>/dev/null || :
	expect_contains watch.out MODIFIED &&
	expect_contains watch.out DELETED
'

test_expect_success 'SIGTERM stops tugd cleanly with open watches' '
	curl -sS -N "$CM?watch=true" >/dev/null 2>&1 &
	cpid=$! &&
	sleep 0.3 &&
	kill -TERM $TUGD_PID &&
	i=0 && while kill -0 $TUGD_PID 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done &&
	! kill -0 $TUGD_PID 2>/dev/null &&
	expect_contains "$TRASH/data/tugd.log" "tugd: stopped"
	wait $cpid 2>/dev/null || :
'

test_done
