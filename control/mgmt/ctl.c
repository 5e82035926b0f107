/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl.c: the management socket of vtepd and the output builder its commands write through.
 *
 * Owns: the listening UNIX socket (creation, stale-file handling, permissions), the
 * non-blocking server (up to CTL_MAX_CONNS connections on one epoll descriptor, request
 * and write timeouts, parsing, longest-prefix command dispatch, framed and streamed
 * replies), the ctl_out builder (a small tree rendered as JSON with yajl's generator or as
 * human text), and the client side used by vtepctl.
 *
 * The builder keeps a small tree because the text form needs to see a list before it can
 * print it (column set and widths), and so that a handler that forgets an end call still
 * produces a well-formed document. A streamed reply sends and frees the finished part of
 * the tree after each step (ctl_out_flush), so its memory stays that of one step; in text
 * its table takes its columns and widths from the first step.
 *
 * JSON strings are always valid UTF-8: bytes that are not (a port name from a config file
 * in Latin-1, say) become U+FFFD; control characters are escaped. Numbers are bare, a NULL
 * string is null, lists are arrays.
 *
 * Text rendering rules:
 *   - scalar:  "key: value"
 *   - object:  "key:" then its fields indented by two spaces
 *   - list:    an aligned table (upper-case header = union of the items' keys in first-seen
 *              order, two spaces between columns, "-" for a missing or empty cell). When the
 *              list is the only field of its parent the table is printed alone, otherwise it
 *              is introduced by "key:" and indented like an object. An empty list prints
 *              "(no key)". An object or list inside a row is flattened to one "k=v,k=v" cell.
 * This is plain libc code: it runs on the control thread only.
 */
#include "ctl.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#define CTL_MAX_REQUEST 4096            /* request line including its newline */
#define CTL_MAX_DEPTH 32                /* nesting beyond this is ignored */
#define CTL_CLIENT_TIMEOUT_S 10         /* client: no byte from the server for this long */
#define CTL_MAX_REPLY (64u << 20)       /* ctl_client_request refuses replies larger than this */
#define CTL_DRAIN_MAX 65536             /* unread request bytes discarded before close */
#define CTL_OUT_LOW (32u << 10)         /* a stream steps again when less than this is unsent */
#define CTL_OUT_HIGH (128u << 10)       /* ... and stops stepping above this */
#define CTL_STEPS_PER_CALL 8            /* stream steps per wake-up of a connection */

/* ------------------------------------------------------------------------------------ */
/* Growable buffer (ctl.h)                                                               */

