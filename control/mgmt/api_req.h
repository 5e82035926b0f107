/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * api_req.h: the management API's request layer (api_req.c), apart from HTTP and the
 * daemon so that it is unit-tested alone: the endpoint table (method, path, the vtepctl
 * command words it runs), each endpoint's schema (query parameters, JSON body fields,
 * path parameter) and the mapping of a validated request onto the command's argv, so
 * vtepctl and the API run the same handler. Also the HTTP status of a handler's errno and
 * the JSON error document {"error": "...", "status": N}.
 *
 * Validation happens before any handler runs: bad JSON, a body that is not an object,
 * unknown or duplicate fields, missing required fields, wrong types or ranges, a body on
 * an endpoint that takes none, a wrong Content-Type, an oversize body: each is an HTTP
 * status (400, 404, 405, 413, 415) and a message naming the field.
 */
#ifndef VTEP_API_REQ_H
#define VTEP_API_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define API_MAX_BODY 16384              /* request bodies larger than this: 413 */
#define API_MAX_QUERY 16                /* query parameters per request */
#define API_MAX_ARGV 40                 /* words of the command a request becomes */

enum api_ftype {
	API_STR,        /* a string of min..max bytes, no control characters */
	API_INT,        /* an integer min..max (a query value: decimal digits) */
	API_FLAG,       /* query only: true/false (1/0); true adds the word alone */
	API_ONOFF,      /* a JSON boolean: the word and "on" or "off" */
	API_ENUM,       /* a string, one of the '|'-separated values of choices */
	API_STRLIST,    /* a JSON array of 1..max strings: the word and them joined by ',' */
};

struct api_field {
	const char *name;
	enum api_ftype type;
	bool required;
	int64_t min, max;               /* API_INT: the range; API_STR: the length; API_STRLIST: items */
	const char *word;               /* the command's word before the value; NULL: the value alone */
	const char *choices;            /* API_ENUM */
};

struct api_endpoint {
	const char *method;             /* GET, POST, PUT or DELETE */
	const char *path;               /* "/v1/ports", "/v1/ports/{name}" (one parameter, last) */
	const char *words[4];           /* the vtepctl command it runs, NULL-terminated */
	const struct api_field *query;  /* GET: its query parameters */
	size_t n_query;
	const struct api_field *body;   /* POST, PUT: its body's fields (a JSON object) */
	size_t n_body;
	const struct api_field *param;  /* the {parameter} of the path, its value right after words */
	const char *one_of;             /* body: exactly one of these comma-separated fields */
	int ok_status;                  /* 200, or 201 for a creation */
	int not_found_status;           /* the handler's "no such" (404) answered as this instead; 0: 404.
					   For a command whose missing thing is not in the request
					   (reload: a file's network namespace), so 404 stays "no such path" */
	const char *summary;
};

extern const struct api_endpoint api_endpoints[];
extern const size_t api_n_endpoints;

/* One HTTP request as the server got it: path without the query, query decoded. */
struct api_request {
	const char *method;
	const char *path;
	size_t n_query;
	const char *qkey[API_MAX_QUERY], *qval[API_MAX_QUERY];
	bool query_overflow;            /* more than API_MAX_QUERY parameters */
	const char *content_type;       /* NULL: none */
	const char *body;               /* not NUL-terminated */
	size_t body_len;
	bool body_too_large;            /* the server stopped reading at API_MAX_BODY */
};

/* The command a valid request runs: argv (malloc'd words) and the status it answers with. */
struct api_call {
	const struct api_endpoint *ep;
	int n_words;                    /* the command's words at the start of argv */
	int argc;
	char *argv[API_MAX_ARGV];
	int ok_status;
	char allow[32];                 /* a 405: the methods the path has, for the Allow header */
};

/*
 * Validates r and builds its call. Returns 0, or the HTTP status of the error (400, 404,
 * 405, 413, 415, 500) with err holding the message; call is freed either way on error.
 */
int api_req_build(const struct api_request *r, struct api_call *call, char *err, size_t errlen);
void api_call_free(struct api_call *call);
/* The HTTP status of a handler's positive errno (EEXIST 409, ENOENT 404, EINVAL 400 ...). */
int api_status_of_errno(int err);
/* The same for the handler of endpoint ep (its not_found_status). */
int api_status_of_error(const struct api_endpoint *ep, int err);
/* {"error": msg, "status": status} (malloc'd, NULL when out of memory). */
char *api_error_json(int status, const char *msg);

#endif
