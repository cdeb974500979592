/* Failover benchmark: a live failover with real processes, timed from the
 * outside. It starts one tug-membersim serving M member clusters and a fresh
 * tugd (fast profile, 1 s probes, zero toleration), joins the members (the
 * first with tugctl join, the others by creating the same Secret and Cluster
 * objects through the API), and follows tugd through two watches, on
 * clusters and on resourcebindings, stamping every event as it arrives.
 *
 * Placement: every Deployment (R replicas) is Divided/Weighted 1:1:1 over
 * three members (one PropagationPolicy per trio, selecting its Deployments
 * by label): K of them (default min(B, 1000), evenly interleaved) over
 * member1, the member that is killed, and two of the others round-robin, the
 * rest over three of the others. With B <= 1000 member1 holds a share of
 * every binding, as in Karmada's measured run (notes/karmada-measured.md);
 * its loss evicts all K at once, each moving its share onto the two
 * survivors of its placement.
 *
 * Measured: tugd's CPU (utime+stime from /proc/PID/stat) and RSS at idle,
 * once with the members only (probing at 1 Hz) and once with every binding
 * applied and ready; then, after member1 is switched to "down" (connections
 * closed without an answer), the time to Ready=False, the NoSchedule and
 * NoExecute taints, every binding evicted, rescheduled (spec.clusters
 * without member1, adding up to spec.replicas), applied on the survivors and
 * ready there (status.aggregatedStatus), and graceful eviction released, and
 * tugd's CPU seconds and peak RSS meanwhile. Prints figures and ratios
 * against the targets; never fails on time, only when something breaks
 * (a process dies, a request fails, nothing converges by a generous deadline).
 *
 *   bench_failover [--tugd PATH] [--membersim PATH] [--tugctl PATH]
 *                  [--members M] [--bindings B] [--replicas R]
 *                  [--ready-delay D] [--idle S] [--wave N] [--victim-bindings K]
 *                  [-- TUGD-FLAG...]
 */
#include "lib/mem.h"
#include "lib/strbuf.h"
#include "bench_util.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TUGD_SERVING "serving the API on http://127.0.0.1:"
#define MS_SERVING " clusters on http://127.0.0.1:"
#define TOKEN "bench-failover-token"
#define VICTIM 1		/* member1 */
#define CLUSTERS "/apis/cluster.karmada.io/v1alpha1/clusters"
#define BINDINGS "/apis/work.karmada.io/v1alpha2/resourcebindings"
#define SECRETS "/api/v1/namespaces/karmada-cluster/secrets"
#define POLICIES "/apis/policy.karmada.io/v1alpha1/namespaces/default/propagationpolicies"
#define DEPLOYS "/apis/apps/v1/namespaces/default/deployments"
#define POST_CONNS 4
#define TICK_MS 20
#define MAX_ARGS 64
#define TARGET_DETECT_S 3.0
#define TARGET_RESCHED_S 1.0
#define TARGET_PROBE_CORE 0.10
#define TARGET_PROBE_MEMBERS 1000

/* One ResourceBinding (app-<i>-deployment), as the last event showed it. */
struct bnd {
	int replicas;		/* spec.replicas */
	int sched;		/* sum of spec.clusters[].replicas */
	int ready_all;		/* readyReplicas over the clusters of spec.clusters */
	int ready_else;		/* the same without member1 */
	int applied_else;	/* status.replicas without member1 */
	bool seen, on_victim, task, tasks, converged;
	bool hit;		/* on member1 when it was killed */
	/* ns after the kill, 0 until it happened */
	uint64_t t_evicted, t_resched, t_applied, t_ready, t_released;
};

struct watch {
	struct bench *b;
	const char *path;
	bool bindings;
	struct evhttp_connection *ev;
	struct event *retry;
	struct tb_strbuf buf;	/* bytes not yet cut into lines */
	char rv[32];		/* the last resourceVersion seen */
	uint64_t events, bytes;
	unsigned restarts;
};

struct job {
	char *path, *body;
};

struct pconn {
	struct bench *b;
	struct evhttp_connection *ev;
};

struct proc {
	const char *what;
	pid_t pid;
	char log[4096];
	int port;
	bool exited;
	int status;
};

struct bench {
	struct event_base *base;
	struct event *tick, *sigint;
	bool interrupted, broken;
	size_t m, n;		/* members, bindings */
	int replicas;
	size_t groups;
	size_t stride;		/* binding i is on member1 when i % stride == 0 */
	struct proc tugd, ms;
	struct watch wc, wb;
	struct pconn pc[POST_CONNS];
	/* The post queue. */
	struct job *jobs;
	size_t njobs, jobs_alloc, next_job, jobs_done, jobs_failed;
	/* Cluster state by index (1..m). */
	bool *ready;
	size_t nready;
	/* Bindings by index (0..n-1) and counts over them. */
	struct bnd *bs;
	size_t nseen, nconverged, created;
	size_t false_alarms;	/* a healthy member seen Ready=False */
	/* The failover. */
	bool failing;
	uint64_t t0;
	int64_t t0_wall_ms;
	uint64_t t_notready, t_noschedule, t_noexecute;
	/* The same events by tugd's own clock (ms after the kill; 0: unknown):
	 * the condition's lastTransitionTime, the taint's timeAdded, the
	 * bindings' lastScheduledTime. */
	int64_t w_notready, w_noexecute, w_last_resched;
	char notready_reason[64];
	size_t nhit, nevicted, nresched, napplied, nready_else, nreleased;
	uint64_t t_first_evicted, t_last_evicted, t_last_resched, t_last_applied,
		 t_last_ready, t_last_released;
	uint64_t fault_answered;
	int fault_code;
	double rss_peak;
};

static double secs(uint64_t ns)
{
	return (double)ns / 1e9;
}

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An RFC 3339 time as tugd writes it ("2026-11-26T15:30:57.872Z") in ms
 * after the kill; 0 if absent or unreadable. */
static int64_t since_kill(const struct bench *b, const json_t *v)
{
	const char *s = json_string_value(v), *rest;
	struct tm tm = { 0 };
	int64_t ms = 0, scale = 100;

	if (!s || !(rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)))
		return 0;
	if (*rest == '.')
		for (rest++; *rest >= '0' && *rest <= '9'; rest++, scale /= 10)
			ms += (*rest - '0') * scale;
	ms += (int64_t)timegm(&tm) * 1000 - b->t0_wall_ms;
	return ms ? ms : 1;
}

/* ---- processes and /proc ------------------------------------------------------------ */