static bool
ctl_buf_reserve(struct ctl_buf *b, size_t extra)
{
	if (b->oom)
		return false;
	if (extra > SIZE_MAX - b->len - 1) {
		b->oom = true;
		return false;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void
ctl_buf_add(struct ctl_buf *b, const char *s, size_t n)
{
	if (!ctl_buf_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
ctl_buf_puts(struct ctl_buf *b, const char *s)
{
	ctl_buf_add(b, s, strlen(s));
}

void
ctl_buf_free(struct ctl_buf *b)
{
	free(b->p);
	*b = (struct ctl_buf){ 0 };
}

static void
ctl_buf_putc(struct ctl_buf *b, char c)
{
	ctl_buf_add(b, &c, 1);
}

static void
ctl_buf_repeat(struct ctl_buf *b, char c, size_t n)
{
	if (!ctl_buf_reserve(b, n))
		return;
	memset(b->p + b->len, c, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Text output: control characters would break the line/table layout, show them as '?'. */
static void
ctl_buf_put_text(struct ctl_buf *b, const char *s)
{
	size_t start = b->len;
	ctl_buf_puts(b, s);
	if (b->oom)
		return;
	for (size_t i = start; i < b->len; i++) {
		unsigned char c = (unsigned char)b->p[i];
		if (c < 0x20 || c == 0x7f)
			b->p[i] = '?';
	}
}

/* ------------------------------------------------------------------------------------ */
/* Builder tree                                                                          */

enum ctl_kind {
	CTL_OBJ,
	CTL_LIST,
	CTL_STR,        /* string: quoted in JSON */
	CTL_RAW,        /* number or boolean: bare in JSON */
	CTL_NULL,       /* ctl_str(..., NULL): null in JSON, "-" in text */
};

struct ctl_node {
	enum ctl_kind kind;
	char *key;                      /* never NULL; "" when none was given */
	char *val;                      /* scalars only */
	struct ctl_node *parent, *first, *last, *next;
	unsigned transparent;           /* open ctl_obj_begin(NULL)s merged into this object */
	unsigned depth;
	bool emitted;                   /* JSON: opened in the output already (streaming) */
};

struct ctl_col {
	char *name;
	size_t width;
};

/* A text table's columns, kept across the steps of a streamed list. */
struct ctl_tab {
	struct ctl_col *cols;
	size_t n_cols, cap_cols;
	bool header_done;
};

struct ctl_out {
	bool json;
	bool oom;
	int status;
	char *err;                      /* error message set by ctl_error */
	struct ctl_node root;
	struct ctl_node *cur;
	unsigned ignored;               /* begins beyond CTL_MAX_DEPTH still open */
	struct ctl_buf out;             /* rendered body (ctl_out_body) */
	bool rendered;
	uint64_t items;                 /* entries added to top-level lists */

	ctl_stream_fn stream_fn;        /* NULL: not streamed, or the stream is over */
	void *stream_state;
	void (*stream_free)(void *);
	struct ctl_node *stream_list;   /* the list the stream fills */
	bool stream_alone;              /* text: the list was the first field (a bare table) */
	bool stream_list_started;       /* text: its "key:" line or header is out */
	struct ctl_tab tab;             /* text: its columns */

	yajl_gen gen;                   /* JSON generator, prints into sink */
	struct ctl_buf *sink;
};

struct ctl_out *
ctl_out_new(bool json)
{
	struct ctl_out *o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->json = json;
	o->root.kind = CTL_OBJ;
	o->root.key = (char *)"";       /* never freed: the root is embedded */
	o->cur = &o->root;
	return o;
}

static void
ctl_node_free_children(struct ctl_node *n)
{
	struct ctl_node *c = n->first;
	while (c) {
		struct ctl_node *next = c->next;
		ctl_node_free_children(c);
		free(c->key);
		free(c->val);
		free(c);
		c = next;
	}
	n->first = n->last = NULL;
}

void
ctl_out_free(struct ctl_out *o)
{
	if (!o)
		return;
	ctl_node_free_children(&o->root);
	free(o->err);
	free(o->out.p);
	if (o->stream_free)
		o->stream_free(o->stream_state);
	for (size_t i = 0; i < o->tab.n_cols; i++)
		free(o->tab.cols[i].name);
	free(o->tab.cols);
	if (o->gen)
		yajl_gen_free(o->gen);
	free(o);
}

bool
ctl_is_json(const struct ctl_out *o)
{
	return o && o->json;
}

int
ctl_out_status(const struct ctl_out *o)
{
	if (!o)
		return ENOMEM;
	if (o->status)
		return o->status;
	return o->oom ? ENOMEM : 0;
}

/* Appends a node under the current container; takes ownership of val. */
static struct ctl_node *
ctl_add(struct ctl_out *o, enum ctl_kind kind, const char *key, char *val)
{
	if (!o || o->ignored || o->oom) {
		free(val);
		return NULL;
	}
	struct ctl_node *n = calloc(1, sizeof(*n));
	char *k = strdup(key ? key : "");
	if (!n || !k || ((kind == CTL_STR || kind == CTL_RAW) && !val)) {
		free(n);
		free(k);
		free(val);
		o->oom = true;
		return NULL;
	}
	n->kind = kind;
	n->key = k;
	n->val = val;
	n->parent = o->cur;
	n->depth = o->cur->depth + 1;
	if (o->cur->kind == CTL_LIST && o->cur->parent == &o->root)
		o->items++;
	if (o->cur->last)
		o->cur->last->next = n;
	else
		o->cur->first = n;
	o->cur->last = n;
	return n;
}

static void
ctl_container_begin(struct ctl_out *o, enum ctl_kind kind, const char *key)
{
	if (!o)
		return;
	if (o->ignored || o->cur->depth >= CTL_MAX_DEPTH) {
		o->ignored++;
		return;
	}
	struct ctl_node *n = ctl_add(o, kind, key, NULL);
	if (n)
		o->cur = n;
	else
		o->ignored++;   /* keep begin/end pairs balanced after an allocation failure */
}

void
ctl_obj_begin(struct ctl_out *o, const char *key)
{
	if (!o)
		return;
	/* An unnamed object inside an object (including the implicit top level) is merged. */
	if (!o->ignored && !key && o->cur->kind == CTL_OBJ) {
		o->cur->transparent++;
		return;
	}
	ctl_container_begin(o, CTL_OBJ, key);
}

void
ctl_obj_end(struct ctl_out *o)
{
	if (!o)
		return;
	if (o->ignored) {
		o->ignored--;
		return;
	}
	if (o->cur->kind != CTL_OBJ)
		return;         /* mismatched end: ignore */
	if (o->cur->transparent) {
		o->cur->transparent--;
		return;
	}
	if (o->cur != &o->root)
		o->cur = o->cur->parent;
}

void
ctl_list_begin(struct ctl_out *o, const char *key)
{
	ctl_container_begin(o, CTL_LIST, key);
}

void
ctl_list_end(struct ctl_out *o)
{
	if (!o)
		return;
	if (o->ignored) {
		o->ignored--;
		return;
	}
	if (o->cur->kind == CTL_LIST)
		o->cur = o->cur->parent;
}

void
ctl_str(struct ctl_out *o, const char *key, const char *val)
{
	if (!val) {
		ctl_add(o, CTL_NULL, key, NULL);
		return;
	}
	char *v = strdup(val);
	if (!v && o)
		o->oom = true;
	else
		ctl_add(o, CTL_STR, key, v);
}

static void
ctl_raw(struct ctl_out *o, const char *key, const char *val)
{
	char *v = strdup(val);
	if (!v && o)
		o->oom = true;
	else
		ctl_add(o, CTL_RAW, key, v);
}

void
ctl_u64(struct ctl_out *o, const char *key, uint64_t val)
{
	char s[24];
	snprintf(s, sizeof(s), "%" PRIu64, val);
	ctl_raw(o, key, s);
}

void
ctl_i64(struct ctl_out *o, const char *key, int64_t val)
{
	char s[24];
	snprintf(s, sizeof(s), "%" PRId64, val);
	ctl_raw(o, key, s);
}

void
ctl_bool(struct ctl_out *o, const char *key, bool val)
{
	ctl_raw(o, key, val ? "true" : "false");
}

void
ctl_strf(struct ctl_out *o, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		if (o)
			o->oom = true;
		return;
	}
	ctl_add(o, CTL_STR, key, s);
}

void
ctl_error(struct ctl_out *o, const char *fmt, ...)
{
	if (!o)
		return;
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (!o->status)
		o->status = EINVAL;
	free(o->err);
	o->err = NULL;
	if (n < 0) {
		o->oom = true;
		return;
	}
	size_t len = strlen(s);
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' '))
		s[--len] = '\0';
	for (char *c = s; *c; c++)      /* the error body is one line */
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	o->err = s;
}


void
ctl_stream(struct ctl_out *o, ctl_stream_fn fn, void *state, void (*state_free)(void *))
{
	if (!o || o->stream_fn || o->stream_free || !fn || o->cur->kind != CTL_LIST ||
	    o->cur->parent != &o->root || o->ignored) {
		/* misuse: refuse rather than produce a malformed reply */
		if (state_free)
			state_free(state);
		if (o && !o->status)
			ctl_error(o, "internal error: bad streamed reply");
		return;
	}
	o->stream_fn = fn;
	o->stream_state = state;
	o->stream_free = state_free;
	o->stream_list = o->cur;
	o->stream_alone = o->root.first == o->cur;
}
/* ------------------------------------------------------------------------------------ */
/* Streaming: the finished part of the tree goes out and is freed                        */

/* Is n the current container or one of its ancestors (still open)? */
static bool
ctl_on_path(const struct ctl_out *o, const struct ctl_node *n)
{
	for (const struct ctl_node *p = o->cur; p; p = p->parent)
		if (p == n)
			return true;
	return false;
}

/* Unlinks n's first child and frees it with its subtree. */
static void
ctl_drop_first(struct ctl_node *n)
{
	struct ctl_node *c = n->first;
	n->first = c->next;
	if (!n->first)
		n->last = NULL;
	ctl_node_free_children(c);
	free(c->key);
	free(c->val);
	free(c);
}

/* ------------------------------------------------------------------------------------ */
/* JSON rendering (yajl's generator)                                                     */

static void
ctl_yajl_print(void *ctx, const char *str, size_t len)
{
	struct ctl_out *o = ctx;
	ctl_buf_add(o->sink, str, len);
}

/* Length of the valid UTF-8 sequence at p (n bytes left), 0 if there is none. */
static size_t
ctl_utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	uint32_t cp, min;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, cp = c & 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3, cp = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, cp = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* A JSON string of s: invalid UTF-8 bytes become U+FFFD (yajl escapes the rest). */
static void
ctl_json_str(struct ctl_out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k;

	while (i < n && (k = ctl_utf8_len(p + i, n - i)) != 0)
		i += k;
	if (i == n) {
		if (yajl_gen_string(o->gen, p, n) == yajl_gen_status_ok)
			return;
	}
	struct ctl_buf fixed = { 0 };
	for (i = 0; i < n; i += k ? k : 1) {
		k = ctl_utf8_len(p + i, n - i);
		if (k)
			ctl_buf_add(&fixed, s + i, k);
		else
			ctl_buf_puts(&fixed, "\xef\xbf\xbd");
	}
	if (fixed.oom || yajl_gen_string(o->gen, (const unsigned char *)(fixed.p ? fixed.p : ""),
					 fixed.len) != yajl_gen_status_ok)
		o->sink->oom = true;    /* cannot happen with the text above; fail the reply */
	free(fixed.p);
}

static void
ctl_json_scalar(struct ctl_out *o, const struct ctl_node *n)
{
	switch (n->kind) {
	case CTL_STR:
		ctl_json_str(o, n->val);
		break;
	case CTL_RAW:
		if (strcmp(n->val, "true") == 0 || strcmp(n->val, "false") == 0)
			yajl_gen_bool(o->gen, n->val[0] == 't');
		else
			yajl_gen_number(o->gen, n->val, strlen(n->val));
		break;
	default:
		yajl_gen_null(o->gen);
		break;
	}
}

/*
 * Emits what is new in container n: opens it the first time, then its children in order,
 * freeing each once sent. An open child (on the current path) is emitted as far as it goes
 * and kept; complete: n is finished, so everything goes and n is closed.
 */
static void
ctl_json_emit(struct ctl_out *o, struct ctl_node *n, bool complete)
{
	if (!n->emitted) {
		if (n->kind == CTL_OBJ)
			yajl_gen_map_open(o->gen);
		else
			yajl_gen_array_open(o->gen);
		n->emitted = true;
	}
	struct ctl_node *c;
	while ((c = n->first)) {
		bool container = c->kind == CTL_OBJ || c->kind == CTL_LIST;
		bool open = !complete && container && ctl_on_path(o, c);
		if (!c->emitted && n->kind == CTL_OBJ)
			ctl_json_str(o, c->key);
		if (container)
			ctl_json_emit(o, c, !open);
		else
			ctl_json_scalar(o, c);
		if (open)
			break;
		ctl_drop_first(n);
	}
	if (complete) {
		if (n->kind == CTL_OBJ)
			yajl_gen_map_close(o->gen);
		else
			yajl_gen_array_close(o->gen);
	}
}

/* ------------------------------------------------------------------------------------ */
/* Text rendering                                                                        */

static void ctl_flatten(struct ctl_buf *b, const struct ctl_node *n, bool nested);

static void
ctl_flatten_value(struct ctl_buf *b, const struct ctl_node *n)
{
	switch (n->kind) {
	case CTL_OBJ:
	case CTL_LIST:
		ctl_flatten(b, n, true);
		break;
	case CTL_STR:
	case CTL_RAW:
		ctl_buf_put_text(b, n->val);
		break;
	case CTL_NULL:
		ctl_buf_putc(b, '-');
		break;
	}
}

/* An object becomes "k=v,k=v", a list "v,v"; deeper containers get {} / [] around them. */
static void
ctl_flatten(struct ctl_buf *b, const struct ctl_node *n, bool nested)
{
	if (nested)
		ctl_buf_putc(b, n->kind == CTL_OBJ ? '{' : '[');
	for (const struct ctl_node *c = n->first; c; c = c->next) {
		if (c != n->first)
			ctl_buf_putc(b, ',');
		if (n->kind == CTL_OBJ) {
			ctl_buf_put_text(b, c->key);
			ctl_buf_putc(b, '=');
		}
		ctl_flatten_value(b, c);
	}
	if (nested)
		ctl_buf_putc(b, n->kind == CTL_OBJ ? '}' : ']');
}

/* Column a row member belongs to: its key for object members, else the item's own key. */
static const char *
ctl_col_name(const struct ctl_node *n)
{
	return n->key[0] ? n->key : "value";
}

static const struct ctl_node *
ctl_row_cell(const struct ctl_node *item, const char *col)
{
	if (item->kind != CTL_OBJ)
		return strcmp(ctl_col_name(item), col) == 0 ? item : NULL;
	for (const struct ctl_node *c = item->first; c; c = c->next)
		if (strcmp(ctl_col_name(c), col) == 0)
			return c;
	return NULL;
}

static bool
ctl_add_col(struct ctl_col **cols, size_t *n, size_t *cap, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*cols)[i].name, name) == 0)
			return true;
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct ctl_col *p = realloc(*cols, ncap * sizeof(*p));
		if (!p)
			return false;
		*cols = p;
		*cap = ncap;
	}
	(*cols)[*n].name = strdup(name);
	if (!(*cols)[*n].name)
		return false;
	(*cols)[*n].width = 0;
	(*n)++;
	return true;
}
static void
ctl_tab_free(struct ctl_tab *t)
{
	for (size_t i = 0; i < t->n_cols; i++)
		free(t->cols[i].name);
	free(t->cols);
	memset(t, 0, sizeof(*t));
}

