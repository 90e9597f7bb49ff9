/* The simulator's keys: long-term pairs, AssumeRole credentials, SigV4 checks. */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "sim/server.h"

#define ACCOUNT "123456789012"
#define MAX_SKEW 300

struct sim_key {
	char *akid;
	char *secret;
	char *token;		/* temporary credentials only */
	bool read_only;
	bool temporary;
	time_t expires;		/* 0 = never */
	char arn[200];
	char user_id[64];
};

/* keys and nkeys: any thread, under lock. */
struct sim_auth {
	pthread_mutex_t lock;
	struct sim_key *keys;
	size_t nkeys;
};

struct sim_auth *
sim_auth_new(void)
{
	struct sim_auth *a = xcalloc(1, sizeof *a);

	pthread_mutex_init(&a->lock, NULL);
	return a;
}

void
sim_auth_free(struct sim_auth *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nkeys; i++) {
		free(a->keys[i].akid);
		secret_free(a->keys[i].secret);
		secret_free(a->keys[i].token);
	}
	free(a->keys);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

static struct sim_key *
add_key(struct sim_auth *a, const char *akid, const char *secret)
{
	struct sim_key *k;

	a->keys = xreallocarray(a->keys, a->nkeys + 1, sizeof *a->keys);
	k = &a->keys[a->nkeys++];
	memset(k, 0, sizeof *k);
	k->akid = xstrdup(akid);
	k->secret = xstrdup(secret);
	return k;
}

void
sim_auth_add_key(struct sim_auth *a, const char *akid, const char *secret,
    bool read_only)
{
	struct sim_key *k;

	pthread_mutex_lock(&a->lock);
	k = add_key(a, akid, secret);
	k->read_only = read_only;
	snprintf(k->arn, sizeof k->arn, "arn:aws:iam::%s:user/%s", ACCOUNT,
	    read_only ? "momentum-readonly" : "momentum-oncall");
	{
		/* A stable IAM-style unique id derived from the key id. */
		static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
		uint64_t h = sim_hash(akid);
		int i;

		memcpy(k->user_id, "AIDA", 4);
		for (i = 0; i < 17; i++) {
			k->user_id[4 + i] = b32[h & 31];
			h = (h >> 5) | ((uint64_t)i << 59);
			if (i == 11)
				h ^= sim_hash(akid) * 31;
		}
		k->user_id[21] = '\0';
	}
	pthread_mutex_unlock(&a->lock);
}

int
sim_auth_load_file(struct sim_auth *a, const char *path, char **cause)
{
	char line[1024], kind[16], akid[256], secret[512];
	FILE *f;
	int n = 0, lineno = 0;

	if ((f = fopen(path, "r")) == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		char *s = strtrim(line);

		lineno++;
		if (*s == '\0' || *s == '#')
			continue;
		if (sscanf(s, "%15s %255s %511s", kind, akid, secret) != 3 ||
		    (strcmp(kind, "rw") != 0 && strcmp(kind, "ro") != 0)) {
			*cause = xasprintf("%s:%d: expected \"rw|ro AKID "
			    "SECRET\"", path, lineno);
			fclose(f);
			secure_zero(secret, sizeof secret);
			secure_zero(line, sizeof line);
			return -1;
		}
		sim_auth_add_key(a, akid, secret, strcmp(kind, "ro") == 0);
		n++;
	}
	secure_zero(secret, sizeof secret);
	secure_zero(line, sizeof line);
	fclose(f);
	if (n == 0) {
		*cause = xasprintf("%s: no keys", path);
		return -1;
	}
	return 0;
}

size_t
sim_auth_nkeys(const struct sim_auth *a)
{
	return a->nkeys;
}

bool
sim_auth_first(struct sim_auth *a, bool read_only, char **akid,
    char **secret)
{
	size_t i;
	bool found = false;

	pthread_mutex_lock(&a->lock);
	for (i = 0; i < a->nkeys && !found; i++) {
		if (a->keys[i].temporary || a->keys[i].read_only != read_only)
			continue;
		*akid = xstrdup(a->keys[i].akid);
		*secret = xstrdup(a->keys[i].secret);
		found = true;
	}
	pthread_mutex_unlock(&a->lock);
	return found;
}