/* utime+stime of pid in seconds; -1 if unknown. */
static double proc_cpu(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (!(p = strrchr(buf, ')')) ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* A field of /proc/PID/status in bytes ("VmRSS:", "VmHWM:"); 0 if unknown. */
static double proc_mem(pid_t pid, const char *field)
{
	char path[64], line[256];
	size_t len = strlen(field);
	double kb = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len))
			kb = strtod(line + len, NULL);
	fclose(f);
	return kb * 1024;
}

/* Resets pid's VmHWM to its current RSS (Linux 4.0+); false if refused. */
static bool reset_peak(pid_t pid)
{
	char path[64];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/proc/%d/clear_refs", (int)pid);
	if (!(f = fopen(path, "w")))
		return false;
	ok = fputs("5", f) >= 0;
	return fclose(f) == 0 && ok;
}

static double self_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Starts argv[0] with its output in p->log and waits for its "serving" line
 * (marker, then the port); false when it does not come within 15 s. */
static bool spawn(struct proc *p, char *const argv[], const char *marker)
{
	char buf[8192];
	const char *s;
	FILE *f;
	int i, fd;

	p->pid = fork();
	if (p->pid < 0) {
		p->pid = 0;
		return false;
	}
	if (p->pid == 0) {
		setpgid(0, 0);	/* ^C reaches the bench, which stops us in order */
		fd = open(p->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	for (i = 0; i < 1500; i++) {
		usleep(10000);
		buf[0] = '\0';
		if ((f = fopen(p->log, "r"))) {
			buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
			fclose(f);
		}
		if ((s = strstr(buf, marker))) {
			p->port = (int)strtol(s + strlen(marker), NULL, 10);
			return true;
		}
		if (waitpid(p->pid, &p->status, WNOHANG) == p->pid) {
			p->exited = true;
			break;
		}
	}
	fprintf(stderr, "bench_failover: %s did not start; its log:\n%s\n", p->what, buf);
	return false;
}

/* Has p ended? Reaps it and says how. */
static bool proc_ended(struct proc *p)
{
	if (!p->pid)
		return false;
	if (!p->exited && waitpid(p->pid, &p->status, WNOHANG) == p->pid) {
		p->exited = true;
		fprintf(stderr, "bench_failover: %s (pid %d) %s %d\n", p->what, (int)p->pid,
			WIFSIGNALED(p->status) ? "was killed by signal" : "exited with status",
			WIFSIGNALED(p->status) ? WTERMSIG(p->status) : WEXITSTATUS(p->status));
	}
	return p->exited;
}

static void proc_stop(struct proc *p)
{
	int i;

	if (!p->pid || p->exited)
		return;
	kill(p->pid, SIGTERM);
	for (i = 0; i < 500 && waitpid(p->pid, &p->status, WNOHANG) != p->pid; i++)
		usleep(10000);
	if (i == 500) {
		fprintf(stderr, "bench_failover: %s did not stop in 5 s: killing it\n", p->what);
		kill(p->pid, SIGKILL);
		waitpid(p->pid, &p->status, 0);
	}
	p->exited = true;
}

static void tail_log(const struct proc *p)
{
	char buf[3000];
	size_t n = 0;
	FILE *f;

	if ((f = fopen(p->log, "r"))) {
		if (fseek(f, -(long)sizeof(buf) + 1, SEEK_END))
			rewind(f);
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	fprintf(stderr, "bench_failover: the end of %s's log:\n%s\n", p->what, buf);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* ---- watches ------------------------------------------------------------------------ */

static int cond_ready(const json_t *status, const char **ret_reason, const json_t **ret_ltt)
{
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(status, "conditions"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "type")) ?: "", "Ready")) {
			*ret_reason = json_string_value(json_object_get(c, "reason"));
			*ret_ltt = json_object_get(c, "lastTransitionTime");
			return !strcmp(json_string_value(json_object_get(c, "status")) ?: "", "True");
		}
	return -1;
}

static void on_cluster(struct bench *b, const char *type, const json_t *obj)
{
	const char *name = json_string_value(json_object_get(json_object_get(obj, "metadata"),
							     "name")) ?: "";
	const json_t *taint, *ltt = NULL;
	const char *reason = NULL;
	uint64_t t = now_ns() - b->t0;
	char *end;
	size_t idx, i;
	bool ready;

	if (strncmp(name, "member", 6))
		return;
	idx = strtoul(name + 6, &end, 10);
	if (*end || !idx || idx > b->m)
		return;
	ready = strcmp(type, "DELETED") &&
		cond_ready(json_object_get(obj, "status"), &reason, &ltt) == 1;
	if (ready != b->ready[idx])
		b->nready += ready ? 1 : (size_t)-1;
	/* A member that was never touched seen unhealthy: a false alarm. */
	if (!ready && b->ready[idx] && (!b->failing || idx != VICTIM))
		b->false_alarms++;
	b->ready[idx] = ready;
	if (!b->failing || idx != VICTIM)
		return;
	if (!ready && !b->t_notready) {
		b->t_notready = t;
		b->w_notready = since_kill(b, ltt);
		snprintf(b->notready_reason, sizeof(b->notready_reason), "%s",
			 reason ? reason : "no Ready condition");
	}
	json_array_foreach(json_object_get(json_object_get(obj, "spec"), "taints"), i, taint) {
		const char *eff = json_string_value(json_object_get(taint, "effect")) ?: "";

		if (!strcmp(eff, "NoSchedule") && !b->t_noschedule)
			b->t_noschedule = t;
		if (!strcmp(eff, "NoExecute") && !b->t_noexecute) {
			b->t_noexecute = t;
			b->w_noexecute = since_kill(b, json_object_get(taint, "timeAdded"));
		}
	}
}

static bool in_clusters(const json_t *clusters, const char *name)
{
	const json_t *c;
	size_t i;

	json_array_foreach(clusters, i, c)
		if (!strcmp(json_string_value(json_object_get(c, "name")) ?: "", name))
			return true;
	return false;
}

static void stamp(uint64_t *at, uint64_t t, size_t *count, uint64_t *last)
{
	if (*at)
		return;
	*at = t ? t : 1;
	(*count)++;
	if (t > *last)
		*last = t;
}

static void on_binding(struct bench *b, const char *type, const json_t *obj)
{
	const json_t *md = json_object_get(obj, "metadata"), *spec = json_object_get(obj, "spec");
	const json_t *clusters = json_object_get(spec, "clusters"), *e;
	const char *name = json_string_value(json_object_get(md, "name")) ?: "";
	uint64_t t = now_ns() - b->t0;
	struct bnd *x;
	char *end;
	size_t idx, i;
	bool conv;

	if (strncmp(name, "app-", 4))
		return;
	idx = strtoul(name + 4, &end, 10);
	if (strcmp(end, "-deployment") || idx >= b->n)
		return;
	x = &b->bs[idx];
	if (!strcmp(type, "DELETED")) {
		x->seen = false;
		return;
	}
	if (!x->seen)
		b->nseen++;
	x->seen = true;
	x->replicas = (int)json_integer_value(json_object_get(spec, "replicas"));
	x->sched = 0;
	x->on_victim = false;
	json_array_foreach(clusters, i, e) {
		x->sched += (int)json_integer_value(json_object_get(e, "replicas"));
		if (!strcmp(json_string_value(json_object_get(e, "name")) ?: "", "member1"))
			x->on_victim = true;
	}
	x->task = false;
	x->tasks = json_array_size(json_object_get(spec, "gracefulEvictionTasks")) > 0;
	json_array_foreach(json_object_get(spec, "gracefulEvictionTasks"), i, e)
		if (!strcmp(json_string_value(json_object_get(e, "fromCluster")) ?: "", "member1"))
			x->task = true;
	x->ready_all = x->ready_else = x->applied_else = 0;
	json_array_foreach(json_object_get(json_object_get(obj, "status"), "aggregatedStatus"),
			   i, e) {
		const char *cn = json_string_value(json_object_get(e, "clusterName")) ?: "";
		const json_t *st = json_object_get(e, "status");
		int ready = (int)json_integer_value(json_object_get(st, "readyReplicas"));

		if (!in_clusters(clusters, cn))
			continue;
		x->ready_all += ready;
		if (!strcmp(cn, "member1"))
			continue;
		x->ready_else += ready;
		x->applied_else += (int)json_integer_value(json_object_get(st, "replicas"));
	}
	/* Placed, ready, and not in the middle of an eviction. */
	conv = x->replicas && x->sched == x->replicas && x->ready_all == x->replicas &&
	       !x->tasks;
	if (conv != x->converged)
		b->nconverged += conv ? 1 : (size_t)-1;
	x->converged = conv;
	if (!b->failing || !x->hit || x->on_victim)
		return;
	if (!x->t_evicted) {
		stamp(&x->t_evicted, t, &b->nevicted, &b->t_last_evicted);
		if (!b->t_first_evicted || t < b->t_first_evicted)
			b->t_first_evicted = t;
	}
	if (x->sched == x->replicas && !x->t_resched) {
		int64_t w = since_kill(b, json_object_get(json_object_get(obj, "status"),
							  "lastScheduledTime"));

		stamp(&x->t_resched, t, &b->nresched, &b->t_last_resched);
		if (w > b->w_last_resched)
			b->w_last_resched = w;
	}
	if (x->t_resched && x->applied_else >= x->replicas)
		stamp(&x->t_applied, t, &b->napplied, &b->t_last_applied);
	if (x->t_resched && x->ready_else >= x->replicas)
		stamp(&x->t_ready, t, &b->nready_else, &b->t_last_ready);
	if (!x->task)
		stamp(&x->t_released, t, &b->nreleased, &b->t_last_released);
}

static void watch_line(struct watch *w, const char *line, size_t len)
{
	const json_t *obj, *rv;
	const char *type;
	json_t *j = json_loadb(line, len, 0, NULL);

	if (!j) {
		fprintf(stderr, "bench_failover: watch %s: not JSON: %.200s\n", w->path, line);
		w->b->broken = true;
		return;
	}
	w->events++;
	type = json_string_value(json_object_get(j, "type")) ?: "";
	obj = json_object_get(j, "object");
	if (!strcmp(type, "ERROR")) {
		/* 410 Expired: start again from a full listing. */
		w->rv[0] = '\0';
	} else {
		rv = json_object_get(json_object_get(obj, "metadata"), "resourceVersion");
		if (json_is_string(rv))
			snprintf(w->rv, sizeof(w->rv), "%s", json_string_value(rv));
		if (w->bindings)
			on_binding(w->b, type, obj);
		else
			on_cluster(w->b, type, obj);
	}
	json_decref(j);
}

static void on_watch_chunk(struct evhttp_request *q, void *arg)
{
	struct watch *w = arg;
	struct evbuffer *in = evhttp_request_get_input_buffer(q);
	size_t len = evbuffer_get_length(in), start = 0;
	char *nl;

	w->bytes += len;
	tb_strbuf_grow(&w->buf, len);
	evbuffer_remove(in, w->buf.buf + w->buf.len, len);
	tb_strbuf_setlen(&w->buf, w->buf.len + len);
	while ((nl = memchr(w->buf.buf + start, '\n', w->buf.len - start))) {
		size_t end = (size_t)(nl - w->buf.buf);

		if (end > start)
			watch_line(w, w->buf.buf + start, end - start);
		start = end + 1;
	}
	if (start) {
		memmove(w->buf.buf, w->buf.buf + start, w->buf.len - start);
		tb_strbuf_setlen(&w->buf, w->buf.len - start);
	}
}

static void watch_start(struct watch *w);

static void on_watch_end(struct evhttp_request *q, void *arg)
{
	struct watch *w = arg;
	struct timeval later = { 0, 200000 };

	(void)q;
	/* The stream ended (tugd closed it, or is gone): watch again from where
	 * it stopped, unless tugd is gone, which the tick notices. */
	w->restarts++;
	tb_strbuf_reset(&w->buf);
	evtimer_add(w->retry, &later);
}

static void on_watch_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	watch_start(arg);
}