/*
 * Prints list's items as rows of an aligned table with tab's columns. The first call takes
 * the columns from the items (their keys in first-seen order) and prints the header; later
 * calls (the next steps of a streamed list) add new columns at the end and widen columns
 * as needed, so a stream stays aligned unless a later step has wider cells.
 */
static void
ctl_render_rows(struct ctl_buf *b, const struct ctl_node *list, size_t indent, struct ctl_tab *tab)
{
	size_t n_rows = 0;
	size_t *cells = NULL;           /* offsets into scratch.p, SIZE_MAX = missing */
	struct ctl_buf scratch = { 0 };
	bool ok = true;

	for (const struct ctl_node *it = list->first; it && ok; it = it->next) {
		n_rows++;
		if (it->kind == CTL_OBJ) {
			for (const struct ctl_node *c = it->first; c && ok; c = c->next)
				ok = ctl_add_col(&tab->cols, &tab->n_cols, &tab->cap_cols, ctl_col_name(c));
		} else {
			ok = ctl_add_col(&tab->cols, &tab->n_cols, &tab->cap_cols, ctl_col_name(it));
		}
	}
	if (ok && tab->n_cols == 0) {
		/* Only empty objects: one row of "-" per item under a VALUE column. */
		ok = ctl_add_col(&tab->cols, &tab->n_cols, &tab->cap_cols, "value");
	}
	size_t n_cols = tab->n_cols;
	struct ctl_col *cols = tab->cols;
	if (ok && n_rows > SIZE_MAX / sizeof(*cells) / n_cols)
		ok = false;
	if (ok)
		cells = malloc(n_rows * n_cols * sizeof(*cells));
	ok = ok && cells;

	for (size_t i = 0; ok && i < n_cols; i++)
		if (cols[i].width < strlen(cols[i].name))
			cols[i].width = strlen(cols[i].name);
	size_t r = 0;
	for (const struct ctl_node *it = list->first; ok && it; it = it->next, r++) {
		for (size_t i = 0; i < n_cols; i++) {
			const struct ctl_node *c = ctl_row_cell(it, cols[i].name);
			size_t *cell = &cells[r * n_cols + i];
			*cell = SIZE_MAX;
			if (!c)
				continue;
			size_t start = scratch.len;
			if (c->kind == CTL_OBJ || c->kind == CTL_LIST)
				ctl_flatten(&scratch, c, false);
			else
				ctl_flatten_value(&scratch, c);
			if (scratch.oom) {
				ok = false;
				break;
			}
			size_t len = scratch.len - start;
			if (len == 0)
				continue;
			ctl_buf_putc(&scratch, '\0');
			*cell = start;
			if (len > cols[i].width)
				cols[i].width = len;
		}
	}
	if (!ok) {
		b->oom = true;
		goto out;
	}

	if (!tab->header_done) {
		ctl_buf_repeat(b, ' ', indent);
		for (size_t i = 0; i < n_cols; i++) {
			size_t start = b->len;
			ctl_buf_put_text(b, cols[i].name);
			if (b->oom)
				goto out;
			for (size_t k = start; k < b->len; k++)
				b->p[k] = (char)toupper((unsigned char)b->p[k]);
			if (i + 1 < n_cols)
				ctl_buf_repeat(b, ' ', cols[i].width - (b->len - start) + 2);
		}
		ctl_buf_putc(b, '\n');
		tab->header_done = true;
	}
	for (r = 0; r < n_rows; r++) {
		ctl_buf_repeat(b, ' ', indent);
		for (size_t i = 0; i < n_cols; i++) {
			size_t off = cells[r * n_cols + i];
			const char *s = off == SIZE_MAX ? "-" : scratch.p + off;
			size_t len = strlen(s);
			ctl_buf_add(b, s, len);
			if (i + 1 < n_cols)
				ctl_buf_repeat(b, ' ', cols[i].width - len + 2);
		}
		ctl_buf_putc(b, '\n');
	}
out:
	free(cells);
	free(scratch.p);
}

