/* Simulated kubelets and workload controllers (kubelet.h): placement, readiness
 * and Job completion as pure functions of the state and the time passed in.
 * Must never read a clock or do I/O. */
#include "membersim/kubelet.h"

#include <stdlib.h>
#include <string.h>

#include "lib/mem.h"

bool tb_kubelet_pod_ready(const struct tb_kubelet *k, const struct tb_kubelet_pod *p,
			  int64_t now_ms)
{
	return p->node >= 0 && now_ms >= p->sched_ms + k->ready_delay_ms;
}

bool tb_kubelet_has_pending(const struct tb_kubelet_wl *wl)
{
	size_t i;

	for (i = 0; i < wl->n; i++)
		if (wl->pods[i].node < 0)
			return true;
	return false;
}

static bool fits(const struct tb_kubelet_node *n, const struct tb_kubelet_pod *p)
{
	return n->used_pods + 1 <= n->pods && n->used_cpu_m + p->cpu_m <= n->cpu_m &&
	       n->used_mem + p->mem <= n->mem;
}

/* First fit, in node order, as a simple stand-in for kube-scheduler: what
 * matters to Tugboat is whether a replica fits at all. */
static void place(const struct tb_kubelet *k, struct tb_kubelet_pod *p, int64_t now_ms)
{
	size_t i;

	for (i = 0; i < k->n_nodes; i++) {
		struct tb_kubelet_node *n = &k->nodes[i];

		if (!fits(n, p))
			continue;
		n->used_pods++;
		n->used_cpu_m += p->cpu_m;
		n->used_mem += p->mem;
		p->node = (int32_t)i;
		p->sched_ms = now_ms;
		return;
	}
}

static void unplace(const struct tb_kubelet *k, struct tb_kubelet_pod *p, bool *freed)
{
	struct tb_kubelet_node *n;

	if (p->node < 0 || (size_t)p->node >= k->n_nodes)
		return;
	n = &k->nodes[p->node];
	n->used_pods--;
	n->used_cpu_m -= p->cpu_m;
	n->used_mem -= p->mem;
	p->node = -1;
	if (freed)
		*freed = true;
}

/* Removes pod i (order of the others is kept: pods stay in creation order). */
static void remove_pod(const struct tb_kubelet *k, struct tb_kubelet_wl *wl, size_t i,
		       bool *freed)
{
	unplace(k, &wl->pods[i], freed);
	memmove(&wl->pods[i], &wl->pods[i + 1], (wl->n - i - 1) * sizeof(*wl->pods));
	wl->n--;
}

/* How much a ReplicaSet wants to keep a pod when scaling down: an
 * unschedulable pod goes first, then one not ready yet, then a ready one. */
static int keep_rank(const struct tb_kubelet *k, const struct tb_kubelet_pod *p, int64_t now_ms)
{
	if (p->node < 0)
		return 0;
	return tb_kubelet_pod_ready(k, p, now_ms) ? 2 : 1;
}

/* The pod to remove next: lowest rank, and among equals the newest. */
static size_t victim(const struct tb_kubelet *k, const struct tb_kubelet_wl *wl, int64_t now_ms)
{
	size_t i, best = 0;
	int r, best_r = 3;

	for (i = 0; i < wl->n; i++) {
		r = keep_rank(k, &wl->pods[i], now_ms);
		if (r < best_r || (r == best_r && wl->pods[i].id > wl->pods[best].id)) {
			best = i;
			best_r = r;
		}
	}
	return best;
}

static void add_pod(const struct tb_kubelet *k, struct tb_kubelet_wl *wl, int64_t now_ms)
{
	struct tb_kubelet_pod *p;

	TB_GROW(wl->pods, wl->alloc, wl->n + 1);
	p = &wl->pods[wl->n++];
	memset(p, 0, sizeof(*p));
	p->id = wl->next_id++;
	p->node = -1;
	p->created_ms = now_ms;
	p->cpu_m = wl->cpu_m;
	p->mem = wl->mem;
	place(k, p, now_ms);
}

/* A Job's pods that ran their course succeed, at the time they finished
 * (not at now_ms: a late visit must not move completionTime). */
static void job_finish(const struct tb_kubelet *k, struct tb_kubelet_wl *wl, int64_t now_ms,
		       bool *freed)
{
	int64_t end;
	size_t i = 0;

	while (i < wl->n) {
		struct tb_kubelet_pod *p = &wl->pods[i];

		end = p->sched_ms + k->job_duration_ms;
		if (p->node < 0 || end > now_ms) {
			i++;
			continue;
		}
		wl->succeeded++;
		if (wl->succeeded >= wl->completions && end > wl->done_ms)
			wl->done_ms = end;
		remove_pod(k, wl, i, freed);
	}
}

static int64_t wanted(const struct tb_kubelet_wl *wl)
{
	int64_t want = wl->want < 0 ? 0 : wl->want;

	if (wl->job) {
		if (wl->done_ms)
			return 0;
		if (want > wl->completions - wl->succeeded)
			want = wl->completions - wl->succeeded;
		if (want < 0)
			want = 0;
	}
	return want > TB_KUBELET_MAX_PODS ? TB_KUBELET_MAX_PODS : want;
}

static int64_t next_visit(const struct tb_kubelet *k, const struct tb_kubelet_wl *wl,
			  int64_t now_ms)
{
	int64_t next = TB_KUBELET_NEVER, t;
	size_t i;

	for (i = 0; i < wl->n; i++) {
		const struct tb_kubelet_pod *p = &wl->pods[i];

		if (p->node < 0)
			continue;
		t = p->sched_ms + k->ready_delay_ms;
		if (t > now_ms && t < next)
			next = t;
		if (wl->job) {
			t = p->sched_ms + k->job_duration_ms;
			if (t > now_ms && t < next)
				next = t;
		}
	}
	return next;
}

int64_t tb_kubelet_sync(const struct tb_kubelet *k, struct tb_kubelet_wl *wl, int64_t now_ms,
			bool *freed)
{
	int64_t want;
	size_t i;

	if (wl->job)
		job_finish(k, wl, now_ms, freed);
	want = wanted(wl);
	while ((int64_t)wl->n > want)
		remove_pod(k, wl, victim(k, wl, now_ms), freed);
	while ((int64_t)wl->n < want)
		add_pod(k, wl, now_ms);
	for (i = 0; i < wl->n; i++)
		if (wl->pods[i].node < 0)
			place(k, &wl->pods[i], now_ms);
	return next_visit(k, wl, now_ms);
}

void tb_kubelet_drain(const struct tb_kubelet *k, struct tb_kubelet_wl *wl)
{
	while (wl->n)
		remove_pod(k, wl, wl->n - 1, NULL);
}

void tb_kubelet_wl_release(struct tb_kubelet_wl *wl)
{
	if (!wl)
		return;
	tb_free(wl->pods);
	wl->pods = NULL;
	wl->n = wl->alloc = 0;
}

void tb_kubelet_count(const struct tb_kubelet *k, const struct tb_kubelet_wl *wl,
		      int64_t now_ms, struct tb_kubelet_counts *ret)
{
	size_t i;

	memset(ret, 0, sizeof(*ret));
	ret->pods = (int64_t)wl->n;
	for (i = 0; i < wl->n; i++) {
		if (wl->pods[i].node >= 0)
			ret->scheduled++;
		if (tb_kubelet_pod_ready(k, &wl->pods[i], now_ms))
			ret->ready++;
	}
	ret->succeeded = wl->succeeded;
	ret->complete = wl->job && wl->done_ms && wl->done_ms <= now_ms;
}
