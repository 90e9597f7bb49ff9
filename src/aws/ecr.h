/* ECR: image lookups (running digest) and the retag calls promote uses. */
#ifndef MOMENTUM_ECR_H
#define MOMENTUM_ECR_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct ecr_image {
	char *digest;		/* "sha256:..." */
	char **tags;
	size_t ntags;
	int64_t pushed_at;	/* epoch seconds */
	int64_t size_bytes;
};

/*
 * Split an App Runner ImageIdentifier
 * "<acct>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]" into repo
 * and tag or digest (each caller-freed, NULL when absent).  Returns -1
 * when there is no repository part.
 */
int ecr_split_image_uri(const char *uri, char **repo, char **tag,
    char **digest);

/* tag or digest may be NULL (both NULL: every image, newest pages first). */
cJSON *ecr_describe_images_request(const char *repo, const char *tag,
    const char *digest);
/* Sanitized images; free with ecr_images_free. */
int ecr_parse_describe_images(const cJSON *resp, struct ecr_image **out,
    size_t *n, char **cause);
void ecr_images_free(struct ecr_image *im, size_t n);

/* BatchGetImage for one tag or digest; the manifest to re-put under a new tag. */
cJSON *ecr_batch_get_image_request(const char *repo, const char *tag,
    const char *digest);
/* First image's manifest and media type (raw, not sanitized: they are
 * sent back, never shown).  Caller frees both. */
int ecr_parse_batch_get_image(const cJSON *resp, char **manifest,
    char **media_type, char **cause);
cJSON *ecr_put_image_request(const char *repo, const char *manifest,
    const char *media_type, const char *tag);

#endif
