/* Scenario files: parse timed events and play them against the world. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/scenario.h"
#include "sim/server.h"
#include "util/util.h"

#define MAX_WORDS 8

static const struct {
	const char *word;
	enum sim_event_kind kind;
} kinds[] = {
	{ "deploy", SIM_EV_DEPLOY }, { "push", SIM_EV_PUSH },
	{ "rollback", SIM_EV_ROLLBACK }, { "pause", SIM_EV_PAUSE },
	{ "resume", SIM_EV_RESUME }, { "scale", SIM_EV_SCALE },
	{ "badness", SIM_EV_BADNESS }, { "fault", SIM_EV_FAULT },
	{ "clear-faults", SIM_EV_CLEAR_FAULTS }, { "note", SIM_EV_NOTE },
};

/*
 * Split a line into words; "double quotes" group words.  Returns the
 * number of words, or -1 on an unterminated quote.  Modifies s.
 */
static int
split_words(char *s, char **words, int max)
{
	int n = 0;

	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0' || *s == '#')
			return n;
		if (n == max)
			return -1;
		if (*s == '"') {
			words[n++] = ++s;
			while (*s != '\0' && *s != '"')
				s++;
			if (*s != '"')
				return -1;
			*s++ = '\0';
			continue;
		}
		words[n++] = s;
		while (*s != '\0' && !isspace((unsigned char)*s))
			s++;
		if (*s != '\0')
			*s++ = '\0';
	}
}

/* "+90s", "+2m", "+1h30m", "+45" (seconds), "1.5m". */
static int
parse_offset(const char *s, double *out)
{
	double total = 0, v;
	char *end;

	if (*s == '+')
		s++;
	if (*s == '\0')
		return -1;
	while (*s != '\0') {
		if (!isdigit((unsigned char)*s) && *s != '.')
			return -1;
		v = strtod(s, &end);
		if (end == s)
			return -1;
		switch (*end) {
		case 'h':
			v *= 3600;
			end++;
			break;
		case 'm':
			v *= 60;
			end++;
			break;
		case 's':
			end++;
			break;
		case '\0':
			break;
		default:
			return -1;
		}
		total += v;
		s = end;
	}
	*out = total;
	return 0;
}

static bool
valid_env(const char *s)
{
	return strcmp(s, "dev") == 0 || strcmp(s, "staging") == 0 ||
	    strcmp(s, "prod") == 0;
}

static bool
valid_role(const char *s)
{
	return strcmp(s, "frontend") == 0 || strcmp(s, "api") == 0 ||
	    strcmp(s, "worker") == 0;
}

