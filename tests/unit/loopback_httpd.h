/* A tiny loopback HTTP server for unit tests: canned answers, recorded requests. */
#ifndef MOMENTUM_TESTS_LOOPBACK_HTTPD_H
#define MOMENTUM_TESTS_LOOPBACK_HTTPD_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * One canned answer: the first route whose method and path match (path
 * "*" matches any) answers.  Unmatched requests get 404.  One request
 * per connection (Connection: close), served by one thread, on
 * 127.0.0.1 and a port the kernel picks.
 */
struct stub_route {
	const char *method;
	const char *path;
	int status;
	const char *headers;	/* extra "Name: value\r\n" lines, or NULL */
	const char *body;
};

struct stub_request {
	char method[16];
	char path[512];
	char headers[4096];	/* raw header block */
	char body[8192];
};

#define STUB_MAX_ROUTES 16
#define STUB_MAX_REQUESTS 64

struct stub_httpd {
	int fd;
	int port;
	pthread_t thread;
	atomic_int stop;
	/* routes and reqs are guarded by lock. */
	pthread_mutex_t lock;
	struct stub_route routes[STUB_MAX_ROUTES];
	size_t nroutes;
	struct stub_request reqs[STUB_MAX_REQUESTS];
	size_t nreqs;
};

__attribute__((unused)) static void
stub_serve_one(struct stub_httpd *s, int c)
{
	char buf[16384], *hend, *line_end, *cl;
	size_t len = 0, need = 0, blen, i;
	ssize_t n;
	struct stub_request r;
	const struct stub_route *route = NULL;
	struct stub_route answer = { NULL, NULL, 404, NULL, "not found" };
	char *out;
	struct pollfd pfd;

	memset(&r, 0, sizeof r);
	for (;;) {
		pfd.fd = c;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 2000) <= 0)
			return;
		n = read(c, buf + len, sizeof buf - 1 - len);
		if (n <= 0)
			return;
		len += (size_t)n;
		buf[len] = '\0';
		hend = strstr(buf, "\r\n\r\n");
		if (hend == NULL) {
			if (len >= sizeof buf - 1)
				return;
			continue;
		}
		need = (size_t)(hend - buf) + 4;
		cl = strcasestr(buf, "\r\nContent-Length:");
		if (cl != NULL && cl < hend)
			need += (size_t)strtoul(cl + 17, NULL, 10);
		if (len >= need || len >= sizeof buf - 1)
			break;
	}
	line_end = strstr(buf, "\r\n");
	sscanf(buf, "%15s %511s", r.method, r.path);
	blen = (size_t)(hend - line_end);
	if (blen >= sizeof r.headers)
		blen = sizeof r.headers - 1;
	memcpy(r.headers, line_end + 2, blen);
	blen = len - (size_t)(hend + 4 - buf);
	if (blen >= sizeof r.body)
		blen = sizeof r.body - 1;
	memcpy(r.body, hend + 4, blen);

	pthread_mutex_lock(&s->lock);
	if (s->nreqs < STUB_MAX_REQUESTS)
		s->reqs[s->nreqs++] = r;
	for (i = 0; i < s->nroutes; i++) {
		if (strcmp(s->routes[i].method, r.method) == 0 &&
		    (strcmp(s->routes[i].path, "*") == 0 ||
		    strcmp(s->routes[i].path, r.path) == 0)) {
			route = &s->routes[i];
			break;
		}
	}
	if (route != NULL)
		answer = *route;
	if (asprintf(&out, "HTTP/1.1 %d Canned\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n%s\r\n%s", answer.status,
	    strlen(answer.body), answer.headers != NULL ? answer.headers : "",
	    answer.body) < 0)
		out = NULL;
	pthread_mutex_unlock(&s->lock);
	if (out != NULL) {
		len = strlen(out);
		for (i = 0; i < len; i += (size_t)n) {
			n = write(c, out + i, len - i);
			if (n <= 0)
				break;
		}
		free(out);
	}
}

__attribute__((unused)) static void *
stub_main(void *arg)
{
	struct stub_httpd *s = arg;
	struct pollfd pfd;
	int c;

	while (!atomic_load(&s->stop)) {
		pfd.fd = s->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		c = accept(s->fd, NULL, NULL);
		if (c < 0)
			continue;
		stub_serve_one(s, c);
		close(c);
	}
	return NULL;
}

/* Start on 127.0.0.1:0; returns 0, s->port is the port. */
__attribute__((unused)) static int
stub_start(struct stub_httpd *s)
{
	struct sockaddr_in sa;
	socklen_t slen = sizeof sa;
	int one = 1;

	memset(s, 0, sizeof *s);
	pthread_mutex_init(&s->lock, NULL);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (s->fd < 0)
		return -1;
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = 0;
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    listen(s->fd, 16) != 0 ||
	    getsockname(s->fd, (struct sockaddr *)&sa, &slen) != 0) {
		close(s->fd);
		return -1;
	}
	s->port = ntohs(sa.sin_port);
	atomic_init(&s->stop, 0);
	return pthread_create(&s->thread, NULL, stub_main, s) == 0 ? 0 : -1;
}

__attribute__((unused)) static void
stub_stop(struct stub_httpd *s)
{
	atomic_store(&s->stop, 1);
	pthread_join(s->thread, NULL);
	close(s->fd);
	pthread_mutex_destroy(&s->lock);
}

/* Replace the routes and forget recorded requests. */
__attribute__((unused)) static void
stub_set_routes(struct stub_httpd *s, const struct stub_route *routes,
    size_t n)
{
	pthread_mutex_lock(&s->lock);
	if (n > STUB_MAX_ROUTES)
		n = STUB_MAX_ROUTES;
	if (n > 0)
		memcpy(s->routes, routes, n * sizeof *routes);
	s->nroutes = n;
	s->nreqs = 0;
	pthread_mutex_unlock(&s->lock);
}

/* Copy of request i (0-based); 0 when it exists. */
__attribute__((unused)) static int
stub_request_get(struct stub_httpd *s, size_t i, struct stub_request *out)
{
	int rc = -1;

	pthread_mutex_lock(&s->lock);
	if (i < s->nreqs) {
		*out = s->reqs[i];
		rc = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

__attribute__((unused)) static size_t
stub_request_count(struct stub_httpd *s)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = s->nreqs;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* Value of header name in a recorded request (static buffer), or NULL. */
__attribute__((unused)) static const char *
stub_header(const struct stub_request *r, const char *name)
{
	static char value[2048];
	const char *p = r->headers, *e;
	size_t nlen = strlen(name), vlen;

	while (*p != '\0') {
		e = strstr(p, "\r\n");
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) > nlen && strncasecmp(p, name, nlen) == 0 &&
		    p[nlen] == ':') {
			p += nlen + 1;
			while (*p == ' ')
				p++;
			vlen = (size_t)(e - p);
			if (vlen >= sizeof value)
				vlen = sizeof value - 1;
			memcpy(value, p, vlen);
			value[vlen] = '\0';
			return value;
		}
		p = *e == '\0' ? e : e + 2;
	}
	return NULL;
}

#endif