static void
random_string(char *out, size_t n, const char *alphabet)
{
	unsigned char r[256];
	size_t i, m = strlen(alphabet);

	if (n > sizeof r)
		n = sizeof r;
	if (RAND_bytes(r, (int)n) != 1)
		fatal("RAND_bytes failed");
	for (i = 0; i < n; i++)
		out[i] = alphabet[r[i] % m];
	out[n] = '\0';
}

void
sim_auth_issue(struct sim_auth *a, bool read_only, time_t expires,
    const char *role_arn, const char *session, char **akid, char **secret,
    char **token)
{
	static const char upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char id[21], sec[41], tok[258], roleid[22];
	const char *role;
	struct sim_key *k;

	memcpy(id, "ASIA", 4);
	random_string(id + 4, 16, upper);
	random_string(sec, 40, b64);
	memcpy(tok, "IQoJb3JpZ2luX2VjE", 17);
	random_string(tok + 17, 240, b64);
	memcpy(roleid, "AROA", 4);
	random_string(roleid + 4, 17, upper);
	role = strrchr(role_arn, '/');
	role = role != NULL ? role + 1 : role_arn;

	pthread_mutex_lock(&a->lock);
	k = add_key(a, id, sec);
	k->token = xstrdup(tok);
	k->read_only = read_only;
	k->temporary = true;
	k->expires = expires;
	snprintf(k->arn, sizeof k->arn, "arn:aws:sts::%s:assumed-role/%.64s/%.64s",
	    ACCOUNT, role, session);
	snprintf(k->user_id, sizeof k->user_id, "%s:%.40s", roleid, session);
	pthread_mutex_unlock(&a->lock);
	*akid = xstrdup(id);
	*secret = xstrdup(sec);
	*token = xstrdup(tok);
	secure_zero(sec, sizeof sec);
	secure_zero(tok, sizeof tok);
}

/* What the lookup callback found, copied out of the table under the lock. */
struct lookup {
	struct sim_auth *a;
	bool found;
	struct sim_key key;	/* shallow: strings owned below */
	char *secret;
	char *token;
};

static const char *
lookup_secret(void *ctx, const char *akid)
{
	struct lookup *lk = ctx;
	struct sim_auth *a = lk->a;
	size_t i;

	pthread_mutex_lock(&a->lock);
	for (i = 0; i < a->nkeys; i++) {
		if (strcmp(a->keys[i].akid, akid) != 0)
			continue;
		lk->found = true;
		lk->key = a->keys[i];
		lk->secret = xstrdup(a->keys[i].secret);
		lk->token = xstrdup(a->keys[i].token);
		break;
	}
	pthread_mutex_unlock(&a->lock);
	return lk->secret;
}

static const char *
header(const struct sigv4_request *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

int
sim_auth_check(struct sim_auth *a, const struct sigv4_request *req,
    time_t now, struct sim_identity *id, const char **code, char **message)
{
	struct lookup lk;
	char *akid = NULL;
	const char *tok;
	int rc;

	memset(id, 0, sizeof *id);
	memset(&lk, 0, sizeof lk);
	lk.a = a;
	rc = sigv4_verify(req, lookup_secret, &lk, now, MAX_SKEW, &akid, NULL,
	    NULL, code, message);
	if (rc == 0 && lk.key.temporary) {
		tok = header(req, "x-amz-security-token");
		if (tok == NULL || lk.token == NULL ||
		    strcmp(tok, lk.token) != 0) {
			*code = "InvalidClientTokenId";
			*message = xstrdup("The security token included in the "
			    "request is invalid.");
			rc = -1;
		} else if (lk.key.expires != 0 && lk.key.expires <= now) {
			*code = "ExpiredToken";
			*message = xstrdup("The security token included in the "
			    "request is expired");
			rc = -1;
		}
	}
	if (rc == 0) {
		id->access_key = akid;
		akid = NULL;
		id->read_only = lk.key.read_only;
		id->temporary = lk.key.temporary;
		snprintf(id->arn, sizeof id->arn, "%s", lk.key.arn);
		snprintf(id->user_id, sizeof id->user_id, "%s", lk.key.user_id);
	}
	free(akid);
	secret_free(lk.secret);
	secret_free(lk.token);
	return rc;
}

void
sim_identity_clear(struct sim_identity *id)
{
	free(id->access_key);
	memset(id, 0, sizeof *id);
}
