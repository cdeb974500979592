#!/bin/bash
# The store: a restart serves exactly the same objects and resourceVersions,
# and kill -9 in the middle of a burst of writes loses no acknowledged write.
. "$(dirname "$0")/lib.sh"
require_kubectl

D=$TRASH/data
start_tugd "$D" || exit 1
# Clusters that report their own health: probes of members that are not
# there would change the clusters' status between the dumps.
apply_reported_clusters "$TB_SRC/examples/clusters.yaml" || exit 1
kubectl apply -f "$TB_SRC/examples/batch-weighted.yaml" >/dev/null || exit 1

dump() {
	for r in clusters propagationpolicies deployments namespaces; do
		curl -sS "$TUGD_URL/$(api_path $r)" | sed 's/"resourceVersion":"[0-9]*"},"items"/LISTRV/'
		echo
	done
}

api_path() {
	case $1 in
	clusters) echo apis/cluster.karmada.io/v1alpha1/clusters ;;
	propagationpolicies) echo apis/policy.karmada.io/v1alpha1/propagationpolicies ;;
	deployments) echo apis/apps/v1/deployments ;;
	namespaces) echo api/v1/namespaces ;;
	esac
}

test_expect_success 'a restart serves the same objects and resourceVersions' '
	dump >before &&
	rv1=$(curl -sS $TUGD_URL/api/v1/namespaces | sed "s/.*\"metadata\":{\"resourceVersion\":\"\([0-9]*\)\".*/\1/") &&
	test -s before &&
	stop_tugd TERM &&
	start_tugd "$D" &&
	dump >after &&
	cmp before after &&
	rv2=$(curl -sS $TUGD_URL/api/v1/namespaces | sed "s/.*\"metadata\":{\"resourceVersion\":\"\([0-9]*\)\".*/\1/") &&
	test "$rv1" = "$rv2"
'

test_expect_success 'kill -9 during a burst of writes keeps every acknowledged write' '
	CM=$TUGD_URL/api/v1/namespaces/default/configmaps
	: >acked
	(
		for i in $(seq 1 400); do
			code=$(curl -sS -o /dev/null -w "%{http_code}" -X POST \
				-H "Content-Type: application/json" \
				--data-binary "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"burst-$i\"},\"data\":{\"i\":\"$i\"}}" \
				$CM 2>/dev/null) || break
			[ "$code" = 201 ] && echo burst-$i >>acked
		done
	) &
	wpid=$!
	i=0
	while [ "$(wc -l <acked)" -lt 50 ] && [ $i -lt 400 ]; do sleep 0.02; i=$((i+1)); done
	kill -9 $TUGD_PID
	wait $wpid 2>/dev/null || :
	n=$(wc -l <acked) &&
	echo "acknowledged before kill -9: $n" &&
	test "$n" -ge 50 &&
	start_tugd "$D" &&
	kubectl get cm -o name | sed "s,configmap/,," | sort >present &&
	sort acked >acked.sorted &&
	comm -23 acked.sorted present >lost &&
	if test -s lost; then echo "lost after kill -9:"; cat lost; false; fi &&
	for name in $(head -3 acked); do
		kubectl get cm $name -o jsonpath={.data.i} | grep -qx "${name#burst-}"
	done
'

test_expect_success 'a watch resumes across a restart from its resourceVersion' '
	rv=$(curl -sS $TUGD_URL/api/v1/namespaces/default/configmaps | sed "s/.*\"metadata\":{\"resourceVersion\":\"\([0-9]*\)\".*/\1/") &&
	kubectl patch cm burst-1 --type=merge -p "{\"data\":{\"after\":\"restart\"}}" &&
	stop_tugd TERM &&
	start_tugd "$D" &&
	curl -sS -m 3 "$TUGD_URL/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=$rv&timeoutSeconds=1" >out &&
	expect_contains out "\"type\":\"MODIFIED\"" &&
	expect_contains out "\"after\":\"restart\""
'

test_done
