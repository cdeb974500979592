/* Kubernetes name and label rules, hand-written matchers for the regexes of
 * apimachinery's validation package (no regex engine needed for these). */
#include "api/names.h"
#include "lib/hash.h"

#include <ctype.h>
#include <stdio.h>

#include <string.h>

#define LABEL_MAX 63
#define SUBDOMAIN_MAX 253

static const char dns1123_label_msg[] =
	"a lowercase RFC 1123 label must consist of lower case alphanumeric "
	"characters or '-', and must start and end with an alphanumeric character "
	"(e.g. 'my-name',  or '123-abc', regex used for validation is "
	"'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
static const char dns1123_subdomain_msg[] =
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
	"characters, '-' or '.', and must start and end with an alphanumeric character "
	"(e.g. 'example.com', regex used for validation is "
	"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
static const char label_key_msg[] =
	"must consist of alphanumeric characters, '-', '_' or '.', and must start "
	"and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
	"'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
static const char label_value_msg[] =
	"a valid label must be an empty string or consist of alphanumeric characters, "
	"'-', '_' or '.', and must start and end with an alphanumeric character "
	"(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
	"'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? over s[0..n) */
static bool match_label(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		return false;
	for (i = 1; i + 1 < n; i++)
		if (!is_lower_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

static bool match_subdomain(const char *s, size_t n)
{
	size_t start = 0, i;

	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (!match_label(s + start, i - start))
				return false;
			start = i + 1;
		}
	}
	return true;
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] */
static bool match_label_key(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
		return false;
	for (i = 1; i + 1 < n; i++)
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

bool tb_is_dns1123_label(const char *s)
{
	size_t n = strlen(s);

	return n <= LABEL_MAX && match_label(s, n);
}

bool tb_is_dns1123_subdomain(const char *s)
{
	size_t n = strlen(s);

	return n <= SUBDOMAIN_MAX && match_subdomain(s, n);
}

bool tb_is_label_value(const char *s)
{
	size_t n = strlen(s);

	return n == 0 || (n <= LABEL_MAX && match_label_key(s, n));
}

bool tb_is_qualified_name(const char *s)
{
	struct tb_errs e = TB_ERRS_INIT;
	struct tb_path p = TB_PATH_INIT;
	bool ok;

	tb_check_qualified_name(&e, &p, s);
	ok = e.n == 0;
	tb_errs_release(&e);
	return ok;
}

void tb_check_dns1123_label(struct tb_errs *e, const struct tb_path *p, const char *s)
{
	size_t n = strlen(s);

	if (n > LABEL_MAX)
		tb_errs_invalid_str(e, p, s, "must be no more than %d characters", LABEL_MAX);
	if (!match_label(s, n)) {
		if (n <= SUBDOMAIN_MAX && match_subdomain(s, n))
			tb_errs_invalid_str(e, p, s, "must not contain dots");
		else
			tb_errs_invalid_str(e, p, s, "%s", dns1123_label_msg);
	}
}

void tb_check_dns1123_subdomain(struct tb_errs *e, const struct tb_path *p, const char *s)
{
	size_t n = strlen(s);

	if (n > SUBDOMAIN_MAX)
		tb_errs_invalid_str(e, p, s, "must be no more than %d characters", SUBDOMAIN_MAX);
	if (!match_subdomain(s, n))
		tb_errs_invalid_str(e, p, s, "%s", dns1123_subdomain_msg);
}

void tb_check_qualified_name(struct tb_errs *e, const struct tb_path *p, const char *s)
{
	const char *slash = strchr(s, '/');
	const char *name = s;
	size_t plen, n;

	if (slash && strchr(slash + 1, '/')) {
		tb_errs_invalid_str(e, p, s, "a valid label key %s with an optional DNS "
				    "subdomain prefix and '/' (e.g. 'example.com/MyName')",
				    label_key_msg);
		return;
	}
	if (slash) {
		plen = (size_t)(slash - s);
		name = slash + 1;
		if (plen == 0)
			tb_errs_invalid_str(e, p, s, "prefix part must be non-empty");
		else {
			if (plen > SUBDOMAIN_MAX)
				tb_errs_invalid_str(e, p, s, "prefix part must be no more "
						    "than %d characters", SUBDOMAIN_MAX);
			if (!match_subdomain(s, plen))
				tb_errs_invalid_str(e, p, s, "prefix part %s",
						    dns1123_subdomain_msg);
		}
	}
	n = strlen(name);
	if (n == 0)
		tb_errs_invalid_str(e, p, s, "name part must be non-empty");
	else if (n > LABEL_MAX)
		tb_errs_invalid_str(e, p, s, "name part must be no more than %d characters",
				    LABEL_MAX);
	if (!match_label_key(name, n))
		tb_errs_invalid_str(e, p, s, "name part %s", label_key_msg);
}

void tb_check_label_value(struct tb_errs *e, const struct tb_path *p, const char *s)
{
	size_t n = strlen(s);

	if (n > LABEL_MAX)
		tb_errs_invalid_str(e, p, s, "must be no more than %d characters", LABEL_MAX);
	if (n && !match_label_key(s, n))
		tb_errs_invalid_str(e, p, s, "%s", label_value_msg);
}

static void add_lower_name(struct tb_strbuf *out, const char *s)
{
	for (; *s; s++)
		tb_strbuf_addch(out, *s == ':' ? '.' : (char)tolower((unsigned char)*s));
}

void tb_names_binding(const char *kind, const char *name, struct tb_strbuf *out)
{
	add_lower_name(out, name);
	tb_strbuf_addch(out, '-');
	add_lower_name(out, kind);
}

void tb_names_work(const char *kind, const char *name, const char *ns, struct tb_strbuf *out)
{
	/* k8s.io/apimachinery/pkg/util/rand.SafeEncodeString's alphabet. */
	static const char alphanums[] = "bcdfghjklmnpqrstvwxz2456789";
	struct tb_strbuf key = TB_STRBUF_INIT;
	char digits[16];

	if (ns && *ns) {
		add_lower_name(&key, ns);
		tb_strbuf_addch(&key, '-');
	}
	add_lower_name(&key, name);
	tb_strbuf_addch(&key, '-');
	add_lower_name(&key, kind);
	snprintf(digits, sizeof(digits), "%u", (unsigned)tb_fnv32a(key.buf));
	add_lower_name(out, name);
	tb_strbuf_addch(out, '-');
	for (const char *d = digits; *d; d++)
		tb_strbuf_addch(out, alphanums[(unsigned char)*d % (sizeof(alphanums) - 1)]);
	tb_strbuf_release(&key);
}
