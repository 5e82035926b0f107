/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl.c: the management socket of vtepd and the output builder its commands write through.
 *
 * Owns: the listening UNIX socket (creation, stale-file handling, permissions), serving one
 * request per connection (bounded read, parsing, longest-prefix command dispatch, reply), the
 * ctl_out builder (an in-memory tree rendered at the end as JSON or as human text), and the
 * client side used by vtepctl.
 *
 * The builder keeps a small tree instead of streaming because the text form needs to see a
 * whole list before it can print it (column set and widths), and so that a handler that
 * forgets an end call still produces a well-formed document.
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CTL_MAX_REQUEST 4096            /* request line including its newline */
#define CTL_MAX_DEPTH 32                /* nesting beyond this is ignored */
#define CTL_SERVER_TIMEOUT_MS 1000
#define CTL_CLIENT_TIMEOUT_S 5
#define CTL_MAX_REPLY (64u << 20)       /* client refuses replies larger than this */
#define CTL_DRAIN_MAX 65536             /* unread request bytes discarded before close */

/* ------------------------------------------------------------------------------------ */
/* Growable buffer                                                                       */

struct ctl_buf {
	char *p;
	size_t len, cap;
	bool oom;
};

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

static void
ctl_buf_add(struct ctl_buf *b, const char *s, size_t n)
{
	if (!ctl_buf_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
ctl_buf_puts(struct ctl_buf *b, const char *s)
{
	ctl_buf_add(b, s, strlen(s));
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

static void
ctl_buf_put_json_str(struct ctl_buf *b, const char *s)
{
	ctl_buf_putc(b, '"');
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\') {
			char esc[2] = { '\\', (char)*c };
			ctl_buf_add(b, esc, 2);
		} else if (*c < 0x20 || *c == 0x7f) {
			char esc[8];
			snprintf(esc, sizeof(esc), "\\u%04x", *c);
			ctl_buf_add(b, esc, 6);
		} else {
			ctl_buf_putc(b, (char)*c);
		}
	}
	ctl_buf_putc(b, '"');
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
};

struct ctl_out {
	bool json;
	bool oom;
	int status;
	char *err;                      /* error message set by ctl_error */
	struct ctl_node root;
	struct ctl_node *cur;
	unsigned ignored;               /* begins beyond CTL_MAX_DEPTH still open */
	struct ctl_buf out;             /* rendered body */
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

/* ------------------------------------------------------------------------------------ */
/* JSON rendering                                                                        */

static void
ctl_render_json(struct ctl_buf *b, const struct ctl_node *n)
{
	switch (n->kind) {
	case CTL_OBJ:
	case CTL_LIST:
		ctl_buf_putc(b, n->kind == CTL_OBJ ? '{' : '[');
		for (const struct ctl_node *c = n->first; c; c = c->next) {
			if (c != n->first)
				ctl_buf_putc(b, ',');
			if (n->kind == CTL_OBJ) {
				ctl_buf_put_json_str(b, c->key);
				ctl_buf_putc(b, ':');
			}
			ctl_render_json(b, c);
		}
		ctl_buf_putc(b, n->kind == CTL_OBJ ? '}' : ']');
		break;
	case CTL_STR:
		ctl_buf_put_json_str(b, n->val);
		break;
	case CTL_RAW:
		ctl_buf_puts(b, n->val);
		break;
	case CTL_NULL:
		ctl_buf_puts(b, "null");
		break;
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

struct ctl_col {
	const char *name;
	size_t width;
};

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
	(*cols)[*n].name = name;
	(*cols)[*n].width = 0;
	(*n)++;
	return true;
}

static void
ctl_render_table(struct ctl_buf *b, const struct ctl_node *list, size_t indent)
{
	if (!list->first) {
		ctl_buf_repeat(b, ' ', indent);
		if (list->key[0]) {
			ctl_buf_puts(b, "(no ");
			ctl_buf_put_text(b, list->key);
			ctl_buf_puts(b, ")\n");
		} else {
			ctl_buf_puts(b, "(none)\n");
		}
		return;
	}

	struct ctl_col *cols = NULL;
	size_t n_cols = 0, cap_cols = 0, n_rows = 0;
	size_t *cells = NULL;           /* offsets into scratch.p, SIZE_MAX = missing */
	struct ctl_buf scratch = { 0 };
	bool ok = true;

	for (const struct ctl_node *it = list->first; it && ok; it = it->next) {
		n_rows++;
		if (it->kind == CTL_OBJ) {
			for (const struct ctl_node *c = it->first; c && ok; c = c->next)
				ok = ctl_add_col(&cols, &n_cols, &cap_cols, ctl_col_name(c));
		} else {
			ok = ctl_add_col(&cols, &n_cols, &cap_cols, ctl_col_name(it));
		}
	}
	if (ok && n_cols == 0) {
		/* Only empty objects: one row of "-" per item under a VALUE column. */
		ok = ctl_add_col(&cols, &n_cols, &cap_cols, "value");
	}
	if (ok && n_rows > SIZE_MAX / sizeof(*cells) / n_cols)
		ok = false;
	if (ok)
		cells = malloc(n_rows * n_cols * sizeof(*cells));
	ok = ok && cells;

	for (size_t i = 0; ok && i < n_cols; i++)
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

	/* header */
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
	/* rows */
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
	free(cols);
	free(cells);
	free(scratch.p);
}

static void
ctl_render_text(struct ctl_buf *b, const struct ctl_node *obj, size_t indent)
{
	bool alone = obj->first && obj->first == obj->last;
	for (const struct ctl_node *c = obj->first; c; c = c->next) {
		if (c->kind == CTL_LIST && alone) {
			ctl_render_table(b, c, indent);
			continue;
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
}

const char *
ctl_out_body(struct ctl_out *o, size_t *len)
{
	static const char oom_msg[] = "out of memory";
	const char *body;
	size_t n;

	if (!o || o->oom) {
		body = oom_msg;
		n = sizeof(oom_msg) - 1;
	} else if (o->status) {
		body = o->err ? o->err : strerror(o->status);
		n = strlen(body);
	} else {
		o->out.len = 0;
		if (o->out.p)
			o->out.p[0] = '\0';
		if (o->json)
			ctl_render_json(&o->out, &o->root);
		else
			ctl_render_text(&o->out, &o->root, 0);
		if (o->out.oom) {
			o->oom = true;
			body = oom_msg;
			n = sizeof(oom_msg) - 1;
		} else {
			body = o->out.p ? o->out.p : "";
			n = o->out.len;
		}
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

static int64_t
ctl_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Reads up to and including the first newline, at most cap bytes, within one overall
 * deadline (so a client trickling bytes cannot hold the control thread either).
 * On success *len is the line length without the newline.
 */
static int
ctl_read_request(int fd, char *buf, size_t cap, size_t *len_out)
{
	int64_t deadline = ctl_now_ms() + CTL_SERVER_TIMEOUT_MS;
	size_t len = 0;

	for (;;) {
		int64_t left = deadline - ctl_now_ms();
		if (left <= 0)
			return ETIMEDOUT;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n = poll(&p, 1, (int)left);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (n == 0)
			return ETIMEDOUT;
		ssize_t r = recv(fd, buf + len, cap - len, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return ETIMEDOUT;
			return errno;
		}
		if (r == 0)
			return len ? EPROTO : ENODATA;
		char *nl = memchr(buf + len, '\n', (size_t)r);
		len += (size_t)r;
		if (nl) {
			*len_out = (size_t)(nl - buf);
			return 0;
		}
		if (len >= cap)
			return EMSGSIZE;
	}
}

static void
ctl_send_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;         /* peer gone or send timeout: give up on this client */
		}
		p += w;
		len -= (size_t)w;
	}
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

/* Parses and runs one request line (no newline, len bytes); returns the output to send. */
static struct ctl_out *
ctl_dispatch(char *line, size_t len, const struct ctl_command *cmds, size_t n_cmds, void *ctx)
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

	bool json = strcmp(words[0], "json") == 0;
	if (!json && strcmp(words[0], "text") != 0) {
		free(words);
		o = ctl_out_new(false);
		ctl_error(o, "bad request: expected 'json' or 'text' first");
		return o;
	}
	o = ctl_out_new(json);
	if (!o) {
		free(words);
		return NULL;
	}
	int argc = (int)(w - 1);
	char **argv = words + 1;

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
		free(words);
		return o;
	}

	int ret = best->handler(o, argc - best_n, argv + best_n, ctx);
	if (ret < 0)
		ret = -ret;
	if (ret) {
		o->status = ret;
		if (!o->err)
			ctl_error(o, "%s", strerror(ret));
	}
	free(words);
	return o;
}

void
ctl_server_serve_one(int listen_fd, const struct ctl_command *cmds, size_t n_cmds, void *ctx)
{
	int fd;
	do {
		fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return;         /* EAGAIN (nothing pending) or a transient accept failure */

	struct timeval tv = { .tv_sec = CTL_SERVER_TIMEOUT_MS / 1000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));

	char buf[CTL_MAX_REQUEST + 1];
	size_t len = 0;
	int err = ctl_read_request(fd, buf, CTL_MAX_REQUEST, &len);
	struct ctl_out *o;
	if (err) {
		o = ctl_out_new(false);
		switch (err) {
		case ETIMEDOUT:
			ctl_error(o, "request timed out");
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
		o = ctl_dispatch(buf, len, cmds, n_cmds, ctx);
	}

	int status = ctl_out_status(o);
	size_t blen = 0;
	const char *body = ctl_out_body(o, &blen);
	char head[16];
	int hlen = snprintf(head, sizeof(head), "%d\n", status);
	ctl_send_all(fd, head, (size_t)hlen);
	ctl_send_all(fd, body, blen);
	ctl_out_free(o);

	/*
	 * Closing a UNIX socket with unread data makes the peer's read fail with ECONNRESET;
	 * discard what is already queued (bounded) so a client that sent too much still gets
	 * its answer followed by a clean end of stream.
	 */
	shutdown(fd, SHUT_WR);
	for (size_t drained = 0; drained < CTL_DRAIN_MAX;) {
		ssize_t r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r <= 0)
			break;
		drained += (size_t)r;
	}
	close(fd);
}

/* ------------------------------------------------------------------------------------ */
/* Client                                                                                */

int
ctl_client_request(const char *path, bool json, int argc, char **argv, int *status, char **body)
{
	struct sockaddr_un sa;
	struct ctl_buf req = { 0 }, rep = { 0 };
	int err = ctl_fill_addr(path, &sa);
	if (err)
		return err;
	if (argc < 0 || (argc > 0 && !argv) || !status || !body)
		return EINVAL;
	*body = NULL;

	ctl_buf_puts(&req, json ? "json" : "text");
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
			err = errno == EAGAIN || errno == EWOULDBLOCK ? ETIMEDOUT : errno;
			goto out;
		}
		off += (size_t)w;
	}

	for (;;) {
		if (!ctl_buf_reserve(&rep, 65536)) {
			err = ENOMEM;
			break;
		}
		ssize_t r = recv(fd, rep.p + rep.len, 65536, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* a reset after a complete status line still ends a usable reply */
			if (errno == ECONNRESET && memchr(rep.p, '\n', rep.len))
				break;
			err = errno == EAGAIN || errno == EWOULDBLOCK ? ETIMEDOUT : errno;
			break;
		}
		if (r == 0)
			break;
		rep.len += (size_t)r;
		rep.p[rep.len] = '\0';
		if (rep.len > CTL_MAX_REPLY) {
			err = EMSGSIZE;
			break;
		}
	}
	if (!err) {
		/* "<status>\n<body>" */
		char *nl = rep.len ? memchr(rep.p, '\n', rep.len) : NULL;
		long st = -1;
		if (nl && nl != rep.p) {
			st = 0;
			for (char *c = rep.p; c < nl && st >= 0; c++)
				st = isdigit((unsigned char)*c) && st <= (INT_MAX - 9) / 10
					? st * 10 + (*c - '0') : -1;
		}
		if (st < 0) {
			err = EPROTO;
		} else {
			size_t blen = rep.len - (size_t)(nl + 1 - rep.p);
			memmove(rep.p, nl + 1, blen);
			rep.p[blen] = '\0';
			*status = (int)st;
			*body = rep.p;
			rep.p = NULL;
		}
	}
out:
	free(rep.p);
	close(fd);
	free(req.p);
	return err;
}