static void
ctl_render_empty(struct ctl_buf *b, const struct ctl_node *list, size_t indent)
{
	ctl_buf_repeat(b, ' ', indent);
	if (list->key[0]) {
		ctl_buf_puts(b, "(no ");
		ctl_buf_put_text(b, list->key);
		ctl_buf_puts(b, ")\n");
	} else {
		ctl_buf_puts(b, "(none)\n");
	}
}

static void
ctl_render_table(struct ctl_buf *b, const struct ctl_node *list, size_t indent)
{
	if (!list->first) {
		ctl_render_empty(b, list, indent);
		return;
	}
	struct ctl_tab tab = { 0 };
	ctl_render_rows(b, list, indent, &tab);
	ctl_tab_free(&tab);
}

/* One field of an object: "key: value", "key:" and an indented object or table. */
static void ctl_render_text(struct ctl_buf *b, const struct ctl_node *obj, size_t indent);

static void
ctl_render_field(struct ctl_buf *b, const struct ctl_node *c, size_t indent, bool alone)
{
	if (c->kind == CTL_LIST && alone) {
		ctl_render_table(b, c, indent);
		return;
	}
	ctl_buf_repeat(b, ' ', indent);
	ctl_buf_put_text(b, c->key);
	ctl_buf_putc(b, ':');
	switch (c->kind) {
	case CTL_OBJ:
		ctl_buf_putc(b, '\n');
		ctl_render_text(b, c, indent + 2);
		break;
	case CTL_LIST:
		ctl_buf_putc(b, '\n');
		ctl_render_table(b, c, indent + 2);
		break;
	default: {
		size_t at = b->len;
		ctl_buf_putc(b, ' ');
		size_t vstart = b->len;
		ctl_flatten_value(b, c);
		if (!b->oom && b->len == vstart) {      /* empty string: no trailing blank */
			b->len = at;
			b->p[at] = '\0';
		}
		ctl_buf_putc(b, '\n');
		break;
	}
	}
}

static void
ctl_render_text(struct ctl_buf *b, const struct ctl_node *obj, size_t indent)
{
	bool alone = obj->first && obj->first == obj->last;
	for (const struct ctl_node *c = obj->first; c; c = c->next)
		ctl_render_field(b, c, indent, alone);
}

/*
 * Text of a streamed reply: the top-level fields before the streamed list, the list's
 * finished rows as they come (a bare table when it was the first field, else introduced by
 * "key:" and indented), then the fields after it.
 */
static void
ctl_text_flush(struct ctl_out *o, struct ctl_buf *b, bool final)
{
	struct ctl_node *root = &o->root, *c;

	while ((c = root->first)) {
		bool open = !final && (c->kind == CTL_OBJ || c->kind == CTL_LIST) && ctl_on_path(o, c);
		if (c == o->stream_list) {
			size_t indent = o->stream_alone ? 0 : 2;
			if (!o->stream_list_started) {
				if (!o->stream_alone) {
					ctl_buf_put_text(b, c->key);
					ctl_buf_puts(b, ":\n");
				}
				o->stream_list_started = true;
			}
			/* an item still being filled stays for the next step */
			struct ctl_node *keep = open && o->cur != c ? c->last : NULL;
			if (keep) {
				struct ctl_node *prev = NULL;
				for (struct ctl_node *it = c->first; it != keep; it = it->next)
					prev = it;
				if (prev)
					prev->next = NULL;
				c->last = prev;
				if (!prev)
					c->first = NULL;
			}
			if (c->first) {
				ctl_render_rows(b, c, indent, &o->tab);
				ctl_node_free_children(c);
			}
			if (keep)
				c->first = c->last = keep;
			if (open)
				return;
			if (!o->tab.header_done)
				ctl_render_empty(b, c, indent);
			o->stream_list = NULL;
		} else if (open) {
			return;         /* a field still being filled */
		} else {
			ctl_render_field(b, c, 0, false);
		}
		ctl_drop_first(root);
	}
}

/* Renders the finished part of the document into dst; final: all of it, closed. */
static void
ctl_out_flush(struct ctl_out *o, struct ctl_buf *dst, bool final)
{
	if (o->json) {
		if (!o->gen) {
			o->gen = yajl_gen_alloc(NULL);
			if (!o->gen) {
				dst->oom = true;
				return;
			}
			yajl_gen_config(o->gen, yajl_gen_print_callback, ctl_yajl_print, o);
			yajl_gen_config(o->gen, yajl_gen_validate_utf8, 1);
		}
		o->sink = dst;
		ctl_json_emit(o, &o->root, final);
		o->sink = NULL;
	} else if (o->stream_list || o->stream_list_started) {
		ctl_text_flush(o, dst, final);
	} else if (final) {
		ctl_render_text(dst, &o->root, 0);
	}
	if (final) {
		ctl_node_free_children(&o->root);
		o->cur = &o->root;
		o->rendered = true;
	}
}

/*
 * Produces the next part of the reply into dst: one step of a stream (1: more to come) or
 * the rest of the document (0: done), or an errno when the command failed (the status and
 * error text are in o) or memory ran out.
 */
static int
ctl_out_produce(struct ctl_out *o, struct ctl_buf *dst)
{
	if (o->rendered)
		return 0;
	if (o->stream_fn && !o->status && !o->oom) {
		int rc = o->stream_fn(o, o->stream_state);
		if (rc == CTL_STREAM_MORE && !o->status && !o->oom) {
			ctl_out_flush(o, dst, false);
			return dst->oom ? ENOMEM : 1;
		}
		if (rc == CTL_STREAM_MORE)
			rc = 0;
		if (rc < 0)
			rc = -rc;
		if (rc) {               /* as for a handler: its errno is the status */
			if (!o->err)
				ctl_error(o, "%s", strerror(rc));
			o->status = rc;
		}
	}
	o->stream_fn = NULL;
	if (o->stream_free) {
		o->stream_free(o->stream_state);
		o->stream_free = NULL;
	}
	if (o->status || o->oom)
		return ctl_out_status(o);
	ctl_out_flush(o, dst, true);
	return dst->oom ? ENOMEM : 0;
}

