/* tugd's Kubernetes-style HTTP API on libevent: discovery, OpenAPI, CRUD,
 * patch, watch and Tables for every kind in the registry (src/api/object.c),
 * backed by the store. It admits objects with the same code as tugctl
 * validate, so kubectl sees the same field-path errors. One thread, the
 * caller's event loop. */
#ifndef TB_SERVER_H
#define TB_SERVER_H

#include <event2/event.h>
#include <event2/http.h>
#include <stdint.h>

#include "api/policy.h"
#include "lib/err.h"
#include "store/store.h"

struct tb_server;

struct tb_server_opts {
	const char *address;		/* "127.0.0.1" */
	int port;			/* 0: pick a free port */
	struct tb_policy_defaults defaults;	/* tolerations added to policies */
	int64_t (*now_ms)(void);	/* the wall clock (the shell's) */
};

int tb_server_new(struct tb_server **ret, struct event_base *base, struct tb_store *store,
		  const struct tb_server_opts *o, struct tb_err *err);
int tb_server_port(const struct tb_server *s);
void tb_server_free(struct tb_server *s);

#endif
