#!/bin/bash
# Scenario 1 of the mission, end to end: a batch workload spread by static
# weights (2:1:1) over three members; the heaviest member dies; its replicas
# are rescheduled onto the survivors, still by weight, until the desired
# count is ready again; the member comes back and nothing moves back (as in
# Karmada) while its leftover objects are removed. The time from the kill
# to every replica ready again is printed, never compared with a speed.
. "$(dirname "$0")/lib.sh"
require_kubectl
POLL_SECONDS=30

start_members || exit 1
start_tugd "$TRASH/data" --profile fast || exit 1

now_ms() { date +%s%3N; }

test_expect_success 'three members join' '
	join_ready member1 member2 member3
'

test_expect_success 'the batch workload runs by weight: 8 replicas as 4, 2 and 2' '
	sed "s/replicas: 6/replicas: 8/" $TB_SRC/examples/batch-weighted.yaml >batch.yaml &&
	kubectl apply -f batch.yaml &&
	poll is "member1=4 member2=2 member3=2 " placement batch-worker-deployment &&
	poll is 4 ready_on member1 batch-worker &&
	poll is 2 ready_on member2 batch-worker &&
	poll is 2 ready_on member3 batch-worker
'

test_expect_success 'member1 dies: its 4 replicas go to the survivors by weight, 8 ready again' '
	t0=$(now_ms) &&
	tug-membersim fault --server $MS --cluster member1 --mode down >/dev/null &&
	poll is "member2=4 member3=4 " placement batch-worker-deployment &&
	poll is 8 total_ready batch-worker member2 member3 &&
	t1=$(now_ms) &&
	is 4 ready_on member2 batch-worker &&
	is 4 ready_on member3 batch-worker &&
	echo "weighted 2:1:1, the weight-2 member killed: 8 of 8 replicas ready on the" \
		"survivors $((t1 - t0)) ms after the kill (fast profile)" >>measured &&
	grep "evict default/batch-worker-deployment: evicted from member1" $TRASH/data/tugd.log
'

test_expect_success 'member1 comes back: nothing moves back, its old replicas are removed' '
	tug-membersim fault --server $MS --cluster member1 --mode ok >/dev/null &&
	poll is True ready_of member1 &&
	poll is "" ready_on member1 batch-worker &&
	! on member1 get deploy batch-worker 2>/dev/null &&
	is "member2=4 member3=4 " placement batch-worker-deployment &&
	is 8 total_ready batch-worker member1 member2 member3
'

test_expect_success 'scaled to 12 after the failover: 12 replicas placed and ready' '
	kubectl patch deploy batch-worker -p '"'"'{"spec":{"replicas":12}}'"'"' &&
	poll is 12 total_ready batch-worker member1 member2 member3 &&
	placement batch-worker-deployment >p &&
	cat p &&
	test "$(tr " " "\n" <p | awk -F= "NF == 2 { n += \$2 } END { print n }")" = 12
'

# For information, never compared with a speed.
[ -f "$TRASH/measured" ] && sed 's/^/# measured: /' "$TRASH/measured"
test_done
