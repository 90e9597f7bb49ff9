/* ECR operations over the simulated repositories (AWS JSON 1.1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/api.h"
#include "util/util.h"

#define BADPARAM "InvalidParameterException"
#define MANIFEST_TYPE "application/vnd.docker.distribution.manifest.v2+json"

static int
check_registry(struct sim_call *c, const cJSON *in, struct sim_reply *out)
{
	const char *reg;

	if (sim_json_opt_str(out, in, "registryId", &reg) != 0)
		return -1;
	if (reg != NULL && strcmp(reg, c->w->account) != 0)
		return sim_error(out, 400, BADPARAM,
		    "Invalid parameter at 'registryId' failed to satisfy "
		    "constraint: 'must be your own registry'");
	return 0;
}

static int
find_repo(struct sim_call *c, const cJSON *in, struct sim_reply *out,
    struct sim_repo **rp)
{
	const char *name;

	if (check_registry(c, in, out) != 0)
		return -1;
	if (sim_json_req_str(out, in, "repositoryName", BADPARAM, &name) != 0)
		return -1;
	if ((*rp = sim_find_repo(c->w, name)) == NULL)
		return sim_error(out, 400, "RepositoryNotFoundException",
		    "The repository with name '%.256s' does not exist in the "
		    "registry with id '%s'", name, c->w->account);
	return 0;
}

static cJSON *
repo_json(struct sim_call *c, const struct sim_repo *r)
{
	cJSON *o = cJSON_CreateObject(), *x;

	cJSON_AddStringToObject(o, "repositoryArn", r->arn);
	cJSON_AddStringToObject(o, "registryId", c->w->account);
	cJSON_AddStringToObject(o, "repositoryName", r->name);
	cJSON_AddStringToObject(o, "repositoryUri", r->uri);
	sim_json_add_time(o, "createdAt", r->created_at);
	cJSON_AddStringToObject(o, "imageTagMutability", "MUTABLE");
	x = cJSON_AddObjectToObject(o, "imageScanningConfiguration");
	cJSON_AddBoolToObject(x, "scanOnPush", true);
	x = cJSON_AddObjectToObject(o, "encryptionConfiguration");
	cJSON_AddStringToObject(x, "encryptionType", "AES256");
	return o;
}

static int
ecr_describe_repositories(struct sim_call *c, const cJSON *in,
    struct sim_reply *out)
{
	struct sim_repo *match[SIM_NSVC];
	const cJSON *names, *n;
	const char *tok;
	long long limit;
	size_t nmatch = 0, off, i;
	cJSON *list;

	if (check_registry(c, in, out) != 0)
		return -1;
	names = cJSON_GetObjectItemCaseSensitive(in, "repositoryNames");
	if (names != NULL && !cJSON_IsArray(names))
		return sim_error(out, 400, "SerializationException",
		    "repositoryNames must be a list");
	if (sim_json_int(out, in, "maxResults", 1, 1000, 100, BADPARAM,
	    &limit) != 0 ||
	    sim_json_opt_str(out, in, "nextToken", &tok) != 0)
		return -1;
	if (names != NULL && (tok != NULL ||
	    cJSON_GetObjectItemCaseSensitive(in, "maxResults") != NULL))
		return sim_error(out, 400, BADPARAM,
		    "Cannot specify nextToken or maxResults with "
		    "repositoryNames");
	if (names != NULL) {
		cJSON_ArrayForEach(n, names) {
			struct sim_repo *r;

			if (!cJSON_IsString(n))
				return sim_error(out, 400,
				    "SerializationException",
				    "repositoryNames must hold strings");
			if ((r = sim_find_repo(c->w, n->valuestring)) == NULL)
				return sim_error(out, 400,
				    "RepositoryNotFoundException",
				    "The repository with name '%.256s' does "
				    "not exist in the registry with id '%s'",
				    n->valuestring, c->w->account);
			if (nmatch < nitems(match))
				match[nmatch++] = r;
		}
	} else {
		for (i = 0; i < SIM_NSVC; i++)
			match[nmatch++] = &c->w->repos[i];
	}
	if (sim_page_start(out, tok, nmatch, BADPARAM, &off) != 0)
		return -1;
	out->json = cJSON_CreateObject();
	list = cJSON_AddArrayToObject(out->json, "repositories");
	for (i = off; i < nmatch && i < off + (size_t)limit; i++)
		cJSON_AddItemToArray(list, repo_json(c, match[i]));
	if (i < nmatch) {
		char *t = sim_page_token(i);

		cJSON_AddStringToObject(out->json, "nextToken", t);
		free(t);
	}
	return 0;
}

static cJSON *
image_detail(struct sim_call *c, const struct sim_repo *r,
    const struct sim_image *img)
{
	cJSON *o = cJSON_CreateObject(), *tags;
	size_t i, n = sim_image_ntags(img);

	cJSON_AddStringToObject(o, "registryId", c->w->account);
	cJSON_AddStringToObject(o, "repositoryName", r->name);
	cJSON_AddStringToObject(o, "imageDigest", img->digest);
	if (n > 0) {
		tags = cJSON_AddArrayToObject(o, "imageTags");
		for (i = 0; i < n; i++)
			cJSON_AddItemToArray(tags,
			    cJSON_CreateString(sim_image_tag(img, i)));
	}
	cJSON_AddNumberToObject(o, "imageSizeInBytes",
	    (double)img->size_bytes);
	sim_json_add_time(o, "imagePushedAt", img->pushed_at);
	cJSON_AddStringToObject(o, "imageManifestMediaType", MANIFEST_TYPE);
	cJSON_AddStringToObject(o, "artifactMediaType",
	    "application/vnd.docker.container.image.v1+json");
	cJSON_AddStringToObject(o, "imageStatus", "ACTIVE");
	return o;
}

/*
 * One ImageIdentifier {imageDigest?, imageTag?}: finds the image, or
 * returns NULL with *code set to the BatchGetImage failure code.
 */
