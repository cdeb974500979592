#!/bin/bash
# Scenario 2 of the mission, end to end: an online service (Deployment, its
# ConfigMap and its Service) placed by tugd on one member (Aggregated), real
# haproxy in front of the three members' service endpoints and tb-loadgen's
# steady load through it. The member dies: everything, config included,
# moves to a survivor and traffic recovers; the outage window and failed
# requests are measured. Then the zero-downtime configuration
# (docs/scenarios.md): the same service spread over two members, one
# replica each; one of them dies under load and no request fails.
# Behaviour only: the figures are printed, never compared with a speed.
. "$(dirname "$0")/lib.sh"
require_kubectl
POLL_SECONDS=30

start_members --service-ports || exit 1
start_tugd "$TRASH/data" --profile fast || exit 1

n_clusters() { clusters_of "$1" | wc -w; }
# moved_off BINDING MEMBER: placed, and not on MEMBER.
moved_off() {
	c=$(clusters_of "$1")
	test -n "$c" && ! echo "$c" | grep -qw "$2"
}
show() {
	jq -c '{sent, ok, failed, failures, backends, max_gap_ms}' "$1.json"
}

test_expect_success 'three members with service endpoints join' '
	join_ready member1 member2 member3 &&
	test -n "$(svc_url member3)"
'

test_expect_success 'the online service runs on one member: Deployment, ConfigMap, Service' '
	{
		service_yaml web &&
		svc_policy_yaml web "
    replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Aggregated}"
	} >web.yaml &&
	kubectl apply -f web.yaml &&
	poll is 1 n_clusters web-deployment &&
	active=$(clusters_of web-deployment | tr -d " ") &&
	echo $active >active &&
	test "$(clusters_of web-deployment | wc -w)" = 1 &&
	poll is 2 ready_on $active web &&
	on $active get configmap web-config &&
	on $active get service web
'

ACTIVE=$(cat "$TRASH/active" 2>/dev/null)
start_members_haproxy /default/web || exit 1

test_expect_success 'haproxy sends the traffic to the active member only' '
	poll is "$ACTIVE" haproxy_up &&
	tb-loadgen --json --url $HAPROXY_URL/default/web --rate 100 --duration 1s >before.json &&
	jq -e ".ok == 100 and .failed == 0" before.json
'

test_expect_success 'the active member dies under load: all of it moves, traffic recovers' '
	tb-loadgen --json --url $HAPROXY_URL/default/web --rate 50 --duration 15s \
		--interval 1s >kill.json 2>kill.log &
	lg=$! &&
	test_track_pid $lg &&
	sleep 1 &&
	tug-membersim fault --server $MS --cluster $ACTIVE --mode down >/dev/null &&
	poll moved_off web-deployment $ACTIVE &&
	now=$(clusters_of web-deployment | tr -d " ") &&
	test "$now" != "$ACTIVE" &&
	poll is 2 ready_on $now web &&
	on $now get configmap web-config -o jsonpath="{.data.greeting}" >greeting &&
	expect_contains greeting hello &&
	on $now get service web &&
	wait $lg &&
	show kill &&
	jq -e ".ok > 0 and .failed > 0" kill.json &&
	echo "Aggregated on one member, that member killed: longest gap" \
		"$(jq .max_gap_ms kill.json) ms, $(jq .failed kill.json) failed of" \
		"$(jq .sent kill.json) (50 req/s)" >>measured &&
	tb-loadgen --json --url $HAPROXY_URL/default/web --rate 100 --duration 1s >after.json &&
	jq -e ".ok == 100 and .failed == 0" after.json &&
	jq -e --arg m "$now" ".backends == {(\$m): 100}" after.json
'

test_expect_success 'the dead member comes back: the service stays where it is now' '
	tug-membersim fault --server $MS --cluster $ACTIVE --mode ok >/dev/null &&
	poll is True ready_of $ACTIVE &&
	poll is "" ready_on $ACTIVE web &&
	test "$(clusters_of web-deployment | tr -d " ")" != "$ACTIVE" &&
	kubectl delete -f web.yaml &&
	poll is "" haproxy_up
'

test_expect_success 'zero downtime: the same service spread over two members, one replica each' '
	{
		service_yaml web &&
		svc_policy_yaml web "
    spreadConstraints: [{spreadByField: cluster, minGroups: 2, maxGroups: 2}]
    replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted}"
	} >standby.yaml &&
	kubectl apply -f standby.yaml &&
	poll is 2 n_clusters web-deployment &&
	set -- $(clusters_of web-deployment) &&
	echo "$1" >pair1 && echo "$2" >pair2 &&
	poll is 1 ready_on $1 web &&
	poll is 1 ready_on $2 web &&
	both=$(printf "%s\n" $1 $2 | sort) &&
	poll is "$both" haproxy_up
'

test_expect_success 'one of the two dies under load: not one request fails' '
	victim=$(cat pair1) && other=$(cat pair2) &&
	{ tb-loadgen --json --url $HAPROXY_URL/default/web --rate 50 --duration 10s \
		--interval 1s >standby.json 2>standby.log & } &&
	lg=$! &&
	test_track_pid $lg &&
	sleep 1 &&
	tug-membersim fault --server $MS --cluster $victim --mode down >/dev/null &&
	poll moved_off web-deployment $victim &&
	wait $lg &&
	show standby &&
	echo "spread over two members, one of them killed: longest gap" \
		"$(jq .max_gap_ms standby.json) ms, $(jq .failed standby.json) failed of" \
		"$(jq .sent standby.json) (50 req/s)" >>measured &&
	jq -e ".sent == 500 and .ok == 500 and .failed == 0" standby.json &&
	jq -e --arg m "$other" ".backends[\$m] > 0" standby.json &&
	poll is 2 n_clusters web-deployment
'

# For information, never compared with a speed.
[ -f "$TRASH/measured" ] && sed 's/^/# measured: /' "$TRASH/measured"
test_done
