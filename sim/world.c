/* The simulated world: the seed deployment, its images, operations and timeline. */
#include "sim/world.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "util/util.h"

#define HOUR 3600.0
#define DAY 86400.0

/* Per-role facts from the seed TRD (section 2) plus a worker. */
static const struct {
	const char *role;
	int cpu_units;
	int memory_mb;
	double peak_rps;	/* prod, at the daily high */
	int port;
	int64_t image_mb;
	int major, minor;	/* newest version */
	int range[SIM_NENV][2];	/* dev, staging, prod min/max instances */
} roles[SIM_NSVC] = {
	/* Seed: 512 MB, 1 vCPU, 1-10 instances. */
	{ "frontend", 1024, 512, 140.0, 3000, 96, 2, 18,
	    { { 1, 2 }, { 1, 4 }, { 1, 10 } } },
	/*
	 * Seed: 1 GB, 2 vCPU, 2-20 instances.  Real App Runner wants at
	 * least 4 GB with 2 vCPU; we keep the seed's numbers.
	 */
	{ "api", 2048, 1024, 90.0, 8080, 184, 1, 42,
	    { { 1, 3 }, { 2, 6 }, { 2, 20 } } },
	/* Not in the seed: 1 vCPU, 2 GB, 1-5 instances. */
	{ "worker", 1024, 2048, 12.0, 8080, 212, 1, 9,
	    { { 1, 2 }, { 1, 3 }, { 1, 5 } } },
};

/* Per-environment facts (seed sections 2.3, 2.4, 5). */
static const struct {
	const char *name;
	const char *rds_class;
	int rds_storage_gb;
	const char *redis_class;
	double redis_memory_gb;
	double traffic_scale;
	double budget_low, budget_high;
	double deploy_delay;	/* how long after a push this env got it */
} envs[SIM_NENV] = {
	{ "dev", "db.t3.micro", 10, "cache.t3.micro", 1.0, 0.02, 50, 100,
	    600 },
	{ "staging", "db.t3.small", 20, "cache.t3.micro", 1.0, 0.05, 100, 150,
	    DAY },
	{ "prod", "db.t3.small", 20, "cache.t3.small", 5.0, 1.0, 200, 300,
	    2 * DAY },
};