static struct sim_image *
lookup_id(struct sim_repo *r, const cJSON *id, const char **digest,
    const char **tag, const char **code)
{
	struct sim_image *img = NULL;

	*digest = sim_json_str(id, "imageDigest");
	*tag = sim_json_str(id, "imageTag");
	*code = NULL;
	if (*digest == NULL && *tag == NULL) {
		*code = "MissingDigestAndTag";
		return NULL;
	}
	if (*digest != NULL) {
		if (!str_starts_with(*digest, "sha256:") ||
		    strlen(*digest) != 71) {
			*code = "InvalidImageDigest";
			return NULL;
		}
		img = sim_repo_find_image(r, *digest);
	}
	if (*tag != NULL) {
		struct sim_image *t = sim_repo_find_image(r, *tag);

		if (img != NULL && t != NULL && t != img) {
			*code = "ImageTagDoesNotMatchDigest";
			return NULL;
		}
		if (img == NULL && *digest == NULL)
			img = t;
		else if (img != NULL && t == NULL)
			img = NULL;
	}
	if (img == NULL)
		*code = "ImageNotFound";
	return img;
}

static int
ecr_describe_images(struct sim_call *c, const cJSON *in, struct sim_reply *out)
{
	struct sim_image *match[SIM_MAX_IMAGES];
	const cJSON *ids, *id, *filter;
	const char *tok, *status = NULL, *digest, *tag, *code;
	struct sim_repo *r;
	long long limit;
	size_t n = 0, off, i;
	cJSON *list;

	if (find_repo(c, in, out, &r) != 0)
		return -1;
	ids = cJSON_GetObjectItemCaseSensitive(in, "imageIds");
	if (ids != NULL && !cJSON_IsArray(ids))
		return sim_error(out, 400, "SerializationException",
		    "imageIds must be a list");
	filter = cJSON_GetObjectItemCaseSensitive(in, "filter");
	if (filter != NULL && sim_json_opt_str(out, filter, "tagStatus",
	    &status) != 0)
		return -1;
	if (status != NULL && strcmp(status, "TAGGED") != 0 &&
	    strcmp(status, "UNTAGGED") != 0 && strcmp(status, "ANY") != 0)
		return sim_error(out, 400, BADPARAM,
		    "Invalid parameter at 'filter.tagStatus'");
	if (sim_json_int(out, in, "maxResults", 1, 1000, 100, BADPARAM,
	    &limit) != 0 ||
	    sim_json_opt_str(out, in, "nextToken", &tok) != 0)
		return -1;
	if (ids != NULL) {
		if (tok != NULL || cJSON_GetObjectItemCaseSensitive(in,
		    "maxResults") != NULL)
			return sim_error(out, 400, BADPARAM,
			    "Cannot specify nextToken or maxResults with "
			    "imageIds");
		cJSON_ArrayForEach(id, ids) {
			struct sim_image *img;

			if (!cJSON_IsObject(id))
				return sim_error(out, 400,
				    "SerializationException",
				    "imageIds must hold objects");
			img = lookup_id(r, id, &digest, &tag, &code);
			if (img == NULL)
				return sim_error(out, 400,
				    "ImageNotFoundException",
				    "The image with imageId {imageDigest:"
				    "'%.80s', imageTag:'%.300s'} does not exist "
				    "within the repository with name '%s' in "
				    "the registry with id '%s'",
				    digest != NULL ? digest : "null",
				    tag != NULL ? tag : "null", r->name,
				    c->w->account);
			if (n < nitems(match))
				match[n++] = img;
		}
	} else {
		/* Newest first. */
		for (i = r->nimages; i-- > 0;) {
			bool tagged = sim_image_ntags(&r->images[i]) > 0;

			if (status != NULL && strcmp(status, "TAGGED") == 0 &&
			    !tagged)
				continue;
			if (status != NULL && strcmp(status, "UNTAGGED") == 0 &&
			    tagged)
				continue;
			match[n++] = &r->images[i];
		}
	}
	if (sim_page_start(out, tok, n, BADPARAM, &off) != 0)
		return -1;
	out->json = cJSON_CreateObject();
	list = cJSON_AddArrayToObject(out->json, "imageDetails");
	for (i = off; i < n && i < off + (size_t)limit; i++)
		cJSON_AddItemToArray(list, image_detail(c, r, match[i]));
	if (i < n) {
		char *t = sim_page_token(i);

		cJSON_AddStringToObject(out->json, "nextToken", t);
		free(t);
	}
	return 0;
}