static void watch_start(struct watch *w)
{
	struct evhttp_request *q = evhttp_request_new(on_watch_end, w);
	char uri[256];

	evhttp_request_set_chunked_cb(q, on_watch_chunk);
	evhttp_add_header(evhttp_request_get_output_headers(q), "Host", "127.0.0.1");
	snprintf(uri, sizeof(uri), "%s?watch=true&resourceVersion=%s", w->path,
		 w->rv[0] ? w->rv : "0");
	if (evhttp_make_request(w->ev, q, EVHTTP_REQ_GET, uri))
		w->b->broken = true;
}

static void watch_init(struct bench *b, struct watch *w, const char *path, bool bindings)
{
	w->b = b;
	w->path = path;
	w->bindings = bindings;
	tb_strbuf_init(&w->buf);
	w->ev = evhttp_connection_base_new(b->base, NULL, "127.0.0.1", (ev_uint16_t)b->tugd.port);
	evhttp_connection_set_timeout(w->ev, 24 * 3600);
	w->retry = evtimer_new(b->base, on_watch_retry, w);
	watch_start(w);
}

static void watch_release(struct watch *w)
{
	if (w->ev)
		evhttp_connection_free(w->ev);
	if (w->retry)
		event_free(w->retry);
	tb_strbuf_release(&w->buf);
}

/* ---- posting objects ---------------------------------------------------------------- */