static int
parse_int_word(const char *s, int min, int max, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static int
parse_event(char **w, int n, struct sim_event *ev, char **why)
{
	size_t i;
	int k = 2;

	for (i = 0; i < nitems(kinds); i++)
		if (strcmp(kinds[i].word, w[1]) == 0)
			break;
	if (i == nitems(kinds)) {
		*why = xasprintf("unknown event '%s'", w[1]);
		return -1;
	}
	ev->kind = kinds[i].kind;
	switch (ev->kind) {
	case SIM_EV_DEPLOY:
	case SIM_EV_ROLLBACK:
	case SIM_EV_PAUSE:
	case SIM_EV_RESUME:
	case SIM_EV_SCALE:
	case SIM_EV_BADNESS:
		if (n < 4 || !valid_env(w[2]) || !valid_role(w[3])) {
			*why = xasprintf("%s needs ENV (dev|staging|prod) and "
			    "ROLE (frontend|api|worker)", w[1]);
			return -1;
		}
		snprintf(ev->env, sizeof ev->env, "%s", w[2]);
		snprintf(ev->role, sizeof ev->role, "%s", w[3]);
		k = 4;
		break;
	case SIM_EV_PUSH:
		if (n < 3 || !valid_role(w[2])) {
			*why = xstrdup("push needs ROLE (frontend|api|worker)");
			return -1;
		}
		snprintf(ev->role, sizeof ev->role, "%s", w[2]);
		k = 3;
		break;
	default:
		break;
	}
	switch (ev->kind) {
	case SIM_EV_DEPLOY:
	case SIM_EV_PUSH:
		for (; k < n - 1; k++) {
			if (strcmp(w[k], "bad") == 0)
				ev->bad = true;
			else if (strcmp(w[k], "broken") == 0)
				ev->broken = true;
			else
				break;
		}
		if (k + 1 != n || strlen(w[k]) == 0 ||
		    strlen(w[k]) >= sizeof ev->tag) {
			*why = xasprintf("%s needs one TAG (1-63 chars)", w[1]);
			return -1;
		}
		snprintf(ev->tag, sizeof ev->tag, "%s", w[k]);
		return 0;
	case SIM_EV_ROLLBACK:
	case SIM_EV_PAUSE:
	case SIM_EV_RESUME:
		if (n != k) {
			*why = xasprintf("%s takes only ENV ROLE", w[1]);
			return -1;
		}
		return 0;
	case SIM_EV_SCALE:
		ev->max_concurrency = 100;
		if ((n != 6 && n != 7) ||
		    parse_int_word(w[4], 1, 25, &ev->min_size) != 0 ||
		    parse_int_word(w[5], ev->min_size, 25, &ev->max_size) != 0 ||
		    (n == 7 && parse_int_word(w[6], 1, 200,
		    &ev->max_concurrency) != 0)) {
			*why = xstrdup("scale needs ENV ROLE MIN MAX "
			    "[CONCURRENCY] with 1 <= MIN <= MAX <= 25 and "
			    "CONCURRENCY 1..200");
			return -1;
		}
		return 0;
	case SIM_EV_BADNESS: {
		char *end;

		ev->value = n == 5 ? strtod(w[4], &end) : -1;
		if (n != 5 || *end != '\0' || !(ev->value >= 0 &&
		    ev->value <= 1)) {
			*why = xstrdup("badness needs ENV ROLE X with X in "
			    "[0,1]");
			return -1;
		}
		return 0;
	}
	case SIM_EV_FAULT: {
		struct buf b = { 0 };
		int j;

		if (n < 3) {
			*why = xstrdup("fault needs [SERVICE] key=value,...");
			return -1;
		}
		k = 2;
		if (strchr(w[2], '=') == NULL && strcmp(w[2], "stall") != 0) {
			buf_printf(&b, "service=%s", w[2]);
			k = 3;
		}
		for (j = k; j < n; j++)
			buf_printf(&b, "%s%s", b.len > 0 ? "," : "", w[j]);
		ev->text = buf_steal(&b);
		return 0;
	}
	case SIM_EV_CLEAR_FAULTS:
		if (n != 2) {
			*why = xstrdup("clear-faults takes no arguments");
			return -1;
		}
		return 0;
	case SIM_EV_NOTE:
		ev->text = xstrdup(n > 2 ? w[2] : "");
		return 0;
	}
	return 0;
}

static int
event_cmp(const void *a, const void *b)
{
	const struct sim_event *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->line - y->line;	/* stable: file order */
}

struct sim_scenario *
sim_scenario_parse(const char *text, const char *name, char **cause)
{
	struct sim_scenario *sc = xcalloc(1, sizeof *sc);
	char *copy = xstrdup(text), *line, *save = NULL, *words[MAX_WORDS];
	char *why = NULL;
	int lineno = 0, n;

	sc->name = xstrdup(name);
	/* strtok_r would merge empty lines and break the line count. */
	for (line = copy; line != NULL; line = save) {
		struct sim_event ev;

		save = strchr(line, '\n');
		if (save != NULL)
			*save++ = '\0';
		lineno++;
		n = split_words(line, words, MAX_WORDS);
		if (n == 0)
			continue;
		if (n < 0) {
			why = xstrdup("unterminated quote or too many words");
			goto bad;
		}
		memset(&ev, 0, sizeof ev);
		ev.line = lineno;
		if (parse_offset(words[0], &ev.at) != 0) {
			why = xasprintf("bad time '%s' (want +30s, +2m, +1h)",
			    words[0]);
			goto bad;
		}
		if (n < 2) {
			why = xstrdup("missing event");
			goto bad;
		}
		if (parse_event(words, n, &ev, &why) != 0)
			goto bad;
		sc->events = xreallocarray(sc->events, sc->nevents + 1,
		    sizeof *sc->events);
		sc->events[sc->nevents++] = ev;
	}
	free(copy);
	if (sc->nevents > 1)
		qsort(sc->events, sc->nevents, sizeof *sc->events, event_cmp);
	return sc;
bad:
	*cause = xasprintf("%s:%d: %s", name, lineno, why);
	free(why);
	free(copy);
	sim_scenario_free(sc);
	return NULL;
}

struct sim_scenario *
sim_scenario_load(const char *name, char **cause)
{
	const char *dirs[] = { MOMENTUM_SOURCE_DIR "/sim/scenarios",
	    MOMENTUM_DATADIR "/scenarios" };
	struct sim_scenario *sc;
	char *path = NULL, *text, *err = NULL;
	size_t i, len;

	if (strchr(name, '/') != NULL || str_ends_with(name, ".scn"))
		path = xstrdup(name);
	else {
		for (i = 0; i < nitems(dirs); i++) {
			path = xasprintf("%s/%s.scn", dirs[i], name);
			if (access(path, R_OK) == 0)
				break;
			free(path);
			path = NULL;
		}
		if (path == NULL) {
			*cause = xasprintf("scenario '%s' not found in %s or "
			    "%s", name, dirs[0], dirs[1]);
			return NULL;
		}
	}
	if ((text = read_file(path, &len, &err)) == NULL) {
		*cause = xasprintf("scenario %s: %s", path, err);
		free(err);
		free(path);
		return NULL;
	}
	sc = sim_scenario_parse(text, path, cause);
	free(text);
	free(path);
	return sc;
}

void
sim_scenario_free(struct sim_scenario *sc)
{
	size_t i;

	if (sc == NULL)
		return;
	for (i = 0; i < sc->nevents; i++)
		free(sc->events[i].text);
	free(sc->events);
	free(sc->name);
	free(sc);
}

/* The digest the service ran before its current one, or NULL. */
static const char *
previous_digest(const struct sim_service *s)
{
	size_t i;

	for (i = s->ntimeline; i-- > 0;)
		if (strcmp(s->timeline[i].state.digest, s->cur.digest) != 0)
			return s->timeline[i].state.digest;
	return NULL;
}

static int
apply(struct sim_world *w, const struct sim_event *ev, double t)
{
	struct sim_service *s = NULL;
	struct sim_repo *r = NULL;
	struct sim_image *img;
	struct sim_asc *a;
	struct sim_state st;
	char repo[64], *cause = NULL;
	const char *d;

	if (ev->role[0] != '\0') {
		snprintf(repo, sizeof repo, "momentum/%s", ev->role);
		r = sim_find_repo(w, repo);
	}
	if (ev->env[0] != '\0')
		s = sim_find_service(w, ev->env, ev->role);
	switch (ev->kind) {
	case SIM_EV_PUSH:
	case SIM_EV_DEPLOY:
		if (r == NULL)
			return -1;
		img = sim_repo_find_image(r, ev->tag);
		if (img == NULL &&
		    (img = sim_repo_push(w, r, ev->tag, ev->bad, t)) == NULL)
			return -1;
		if (ev->bad)
			img->bad = true;
		if (ev->broken)
			img->broken = true;
		if (ev->kind == SIM_EV_PUSH)
			return 0;
		snprintf(s->image_tag, sizeof s->image_tag, "%s", ev->tag);
		sim_service_start_op(w, s, SIM_OP_UPDATE_SERVICE, t,
		    img->digest, NULL);
		return 0;
	case SIM_EV_ROLLBACK:
		if ((d = previous_digest(s)) == NULL)
			return -1;
		{
			char digest[72];

			snprintf(digest, sizeof digest, "%s", d);
			s->image_tag[0] = '\0';
			sim_service_start_op(w, s, SIM_OP_UPDATE_SERVICE, t,
			    digest, NULL);
		}
		return 0;
	case SIM_EV_PAUSE:
		sim_service_start_op(w, s, SIM_OP_PAUSE_SERVICE, t, NULL, NULL);
		return 0;
	case SIM_EV_RESUME:
		sim_service_start_op(w, s, SIM_OP_RESUME_SERVICE, t, NULL,
		    NULL);
		return 0;
	case SIM_EV_SCALE:
		if ((a = sim_asc_create(w, s->name, ev->min_size,
		    ev->max_size, ev->max_concurrency, t)) == NULL)
			return -1;
		sim_service_start_op(w, s, SIM_OP_UPDATE_SERVICE, t, NULL,
		    a->arn);
		return 0;
	case SIM_EV_BADNESS:
		st = s->cur;
		st.badness = ev->value;
		sim_service_set_state(s, t, &st);
		return 0;
	case SIM_EV_FAULT:
		if (sim_faults_parse(w, ev->text, &cause) != 0) {
			fprintf(stderr, "momentum-sim: scenario fault: %s\n",
			    cause);
			free(cause);
			return -1;
		}
		return 0;
	case SIM_EV_CLEAR_FAULTS:
		sim_faults_clear(w);
		return 0;
	case SIM_EV_NOTE:
		fprintf(stderr, "momentum-sim: scenario: %s\n", ev->text);
		return 0;
	}
	return -1;
}

int
sim_scenario_apply(struct sim_scenario *sc, struct sim_world *w, double now)
{
	int n = 0;

	if (sc == NULL)
		return 0;
	while (sc->next < sc->nevents &&
	    w->t0 + sc->events[sc->next].at <= now) {
		const struct sim_event *ev = &sc->events[sc->next++];
		double t = w->t0 + ev->at;

		/* Operations finished before this event complete first. */
		sim_world_tick(w, t);
		if (apply(w, ev, t) != 0)
			fprintf(stderr, "momentum-sim: %s:%d: event could not "
			    "apply\n", sc->name, ev->line);
		else
			n++;
	}
	return n;
}
