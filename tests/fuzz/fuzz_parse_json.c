/* libFuzzer harness: every service response parser on arbitrary JSON. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/apprunner.h"
#include "aws/cloudwatch.h"
#include "aws/costexplorer.h"
#include "aws/ecr.h"
#include "aws/logs.h"
#include "model/logstore.h"
#include "model/model.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Sanitized output never carries ESC or other C0 controls. */
static void
check_clean(const char *s)
{
	if (s == NULL)
		return;
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20)
			abort();
	}
}

static void
parse_all(const cJSON *j)
{
	struct apprunner_summary *sum = NULL;
	struct service_info si = { 0 };
	struct op_info *ops;
	struct cw_result *res = NULL;
	struct alarms_data ad = { 0 }, *adp;
	struct alarm_history *hist;
	struct cost_data *cd;
	struct ecr_image *im;
	struct log_event_in *ev;
	struct logstore *ls;
	char *next = NULL, *cause = NULL, *m, *mt, **names;
	const char *tok;
	size_t n = 0, i;
	int a, b, c;
	double f;

	if (apprunner_parse_list_services(j, &sum, &n, &next, &cause) != 0)
		free(cause);
	for (i = 0; i < n; i++)
		check_clean(sum[i].name);
	apprunner_summaries_free(sum, n);
	free(next);
	if (apprunner_parse_describe_service(j, &si, &cause) != 0)
		free(cause);
	check_clean(si.name);
	check_clean(si.image);
	service_info_clear(&si);
	if (apprunner_parse_list_operations(j, &ops, &n, &cause) == 0) {
		for (i = 0; i < n; i++)
			op_info_clear(&ops[i]);
		free(ops);
	} else
		free(cause);
	if (apprunner_parse_describe_asc(j, &a, &b, &c, &cause) != 0)
		free(cause);

	n = 0;
	if (cloudwatch_parse_get_metric_data(j, &res, &n, &next, &cause) != 0)
		free(cause);
	cw_results_free(res, n);
	free(next);
	if (cloudwatch_parse_describe_alarms(j, "fuzz", &ad.alarms, &ad.n,
	    &next, &cause) != 0)
		free(cause);
	free(next);
	alarms_data_sort(&ad);
	for (i = 0; i < ad.n; i++)
		check_clean(ad.alarms[i].reason);
	adp = xmalloc(sizeof *adp);
	*adp = ad;
	alarms_data_free(adp);
	if (cloudwatch_parse_alarm_history(j, &hist, &n, &cause) == 0) {
		for (i = 0; i < n; i++)
			free(hist[i].summary);
		free(hist);
	} else
		free(cause);

	cd = xcalloc(1, sizeof *cd);
	if (ce_parse_cost_and_usage(j, cd, &next, &cause) != 0)
		free(cause);
	free(next);
	cost_data_free(cd);
	if (ce_parse_forecast(j, &f, &cause) != 0)
		free(cause);

	if (ecr_parse_describe_images(j, &im, &n, &cause) == 0)
		ecr_images_free(im, n);
	else
		free(cause);
	if (ecr_parse_batch_get_image(j, &m, &mt, &cause) == 0) {
		free(m);
		free(mt);
	} else
		free(cause);

	if (logs_parse_filter(j, "/g", &ev, &n, &tok, &cause) == 0) {
		ls = logstore_new(50);
		logstore_append(ls, ev, n);
		logstore_append(ls, ev, n);
		logstore_lock(ls);
		for (i = 0; i < logstore_count(ls); i++)
			check_clean(logstore_line(ls, i)->message);
		logstore_unlock(ls);
		logstore_free(ls);
		free(ev);
	} else
		free(cause);
	if (logs_parse_describe_log_groups(j, &names, &n, &cause) == 0) {
		for (i = 0; i < n; i++)
			free(names[i]);
		free(names);
	} else
		free(cause);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *j;
	struct cost_data *cd;
	char *text, *cause = NULL;
	int64_t fetched;

	text = xstrndup((const char *)data, size);
	if ((j = cJSON_Parse(text)) != NULL) {
		parse_all(j);
		cJSON_Delete(j);
	}
	/* The cost cache is read from disk, so it is input too. */
	cd = cost_cache_decode(text, 1762257600, &fetched, &cause);
	if (cd != NULL)
		cost_data_free(cd);
	else
		free(cause);
	free(text);
	return 0;
}