static cJSON *
image_json(struct sim_call *c, const struct sim_repo *r,
    const struct sim_image *img, const char *tag)
{
	cJSON *o = cJSON_CreateObject(), *id;
	char *m = sim_image_manifest(r, img);

	cJSON_AddStringToObject(o, "registryId", c->w->account);
	cJSON_AddStringToObject(o, "repositoryName", r->name);
	id = cJSON_AddObjectToObject(o, "imageId");
	cJSON_AddStringToObject(id, "imageDigest", img->digest);
	if (tag != NULL)
		cJSON_AddStringToObject(id, "imageTag", tag);
	cJSON_AddStringToObject(o, "imageManifest", m);
	cJSON_AddStringToObject(o, "imageManifestMediaType", MANIFEST_TYPE);
	free(m);
	return o;
}

static int
ecr_batch_get_image(struct sim_call *c, const cJSON *in, struct sim_reply *out)
{
	const char *digest, *tag, *code;
	const cJSON *ids, *id;
	struct sim_repo *r;
	cJSON *images, *failures;

	if (find_repo(c, in, out, &r) != 0)
		return -1;
	ids = cJSON_GetObjectItemCaseSensitive(in, "imageIds");
	if (ids == NULL)
		return sim_error(out, 400, BADPARAM,
		    "1 validation error detected: Value null at 'imageIds' "
		    "failed to satisfy constraint: Member must not be null");
	if (!cJSON_IsArray(ids))
		return sim_error(out, 400, "SerializationException",
		    "imageIds must be a list");
	if (cJSON_GetArraySize(ids) > 100)
		return sim_error(out, 400, BADPARAM,
		    "imageIds must have at most 100 members");
	out->json = cJSON_CreateObject();
	images = cJSON_AddArrayToObject(out->json, "images");
	failures = cJSON_AddArrayToObject(out->json, "failures");
	cJSON_ArrayForEach(id, ids) {
		struct sim_image *img;

		if (!cJSON_IsObject(id))
			return sim_error(out, 400, "SerializationException",
			    "imageIds must hold objects");
		img = lookup_id(r, id, &digest, &tag, &code);
		if (img != NULL) {
			cJSON_AddItemToArray(images,
			    image_json(c, r, img, tag));
		} else {
			cJSON *f = cJSON_CreateObject(), *fid;

			fid = cJSON_AddObjectToObject(f, "imageId");
			if (digest != NULL)
				cJSON_AddStringToObject(fid, "imageDigest",
				    digest);
			if (tag != NULL)
				cJSON_AddStringToObject(fid, "imageTag", tag);
			cJSON_AddStringToObject(f, "failureCode", code);
			cJSON_AddStringToObject(f, "failureReason",
			    strcmp(code, "ImageNotFound") == 0 ?
			    "Requested image not found" :
			    strcmp(code, "MissingDigestAndTag") == 0 ?
			    "Missing digest and tag" :
			    strcmp(code, "InvalidImageDigest") == 0 ?
			    "Invalid image digest" :
			    "Image tag does not match image digest");
			cJSON_AddItemToArray(failures, f);
		}
	}
	return 0;
}