static void add_job(struct bench *b, const char *path, struct tb_strbuf *body)
{
	TB_GROW(b->jobs, b->jobs_alloc, b->njobs + 1);
	b->jobs[b->njobs].path = tb_strdup(path);
	b->jobs[b->njobs].body = tb_strbuf_detach(body, NULL);
	b->njobs++;
}

static void clear_jobs(struct bench *b)
{
	for (size_t i = 0; i < b->njobs; i++) {
		tb_free(b->jobs[i].path);
		tb_free(b->jobs[i].body);
	}
	b->njobs = b->next_job = b->jobs_done = b->jobs_failed = 0;
}

static void post_next(struct pconn *pc);

static void on_posted(struct evhttp_request *q, void *arg)
{
	struct pconn *pc = arg;
	struct bench *b = pc->b;
	int code = q ? evhttp_request_get_response_code(q) : 0;

	b->jobs_done++;
	if (code != 201 && code != 409) {	/* 409: there already (a rerun) */
		struct evbuffer *in = q ? evhttp_request_get_input_buffer(q) : NULL;
		size_t len = in ? evbuffer_get_length(in) : 0;

		if (b->jobs_failed++ < 3)
			fprintf(stderr, "bench_failover: POST: HTTP %d: %.*s\n", code,
				(int)(len < 300 ? len : 300),
				len ? (const char *)evbuffer_pullup(in, (ssize_t)len) : "no answer");
		return;
	}
	post_next(pc);
}

static void post_next(struct pconn *pc)
{
	struct bench *b = pc->b;
	struct evhttp_request *q;
	struct job *j;

	if (b->next_job == b->njobs || b->jobs_failed)
		return;
	j = &b->jobs[b->next_job++];
	q = evhttp_request_new(on_posted, pc);
	evhttp_add_header(evhttp_request_get_output_headers(q), "Host", "127.0.0.1");
	evhttp_add_header(evhttp_request_get_output_headers(q), "Content-Type",
			  "application/json");
	evbuffer_add(evhttp_request_get_output_buffer(q), j->body, strlen(j->body));
	if (evhttp_make_request(pc->ev, q, EVHTTP_REQ_POST, j->path)) {
		b->jobs_done++;
		b->jobs_failed++;
	}
}

/* ---- the loop ----------------------------------------------------------------------- */

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct bench *b = arg;
	double rss;

	(void)fd;
	(void)what;
	if (proc_ended(&b->tugd) || proc_ended(&b->ms))
		b->broken = true;
	if (b->failing && (rss = proc_mem(b->tugd.pid, "VmRSS:")) > b->rss_peak)
		b->rss_peak = rss;
}

static void on_fault(struct evhttp_request *q, void *arg)
{
	struct bench *b = arg;

	b->fault_code = q ? evhttp_request_get_response_code(q) : 0;
	b->fault_answered = now_ns() - b->t0;
	if (b->fault_code != 200) {
		fprintf(stderr, "bench_failover: tug-membersim refused the fault: HTTP %d\n",
			b->fault_code);
		b->broken = true;
	}
}

static void on_sigint(evutil_socket_t fd, short what, void *arg)
{
	struct bench *b = arg;

	(void)fd;
	(void)what;
	b->interrupted = true;
	event_base_loopbreak(b->base);
}

typedef bool (*pred_fn)(const struct bench *b);

/* Runs the loop until done(b), for at most limit seconds; false on a
 * timeout, an interrupt or a breakage. */
static bool run_until(struct bench *b, pred_fn done, double limit, const char *what)
{
	uint64_t end = now_ns() + (uint64_t)(limit * 1e9);

	while (!done(b)) {
		if (b->interrupted || b->broken)
			return false;
		if (now_ns() > end) {
			if (what)
				fprintf(stderr, "bench_failover: %s: not done after %.0f s\n", what,
					limit);
			return false;
		}
		event_base_loop(b->base, EVLOOP_ONCE);
	}
	return !b->interrupted && !b->broken;
}

static bool never(const struct bench *b)
{
	(void)b;
	return false;
}

/* Keeps the loop (and so the watches) going for s seconds. */
static bool idle_for(struct bench *b, double s)
{
	run_until(b, never, s, NULL);
	return !b->interrupted && !b->broken;
}

static bool posts_done(const struct bench *b)
{
	return b->jobs_done == b->njobs || (b->jobs_failed && b->jobs_done == b->next_job);
}

/* Posts every queued job over POST_CONNS connections. */
static bool post_all(struct bench *b, const char *what)
{
	bool ok;

	for (size_t i = 0; i < POST_CONNS; i++)
		post_next(&b->pc[i]);
	ok = run_until(b, posts_done, 600, what) && !b->jobs_failed;
	if (b->jobs_failed)
		fprintf(stderr, "bench_failover: %s: %zu of %zu requests failed\n", what,
			b->jobs_failed, b->njobs);
	clear_jobs(b);
	return ok;
}

static bool all_ready(const struct bench *b)
{
	return b->nready == b->m;
}

static bool all_converged(const struct bench *b)
{
	return b->nconverged >= b->created && b->nready == b->m;
}

static bool failover_done(const struct bench *b)
{
	return b->nready_else == b->nhit && b->nreleased == b->nhit && b->t_noexecute;
}

/* ---- setup -------------------------------------------------------------------------- */

static bool join_all(struct bench *b, const char *tugctl, const char *kcdir, const char *data)
{
	char kc[4200], tkc[4200], *tok = NULL;
	struct tb_strbuf sb = TB_STRBUF_INIT;
	size_t first = 1, i;
	int st;

	/* member1 the way an operator joins a member. */
	if (tugctl && access(tugctl, X_OK) == 0) {
		pid_t pid;

		snprintf(kc, sizeof(kc), "%s/member1.kubeconfig", kcdir);
		snprintf(tkc, sizeof(tkc), "%s/kubeconfig", data);
		if ((pid = fork()) == 0) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd >= 0)
				dup2(fd, 1);
			execl(tugctl, tugctl, "join", "member1", "--cluster-kubeconfig", kc,
			      "--kubeconfig", tkc, (char *)NULL);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "bench_failover: tugctl join member1 failed\n");
			return false;
		}
		first = 2;
	}
	/* The others: the same Secret and Cluster, straight through the API. */
	tok = tb_strdup("YmVuY2gtZmFpbG92ZXItdG9rZW4=");	/* base64 of TOKEN */
	for (i = first; i <= b->m; i++) {
		tb_strbuf_addf(&sb, "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":"
			       "{\"name\":\"member%zu\",\"namespace\":\"karmada-cluster\",\"labels\":"
			       "{\"cluster.karmada.io/name\":\"member%zu\"}},\"type\":\"Opaque\","
			       "\"data\":{\"token\":\"%s\"}}", i, i, tok);
		add_job(b, SECRETS, &sb);
	}
	tb_free(tok);
	if (!post_all(b, "creating the Secrets"))
		return false;
	for (i = first; i <= b->m; i++) {
		tb_strbuf_addf(&sb, "{\"apiVersion\":\"cluster.karmada.io/v1alpha1\",\"kind\":"
			       "\"Cluster\",\"metadata\":{\"name\":\"member%zu\"},\"spec\":{"
			       "\"syncMode\":\"Push\",\"apiEndpoint\":"
			       "\"http://127.0.0.1:%d/clusters/member%zu\",\"secretRef\":"
			       "{\"namespace\":\"karmada-cluster\",\"name\":\"member%zu\"}}}", i,
			       b->ms.port, i, i);
		add_job(b, CLUSTERS, &sb);
	}
	return post_all(b, "creating the Clusters");
}

