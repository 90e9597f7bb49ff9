/* momentum-sim's world: the seed deployment, its state and its timeline. */
#ifndef MOMENTUM_SIM_WORLD_H
#define MOMENTUM_SIM_WORLD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Ownership: sim/world.c creates the world and owns every mutation
 * (App Runner actions, scenario events, fault changes), always under
 * world->lock.  Generators (metrics, logs, cost, alarms) read it under
 * the same lock, or through sim_service_state_at(), which copies.
 *
 * Time: "sim time" is epoch seconds (double).  sim_now() maps wall time
 * through --speed from the start instant (t0 = start wall time, so at
 * speed 1 sim time is wall time).  Scenario times are offsets from t0.
 */

#define SIM_NENV 3
#define SIM_NSVC 3		/* frontend, api, worker */
#define SIM_MAX_IMAGES 16
#define SIM_MAX_TIMELINE 256
#define SIM_MAX_OPS 64
#define SIM_MAX_XTAGS 6		/* extra tags per image (sim-server addition) */
#define SIM_MAX_ASCS 64		/* AutoScalingConfiguration revisions (addition) */

enum sim_op_type { SIM_OP_START_DEPLOYMENT, SIM_OP_UPDATE_SERVICE,
	SIM_OP_PAUSE_SERVICE, SIM_OP_RESUME_SERVICE, SIM_OP_CREATE_SERVICE };
enum sim_op_status { SIM_OP_PENDING, SIM_OP_IN_PROGRESS, SIM_OP_SUCCEEDED,
	SIM_OP_FAILED, SIM_OP_ROLLBACK_SUCCEEDED };

struct sim_image {
	char digest[72];	/* "sha256:<64 hex>" */
	char tag[64];		/* "" when untagged */
	double pushed_at;
	int64_t size_bytes;
	bool bad;		/* deploying it raises 5xx and latency */
	/* Additions (sim-server): more tags beside `tag`, and the seed of the
	 * deterministic manifest whose sha256 is `digest`. */
	char xtags[SIM_MAX_XTAGS][64];
	size_t nxtags;
	uint64_t layer_seed;
	bool broken;		/* fails health checks: a deployment of it
				 * ends ROLLBACK_SUCCEEDED, nothing changes */
};

struct sim_operation {
	char id[40];
	enum sim_op_type type;
	enum sim_op_status status;
	double started_at, ended_at, updated_at;
	char target_digest[72];	/* for deployments */
	char asc_arn[256];	/* for UpdateService scale changes */
};

/* What a service looks like at one instant: the input to every generator. */
struct sim_state {
	bool paused;
	int min_size, max_size, max_concurrency;
	double badness;		/* 0 healthy .. 1 badly broken (bad image) */
	char digest[72];
};

struct sim_timeline_entry {
	double t;		/* from this sim time on ... */
	struct sim_state state;	/* ... the service is in this state */
};

struct sim_asc {		/* an AutoScalingConfiguration revision */
	char arn[256];
	char name[64];
	int revision;
	int min_size, max_size, max_concurrency;
	double created_at;
	bool latest;
	bool active;
};

struct sim_service {
	int env;			/* index into world->envs */
	const char *role;		/* "frontend", "api", "worker" */
	char name[64];			/* "momentum-prod-api" */
	char id[40];			/* 32 hex */
	char arn[256];
	char url[128];
	char repo[64];			/* ECR repository: "momentum/api" */
	int cpu_units;			/* 1024 = 1 vCPU */
	int memory_mb;
	double base_rps;		/* peak requests/s at the daily high,
					 * env traffic_scale included */
	char asc_arn[256];		/* current AutoScalingConfiguration */
	struct sim_state cur;		/* == last timeline entry */
	struct sim_timeline_entry timeline[SIM_MAX_TIMELINE];
	size_t ntimeline;
	struct sim_operation ops[SIM_MAX_OPS];	/* newest last */
	size_t nops;
	double created_at;
	/* Additions (sim-server): updated_at is the last change of
	 * configuration or status (DescribeService UpdatedAt). */
	double updated_at;
	int port;			/* ImageConfiguration.Port */
	char image_tag[64];		/* tag last configured ("" = by digest);
					 * StartDeployment re-resolves it */
};

struct sim_env {
	const char *name;		/* "dev", "staging", "prod" */
	const char *rds_class;		/* db.t3.micro / db.t3.small */
	int rds_storage_gb;
	const char *redis_class;	/* cache.t3.micro / cache.t3.small */
	double redis_memory_gb;
	double traffic_scale;		/* prod 1.0, staging 0.05, dev 0.02 */
	double budget_low, budget_high;	/* monthly $ */
	struct sim_service svcs[SIM_NSVC];
};

struct sim_repo {
	char name[64];			/* "momentum/api" */
	char arn[256];
	char uri[160];
	double created_at;
	struct sim_image images[SIM_MAX_IMAGES];	/* oldest first */
	size_t nimages;
};

