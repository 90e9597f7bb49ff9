/* ECR: image lookups (running digest) and the retag calls promote uses. */
#include "aws/ecr.h"

#include <stdlib.h>
#include <string.h>

#include "aws/awsjson.h"
#include "util/util.h"

int
ecr_split_image_uri(const char *uri, char **repo, char **tag, char **digest)
{
	const char *slash, *at, *colon, *path;

	*repo = *tag = *digest = NULL;
	if (uri == NULL || (slash = strchr(uri, '/')) == NULL)
		return -1;
	path = slash + 1;
	if ((at = strchr(path, '@')) != NULL) {
		*digest = xstrdup(at + 1);
		*repo = xstrndup(path, (size_t)(at - path));
	} else if ((colon = strrchr(path, ':')) != NULL) {
		*tag = xstrdup(colon + 1);
		*repo = xstrndup(path, (size_t)(colon - path));
	} else
		*repo = xstrdup(path);
	if (**repo == '\0') {
		free(*repo);
		free(*tag);
		free(*digest);
		*repo = *tag = *digest = NULL;
		return -1;
	}
	return 0;
}

static void
add_image_id(cJSON *r, const char *tag, const char *digest)
{
	cJSON *ids, *id;

	if (tag == NULL && digest == NULL)
		return;
	ids = cJSON_AddArrayToObject(r, "imageIds");
	id = cJSON_CreateObject();
	aj_add_str(id, "imageTag", tag);
	aj_add_str(id, "imageDigest", digest);
	cJSON_AddItemToArray(ids, id);
}

cJSON *
ecr_describe_images_request(const char *repo, const char *tag,
    const char *digest)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "repositoryName", repo);
	add_image_id(r, tag, digest);
	if (tag == NULL && digest == NULL)
		cJSON_AddNumberToObject(r, "maxResults", 100);
	return r;
}

int
ecr_parse_describe_images(const cJSON *resp, struct ecr_image **out,
    size_t *n, char **cause)
{
	const cJSON *it, *t;
	struct ecr_image *im;
	char *s;

	*out = NULL;
	*n = 0;
	if (!cJSON_IsObject(resp)) {
		*cause = xstrdup("DescribeImages: not an object");
		return -1;
	}
	cJSON_ArrayForEach(it, aj_array(resp, "imageDetails")) {
		if (aj_str(it, "imageDigest") == NULL)
			continue;
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		im = &(*out)[(*n)++];
		memset(im, 0, sizeof *im);
		im->digest = aj_clean(it, "imageDigest");
		im->pushed_at = aj_time(it, "imagePushedAt");
		im->size_bytes = (int64_t)aj_num(it, "imageSizeInBytes", 0);
		cJSON_ArrayForEach(t, aj_array(it, "imageTags")) {
			if (!cJSON_IsString(t))
				continue;
			s = aj_clean_str(t->valuestring);
			im->tags = xreallocarray(im->tags, im->ntags + 1,
			    sizeof *im->tags);
			im->tags[im->ntags++] = s;
		}
	}
	return 0;
}

void
ecr_images_free(struct ecr_image *im, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		free(im[i].digest);
		for (j = 0; j < im[i].ntags; j++)
			free(im[i].tags[j]);
		free(im[i].tags);
	}
	free(im);
}

cJSON *
ecr_batch_get_image_request(const char *repo, const char *tag,
    const char *digest)
{
	cJSON *r = cJSON_CreateObject(), *mt;

	cJSON_AddStringToObject(r, "repositoryName", repo);
	add_image_id(r, tag, digest);
	mt = cJSON_AddArrayToObject(r, "acceptedMediaTypes");
	cJSON_AddItemToArray(mt, cJSON_CreateString(
	    "application/vnd.docker.distribution.manifest.v2+json"));
	cJSON_AddItemToArray(mt, cJSON_CreateString(
	    "application/vnd.oci.image.manifest.v1+json"));
	cJSON_AddItemToArray(mt, cJSON_CreateString(
	    "application/vnd.oci.image.index.v1+json"));
	cJSON_AddItemToArray(mt, cJSON_CreateString(
	    "application/vnd.docker.distribution.manifest.list.v2+json"));
	return r;
}

int
ecr_parse_batch_get_image(const cJSON *resp, char **manifest,
    char **media_type, char **cause)
{
	const cJSON *img, *fail;

	*manifest = *media_type = NULL;
	img = cJSON_GetArrayItem(aj_array(resp, "images"), 0);
	if (img == NULL || aj_str(img, "imageManifest") == NULL) {
		fail = cJSON_GetArrayItem(aj_array(resp, "failures"), 0);
		if (fail != NULL) {
			char *code = aj_clean(fail, "failureCode");
			char *why = aj_clean(fail, "failureReason");

			*cause = xasprintf("BatchGetImage: %s: %s",
			    code ? code : "failure", why ? why : "");
			free(code);
			free(why);
		} else
			*cause = xstrdup("BatchGetImage: no image");
		return -1;
	}
	*manifest = xstrdup(aj_str(img, "imageManifest"));
	*media_type = xstrdup(aj_str(img, "imageManifestMediaType"));
	return 0;
}

cJSON *
ecr_put_image_request(const char *repo, const char *manifest,
    const char *media_type, const char *tag)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "repositoryName", repo);
	cJSON_AddStringToObject(r, "imageManifest", manifest);
	aj_add_str(r, "imageManifestMediaType", media_type);
	aj_add_str(r, "imageTag", tag);
	return r;
}
