/* tugctl validate: decode, default and validate manifests offline, the way
 * tugd (and Karmada's API server and webhooks) will when they are applied.
 * Exit 0 when every object is valid, 1 when any is not, 2 on usage errors. */
#include "api/codec.h"
#include "api/object.h"
#include "api/yaml.h"
#include "cmd/cli.h"
#include "lib/mem.h"

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum out_format { OUT_NONE, OUT_YAML, OUT_JSON };

struct validate_ctx {
	enum out_format out;
	struct tb_policy_defaults defaults;
	int64_t now_ms;
	FILE *report;		/* stdout, or stderr when objects go to stdout */
	json_t *printed;	/* objects to print, in order */
	int failed;
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: tugctl validate -f FILE|DIR|- [-f ...] [flags]\n"
"\n"
"Decodes every object (multi-document YAML, JSON, kind: List), applies the\n"
"defaults the server would (Karmada's webhook and CRD defaults), validates it,\n"
"and prints '<file>: <Kind>/<name>: ok' or each error with its field path.\n"
"Exits 1 if any object has an error.\n"
"\n"
"Flags:\n"
"  -f, --filename PATH     file, directory (*.yaml, *.yml, *.json) or - for stdin\n"
"  -R, --recursive         descend into subdirectories of directory arguments\n"
"  -o, --output FORMAT     also print the defaulted objects: yaml or json\n"
"                          (the ok/error report then goes to stderr)\n"
"  -n, --namespace NS      namespace for namespaced objects without one (default \"default\")\n"
"      --default-not-ready-toleration-seconds N\n"
"                          toleration added to policies for cluster.karmada.io/not-ready\n"
"                          (default 300, as Karmada; -1 adds none)\n"
"      --default-unreachable-toleration-seconds N\n"
"                          the same for cluster.karmada.io/unreachable (default 300)\n");
}

static void report_errs(struct validate_ctx *c, const char *file, const char *what,
			const struct tb_errs *e)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	size_t i;

	for (i = 0; i < e->n; i++) {
		tb_strbuf_reset(&sb);
		tb_ferr_format(&e->v[i], &sb);
		fprintf(c->report, "%s: %s: %s\n", file, what, sb.buf);
	}
	tb_strbuf_release(&sb);
	c->failed = 1;
}

static void describe(const struct tb_doc *d, const struct tb_object *o, char *buf, size_t n)
{
	const json_t *k = json_object_get(d->json, "kind");
	const json_t *md = json_object_get(d->json, "metadata");
	const json_t *nm = json_object_get(md, "name");
	const char *name = o && o->kind ? tb_object_name(o) : NULL;

	if (!name && json_is_string(nm))
		name = json_string_value(nm);
	if (json_is_string(k) && name)
		snprintf(buf, n, "%s/%s", json_string_value(k), name);
	else if (json_is_string(k))
		snprintf(buf, n, "%s (line %u)", json_string_value(k), d->line);
	else if (d->item >= 0)
		snprintf(buf, n, "item %ld of the list at line %u", d->item, d->line);
	else
		snprintf(buf, n, "document at line %u", d->line);
}

static void validate_doc(struct validate_ctx *c, const char *file, const struct tb_doc *d)
{
	struct tb_errs errs = TB_ERRS_INIT;
	struct tb_object o = TB_OBJECT_INIT;
	char what[320];

	tb_object_admit(d->json, &o, &c->defaults, c->now_ms, &errs);
	describe(d, &o, what, sizeof(what));
	if (errs.n) {
		report_errs(c, file, what, &errs);
	} else {
		fprintf(c->report, "%s: %s: ok\n", file, what);
		if (c->out != OUT_NONE)
			json_array_append_new(c->printed, tb_object_encode(&o));
	}
	tb_object_release(&o);
	tb_errs_release(&errs);
}

static void validate_file(struct validate_ctx *c, const char *path)
{
	struct tb_docs docs = TB_DOCS_INIT;
	struct tb_err err = TB_ERR_INIT;
	char *buf = NULL;
	size_t len, i;
	int rc;

	if (tb_cli_read_file(path, &buf, &len, &err) < 0) {
		fprintf(c->report, "%s: %s\n", path, err.msg);
		c->failed = 1;
		return;
	}
	rc = tb_codec_decode(buf, len, &docs, &err);
	for (i = 0; i < docs.n; i++)
		validate_doc(c, path, &docs.v[i]);
	if (rc < 0) {
		fprintf(c->report, "%s: %s\n", path, err.msg);
		c->failed = 1;
	} else if (!docs.n) {
		fprintf(c->report, "%s: no objects found\n", path);
	}
	tb_docs_release(&docs);
	tb_free(buf);
}

