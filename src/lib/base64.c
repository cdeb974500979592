/* Base64 encoding and decoding. */
#include "lib/base64.h"
#include "lib/err.h"

static const char std_alpha[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alpha[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void tb_base64_encode(struct tb_strbuf *out, const void *data, size_t n, bool url)
{
	const unsigned char *p = data;
	const char *a = url ? url_alpha : std_alpha;
	unsigned v;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		tb_strbuf_addch(out, a[v >> 18 & 63]);
		tb_strbuf_addch(out, a[v >> 12 & 63]);
		tb_strbuf_addch(out, a[v >> 6 & 63]);
		tb_strbuf_addch(out, a[v & 63]);
	}
	if (i < n) {
		v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);
		tb_strbuf_addch(out, a[v >> 18 & 63]);
		tb_strbuf_addch(out, a[v >> 12 & 63]);
		if (i + 1 < n)
			tb_strbuf_addch(out, a[v >> 6 & 63]);
		else if (!url)
			tb_strbuf_addch(out, '=');
		if (!url)
			tb_strbuf_addch(out, '=');
	}
}

static int digit(char c, bool url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

int tb_base64_decode(struct tb_strbuf *out, const char *s, size_t n, bool url)
{
	unsigned v = 0;
	size_t i, bits = 0, pad = 0;
	int d;

	for (i = 0; i < n; i++) {
		if (s[i] == '=') {
			pad++;
			continue;
		}
		d = digit(s[i], url);
		if (d < 0 || pad)
			return -TB_EINVAL;
		v = v << 6 | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			tb_strbuf_addch(out, (char)(v >> bits & 0xff));
		}
	}
	/* Leftover bits must be zero padding; '=' only completes a quantum. */
	if (bits >= 6 || (v & ((1u << bits) - 1)) || (pad && (n % 4 || pad > 2)))
		return -TB_EINVAL;
	return 0;
}