/* Bounded copy, always terminated. */
static void
scopy(char *dst, size_t n, const char *src)
{
	size_t len = strnlen(src, n - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

static uint64_t
splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * Deterministic noise in [0,1): a hash of (seed, key, bucket), so any
 * instant of any series can be computed without state.
 */
double
sim_noise(uint64_t seed, uint64_t key, int64_t bucket)
{
	uint64_t x;

	x = splitmix64(seed ^ splitmix64(key ^ splitmix64((uint64_t)bucket)));
	return (double)(x >> 11) * (1.0 / 9007199254740992.0);
}

/* FNV-1a, 64 bits. */
uint64_t
sim_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void
hex_from(uint64_t seed, uint64_t key, char *out, size_t nhex)
{
	static const char digits[] = "0123456789abcdef";
	uint64_t x = 0;
	size_t i;

	for (i = 0; i < nhex; i++) {
		if (i % 16 == 0)
			x = splitmix64(seed ^ splitmix64(key + i));
		out[i] = digits[x & 15];
		x >>= 4;
	}
	out[nhex] = '\0';
}

void
sim_world_uuid(struct sim_world *w, char *out)
{
	char h[33];

	hex_from(w->seed, 0x6f70000000000000ULL + w->next_id++, h, 32);
	snprintf(out, 37, "%.8s-%.4s-4%.3s-a%.3s-%.12s", h, h + 8, h + 13,
	    h + 17, h + 20);
}

double
sim_now(const struct sim_world *w)
{
	return w->t0 + ((double)now_ms() / 1000.0 - w->wall0) * w->speed;
}

void
sim_sha256_digest(const void *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
	memcpy(out, "sha256:", 7);
	for (i = 0; i < len && i < 32; i++) {
		out[7 + 2 * i] = digits[md[i] >> 4];
		out[8 + 2 * i] = digits[md[i] & 15];
	}
	out[7 + 2 * i] = '\0';
}

char *
sim_image_manifest(const struct sim_repo *r, const struct sim_image *img)
{
	static const double share[4] = { 0.46, 0.31, 0.17, 0.06 };
	struct buf b = { 0 };
	char d[65];
	int64_t left = img->size_bytes - 7023, sz;
	int i;

	hex_from(img->layer_seed, sim_hash(r->name), d, 64);
	buf_printf(&b, "{\"schemaVersion\":2,\"mediaType\":"
	    "\"application/vnd.docker.distribution.manifest.v2+json\","
	    "\"config\":{\"mediaType\":"
	    "\"application/vnd.docker.container.image.v1+json\","
	    "\"size\":7023,\"digest\":\"sha256:%s\"},\"layers\":[", d);
	for (i = 0; i < 4; i++) {
		sz = i == 3 ? left : (int64_t)((double)img->size_bytes * share[i]);
		left -= sz;
		hex_from(img->layer_seed, sim_hash(r->name) + 1 + (uint64_t)i,
		    d, 64);
		buf_printf(&b, "%s{\"mediaType\":"
		    "\"application/vnd.docker.image.rootfs.diff.tar.gzip\","
		    "\"size\":%lld,\"digest\":\"sha256:%s\"}", i ? "," : "",
		    (long long)sz, d);
	}
	buf_puts(&b, "]}");
	return buf_steal(&b);
}

static void
image_set_digest(const struct sim_repo *r, struct sim_image *img)
{
	char *m = sim_image_manifest(r, img);

	sim_sha256_digest(m, strlen(m), img->digest);
	free(m);
}

bool
sim_image_has_tag(const struct sim_image *img, const char *tag)
{
	size_t i;

	if (*tag == '\0')
		return false;
	if (strcmp(img->tag, tag) == 0)
		return true;
	for (i = 0; i < img->nxtags; i++)
		if (strcmp(img->xtags[i], tag) == 0)
			return true;
	return false;
}

size_t
sim_image_ntags(const struct sim_image *img)
{
	return (img->tag[0] != '\0') + img->nxtags;
}

const char *
sim_image_tag(const struct sim_image *img, size_t i)
{
	if (img->tag[0] != '\0') {
		if (i == 0)
			return img->tag;
		i--;
	}
	return i < img->nxtags ? img->xtags[i] : NULL;
}

static void
image_untag(struct sim_image *img, const char *tag)
{
	size_t i;

	if (strcmp(img->tag, tag) == 0) {
		/* Promote the first extra tag so `tag` stays the primary. */
		if (img->nxtags > 0) {
			snprintf(img->tag, sizeof img->tag, "%s", img->xtags[0]);
			memmove(img->xtags[0], img->xtags[1],
			    (img->nxtags - 1) * sizeof img->xtags[0]);
			img->nxtags--;
		} else
			img->tag[0] = '\0';
		return;
	}
	for (i = 0; i < img->nxtags; i++) {
		if (strcmp(img->xtags[i], tag) == 0) {
			memmove(img->xtags[i], img->xtags[i + 1],
			    (img->nxtags - i - 1) * sizeof img->xtags[0]);
			img->nxtags--;
			return;
		}
	}
}

int
sim_repo_tag_image(struct sim_repo *r, struct sim_image *img, const char *tag)
{
	size_t i;

	if (*tag == '\0' || strlen(tag) >= sizeof img->tag)
		return -1;
	if (sim_image_has_tag(img, tag))
		return 0;
	if (img->tag[0] != '\0' && img->nxtags == SIM_MAX_XTAGS)
		return -1;
	for (i = 0; i < r->nimages; i++)
		if (&r->images[i] != img)
			image_untag(&r->images[i], tag);
	if (img->tag[0] == '\0')
		snprintf(img->tag, sizeof img->tag, "%s", tag);
	else
		snprintf(img->xtags[img->nxtags++], sizeof img->xtags[0], "%s",
		    tag);
	return 0;
}

struct sim_image *
sim_repo_find_image(struct sim_repo *r, const char *ref)
{
	size_t i;

	if (ref == NULL || *ref == '\0')
		return NULL;
	for (i = r->nimages; i-- > 0;) {
		if (str_starts_with(ref, "sha256:")) {
			if (strcmp(r->images[i].digest, ref) == 0)
				return &r->images[i];
		} else if (sim_image_has_tag(&r->images[i], ref))
			return &r->images[i];
	}
	return NULL;
}

struct sim_image *
sim_repo_push(struct sim_world *w, struct sim_repo *r, const char *tag,
    bool bad, double now)
{
	struct sim_image *img;
	int64_t base;

	if (r->nimages == SIM_MAX_IMAGES)
		return NULL;
	img = &r->images[r->nimages++];
	memset(img, 0, sizeof *img);
	img->pushed_at = now;
	img->bad = bad;
	img->layer_seed = splitmix64(w->seed ^ sim_hash(tag) ^
	    (uint64_t)r->nimages);
	base = r->nimages > 1 ? r->images[r->nimages - 2].size_bytes :
	    100 << 20;
	img->size_bytes = base + (int64_t)(sim_noise(w->seed,
	    img->layer_seed, 1) * 4e6) - 1500000;
	image_set_digest(r, img);
	if (tag != NULL && *tag != '\0')
		sim_repo_tag_image(r, img, tag);
	return img;
}

struct sim_asc *
sim_find_asc(struct sim_world *w, const char *arn)
{
	size_t i;

	if (arn == NULL)
		return NULL;
	for (i = 0; i < w->nascs; i++)
		if (strcmp(w->ascs[i].arn, arn) == 0)
			return &w->ascs[i];
	return NULL;
}

static bool
asc_referenced(struct sim_world *w, const char *arn)
{
	const struct sim_service *s;
	int e, i;
	size_t k;

	for (e = 0; e < SIM_NENV; e++) {
		for (i = 0; i < SIM_NSVC; i++) {
			s = &w->envs[e].svcs[i];
			if (strcmp(s->asc_arn, arn) == 0)
				return true;
			for (k = 0; k < s->nops; k++)
				if (strcmp(s->ops[k].asc_arn, arn) == 0 &&
				    (s->ops[k].status == SIM_OP_PENDING ||
				    s->ops[k].status == SIM_OP_IN_PROGRESS))
					return true;
		}
	}
	return false;
}

/*
 * The table is full: forget the oldest revision that is neither the
 * latest of its name nor used by a service, as if someone had deleted
 * it.  -1 when every revision is in use.
 */
static int
asc_recycle(struct sim_world *w)
{
	size_t i;

	for (i = 0; i < w->nascs; i++) {
		if (w->ascs[i].latest || asc_referenced(w, w->ascs[i].arn))
			continue;
		memmove(&w->ascs[i], &w->ascs[i + 1],
		    (w->nascs - i - 1) * sizeof w->ascs[0]);
		w->nascs--;
		return 0;
	}
	return -1;
}

struct sim_asc *
sim_asc_create(struct sim_world *w, const char *name, int min_size,
    int max_size, int max_concurrency, double now)
{
	struct sim_asc *a;
	char id[33];
	int rev = 1;
	size_t i;

	if (strlen(name) >= sizeof a->name)
		return NULL;
	if (w->nascs == SIM_MAX_ASCS && asc_recycle(w) != 0)
		return NULL;
	for (i = 0; i < w->nascs; i++) {
		if (strcmp(w->ascs[i].name, name) == 0) {
			if (w->ascs[i].revision >= rev)
				rev = w->ascs[i].revision + 1;
			w->ascs[i].latest = false;
		}
	}
	a = &w->ascs[w->nascs++];
	memset(a, 0, sizeof *a);
	hex_from(w->seed, sim_hash(name) + (uint64_t)rev * 7919, id, 32);
	snprintf(a->arn, sizeof a->arn,
	    "arn:aws:apprunner:%s:%s:autoscalingconfiguration/%s/%d/%s",
	    w->region, w->account, name, rev, id);
	snprintf(a->name, sizeof a->name, "%s", name);
	a->revision = rev;
	a->min_size = min_size;
	a->max_size = max_size;
	a->max_concurrency = max_concurrency;
	a->created_at = now;
	a->latest = true;
	a->active = true;
	return a;
}

static void
seed_repo(struct sim_world *w, struct sim_repo *r, int role)
{
	double push[SIM_MAX_IMAGES], t;
	int n, i, minor, patch;
	struct sim_image *img;
	char tag[64], sha[8];
	uint64_t key = sim_hash(r->name);

	n = 8 + (int)(sim_noise(w->seed, key, 0) * 5);
	/* Walk backwards from now: a push every 2-4 days. */
	t = w->t0 - (6 * HOUR + sim_noise(w->seed, key, 1) * 24 * HOUR);
	for (i = n - 1; i >= 1; i--) {
		push[i] = floor(t);
		t -= 2 * DAY + sim_noise(w->seed, key, 100 + i) * 2 * DAY;
	}
	push[0] = floor(w->t0 - 180 * DAY - HOUR);

	/* Versions, newest last; an occasional patch release. */
	int ver[SIM_MAX_IMAGES][2];
	minor = roles[role].minor;
	patch = 0;
	for (i = n - 1; i >= 0; i--) {
		ver[i][0] = minor;
		ver[i][1] = patch;
		if (patch > 0)
			patch--;
		else {
			minor--;
			patch = sim_noise(w->seed, key, 200 + i) < 0.3;
		}
	}
	for (i = 0; i < n; i++) {
		snprintf(tag, sizeof tag, "v%d.%d.%d", roles[role].major,
		    ver[i][0], ver[i][1]);
		img = &r->images[r->nimages++];
		memset(img, 0, sizeof *img);
		snprintf(img->tag, sizeof img->tag, "%s", tag);
		hex_from(w->seed, key + 300 + (uint64_t)i, sha, 7);
		snprintf(img->xtags[0], sizeof img->xtags[0], "git-%s", sha);
		img->nxtags = 1;
		img->pushed_at = push[i];
		img->layer_seed = splitmix64(w->seed ^ key ^ (uint64_t)i);
		img->size_bytes = (roles[role].image_mb << 20) +
		    (int64_t)((sim_noise(w->seed, key, 400 + i) - 0.5) * 12e6) +
		    (int64_t)i * 350000;
		image_set_digest(r, img);
	}
	r->created_at = push[0] - DAY;
}

static void
past_op(struct sim_world *w, struct sim_service *s, enum sim_op_type type,
    double start, double end, const char *digest)
{
	struct sim_operation *op;

	if (s->nops == SIM_MAX_OPS)
		return;
	op = &s->ops[s->nops++];
	memset(op, 0, sizeof *op);
	sim_world_uuid(w, op->id);
	op->type = type;
	op->status = SIM_OP_SUCCEEDED;
	op->started_at = start;
	op->ended_at = op->updated_at = end;
	if (digest != NULL)
		snprintf(op->target_digest, sizeof op->target_digest, "%s",
		    digest);
}

static void
seed_service(struct sim_world *w, int e, int role)
{
	struct sim_env *env = &w->envs[e];
	struct sim_service *s = &env->svcs[role];
	struct sim_repo *r = &w->repos[role];
	struct sim_state st;
	struct sim_asc *a;
	double t, dur;
	char url[11], tmp[256];
	int run, i;
	uint64_t key;

	s->env = e;
	s->role = roles[role].role;
	snprintf(s->name, sizeof s->name, "momentum-%s-%s", env->name,
	    s->role);
	key = sim_hash(s->name);
	hex_from(w->seed, key, s->id, 32);
	/* Through a local buffer: GCC's -Wrestrict sees one object. */
	snprintf(tmp, sizeof tmp, "arn:aws:apprunner:%s:%s:service/%s/%s",
	    w->region, w->account, s->name, s->id);
	scopy(s->arn, sizeof s->arn, tmp);
	hex_from(w->seed, key + 1, url, 10);
	snprintf(s->url, sizeof s->url, "%s.%s.awsapprunner.com", url,
	    w->region);
	snprintf(s->repo, sizeof s->repo, "%s", r->name);
	s->cpu_units = roles[role].cpu_units;
	s->memory_mb = roles[role].memory_mb;
	s->port = roles[role].port;
	s->base_rps = roles[role].peak_rps * env->traffic_scale;
	s->created_at = floor(r->images[0].pushed_at + HOUR);

	a = sim_asc_create(w, s->name, roles[role].range[e][0],
	    roles[role].range[e][1], 100, s->created_at);
	snprintf(s->asc_arn, sizeof s->asc_arn, "%s", a->arn);

	memset(&st, 0, sizeof st);
	st.min_size = a->min_size;
	st.max_size = a->max_size;
	st.max_concurrency = a->max_concurrency;
	snprintf(st.digest, sizeof st.digest, "%s", r->images[0].digest);
	past_op(w, s, SIM_OP_CREATE_SERVICE, s->created_at - 240,
	    s->created_at, st.digest);
	sim_service_set_state(s, s->created_at, &st);

	/* dev runs the newest image, staging the one before, prod one more back. */
	run = (int)r->nimages - 1 - e;
	for (i = 1; i <= run; i++) {
		t = floor(r->images[i].pushed_at + envs[e].deploy_delay +
		    sim_noise(w->seed, key, 500 + i) * 3 * HOUR);
		dur = 150 + floor(sim_noise(w->seed, key, 600 + i) * 200);
		snprintf(st.digest, sizeof st.digest, "%s", r->images[i].digest);
		past_op(w, s, SIM_OP_UPDATE_SERVICE, t - dur, t, st.digest);
		sim_service_set_state(s, t, &st);
	}
	s->updated_at = s->timeline[s->ntimeline - 1].t;
}

struct sim_world *
sim_world_new(uint64_t seed, double speed, double now_wall)
{
	struct sim_world *w;
	char tmp[256];
	int e, i;

	w = xcalloc(1, sizeof *w);
	pthread_mutex_init(&w->lock, NULL);
	w->seed = seed;
	w->speed = speed > 0 ? speed : 1;
	w->t0 = w->wall0 = now_wall;
	snprintf(w->account, sizeof w->account, "123456789012");
	w->region = "us-east-1";
	w->deploy_s = 40;
	w->pause_s = 10;

	sim_asc_create(w, "DefaultConfiguration", 1, 25, 100,
	    floor(now_wall - 400 * DAY));
	for (i = 0; i < SIM_NSVC; i++) {
		struct sim_repo *r = &w->repos[i];

		snprintf(r->name, sizeof r->name, "momentum/%s", roles[i].role);
		snprintf(tmp, sizeof tmp, "arn:aws:ecr:%s:%s:repository/%s",
		    w->region, w->account, r->name);
		scopy(r->arn, sizeof r->arn, tmp);
		snprintf(tmp, sizeof tmp, "%s.dkr.ecr.%s.amazonaws.com/%s",
		    w->account, w->region, r->name);
		scopy(r->uri, sizeof r->uri, tmp);
		seed_repo(w, r, i);
	}
	for (e = 0; e < SIM_NENV; e++) {
		struct sim_env *env = &w->envs[e];

		env->name = envs[e].name;
		env->rds_class = envs[e].rds_class;
		env->rds_storage_gb = envs[e].rds_storage_gb;
		env->redis_class = envs[e].redis_class;
		env->redis_memory_gb = envs[e].redis_memory_gb;
		env->traffic_scale = envs[e].traffic_scale;
		env->budget_low = envs[e].budget_low;
		env->budget_high = envs[e].budget_high;
		for (i = 0; i < SIM_NSVC; i++)
			seed_service(w, e, i);
	}
	return w;
}

void
sim_world_free(struct sim_world *w)
{
	if (w == NULL)
		return;
	pthread_mutex_destroy(&w->lock);
	free(w);
}

struct sim_service *
sim_find_service_by_arn(struct sim_world *w, const char *arn)
{
	int e, i;

	if (arn == NULL)
		return NULL;
	for (e = 0; e < SIM_NENV; e++)
		for (i = 0; i < SIM_NSVC; i++)
			if (strcmp(w->envs[e].svcs[i].arn, arn) == 0)
				return &w->envs[e].svcs[i];
	return NULL;
}

struct sim_service *
sim_find_service_by_name(struct sim_world *w, const char *name)
{
	int e, i;

	if (name == NULL)
		return NULL;
	for (e = 0; e < SIM_NENV; e++)
		for (i = 0; i < SIM_NSVC; i++)
			if (strcmp(w->envs[e].svcs[i].name, name) == 0)
				return &w->envs[e].svcs[i];
	return NULL;
}

struct sim_service *
sim_find_service(struct sim_world *w, const char *env, const char *role)
{
	int e, i;

	if (env == NULL || role == NULL)
		return NULL;
	for (e = 0; e < SIM_NENV; e++) {
		if (strcmp(w->envs[e].name, env) != 0)
			continue;
		for (i = 0; i < SIM_NSVC; i++)
			if (strcmp(w->envs[e].svcs[i].role, role) == 0)
				return &w->envs[e].svcs[i];
	}
	return NULL;
}

struct sim_repo *
sim_find_repo(struct sim_world *w, const char *name)
{
	int i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < SIM_NSVC; i++)
		if (strcmp(w->repos[i].name, name) == 0)
			return &w->repos[i];
	return NULL;
}

void
sim_service_state_at(struct sim_world *w, const struct sim_service *s,
    double t, struct sim_state *out)
{
	size_t lo, hi, mid;

	pthread_mutex_lock(&w->lock);
	/* Last entry with entry.t <= t; the first one covers all before. */
	lo = 0;
	hi = s->ntimeline;
	while (hi - lo > 1) {
		mid = (lo + hi) / 2;
		if (s->timeline[mid].t <= t)
			lo = mid;
		else
			hi = mid;
	}
	*out = s->ntimeline > 0 ? s->timeline[lo].state : s->cur;
	pthread_mutex_unlock(&w->lock);
}

void
sim_service_set_state(struct sim_service *s, double t,
    const struct sim_state *st)
{
	struct sim_timeline_entry *last;

	if (s->ntimeline > 0) {
		last = &s->timeline[s->ntimeline - 1];
		if (t < last->t)
			t = last->t;	/* the timeline never goes back */
		if (t == last->t) {
			last->state = *st;
			s->cur = *st;
			return;
		}
	}
	if (s->ntimeline == SIM_MAX_TIMELINE) {
		/* Forget the oldest change; its successor covers the past. */
		memmove(&s->timeline[0], &s->timeline[1],
		    (SIM_MAX_TIMELINE - 1) * sizeof s->timeline[0]);
		s->ntimeline--;
	}
	s->timeline[s->ntimeline].t = t;
	s->timeline[s->ntimeline].state = *st;
	s->ntimeline++;
	s->cur = *st;
}

bool
sim_service_busy(const struct sim_service *s)
{
	size_t i;

	for (i = 0; i < s->nops; i++)
		if (s->ops[i].status == SIM_OP_PENDING ||
		    s->ops[i].status == SIM_OP_IN_PROGRESS)
			return true;
	return false;
}

const char *
sim_service_status(const struct sim_service *s)
{
	if (sim_service_busy(s))
		return "OPERATION_IN_PROGRESS";
	return s->cur.paused ? "PAUSED" : "RUNNING";
}

const char *
sim_service_pending_digest(const struct sim_service *s)
{
	size_t i;

	for (i = s->nops; i-- > 0;) {
		const struct sim_operation *op = &s->ops[i];

		if ((op->status == SIM_OP_PENDING ||
		    op->status == SIM_OP_IN_PROGRESS) &&
		    op->target_digest[0] != '\0')
			return op->target_digest;
	}
	return s->cur.digest;
}

struct sim_operation *
sim_service_start_op(struct sim_world *w, struct sim_service *s,
    enum sim_op_type type, double now, const char *digest,
    const char *asc_arn)
{
	struct sim_operation *op;
	double start = now, dur;
	size_t i;

	/* Queue behind operations still running (scenarios may force one). */
	for (i = 0; i < s->nops; i++)
		if ((s->ops[i].status == SIM_OP_PENDING ||
		    s->ops[i].status == SIM_OP_IN_PROGRESS) &&
		    s->ops[i].ended_at > start)
			start = s->ops[i].ended_at;
	if (s->nops == SIM_MAX_OPS) {
		/* Drop the oldest finished operation. */
		for (i = 0; i < s->nops; i++)
			if (s->ops[i].status != SIM_OP_PENDING &&
			    s->ops[i].status != SIM_OP_IN_PROGRESS)
				break;
		if (i == s->nops)
			i = 0;
		memmove(&s->ops[i], &s->ops[i + 1],
		    (s->nops - i - 1) * sizeof s->ops[0]);
		s->nops--;
	}
	op = &s->ops[s->nops++];
	memset(op, 0, sizeof *op);
	sim_world_uuid(w, op->id);
	op->type = type;
	op->status = SIM_OP_IN_PROGRESS;
	op->started_at = op->updated_at = now;
	if (digest != NULL)
		snprintf(op->target_digest, sizeof op->target_digest, "%s",
		    digest);
	if (asc_arn != NULL)
		snprintf(op->asc_arn, sizeof op->asc_arn, "%s", asc_arn);
	dur = (digest != NULL && *digest != '\0') ? w->deploy_s : w->pause_s;
	/* ended_at holds the planned end until the operation completes. */
	op->ended_at = start + dur;
	s->updated_at = now;
	return op;
}

static void
op_complete(struct sim_world *w, struct sim_service *s,
    struct sim_operation *op)
{
	struct sim_state st = s->cur;
	struct sim_repo *r;
	struct sim_image *img;
	struct sim_asc *a;

	if (op->target_digest[0] != '\0') {
		r = sim_find_repo(w, s->repo);
		img = r != NULL ? sim_repo_find_image(r, op->target_digest) : NULL;
		if (img != NULL && img->broken) {
			/* Health checks failed: App Runner keeps the old one. */
			op->status = SIM_OP_ROLLBACK_SUCCEEDED;
			op->updated_at = op->ended_at;
			s->updated_at = op->ended_at;
			return;
		}
		snprintf(st.digest, sizeof st.digest, "%s", op->target_digest);
		st.badness = img != NULL && img->bad ? 1.0 : 0.0;
	}
	if (op->asc_arn[0] != '\0' &&
	    (a = sim_find_asc(w, op->asc_arn)) != NULL) {
		st.min_size = a->min_size;
		st.max_size = a->max_size;
		st.max_concurrency = a->max_concurrency;
		snprintf(s->asc_arn, sizeof s->asc_arn, "%s", a->arn);
	}
	if (op->type == SIM_OP_PAUSE_SERVICE)
		st.paused = true;
	else if (op->type == SIM_OP_RESUME_SERVICE)
		st.paused = false;
	op->status = SIM_OP_SUCCEEDED;
	op->updated_at = op->ended_at;
	s->updated_at = op->ended_at;
	sim_service_set_state(s, op->ended_at, &st);
}

void
sim_world_tick(struct sim_world *w, double now)
{
	struct sim_operation *op, *next;
	struct sim_service *s;
	int e, i;
	size_t k;

	for (e = 0; e < SIM_NENV; e++) {
		for (i = 0; i < SIM_NSVC; i++) {
			s = &w->envs[e].svcs[i];
			/* Complete due operations in order of their end. */
			for (;;) {
				next = NULL;
				for (k = 0; k < s->nops; k++) {
					op = &s->ops[k];
					if (op->status != SIM_OP_PENDING &&
					    op->status != SIM_OP_IN_PROGRESS)
						continue;
					if (op->ended_at > now)
						continue;
					if (next == NULL ||
					    op->ended_at < next->ended_at)
						next = op;
				}
				if (next == NULL)
					break;
				op_complete(w, s, next);
			}
		}
	}
}