const char *
ctl_out_body(struct ctl_out *o, size_t *len)
{
	static const char oom_msg[] = "out of memory";
	const char *body;
	size_t n;

	if (o && !o->rendered && !o->status && !o->oom) {
		o->out.len = 0;
		int rc;
		while ((rc = ctl_out_produce(o, &o->out)) == 1)
			;
		if (rc == ENOMEM && !o->status)
			o->oom = true;
	}
	if (!o || o->oom || o->out.oom) {
		body = oom_msg;
		n = sizeof(oom_msg) - 1;
	} else if (o->status) {
		body = o->err ? o->err : strerror(o->status);
		n = strlen(body);
	} else {
		body = o->out.p ? o->out.p : "";
		n = o->out.len;
	}
	if (len)
		*len = n;
	return body;
}

/* ------------------------------------------------------------------------------------ */
/* Server                                                                                */

static int
ctl_fill_addr(const char *path, struct sockaddr_un *sa)
{
	if (!path || !path[0])
		return EINVAL;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

/* mkdir -p of the directory part of path, new directories mode 0700. */
static int
ctl_mkdir_parent(const char *path)
{
	char *dir = strdup(path);
	if (!dir)
		return ENOMEM;
	char *slash = strrchr(dir, '/');
	int err = 0;
	if (slash && slash != dir) {
		*slash = '\0';
		for (char *p = dir + 1; ; p++) {
			if (*p != '/' && *p != '\0')
				continue;
			char save = *p;
			*p = '\0';
			if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
				err = errno;
				break;
			}
			*p = save;
			if (!save)
				break;
		}
	}
	free(dir);
	return err;
}

int
ctl_server_open(const char *path, int *fd_out)
{
	struct sockaddr_un sa;
	struct stat st;
	int err = ctl_fill_addr(path, &sa);
	if (err)
		return err;
	if (fd_out)
		*fd_out = -1;
	err = ctl_mkdir_parent(path);
	if (err)
		return err;

	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return ENOTSOCK;        /* never remove something that is not ours */
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe < 0)
			return errno;
		int rc = connect(probe, (struct sockaddr *)&sa, sizeof(sa));
		err = rc < 0 ? errno : 0;
		close(probe);
		if (rc == 0 || err == EAGAIN)
			return EADDRINUSE;      /* a live server answers (or its backlog is full) */
		if (unlink(path) < 0 && errno != ENOENT)
			return errno;
	} else if (errno != ENOENT) {
		return errno;
	}

	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = errno;
		close(fd);
		return err;
	}
	/* Nobody can connect before listen(), so tightening the mode here leaves no window. */
	if (chmod(path, 0600) < 0 || listen(fd, 16) < 0) {
		err = errno;
		close(fd);
		unlink(path);
		return err;
	}
	if (fd_out)
		*fd_out = fd;
	else
		close(fd);
	return 0;
}

void
ctl_server_close(int fd, const char *path)
{
	struct stat st;
	if (fd >= 0)
		close(fd);
	if (path && lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
}
static void
ctl_usage_list(struct ctl_buf *b, const struct ctl_command *cmds, size_t n_cmds)
{
	for (size_t i = 0; i < n_cmds; i++) {
		if (i)
			ctl_buf_puts(b, "; ");
		ctl_buf_puts(b, cmds[i].usage ? cmds[i].usage : "?");
	}
}

/* Number of words of cmd if they prefix argv, else -1. */
static int
ctl_match(const struct ctl_command *cmd, int argc, char **argv)
{
	int n = 0;
	for (; n < 3 && cmd->words[n]; n++)
		if (n >= argc || strcmp(cmd->words[n], argv[n]) != 0)
			return -1;
	return n;
}

const struct ctl_command *
ctl_find(const struct ctl_command *cmds, size_t n_cmds, int argc, char **argv, int *n_words)
{
	const struct ctl_command *best = NULL;
	int best_n = -1;
	for (size_t i = 0; i < n_cmds; i++) {
		if (!cmds[i].handler)
			continue;
		int n = ctl_match(&cmds[i], argc, argv);
		if (n > best_n) {
			best_n = n;
			best = &cmds[i];
		}
	}
	if (n_words)
		*n_words = best_n;
	return best;
}

/* Runs argv's command into o: its handler's output, or the error of an unknown command. */
static void
ctl_run_into(struct ctl_out *o, const struct ctl_command *cmds, size_t n_cmds, void *ctx, int argc, char **argv)
{
	int best_n;
	const struct ctl_command *best = ctl_find(cmds, n_cmds, argc, argv, &best_n);
	if (!best) {
		struct ctl_buf b = { 0 };
		for (int i = 0; i < argc; i++) {
			if (i)
				ctl_buf_putc(&b, ' ');
			ctl_buf_puts(&b, argv[i]);
		}
		ctl_buf_putc(&b, '\0');
		struct ctl_buf u = { 0 };
		ctl_usage_list(&u, cmds, n_cmds);
		ctl_buf_putc(&u, '\0');
		if (b.oom || u.oom)
			o->oom = true;
		else
			ctl_error(o, "unknown command '%s' (try: %s)", b.p, u.p);
		free(b.p);
		free(u.p);
		return;
	}

	int ret = best->handler(o, argc - best_n, argv + best_n, ctx);
	if (ret < 0)
		ret = -ret;
	if (ret) {
		o->status = ret;
		if (!o->err)
			ctl_error(o, "%s", strerror(ret));
	}
}

struct ctl_out *
ctl_run(const struct ctl_command *cmds, size_t n_cmds, void *ctx, bool json, int argc, char **argv)
{
	struct ctl_out *o = ctl_out_new(json);
	if (o)
		ctl_run_into(o, cmds, n_cmds, ctx, argc, argv);
	return o;
}

int
ctl_out_next(struct ctl_out *o, const char **p, size_t *len)
{
	*p = "";
	*len = 0;
	if (!o)
		return ENOMEM;
	o->out.len = 0;
	int rc = ctl_out_produce(o, &o->out);
	if (rc == ENOMEM && !o->status)
		o->oom = true;
	if (rc == 0 || rc == 1) {
		*p = o->out.p ? o->out.p : "";
		*len = o->out.len;
	}
	return rc;
}

const char *
ctl_out_error(const struct ctl_out *o)
{
	if (!o || o->oom || o->out.oom)
		return "out of memory";
	if (o->err)
		return o->err;
	return o->status ? strerror(o->status) : "";
}

/* Parses and runs one request line (no newline, len bytes); returns the output to send. */
static struct ctl_out *
ctl_dispatch(char *line, size_t len, const struct ctl_command *cmds, size_t n_cmds, void *ctx,
	     bool *framed)
{
	struct ctl_out *o;
	if (memchr(line, '\0', len)) {
		o = ctl_out_new(false);
		ctl_error(o, "bad request: NUL byte in request");
		return o;
	}
	line[len] = '\0';
	if (len && line[len - 1] == '\r')
		line[--len] = '\0';

	size_t n_words = 1;
	for (size_t i = 0; i < len; i++)
		n_words += line[i] == '\t';
	char **words = calloc(n_words + 1, sizeof(*words));
	if (!words) {
		o = ctl_out_new(false);
		if (o)
			o->oom = true;          /* replies ENOMEM */
		return o;
	}
	size_t w = 0;
	words[w++] = line;
	for (char *p = line; *p; p++) {
		if (*p == '\t') {
			*p = '\0';
			words[w++] = p + 1;
		}
	}
	words[w] = NULL;

	bool json = strcmp(words[0], "json") == 0 || strcmp(words[0], "json-framed") == 0;
	*framed = strcmp(words[0], "json-framed") == 0 || strcmp(words[0], "text-framed") == 0;
	if (!json && !*framed && strcmp(words[0], "text") != 0) {
		free(words);
		o = ctl_out_new(false);
		ctl_error(o, "bad request: expected 'json', 'text', 'json-framed' or 'text-framed' first");
		return o;
	}
	o = ctl_out_new(json);
	if (!o) {
		free(words);
		return NULL;
	}
	ctl_run_into(o, cmds, n_cmds, ctx, (int)(w - 1), words + 1);
	free(words);
	return o;
}


static int64_t
ctl_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum ctl_conn_state { CTL_CONN_FREE, CTL_CONN_READ, CTL_CONN_WRITE };

struct ctl_conn {
	int fd;
	enum ctl_conn_state state;
	bool framed;
	int64_t deadline;               /* ms: request complete by / next byte read by */
	size_t req_len;
	char req[CTL_MAX_REQUEST + 1];
	struct ctl_out *o;              /* the reply still being produced; NULL: all queued */
	struct ctl_buf out;             /* bytes to send, from out_off */
	size_t out_off;
	struct ctl_buf chunk;           /* framed: one step's bytes before their chunk header */
};

#define CTL_LISTEN_TAG UINT32_MAX

struct ctl_server {
	int listen_fd, ep;
	bool listening;
	const struct ctl_command *cmds;
	size_t n_cmds;
	void *ctx;
	struct ctl_server_stats st;
	struct ctl_conn conns[CTL_MAX_CONNS];
};

int
ctl_server_new(int listen_fd, const struct ctl_command *cmds, size_t n_cmds, void *ctx,
	       struct ctl_server **out)
{
	struct ctl_server *s = calloc(1, sizeof(*s));
	if (!s)
		return ENOMEM;
	s->listen_fd = listen_fd;
	s->cmds = cmds;
	s->n_cmds = n_cmds;
	s->ctx = ctx;
	for (size_t i = 0; i < CTL_MAX_CONNS; i++)
		s->conns[i].fd = -1;
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = CTL_LISTEN_TAG };
	if (s->ep < 0 || epoll_ctl(s->ep, EPOLL_CTL_ADD, listen_fd, &ev) < 0) {
		int err = errno;
		if (s->ep >= 0)
			close(s->ep);
		free(s);
		return err;
	}
	s->listening = true;
	*out = s;
	return 0;
}