/* The members of group g's placement: member1 and two others, or (off)
 * three others, from 2..m round-robin. */
static void group_members(const struct bench *b, size_t g, bool off, size_t ret[3])
{
	size_t others = b->m - 1;

	ret[0] = off ? 2 + (g + 2) % others : 1;
	ret[1] = 2 + g % others;
	ret[2] = 2 + (g + 1) % others;
}

static bool on_member1(const struct bench *b, size_t i)
{
	return i % b->stride == 0;
}

/* Deployments [from, to). */
static bool deploy_range(struct bench *b, size_t from, size_t to)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;

	for (size_t i = from; i < to; i++) {
		tb_strbuf_addf(&sb, "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":"
			"{\"name\":\"app-%zu\",\"namespace\":\"default\",\"labels\":{\"app\":"
			"\"app-%zu\",\"bench-group\":\"%c%zu\"}},\"spec\":{\"replicas\":%d,"
			"\"selector\":{\"matchLabels\":{\"app\":\"app-%zu\"}},\"template\":{"
			"\"metadata\":{\"labels\":{\"app\":\"app-%zu\"}},\"spec\":{\"containers\":"
			"[{\"name\":\"app\",\"image\":\"registry.example.com/app:1.0\",\"resources\":"
			"{\"requests\":{\"cpu\":\"10m\",\"memory\":\"16Mi\"}}}]}}}}",
			i, i, on_member1(b, i) ? 'g' : 'h', i % b->groups, b->replicas, i, i);
		add_job(b, DEPLOYS, &sb);
	}
	return post_all(b, "creating the Deployments");
}

static bool create_policies(struct bench *b)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	size_t g, k[3];
	bool off;

	/* Groups "g" hold member1; groups "h" (when not every binding is on
	 * member1) three other members. */
	for (g = 0; g < 2 * b->groups; g++) {
		if ((off = g >= b->groups) && b->stride == 1)
			break;
		group_members(b, g % b->groups, off, k);
		tb_strbuf_addf(&sb, "{\"apiVersion\":\"policy.karmada.io/v1alpha1\",\"kind\":"
			"\"PropagationPolicy\",\"metadata\":{\"name\":\"bench-%c%zu\",\"namespace\":"
			"\"default\"},\"spec\":{\"resourceSelectors\":[{\"apiVersion\":\"apps/v1\","
			"\"kind\":\"Deployment\",\"labelSelector\":{\"matchLabels\":{\"bench-group\":"
			"\"%c%zu\"}}}],\"placement\":{\"clusterAffinity\":{\"clusterNames\":"
			"[\"member%zu\",\"member%zu\",\"member%zu\"]},\"replicaScheduling\":{"
			"\"replicaSchedulingType\":\"Divided\",\"replicaDivisionPreference\":"
			"\"Weighted\",\"weightPreference\":{\"staticWeightList\":["
			"{\"targetCluster\":{\"clusterNames\":[\"member%zu\"]},\"weight\":1},"
			"{\"targetCluster\":{\"clusterNames\":[\"member%zu\"]},\"weight\":1},"
			"{\"targetCluster\":{\"clusterNames\":[\"member%zu\"]},\"weight\":1}]}}}}}",
			off ? 'h' : 'g', g % b->groups, off ? 'h' : 'g', g % b->groups, k[0], k[1],
			k[2], k[0], k[1], k[2]);
		add_job(b, POLICIES, &sb);
	}
	return post_all(b, "creating the PropagationPolicies");
}

/* ---- measuring ---------------------------------------------------------------------- */

struct sample {
	double tugd, ms, self;
	uint64_t t;
};

static struct sample sample(const struct bench *b)
{
	return (struct sample){ proc_cpu(b->tugd.pid), proc_cpu(b->ms.pid), self_cpu(), now_ns() };
}

/* Share of one core between two samples: [0] tugd, [1] membersim, [2] us. */
static void cpu_share(const struct sample *a, const struct sample *z, double ret[3])
{
	double dt = secs(z->t - a->t);

	ret[0] = (z->tugd - a->tugd) / dt;
	ret[1] = (z->ms - a->ms) / dt;
	ret[2] = (z->self - a->self) / dt;
}

