#!/usr/bin/env bash
# tugctl sim: the example scenarios hold every invariant and show what they
# are meant to show; output is byte-identical run to run; random scenarios
# over many seeds hold the invariants; bad scenarios are rejected clearly.
. "$(dirname "$0")/lib.sh"

SIM="$TB_SRC/examples/sim"
SWEEP=${TB_SIM_SWEEP:-200}

test_expect_success 'batch: member1 dies, replicas move to the survivors by weight' '
	tugctl sim -f "$SIM/batch-cluster-dies.yaml" >out &&
	expect_contains out "fault     member1: down" &&
	expect_contains out "member1: Ready=False (ClusterNotReachable)" &&
	expect_contains out "evicted from member1 (TaintUntolerated, Graciously, 3 replicas" &&
	expect_contains out "schedule  default/batch-worker-deployment: member2=3 member3=3" &&
	expect_contains out "6 ready of 6 placed member2=3 member3=3" &&
	expect_contains out "invariants: all held" &&
	det=$(sed -n "s/.*member1: failed at 10.000s, detected after \([0-9]*\)ms.*/\1/p" out) &&
	test "$det" -le 3000
'

test_expect_success 'the same scenario and seed give byte-identical output; other seeds differ' '
	tugctl sim -f "$SIM/batch-cluster-dies.yaml" --seed 7 >a &&
	tugctl sim -f "$SIM/batch-cluster-dies.yaml" --seed 7 >b &&
	cmp a b &&
	tugctl sim -f "$SIM/batch-cluster-dies.yaml" --seed 8 >c &&
	! cmp -s a c
'

test_expect_success 'online service: everything moves to one surviving cluster' '
	tugctl sim -f "$SIM/online-service-cluster-dies.yaml" >out &&
	grep -E "schedule  default/web-deployment: member[23]=3$" out &&
	expect_contains out "default/web-deployment: 3/3 ready at the end" &&
	expect_contains out "invariants: all held"
'

test_expect_success 'planned maintenance: new replicas are ready before the old go' '
	tugctl sim -f "$SIM/planned-maintenance.yaml" >out &&
	expect_contains out "operator taints example.com/maintenance:NoExecute" &&
	expect_contains out "evicted from member1" &&
	expect_contains out "member1 released" &&
	ready=$(sed -n "s/.*web-deployment: \([0-9]*\) ready of.*/\1/p" out) &&
	after=$(echo "$ready" | sed -n "/^6$/,\$p") &&
	for n in $after; do test "$n" -ge 6; done &&
	expect_contains out "invariants: all held"
'

test_expect_success 'move back after recovery: started there first, then rebalanced' '
	tugctl sim -f "$SIM/move-back.yaml" >out &&
	expect_contains out "member1 healthy for 20s: starting member1=3 before taking any replica elsewhere" &&
	expect_contains out "9 ready of 9 placed member1=3 member2=3 member3=3" &&
	expect_contains out "every replica ready: rebalanced to member1=3 member2=2 member3=1" &&
	expect_contains out "6 ready of 6 placed member1=3 member2=2 member3=1" &&
	expect_contains out "invariants: all held" &&
	ready=$(sed -n "/moveback/,\$ s/.*batch-worker-deployment: \([0-9]*\) ready of.*/\1/p" out) &&
	for n in $ready; do test "$n" -ge 6; done &&
	sed "/failover.tugboat.io/d; /annotations:/d" "$SIM/move-back.yaml" >stay.yaml &&
	tugctl sim -f stay.yaml >stay &&
	! grep -q moveback stay &&
	expect_contains stay "6/6 ready at the end" &&
	grep -q "placed member2=3 member3=3$" stay
'

test_expect_success 'a random scenario is shown alone by its seed' '
	tugctl sim --random --seed 3 >a &&
	tugctl sim --random --seed 3 >b &&
	cmp a b &&
	expect_contains a "summary (random-3, seed 3)"
'

test_expect_success 'slow and flapping members are not evicted' '
	tugctl sim -f "$SIM/slow-member.yaml" >slow &&
	expect_contains slow "evictions: 0," &&
	! sed -n "/10.000s/,\$p" slow | grep -q "taint     member2: +" &&
	tugctl sim -f "$SIM/flapping-member.yaml" >flap &&
	expect_contains flap "evictions: 0," &&
	expect_contains flap "invariants: all held"
'

test_expect_success 'control-plane partition: protection engages, nothing is evicted' '
	tugctl sim -f "$SIM/partition.yaml" >out &&
	expect_contains out "mass-outage protection engaged" &&
	expect_contains out "mass-outage protection released" &&
	expect_contains out "evictions: 0," &&
	expect_contains out "default/api-deployment: 8/8 ready at the end" &&
	expect_contains out "invariants: all held"
'

test_expect_success 'a ClusterTaintPolicy taints a not-ready cluster and its taint evicts' '
	tugctl sim -f "$SIM/cluster-taint-policy.yaml" >out &&
	expect_contains out "+example.com/not-ready:NoExecute" &&
	expect_contains out "evicted from member1" &&
	expect_contains out "-example.com/not-ready:NoExecute" &&
	expect_contains out "invariants: all held"
'

test_expect_success 'Karmada defaults: the same failure takes minutes' '
	tugctl sim -f "$SIM/karmada-defaults.yaml" -q >out &&
	ev=$(sed -n "s/.*first eviction after \([0-9]*\)ms.*/\1/p" out) &&
	test "$ev" -gt 300000
'

test_expect_success 'JSON output carries the events and the summary' '
	tugctl sim -f "$SIM/batch-cluster-dies.yaml" -o json >out.json &&
	expect_contains out.json "\"kind\": \"evict\"" &&
	expect_contains out.json "\"detection_ms\"" &&
	expect_contains out.json "\"evictions\": 1"
'

test_expect_success "random scenarios: invariants hold and runs repeat exactly over $SWEEP seeds" '
	tugctl sim --random --sweep "$SWEEP" >out &&
	expect_contains out "$SWEEP seeds, 0 failed"
'

test_expect_success 'bad scenarios are rejected with field paths, exit 2' '
	cat >bad.yaml <<-YAML &&
	apiVersion: sim.tugboat.io/v1alpha1
	kind: Scenario
	metadata: {name: bad}
	spec:
	  duration: "10"
	  settings: {profile: quick, cluster-monitor-grace-period: 1s}
	  clusters: [{name: m1, latency: fast}]
	  faults: [{at: 1s, cluster: m9, kind: explode}]
	YAML
	expect_code 2 tugctl sim -f bad.yaml 2>err &&
	expect_contains err "spec.duration: Invalid value: \"10\": time: missing unit in duration \"10\"" &&
	expect_contains err "spec.settings.profile: Invalid value: unknown profile \"quick\"" &&
	expect_contains err "spec.clusters[0].latency: Invalid value: \"fast\"" &&
	expect_contains err "spec.faults[0].kind: Unsupported value: \"explode\"" &&
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n" >none.yaml &&
	expect_code 2 tugctl sim -f none.yaml 2>err &&
	expect_contains err "no Scenario document" &&
	expect_code 2 tugctl sim 2>/dev/null
'

test_done