int
ctl_server_fd(const struct ctl_server *s)
{
	return s ? s->ep : -1;
}

void
ctl_server_get_stats(const struct ctl_server *s, struct ctl_server_stats *st)
{
	*st = s->st;
}

/*
 * Closing a UNIX socket with unread data makes the peer's read fail with ECONNRESET;
 * discard what is already queued (bounded) so a client that sent too much still gets its
 * answer followed by a clean end of stream.
 */
static void
ctl_close_client(int fd)
{
	char buf[4096];
	shutdown(fd, SHUT_WR);
	for (size_t drained = 0; drained < CTL_DRAIN_MAX;) {
		ssize_t r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r <= 0)
			break;
		drained += (size_t)r;
	}
	close(fd);
}

static void
ctl_conn_close(struct ctl_server *s, struct ctl_conn *c)
{
	epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
	ctl_close_client(c->fd);
	ctl_out_free(c->o);
	free(c->out.p);
	free(c->chunk.p);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->state = CTL_CONN_FREE;
	s->st.open--;
}

/* A short reply sent without waiting (the socket buffer is empty), then the close. */
static void
ctl_send_now(int fd, int status, const char *msg)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "%d\n%s\n", status, msg);
	if (n > 0)
		(void)!send(fd, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void
ctl_accept(struct ctl_server *s, unsigned max)
{
	for (unsigned k = 0; k < max; k++) {
		int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			return;         /* EAGAIN (nothing pending) or a transient accept failure */
		}
		struct ctl_conn *c = NULL;
		size_t i;
		for (i = 0; i < CTL_MAX_CONNS; i++) {
			if (s->conns[i].state == CTL_CONN_FREE) {
				c = &s->conns[i];
				break;
			}
		}
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
		if (!c || epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			char msg[128];
			snprintf(msg, sizeof(msg), "too many control connections (%d open): try again later",
				 CTL_MAX_CONNS);
			ctl_send_now(fd, c ? ENOMEM : EBUSY, c ? "out of resources" : msg);
			ctl_close_client(fd);
			s->st.refused_busy++;
			continue;
		}
		c->fd = fd;
		c->state = CTL_CONN_READ;
		c->deadline = ctl_now_ms() + CTL_REQUEST_TIMEOUT_MS;
		s->st.accepted++;
		s->st.open++;
	}
}

static void
ctl_conn_events(struct ctl_server *s, struct ctl_conn *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.u32 = (uint32_t)(c - s->conns) };
	epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Appends the next steps of the reply to c->out until enough is queued or it is all there. */
static void
ctl_conn_produce(struct ctl_server *s, struct ctl_conn *c)
{
	if (c->out_off == c->out.len) {
		c->out_off = c->out.len = 0;
	} else if (c->out_off > c->out.len / 2) {
		memmove(c->out.p, c->out.p + c->out_off, c->out.len - c->out_off);
		c->out.len -= c->out_off;
		c->out_off = 0;
	}
	/*
	 * A bounded number of steps per call, so one client never holds the control thread
	 * long (a filtered listing may take many steps per row); EPOLLOUT brings us back.
	 */
	for (unsigned steps = 0; c->o && c->out.len - c->out_off < CTL_OUT_HIGH && !c->out.oom &&
				 steps < CTL_STEPS_PER_CALL; steps++) {
		struct ctl_buf *dst = c->framed ? &c->chunk : &c->out;
		c->chunk.len = 0;
		int rc = ctl_out_produce(c->o, dst);
		if (c->framed && c->chunk.len && !c->chunk.oom) {
			char head[32];
			int n = snprintf(head, sizeof(head), "D%zu\n", c->chunk.len);
			ctl_buf_add(&c->out, head, (size_t)n);
			ctl_buf_add(&c->out, c->chunk.p, c->chunk.len);
		}
		if (c->chunk.oom)
			c->out.oom = true;
		if (rc == 1)
			continue;
		if (c->framed) {
			char tail[64];
			snprintf(tail, sizeof(tail), "E%d %" PRIu64, rc, c->o->items);
			ctl_buf_puts(&c->out, tail);
			if (rc) {
				size_t elen = 0;
				const char *e = ctl_out_body(c->o, &elen);
				ctl_buf_putc(&c->out, ' ');
				ctl_buf_add(&c->out, e, elen);
			}
			ctl_buf_putc(&c->out, '\n');
		}
		/* legacy: a failure after the status line can only cut the reply short */
		ctl_out_free(c->o);
		c->o = NULL;
		s->st.served++;
	}
	/* out of memory: drop the client (a framed reply then shows as cut short) */
	if (c->out.oom) {
		ctl_out_free(c->o);
		c->o = NULL;
		c->out.len = c->out_off = 0;
	}
}

