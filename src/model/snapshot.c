/* Immutable, reference-counted snapshots and the store that holds them. */
#include "model/snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

struct store {
	int nenv;
	/*
	 * slots[env * SRC_COUNT + src]: the current snapshot of each slot,
	 * each holding one reference.  Any thread; only under lock.
	 */
	pthread_mutex_t lock;
	struct snapshot **slots;
	uint64_t *gens;			/* per slot, under lock */
	int pipe_rd, pipe_wr;		/* self-pipe; fds fixed after store_new */
};

struct snapshot *
snapshot_new(enum source src, int env, void *data, void (*free_data)(void *))
{
	struct snapshot *s;

	s = xcalloc(1, sizeof *s);
	s->refs = 1;
	s->source = src;
	s->env = env;
	s->data = data;
	s->free_data = free_data;
	return s;
}

struct snapshot *
snapshot_new_failed(struct snapshot *prev, enum source src, int env,
    int64_t attempted_at_ms, const char *error, const char *error_short)
{
	struct snapshot *s;

	s = snapshot_new(src, env, NULL, NULL);
	if (prev != NULL) {
		snapshot_ref(prev);
		s->shared = prev;
		s->data = prev->data;
		s->fetched_at_ms = prev->fetched_at_ms;
	}
	s->attempted_at_ms = attempted_at_ms;
	s->error = xstrdup(error != NULL ? error : "error");
	s->error_short = error_short != NULL ? error_short : "error";
	return s;
}

void
snapshot_ref(struct snapshot *s)
{
	__atomic_fetch_add(&s->refs, 1, __ATOMIC_RELAXED);
}

void
snapshot_unref(struct snapshot *s)
{
	struct snapshot *shared;

	while (s != NULL) {
		if (__atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) != 0)
			return;
		shared = s->shared;
		if (shared == NULL && s->free_data != NULL)
			s->free_data(s->data);
		free(s->error);
		free(s);
		s = shared;	/* drop the reference we held, iteratively */
	}
}

static void
set_flags(int fd)
{
	int fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		fatal("fcntl: %s", strerror(errno));
}

struct store *
store_new(int nenv)
{
	struct store *st;
	int fds[2];

	if (nenv < 1)
		nenv = 1;
	st = xcalloc(1, sizeof *st);
	st->nenv = nenv;
	pthread_mutex_init(&st->lock, NULL);
	st->slots = xcalloc((size_t)nenv * SRC_COUNT, sizeof *st->slots);
	st->gens = xcalloc((size_t)nenv * SRC_COUNT, sizeof *st->gens);
	if (pipe(fds) == -1)
		fatal("pipe: %s", strerror(errno));
	set_flags(fds[0]);
	set_flags(fds[1]);
	st->pipe_rd = fds[0];
	st->pipe_wr = fds[1];
	return st;
}

void
store_free(struct store *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < (size_t)st->nenv * SRC_COUNT; i++)
		snapshot_unref(st->slots[i]);
	free(st->slots);
	free(st->gens);
	pthread_mutex_destroy(&st->lock);
	close(st->pipe_rd);
	close(st->pipe_wr);
	free(st);
}

int
store_wake_fd(struct store *st)
{
	return st->pipe_rd;
}

void
store_drain_wake(struct store *st)
{
	char buf[256];

	while (read(st->pipe_rd, buf, sizeof buf) > 0)
		;
}

void
store_wake(struct store *st)
{
	char c = 0;
	ssize_t n;

	/* A full pipe already means "wake up": EAGAIN is fine. */
	do
		n = write(st->pipe_wr, &c, 1);
	while (n == -1 && errno == EINTR);
}

void
store_publish(struct store *st, struct snapshot *s)
{
	struct snapshot *old;
	size_t i;

	if (s->env < 0 || s->env >= st->nenv || (unsigned)s->source >= SRC_COUNT)
		fatal("store_publish: bad slot %d/%d", s->env, (int)s->source);
	i = (size_t)s->env * SRC_COUNT + s->source;
	pthread_mutex_lock(&st->lock);
	/* Not yet visible to anyone else: the last write before publishing. */
	s->generation = ++st->gens[i];
	old = st->slots[i];
	st->slots[i] = s;
	pthread_mutex_unlock(&st->lock);
	snapshot_unref(old);
	store_wake(st);
}

struct snapshot *
store_acquire(struct store *st, int env, enum source src)
{
	struct snapshot *s;
	size_t i;

	if (env < 0 || env >= st->nenv || (unsigned)src >= SRC_COUNT)
		return NULL;
	i = (size_t)env * SRC_COUNT + src;
	pthread_mutex_lock(&st->lock);
	s = st->slots[i];
	if (s != NULL)
		snapshot_ref(s);
	pthread_mutex_unlock(&st->lock);
	return s;
}