/* Idle figures over s seconds; returns tugd's share of a core. */
static double measure_idle(struct bench *b, const char *what, double s, bool *ok)
{
	struct sample a = sample(b), z;
	double share[3];

	*ok = idle_for(b, s);
	z = sample(b);
	cpu_share(&a, &z, share);
	printf("idle, %s: tugd %.2f%% of a core over %.1f s, RSS %.1f MiB; tug-membersim "
	       "%.2f%%, this client %.2f%%\n", what, share[0] * 100, secs(z.t - a.t),
	       proc_mem(b->tugd.pid, "VmRSS:") / 1048576, share[1] * 100, share[2] * 100);
	return share[0];
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* "first / median / last" of one per-binding time, in s after the kill. */
static void spread(const struct bench *b, size_t off, char *out, size_t n)
{
	uint64_t *v = tb_calloc(b->nhit ? b->nhit : 1, sizeof(*v));
	size_t k = 0;

	for (size_t i = 0; i < b->n; i++) {
		uint64_t t = *(const uint64_t *)((const char *)&b->bs[i] + off);

		if (b->bs[i].hit && t)
			v[k++] = t;
	}
	qsort(v, k, sizeof(*v), cmp_u64);
	if (k)
		snprintf(out, n, "first %.2f, median %.2f, last %.2f s", secs(v[0]), secs(v[k / 2]),
			 secs(v[k - 1]));
	else
		snprintf(out, n, "none");
	tb_free(v);
}

static void at(const char *what, uint64_t t, const char *more)
{
	if (t)
		printf("  +%6.2f s  %s%s\n", secs(t), what, more ? more : "");
	else
		printf("      never  %s\n", what);
}

static void verdict(const char *what, double v, double target, const char *unit, double scale)
{
	printf("  %-44s %7.2f%s of %s%.2f%s = %.2fx  %s\n", what, v * scale, unit,
	       *unit == '%' ? "< " : "<= ", target * scale, unit, v / target,
	       v <= target ? "met" : "NOT MET");
}

/* ---- main --------------------------------------------------------------------------- */

struct opts {
	const char *tugd, *ms, *tugctl, *ready_delay;
	double m, n, replicas, idle, wave, victim;
	char **extra;
	int nextra;
};

static void usage(void)
{
	fprintf(stderr,
		"Usage: bench_failover [--tugd PATH] [--membersim PATH] [--tugctl PATH]\n"
		"                      [--members M] [--bindings B] [--replicas R]\n"
		"                      [--ready-delay D] [--idle S] [--wave N]\n"
		"                      [--victim-bindings K] [-- TUGD-FLAG...]\n"
		"Defaults: --tugd build/tugd --membersim build/tug-membersim --tugctl build/tugctl\n"
		"          --members 100 --bindings 1000 --replicas 3 --ready-delay 500ms --idle 10\n"
		"          --wave 1000 (Deployments created at a time, each wave settling first)\n"
		"          --victim-bindings min(B, 1000) (bindings with a share on member1)\n");
	exit(2);
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	const struct bench_flag flags[] = {
		{ "--tugd", &o->tugd, NULL }, { "--membersim", &o->ms, NULL },
		{ "--tugctl", &o->tugctl, NULL }, { "--ready-delay", &o->ready_delay, NULL },
		{ "--members", NULL, &o->m }, { "--bindings", NULL, &o->n },
		{ "--replicas", NULL, &o->replicas }, { "--idle", NULL, &o->idle },
		{ "--wave", NULL, &o->wave }, { "--victim-bindings", NULL, &o->victim },
	};
	int i = bench_parse_flags(argc, argv, flags, sizeof(flags) / sizeof(flags[0]), usage);

	o->extra = argv + i;	/* tugd's own flags, after "--" */
	o->nextra = argc - i;
	if (o->m < 3 || o->nextra > MAX_ARGS - 24)
		usage();
}

/* The failover settings tugd runs with, from its own --help. */
static void print_settings(char *const targv[])
{
	struct tb_strbuf cmd = TB_STRBUF_INIT;
	char line[512];
	FILE *p;
	int i;

	for (i = 0; targv[i]; i++)
		tb_strbuf_addf(&cmd, "'%s' ", targv[i]);
	tb_strbuf_adds(&cmd, "--help 2>&1");
	if (!(p = popen(cmd.buf, "r")))
		goto out;
	printf("tugd failover settings:");
	for (i = 0; fgets(line, sizeof(line), p);) {
		char *eq, *sp;

		if (strncmp(line, "  --", 4) || !(eq = strchr(line, '=')) ||
		    ((sp = strchr(line + 2, ' ')) && sp < eq))
			continue;
		line[strcspn(line, "\n")] = '\0';
		printf("%s%s", i++ % 3 ? "  " : "\n  ", line + 2);
	}
	printf("\n");
	pclose(p);
out:
	tb_strbuf_release(&cmd);
}

int main(int argc, char **argv)
{
	struct opts o = { .tugd = "build/tugd", .ms = "build/tug-membersim",
			  .tugctl = "build/tugctl", .ready_delay = "500ms", .m = 100, .n = 1000,
			  .replicas = 3, .idle = 10, .wave = 1000 };
	struct bench b = { .tugd.what = "tugd", .ms.what = "tug-membersim" };
	char tmp[] = "/tmp/bench_failover.XXXXXX", data[4096], kcdir[4096], rate[32], burst[32];
	char clusters[32], more[160], *targv[MAX_ARGS], *margv[32];
	double idle_probe = 0, idle_full, cpu0, cpu_resched = 0, cpu_end = 0, rss0, load[1];
	double per_probe, limit;
	size_t nvictim;
	struct event_config *cfg;
	struct sample s0, s1;
	uint64_t t;
	bool ok = false, okm, hwm;
	size_t i;
	int k = 0;

	parse_args(argc, argv, &o);
	b.m = (size_t)o.m;
	b.n = (size_t)o.n;
	b.replicas = (int)o.replicas;
	b.groups = b.m - 1;
	/* member1 holds min(B, 1000) bindings unless told otherwise: all of
	 * them up to Karmada's measured 1,000; beyond, the others spread over
	 * the fleet (one member holding 10,000 of them would make its lists
	 * the whole simulator's bottleneck). */
	nvictim = o.victim > 0 ? (size_t)o.victim : b.n < 1000 ? b.n : 1000;
	if (nvictim > b.n)
		nvictim = b.n;
	b.stride = b.n / (nvictim ? nvictim : 1);
	if (b.stride > 1 && b.m < 4)
		b.stride = 1;	/* three others are needed for the rest */
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!mkdtemp(tmp)) {
		perror("bench_failover: mkdtemp");
		return 1;
	}
	snprintf(data, sizeof(data), "%s/data", tmp);
	snprintf(kcdir, sizeof(kcdir), "%s/members", tmp);
	snprintf(b.tugd.log, sizeof(b.tugd.log), "%s/tugd.log", tmp);
	snprintf(b.ms.log, sizeof(b.ms.log), "%s/membersim.log", tmp);
	mkdir(kcdir, 0700);
	printf("== bench_failover: %zu members x %zu bindings ==\n", b.m, b.n);
	if (getloadavg(load, 1) == 1)	/* everything shares the machine */
		printf("machine: %ld CPUs, load average %.2f before the run\n",
		       sysconf(_SC_NPROCESSORS_ONLN), load[0]);

	/* 1. The members: room for every replica member1 holds (one of each
	 * binding, 10m cpu and 16Mi each) on every member. */
	snprintf(clusters, sizeof(clusters), "%zu", b.m);
	margv[0] = (char *)o.ms;
	margv[1] = "--listen";
	margv[2] = "127.0.0.1:0";
	margv[3] = "--clusters";
	margv[4] = clusters;
	margv[5] = "--nodes";
	margv[6] = "4";
	margv[7] = "--node-cpu";
	margv[8] = "64";
	margv[9] = "--node-memory";
	margv[10] = "256Gi";
	margv[11] = "--node-pods";
	margv[12] = "5000";
	margv[13] = "--ready-delay";
	margv[14] = (char *)o.ready_delay;
	margv[15] = "--token";
	margv[16] = TOKEN;
	margv[17] = "--kubeconfig-dir";
	margv[18] = kcdir;
	margv[19] = NULL;
	if (!spawn(&b.ms, margv, MS_SERVING))
		goto out;
	printf("tug-membersim: pid %d, %zu clusters on http://127.0.0.1:%d, each 4 nodes of 64 "
	       "cpu, 256Gi, 5000 pods; a replica is ready %s after it gets a node\n",
	       (int)b.ms.pid, b.m, b.ms.port, o.ready_delay);

	/* 2. tugd. The eviction rate limit (1000/s, burst 1000 by default) is
	 * raised to B so that the figures are tugd's speed, not the limit's. */
	snprintf(rate, sizeof(rate), "%zu", b.n > 1000 ? b.n : 1000);
	snprintf(burst, sizeof(burst), "%zu", b.n > 1000 ? b.n : 1000);
	targv[k++] = (char *)o.tugd;
	targv[k++] = "--data";
	targv[k++] = data;
	targv[k++] = "--listen";
	targv[k++] = "127.0.0.1:0";
	targv[k++] = "--profile";
	targv[k++] = "fast";
	targv[k++] = "--cluster-status-update-frequency";
	targv[k++] = "1s";
	targv[k++] = "--default-not-ready-toleration-seconds";
	targv[k++] = "0";
	targv[k++] = "--default-unreachable-toleration-seconds";
	targv[k++] = "0";
	targv[k++] = "--resource-eviction-rate";
	targv[k++] = rate;
	targv[k++] = "--resource-eviction-burst";
	targv[k++] = burst;
	for (int e = 0; e < o.nextra; e++)
		targv[k++] = o.extra[e];
	targv[k] = NULL;
	if (!spawn(&b.tugd, targv, TUGD_SERVING))
		goto out;
	printf("tugd: pid %d, http://127.0.0.1:%d, data %s\n  ", (int)b.tugd.pid, b.tugd.port,
	       data);
	for (i = 1; targv[i]; i++)
		printf("%s%s", targv[i], targv[i + 1] ? " " : "\n");
	print_settings(targv);
	nvictim = (b.n + b.stride - 1) / b.stride;
	printf("placement: every Deployment (%d replicas of 10m cpu, 16Mi) is Divided/Weighted "
	       "1:1:1 over three\n  members, one PropagationPolicy per trio (label selector): "
	       "%zu of the %zu (1 in %zu) over member1,\n  the member killed, and a pair of "
	       "the others round-robin, the rest over three of the\n  others. member1 holds a "
	       "share of %zu bindings, each other member about %.0f; its loss\n  evicts those "
	       "%zu, each moving its share onto the two survivors of its placement\n  "
	       "(distributed migration)\n", b.replicas, nvictim, b.n, b.stride, nvictim,
	       (2.0 * (double)nvictim + 3.0 * (double)(b.n - nvictim)) / (double)b.groups,
	       nvictim);

	cfg = event_config_new();
	event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
	b.base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	b.tick = event_new(b.base, -1, EV_PERSIST, on_tick, &b);
	event_add(b.tick, &(struct timeval){ 0, TICK_MS * 1000 });
	b.sigint = evsignal_new(b.base, SIGINT, on_sigint, &b);
	evsignal_add(b.sigint, NULL);
	b.ready = tb_calloc(b.m + 1, sizeof(*b.ready));
	b.bs = tb_calloc(b.n, sizeof(*b.bs));
	for (i = 0; i < POST_CONNS; i++) {
		b.pc[i].b = &b;
		b.pc[i].ev = evhttp_connection_base_new(b.base, NULL, "127.0.0.1",
							(ev_uint16_t)b.tugd.port);
		evhttp_connection_set_timeout(b.pc[i].ev, 60);
	}
	b.t0 = now_ns();
	watch_init(&b, &b.wc, CLUSTERS, false);
	watch_init(&b, &b.wb, BINDINGS, true);

	/* 3. Join, and idle with the members alone. */
	t = now_ns();
	if (!join_all(&b, o.tugctl, kcdir, data))
		goto out;
	printf("join: member1 with tugctl join, the other %zu by their Secret and Cluster through "
	       "the API, in %.2f s\n", b.m - 1, secs(now_ns() - t));
	if (!run_until(&b, all_ready, 60 + (double)b.m / 20, "waiting for every member Ready"))
		goto out;
	printf("  all %zu members Ready %.2f s after the first was joined\n", b.m,
	       secs(now_ns() - t));
	idle_for(&b, 2);	/* the first status collection */
	idle_probe = measure_idle(&b, "members only", o.idle, &okm);
	if (!okm)
		goto out;

	/* 4. The workloads, in waves of o.wave, each until every replica
	 * so far is ready: the failover starts from a settled system. */
	t = now_ns();
	if (!create_policies(&b))
		goto out;
	while (b.created < b.n) {
		size_t to = b.created + (size_t)o.wave < b.n ? b.created + (size_t)o.wave : b.n;

		if (!deploy_range(&b, b.created, to))
			goto out;
		b.created = to;
		limit = 120 + o.wave / 10;
		if (!run_until(&b, all_converged, limit, "waiting for the bindings applied and "
			       "ready")) {
			fprintf(stderr, "bench_failover: %zu of %zu created bindings seen, %zu "
				"settled (placed, ready, no eviction under way), %zu of %zu "
				"members Ready\n", b.nseen, b.created, b.nconverged, b.nready, b.m);
			goto out;
		}
		printf("  %zu bindings settled %.1f s after the first was created; false alarms so "
		       "far: %zu\n", b.created, secs(now_ns() - t), b.false_alarms);
	}
	printf("workloads: %zu policies and %zu Deployments (waves of %.0f) all scheduled, "
	       "applied and ready\n  (%zu replicas on %zu members) %.2f s after the first was "
	       "created: %.0f bindings/s\n", b.stride > 1 ? 2 * b.groups : b.groups, b.n, o.wave, b.n * (size_t)b.replicas,
	       b.m, secs(now_ns() - t), (double)b.n / secs(now_ns() - t));
	printf("  false alarms so far: %zu times a healthy member was seen Ready=False\n",
	       b.false_alarms);
	idle_for(&b, 3);
	idle_full = measure_idle(&b, "with the workloads", o.idle, &okm);
	if (!okm)
		goto out;

	/* 5. The failover. */
	for (i = 0; i < b.n; i++)
		if ((b.bs[i].hit = b.bs[i].on_victim))
			b.nhit++;
	if (!b.nhit) {
		fprintf(stderr, "bench_failover: no binding is on member1: nothing to fail over\n");
		goto out;
	}
	b.false_alarms = 0;
	hwm = reset_peak(b.tugd.pid);
	rss0 = proc_mem(b.tugd.pid, "VmRSS:");
	b.rss_peak = rss0;
	b.wb.events = b.wb.bytes = 0;
	s0 = sample(&b);
	cpu0 = s0.tugd;
	{
		struct evhttp_connection *ev = evhttp_connection_base_new(b.base, NULL, "127.0.0.1",
									  (ev_uint16_t)b.ms.port);
		struct evhttp_request *q = evhttp_request_new(on_fault, &b);
		const char *body = "{\"mode\":\"down\"}";

		evhttp_add_header(evhttp_request_get_output_headers(q), "Host", "127.0.0.1");
		evbuffer_add(evhttp_request_get_output_buffer(q), body, strlen(body));
		b.failing = true;
		b.t0 = now_ns();
		b.t0_wall_ms = wall_ms();
		if (evhttp_make_request(ev, q, EVHTTP_REQ_POST, "/admin/clusters/member1/fault")) {
			fprintf(stderr, "bench_failover: cannot reach tug-membersim's admin API\n");
			evhttp_connection_free(ev);
			goto out;
		}
		/* The connection is freed with the base. */
	}
	printf("failover: member1 set \"down\" (every connection closed without an answer) with "
	       "%zu of %zu bindings on it\n  (times after the kill as the watch events arrived; "
	       "in brackets by tugd's own clock)\n", b.nhit, b.n);
	limit = 120 + (double)b.n / 50;
	while (!failover_done(&b)) {
		if (!run_until(&b, failover_done, 0.05, NULL) && (b.interrupted || b.broken))
			goto out;
		if (!cpu_resched && b.nhit && b.nresched == b.nhit)
			cpu_resched = proc_cpu(b.tugd.pid);
		if (secs(now_ns() - b.t0) > limit) {
			fprintf(stderr, "bench_failover: failover not done after %.0f s: %zu of %zu "
				"bindings evicted, %zu rescheduled, %zu ready elsewhere, %zu "
				"released\n", limit, b.nhit, b.nevicted, b.nresched, b.nready_else,
				b.nreleased);
			goto out;
		}
	}
	s1 = sample(&b);
	cpu_end = s1.tugd;
	if (!cpu_resched)
		cpu_resched = cpu_end;
	if (hwm)
		b.rss_peak = proc_mem(b.tugd.pid, "VmHWM:");
	snprintf(more, sizeof(more), " (%s) [%.2f s]", b.notready_reason, b.w_notready / 1e3);
	at("member1 Ready=False", b.t_notready, more);
	at("NoSchedule taint", b.t_noschedule, NULL);
	snprintf(more, sizeof(more), " [%.2f s]", b.w_noexecute / 1e3);
	at("NoExecute taint: eviction starts", b.t_noexecute, more);
	spread(&b, offsetof(struct bnd, t_evicted), more, sizeof(more));
	at("every binding evicted from member1: ", b.t_last_evicted, more);
	spread(&b, offsetof(struct bnd, t_resched), more, sizeof(more));
	snprintf(more + strlen(more), sizeof(more) - strlen(more), " [last %.2f s]",
		 b.w_last_resched / 1e3);
	at("every binding rescheduled off member1: ", b.t_last_resched, more);
	spread(&b, offsetof(struct bnd, t_applied), more, sizeof(more));
	at("every survivor's Deployment scaled up: ", b.t_last_applied, more);
	spread(&b, offsetof(struct bnd, t_ready), more, sizeof(more));
	at("every replica ready elsewhere: ", b.t_last_ready, more);
	at("every graceful eviction task released", b.t_last_released, NULL);
	printf("  tugd: %.2f CPU s from the kill to the last rescheduling, %.2f to the last "
	       "release (%.0f%% of a core over %.1f s);\n        RSS %.1f MiB before, peak %.1f "
	       "MiB (%s)\n", cpu_resched - cpu0, cpu_end - cpu0,
	       100 * (cpu_end - cpu0) / secs(s1.t - s0.t), secs(s1.t - s0.t), rss0 / 1048576,
	       b.rss_peak / 1048576, hwm ? "VmHWM" : "VmRSS sampled every 20 ms");
	printf("  this client: %.2f CPU s, %llu binding events (%.1f MiB) read from the watch\n",
	       s1.self - s0.self, (unsigned long long)b.wb.events, (double)b.wb.bytes / 1048576);
	printf("  false alarms: %zu times a surviving member was seen Ready=False\n",
	       b.false_alarms);

	/* 6. Against the targets. */
	per_probe = idle_probe / (double)b.m;	/* one probe a second per member */
	printf("targets:\n");
	verdict("detection (kill to Ready=False)", secs(b.t_notready), TARGET_DETECT_S, " s", 1);
	if (b.t_noexecute && b.t_last_resched >= b.t_noexecute)
		verdict("rescheduling (NoExecute to last rescheduled)",
			secs(b.t_last_resched - b.t_noexecute), TARGET_RESCHED_S, " s", 1);
	if (b.w_noexecute && b.w_last_resched >= b.w_noexecute)
		verdict("  the same by tugd's clock", (double)(b.w_last_resched - b.w_noexecute) /
			1e3, TARGET_RESCHED_S, " s", 1);
	verdict("probing at 1 Hz, idle (share of a core)", idle_probe, TARGET_PROBE_CORE, "%",
		100);
	if (b.m != TARGET_PROBE_MEMBERS)
		printf("  (%zu members probed: %.1f us of CPU a probe, %.2f%% of a core for %d)\n",
		       b.m, per_probe * 1e6, per_probe * TARGET_PROBE_MEMBERS * 100,
		       TARGET_PROBE_MEMBERS);
	printf("  idle with the workloads: %.2f%% of a core\n", idle_full * 100);
	printf("Karmada v1.13.10, fastest flags (notes/karmada-measured.md): Ready=False 1.1-1.7 s, "
	       "NoExecute 2.5-3.3 s;\n  1,000 bindings reassigned 89.5 s and member Deployments "
	       "updated 102.9 s after the kill\n");
	ok = true;
out:
	if (b.interrupted)
		fprintf(stderr, "bench_failover: interrupted\n");
	if (!ok && !b.interrupted) {
		if (b.tugd.pid)
			tail_log(&b.tugd);
		if (b.ms.pid && b.ms.exited)
			tail_log(&b.ms);
	}
	watch_release(&b.wc);
	watch_release(&b.wb);
	for (i = 0; i < POST_CONNS; i++)
		if (b.pc[i].ev)
			evhttp_connection_free(b.pc[i].ev);
	if (b.tick)
		event_free(b.tick);
	if (b.sigint)
		event_free(b.sigint);
	if (b.base)
		event_base_free(b.base);
	proc_stop(&b.tugd);
	proc_stop(&b.ms);
	if (getenv("BENCH_FAILOVER_KEEP"))	/* to read the logs afterwards */
		fprintf(stderr, "bench_failover: kept %s\n", tmp);
	else
		nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	clear_jobs(&b);
	tb_free(b.jobs);
	tb_free(b.ready);
	tb_free(b.bs);
	return ok ? 0 : 1;
}