/* Sends what is queued, producing more as the client reads; closes when all is sent. */
static void
ctl_conn_write(struct ctl_server *s, struct ctl_conn *c)
{
	for (;;) {
		if (c->out.len - c->out_off < CTL_OUT_LOW)
			ctl_conn_produce(s, c);
		if (c->out_off == c->out.len) {
			if (!c->o)
				ctl_conn_close(s, c);
			return;
		}
		ssize_t w = send(c->fd, c->out.p + c->out_off, c->out.len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				ctl_conn_close(s, c);   /* the client went away */
			return;                         /* EPOLLOUT tells when to go on */
		}
		c->out_off += (size_t)w;
		c->deadline = ctl_now_ms() + CTL_WRITE_TIMEOUT_MS;
	}
}

/* The request is in (err 0) or failed: dispatch it, queue the status line, start writing. */
static void
ctl_conn_reply(struct ctl_server *s, struct ctl_conn *c, int err)
{
	struct ctl_out *o;
	if (err) {
		o = ctl_out_new(false);
		switch (err) {
		case ETIMEDOUT:
			ctl_error(o, "request timed out (no complete request line within %d ms)",
				  CTL_REQUEST_TIMEOUT_MS);
			break;
		case EMSGSIZE:
			ctl_error(o, "request too long (max %d bytes)", CTL_MAX_REQUEST);
			break;
		case EPROTO:
			ctl_error(o, "bad request: no newline before end of stream");
			break;
		case ENODATA:
			ctl_error(o, "bad request: empty");
			break;
		default:
			ctl_error(o, "cannot read request: %s", strerror(err));
			break;
		}
		if (o && err != EPROTO && err != ENODATA)
			o->status = err;
	} else {
		o = ctl_dispatch(c->req, c->req_len, s->cmds, s->n_cmds, s->ctx, &c->framed);
	}
	int status = ctl_out_status(o);
	char head[16];
	int hlen = snprintf(head, sizeof(head), "%d\n", status);
	ctl_buf_add(&c->out, head, (size_t)hlen);
	if (status) {
		size_t blen = 0;
		const char *body = ctl_out_body(o, &blen);
		ctl_buf_add(&c->out, body, blen);
		ctl_out_free(o);
		s->st.served++;
	} else {
		c->o = o;
	}
	c->state = CTL_CONN_WRITE;
	c->deadline = ctl_now_ms() + CTL_WRITE_TIMEOUT_MS;
	ctl_conn_events(s, c, EPOLLOUT);
	ctl_conn_write(s, c);
}

static void
ctl_conn_read(struct ctl_server *s, struct ctl_conn *c)
{
	for (;;) {
		ssize_t r = recv(c->fd, c->req + c->req_len, CTL_MAX_REQUEST - c->req_len, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			ctl_conn_close(s, c);
			return;
		}
		if (r == 0) {
			ctl_conn_reply(s, c, c->req_len ? EPROTO : ENODATA);
			return;
		}
		char *nl = memchr(c->req + c->req_len, '\n', (size_t)r);
		c->req_len += (size_t)r;
		if (nl) {
			c->req_len = (size_t)(nl - c->req);
			ctl_conn_reply(s, c, 0);
			return;
		}
		if (c->req_len >= CTL_MAX_REQUEST) {
			ctl_conn_reply(s, c, EMSGSIZE);
			return;
		}
	}
}

static void
ctl_expire(struct ctl_server *s)
{
	if (!s->st.open)
		return;
	int64_t now = ctl_now_ms();
	for (size_t i = 0; i < CTL_MAX_CONNS; i++) {
		struct ctl_conn *c = &s->conns[i];
		if (c->state == CTL_CONN_FREE || now < c->deadline)
			continue;
		s->st.timed_out++;
		if (c->state == CTL_CONN_READ) {
			/* tell it why; a client that reads nothing gets the close */
			c->out.len = c->out_off = 0;
			ctl_conn_reply(s, c, ETIMEDOUT);
			if (c->state != CTL_CONN_FREE && c->fd >= 0)
				ctl_conn_close(s, c);
		} else {
			ctl_conn_close(s, c);
		}
	}
}

void
ctl_server_run(struct ctl_server *s, int timeout_ms)
{
	struct epoll_event evs[16];
	if (!s)
		return;
	int n = epoll_wait(s->ep, evs, 16, timeout_ms);
	for (int i = 0; i < n; i++) {
		uint32_t tag = evs[i].data.u32;
		if (tag == CTL_LISTEN_TAG) {
			ctl_accept(s, CTL_MAX_CONNS);
			continue;
		}
		if (tag >= CTL_MAX_CONNS)
			continue;
		struct ctl_conn *c = &s->conns[tag];
		if (c->state == CTL_CONN_READ)
			ctl_conn_read(s, c);
		else if (c->state == CTL_CONN_WRITE && (evs[i].events & (EPOLLERR | EPOLLHUP)))
			ctl_conn_close(s, c);   /* nobody to write to */
		else if (c->state == CTL_CONN_WRITE)
			ctl_conn_write(s, c);
	}
	ctl_expire(s);
}

void
ctl_server_free(struct ctl_server *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < CTL_MAX_CONNS; i++)
		if (s->conns[i].state != CTL_CONN_FREE)
			ctl_conn_close(s, &s->conns[i]);
	close(s->ep);
	free(s);
}

void
ctl_server_serve_one(int listen_fd, const struct ctl_command *cmds, size_t n_cmds, void *ctx)
{
	struct ctl_server *s;
	if (ctl_server_new(listen_fd, cmds, n_cmds, ctx, &s))
		return;
	epoll_ctl(s->ep, EPOLL_CTL_DEL, listen_fd, NULL);
	ctl_accept(s, 1);
	int64_t end = ctl_now_ms() + CTL_REQUEST_TIMEOUT_MS + CTL_WRITE_TIMEOUT_MS + 1000;
	while (s->st.open && ctl_now_ms() < end)
		ctl_server_run(s, 50);
	ctl_server_free(s);
}

/* ------------------------------------------------------------------------------------ */
/* Client                                                                                */