static int has_manifest_ext(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml") || !strcmp(dot, ".json"));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* kubectl -f DIR: the directory's manifest files, in name order. */
static void validate_path(struct validate_ctx *c, const char *path, int recursive, int top)
{
	char **names = NULL, *full;
	size_t n = 0, alloc = 0, i;
	struct dirent *de;
	struct stat st;
	DIR *dir;

	if (strcmp(path, "-") == 0 || stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		validate_file(c, path);
		return;
	}
	if (!top && !recursive)
		return;
	dir = opendir(path);
	if (!dir) {
		fprintf(c->report, "%s: cannot open directory\n", path);
		c->failed = 1;
		return;
	}
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		TB_GROW(names, alloc, n + 1);
		names[n++] = tb_strdup(de->d_name);
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		size_t len = strlen(path) + strlen(names[i]) + 2;
		full = tb_malloc(len);
		snprintf(full, len, "%s/%s", path, names[i]);
		if (stat(full, &st) == 0 && S_ISDIR(st.st_mode))
			validate_path(c, full, recursive, 0);
		else if (has_manifest_ext(names[i]))
			validate_file(c, full);
		tb_free(full);
		tb_free(names[i]);
	}
	tb_free(names);
}

static void print_objects(struct validate_ctx *c)
{
	struct tb_strbuf sb = TB_STRBUF_INIT;
	json_t *list, *it;
	size_t i;

	if (c->out == OUT_JSON) {
		if (json_array_size(c->printed) == 1) {
			tb_codec_emit_json(json_array_get(c->printed, 0), &sb);
		} else {
			list = json_pack("{s:s, s:s, s:O, s:{}}", "apiVersion", "v1",
					 "kind", "List", "items", c->printed, "metadata");
			tb_codec_emit_json(list, &sb);
			json_decref(list);
		}
	} else {
		json_array_foreach(c->printed, i, it) {
			if (i)
				tb_strbuf_adds(&sb, "---\n");
			tb_yaml_emit(it, &sb);
		}
	}
	fwrite(sb.buf, 1, sb.len, stdout);
	tb_strbuf_release(&sb);
}

int tb_cmd_validate(int argc, char **argv)
{
	enum { OPT_NOT_READY = 256, OPT_UNREACHABLE };
	static const struct option opts[] = {
		{ "filename", required_argument, NULL, 'f' },
		{ "recursive", no_argument, NULL, 'R' },
		{ "output", required_argument, NULL, 'o' },
		{ "namespace", required_argument, NULL, 'n' },
		{ "default-not-ready-toleration-seconds", required_argument, NULL, OPT_NOT_READY },
		{ "default-unreachable-toleration-seconds", required_argument, NULL,
		  OPT_UNREACHABLE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct validate_ctx c = {
		.defaults = TB_POLICY_DEFAULTS_INIT,
		.report = stdout,
	};
	const char **files = NULL;
	size_t nfiles = 0, alloc = 0, i;
	int recursive = 0, opt;
	int64_t v;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:Ro:n:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			TB_GROW(files, alloc, nfiles + 1);
			files[nfiles++] = optarg;
			break;
		case 'R':
			recursive = 1;
			break;
		case 'o':
			if (!strcmp(optarg, "yaml")) {
				c.out = OUT_YAML;
			} else if (!strcmp(optarg, "json")) {
				c.out = OUT_JSON;
			} else {
				fprintf(stderr, "tugctl validate: unsupported output format "
					"\"%s\": use yaml or json\n", optarg);
				tb_free(files);
				return 2;
			}
			break;
		case 'n':
			c.defaults.namespace_ = optarg;
			break;
		case OPT_NOT_READY:
		case OPT_UNREACHABLE:
			if (tb_cli_parse_int(optarg, &v) < 0 || v < -1) {
				fprintf(stderr, "tugctl validate: --%s: invalid value \"%s\": "
					"expected seconds (an integer >= 0, or -1 for none)\n",
					opt == OPT_NOT_READY ? opts[4].name : opts[5].name, optarg);
				tb_free(files);
				return 2;
			}
			if (opt == OPT_NOT_READY)
				c.defaults.not_ready_toleration_seconds = v;
			else
				c.defaults.unreachable_toleration_seconds = v;
			break;
		case 'h':
			usage(stdout);
			tb_free(files);
			return 0;
		default:
			usage(stderr);
			tb_free(files);
			return 2;
		}
	}
	if (optind < argc || !nfiles) {
		if (optind < argc)
			fprintf(stderr, "tugctl validate: unexpected argument \"%s\"\n", argv[optind]);
		else
			fprintf(stderr, "tugctl validate: no input: give -f FILE, DIR or -\n");
		usage(stderr);
		tb_free(files);
		return 2;
	}
	if (c.out != OUT_NONE) {
		c.report = stderr;
		c.printed = json_array();
	}
	c.now_ms = tb_cli_now_ms();
	for (i = 0; i < nfiles; i++)
		validate_path(&c, files[i], recursive, 1);
	if (c.out != OUT_NONE && json_array_size(c.printed))
		print_objects(&c);
	json_decref(c.printed);
	tb_free(files);
	return c.failed ? 1 : 0;
}