/* Per-service fault knobs, by flag or scenario (0 = off). */
struct sim_faults {
	double throttle_rate;		/* fraction of requests -> ThrottlingException */
	double error_rate;		/* fraction -> HTTP 500 InternalFailure */
	int latency_ms;			/* added to every response */
	bool stall;			/* never answer (until the client gives up) */
	double truncate_rate;		/* body cut in half */
	double malformed_rate;		/* body replaced with garbage */
	double reset_rate;		/* connection closed without a response */
	int clock_skew_s;		/* server clock offset for signature checks + Date */
	int creds_ttl_s;		/* AssumeRole creds expire after this (0 = 1h) */
};

struct sim_world {
	pthread_mutex_t lock;
	uint64_t seed;
	double speed;
	double t0;			/* sim time at start == wall time at start */
	double wall0;
	char account[16];		/* "123456789012" */
	const char *region;		/* "us-east-1" */
	struct sim_env envs[SIM_NENV];
	struct sim_repo repos[SIM_NSVC];
	struct sim_faults faults[8];	/* indexed by enum aws_service_id; [7] = all */
	/* Additions (sim-server). */
	struct sim_asc ascs[SIM_MAX_ASCS];	/* every revision, oldest first */
	size_t nascs;
	uint64_t next_id;		/* for operation ids and request ids */
	double deploy_s;		/* sim seconds a deployment takes (40) */
	double pause_s;			/* ... a pause/resume/scale change (10) */
};

struct sim_world *sim_world_new(uint64_t seed, double speed, double now_wall);
void sim_world_free(struct sim_world *w);
double sim_now(const struct sim_world *w);	/* no lock needed */

/* Lookups; call with w->lock held.  NULL when not found. */
struct sim_service *sim_find_service_by_arn(struct sim_world *w, const char *arn);
struct sim_service *sim_find_service_by_name(struct sim_world *w, const char *name);
struct sim_service *sim_find_service(struct sim_world *w, const char *env, const char *role);
struct sim_repo *sim_find_repo(struct sim_world *w, const char *name);

/* State of a service at sim time t (copies; takes the lock itself). */
void sim_service_state_at(struct sim_world *w, const struct sim_service *s,
    double t, struct sim_state *out);
/* Append a timeline entry effective at t (lock held). */
void sim_service_set_state(struct sim_service *s, double t,
    const struct sim_state *st);
/* Advance operations whose simulated duration has elapsed (lock held). */
void sim_world_tick(struct sim_world *w, double now);

/* Deterministic noise: same (seed, key, t) -> same value in [0,1). */
double sim_noise(uint64_t seed, uint64_t key, int64_t bucket);
uint64_t sim_hash(const char *s);

/*
 * Additions (sim-server).  All with w->lock held.
 *
 * sim_service_status: "RUNNING", "PAUSED" or "OPERATION_IN_PROGRESS".
 * sim_service_busy: an operation is PENDING or IN_PROGRESS.
 * sim_service_start_op: begin an operation at now; it completes in
 *   simulated time through sim_world_tick (a deployment of digest, a
 *   scale change to asc_arn, a pause or a resume).  NULL digest/asc_arn
 *   when not relevant.  Returns the new operation.
 * sim_service_pending_digest: digest the service will run once its
 *   operations complete (== cur.digest when idle).
 */
const char *sim_service_status(const struct sim_service *s);
bool sim_service_busy(const struct sim_service *s);
struct sim_operation *sim_service_start_op(struct sim_world *w,
    struct sim_service *s, enum sim_op_type type, double now,
    const char *digest, const char *asc_arn);
const char *sim_service_pending_digest(const struct sim_service *s);

/* ECR images.  find by "sha256:..." digest or by tag; NULL if none. */
struct sim_image *sim_repo_find_image(struct sim_repo *r, const char *ref);
bool sim_image_has_tag(const struct sim_image *img, const char *tag);
size_t sim_image_ntags(const struct sim_image *img);
const char *sim_image_tag(const struct sim_image *img, size_t i);
/* Add tag to img, removing it from any other image of r. -1 when full. */
int sim_repo_tag_image(struct sim_repo *r, struct sim_image *img,
    const char *tag);
/* The image's manifest (Docker v2 schema 2 JSON); digest is its sha256.
 * Caller frees. */
char *sim_image_manifest(const struct sim_repo *r, const struct sim_image *img);
/* Push a new image tagged tag (pushed at now); NULL when the repo is full. */
struct sim_image *sim_repo_push(struct sim_world *w, struct sim_repo *r,
    const char *tag, bool bad, double now);

/* AutoScalingConfiguration revisions. */
struct sim_asc *sim_find_asc(struct sim_world *w, const char *arn);
/* New revision of name (revision 1 when new); NULL when full. */
struct sim_asc *sim_asc_create(struct sim_world *w, const char *name,
    int min_size, int max_size, int max_concurrency, double now);
/* "sha256:<hex>" of len bytes at p (an image digest).  out >= 72 bytes. */
void sim_sha256_digest(const void *p, size_t len, char *out);
/* Fresh UUID-shaped id, deterministic from the seed.  out >= 37 bytes. */
void sim_world_uuid(struct sim_world *w, char *out);

#endif