static int
ctl_connect_send(const char *path, bool json, bool framed, int argc, char **argv, int *fd_out)
{
	struct sockaddr_un sa;
	struct ctl_buf req = { 0 };
	int err = ctl_fill_addr(path, &sa);
	if (err)
		return err;
	if (argc < 0 || (argc > 0 && !argv))
		return EINVAL;

	ctl_buf_puts(&req, json ? "json" : "text");
	if (framed)
		ctl_buf_puts(&req, "-framed");
	for (int i = 0; i < argc; i++) {
		if (!argv[i] || strpbrk(argv[i], "\t\n")) {
			free(req.p);
			return EINVAL;
		}
		ctl_buf_putc(&req, '\t');
		ctl_buf_puts(&req, argv[i]);
	}
	ctl_buf_putc(&req, '\n');
	if (req.oom) {
		free(req.p);
		return ENOMEM;
	}
	if (req.len > CTL_MAX_REQUEST) {
		free(req.p);
		return EMSGSIZE;
	}

	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = errno;
		free(req.p);
		return err;
	}
	struct timeval tv = { .tv_sec = CTL_CLIENT_TIMEOUT_S };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = errno;
		goto out;
	}
	for (size_t off = 0; off < req.len;) {
		ssize_t w = send(fd, req.p + off, req.len - off, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			/* refused (busy) servers close at once: their answer may still be there */
			if (errno == EPIPE || errno == ECONNRESET)
				break;
			err = errno == EAGAIN || errno == EWOULDBLOCK ? ETIMEDOUT : errno;
			goto out;
		}
		off += (size_t)w;
	}
out:
	free(req.p);
	if (err)
		close(fd);
	else
		*fd_out = fd;
	return err;
}

/* Parses "<digits>" ending at end; -1 if it is not a number that fits an int. */
static long
ctl_parse_num(const char *p, const char *end)
{
	long v = 0;
	if (p == end)
		return -1;
	for (; p < end; p++) {
		if (!isdigit((unsigned char)*p) || v > (LONG_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v;
}

int
ctl_client_stream(const char *path, bool json, int argc, char **argv, ctl_sink_fn sink, void *arg,
		  int *status, char **errmsg)
{
	enum { ST_STATUS, ST_ERROR, ST_HEAD, ST_DATA, ST_DONE } st = ST_STATUS;
	struct ctl_buf in = { 0 }, msg = { 0 };
	size_t data_left = 0;
	int fd = -1, err;

	if (!status || !errmsg || !sink)
		return EINVAL;
	*errmsg = NULL;
	err = ctl_connect_send(path, json, true, argc, argv, &fd);
	if (err)
		return err;

	bool eof = false;
	while (!err && st != ST_DONE) {
		/* parse what is buffered */
		size_t used = 0;
		for (;;) {
			char *p = in.p + used;
			size_t avail = in.len - used;
			if (st == ST_DATA) {
				size_t n = avail < data_left ? avail : data_left;
				if (n && (err = sink(p, n, arg)) != 0)
					break;
				used += n;
				data_left -= n;
				if (data_left)
					break;
				st = ST_HEAD;
				continue;
			}
			if (st == ST_ERROR) {
				ctl_buf_add(&msg, p, avail < 65536 - msg.len ? avail : 65536 - msg.len);
				used += avail;
				break;
			}
			char *nl = avail ? memchr(p, '\n', avail) : NULL;
			if (!nl) {
				if (avail > CTL_MAX_REQUEST + 64)
					err = EPROTO;   /* no line that long in this protocol */
				break;
			}
			used += (size_t)(nl - p) + 1;
			if (st == ST_STATUS) {
				long v = ctl_parse_num(p, nl);
				if (v < 0 || v > INT_MAX) {
					err = EPROTO;
					break;
				}
				*status = (int)v;
				st = v ? ST_ERROR : ST_HEAD;
			} else if (*p == 'D') {
				long v = ctl_parse_num(p + 1, nl);
				if (v < 0) {
					err = EPROTO;
					break;
				}
				data_left = (size_t)v;
				st = ST_DATA;
			} else if (*p == 'E') {
				char *sp = memchr(p, ' ', (size_t)(nl - p));
				long v = sp ? ctl_parse_num(p + 1, sp) : -1;
				if (v < 0 || v > INT_MAX) {
					err = EPROTO;
					break;
				}
				*status = (int)v;
				if (v) {
					char *sp2 = memchr(sp + 1, ' ', (size_t)(nl - sp - 1));
					if (sp2)
						ctl_buf_add(&msg, sp2 + 1, (size_t)(nl - sp2 - 1));
					else
						ctl_buf_puts(&msg, strerror((int)v));
				}
				st = ST_DONE;
				break;
			} else {
				err = EPROTO;
				break;
			}
		}
		if (used) {
			memmove(in.p, in.p + used, in.len - used);
			in.len -= used;
		}
		if (err || st == ST_DONE)
			break;
		if (eof) {
			if (st != ST_ERROR)
				err = EPROTO;   /* ended before its trailer: cut short */
			break;
		}
		if (!ctl_buf_reserve(&in, 65536)) {
			err = ENOMEM;
			break;
		}
		ssize_t r = recv(fd, in.p + in.len, 65536, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* a reset after the status line of an error reply still ends it */
			if (errno == ECONNRESET && st == ST_ERROR) {
				eof = true;
				continue;
			}
			err = errno == EAGAIN || errno == EWOULDBLOCK ? ETIMEDOUT : errno;
			break;
		}
		if (r == 0)
			eof = true;
		in.len += (size_t)r;
	}
	if (!err && *status) {
		while (msg.len && (msg.p[msg.len - 1] == '\n' || msg.p[msg.len - 1] == '\r'))
			msg.p[--msg.len] = '\0';
		ctl_buf_putc(&msg, '\0');
		if (msg.oom) {
			err = ENOMEM;
		} else {
			*errmsg = msg.p;
			msg.p = NULL;
		}
	}
	free(msg.p);
	free(in.p);
	close(fd);
	return err;
}

struct ctl_collect {
	struct ctl_buf b;
};

static int
ctl_collect_sink(const char *p, size_t n, void *arg)
{
	struct ctl_collect *c = arg;
	if (c->b.len + n > CTL_MAX_REPLY)
		return EMSGSIZE;
	ctl_buf_add(&c->b, p, n);
	return c->b.oom ? ENOMEM : 0;
}

int
ctl_client_request(const char *path, bool json, int argc, char **argv, int *status, char **body)
{
	struct ctl_collect c = { { 0 } };
	char *errmsg = NULL;
	if (!status || !body)
		return EINVAL;
	*body = NULL;
	int err = ctl_client_stream(path, json, argc, argv, ctl_collect_sink, &c, status, &errmsg);
	if (err) {
		free(c.b.p);
		return err;
	}
	if (*status) {
		free(c.b.p);
		*body = errmsg;
		return 0;
	}
	if (!c.b.p) {
		c.b.p = strdup("");
		if (!c.b.p)
			return ENOMEM;
	}
	*body = c.b.p;
	return 0;
}