static int
ecr_put_image(struct sim_call *c, const cJSON *in, struct sim_reply *out)
{
	const char *manifest, *tag, *want, *type;
	char digest[72];
	struct sim_repo *r;
	struct sim_image *img;

	if (find_repo(c, in, out, &r) != 0)
		return -1;
	if (sim_json_req_str(out, in, "imageManifest", BADPARAM,
	    &manifest) != 0 ||
	    sim_json_opt_str(out, in, "imageTag", &tag) != 0 ||
	    sim_json_opt_str(out, in, "imageDigest", &want) != 0 ||
	    sim_json_opt_str(out, in, "imageManifestMediaType", &type) != 0)
		return -1;
	if (tag != NULL && (*tag == '\0' || strlen(tag) > 300))
		return sim_error(out, 400, BADPARAM,
		    "Invalid parameter at 'imageTag' failed to satisfy "
		    "constraint: 'must have length between 1 and 300'");
	if (tag != NULL && strlen(tag) >= sizeof img->tag)
		return sim_error(out, 400, BADPARAM,
		    "imageTag longer than this simulator stores (%zu)",
		    sizeof img->tag - 1);
	sim_sha256_digest(manifest, strlen(manifest), digest);
	if (want != NULL && strcmp(want, digest) != 0)
		return sim_error(out, 400, "ImageDigestDoesNotMatchException",
		    "Invalid parameter at 'imageDigest' failed to satisfy "
		    "constraint: 'the digest %.80s does not match the "
		    "manifest's digest %s'", want, digest);
	if ((img = sim_repo_find_image(r, digest)) == NULL) {
		/*
		 * A manifest we do not hold references layers nobody
		 * uploaded: the simulator only retags existing images.
		 */
		return sim_error(out, 400, "LayersNotFoundException",
		    "The image manifest references layers that are not in "
		    "the repository '%s'", r->name);
	}
	if (tag == NULL || sim_image_has_tag(img, tag))
		return sim_error(out, 400, "ImageAlreadyExistsException",
		    "Image with digest '%s' and tag '%.300s' already exists "
		    "in the repository with name '%s' in registry with id "
		    "'%s'", digest, tag != NULL ? tag : "null", r->name,
		    c->w->account);
	if (sim_repo_tag_image(r, img, tag) != 0)
		return sim_error(out, 400, "LimitExceededException",
		    "The image %s has too many tags", digest);
	out->json = cJSON_CreateObject();
	cJSON_AddItemToObject(out->json, "image", image_json(c, r, img, tag));
	return 0;
}

const struct sim_op sim_ecr_ops[] = {
	{ "DescribeRepositories", false, ecr_describe_repositories },
	{ "DescribeImages", false, ecr_describe_images },
	{ "BatchGetImage", false, ecr_batch_get_image },
	{ "PutImage", true, ecr_put_image },
	{ NULL, false, NULL },
};
