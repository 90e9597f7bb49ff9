/* Cost Explorer: month-to-date cost, forecast, and the on-disk cache. */
#ifndef MOMENTUM_COSTEXPLORER_H
#define MOMENTUM_COSTEXPLORER_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "model/model.h"

/*
 * Dates are "YYYY-MM-DD" (UTC); end is exclusive.  tag_key NULL = no
 * filter, else Filter.Tags {Key, Values [tag_value]}.
 */
cJSON *ce_cost_and_usage_request(const char *start, const char *end,
    const char *tag_key, const char *tag_value, const char *next_page);
/*
 * Add one page (DAILY, grouped by SERVICE, UnblendedCost) into out:
 * daily[] by day of month, by_service summed (largest first), mtd,
 * currency.  *next_page gets NextPageToken or NULL (caller frees).
 */
int ce_parse_cost_and_usage(const cJSON *resp, struct cost_data *out,
    char **next_page, char **cause);

cJSON *ce_forecast_request(const char *start, const char *end,
    const char *tag_key, const char *tag_value);
/* Total.Amount of the forecast for [start, end). */
int ce_parse_forecast(const cJSON *resp, double *amount, char **cause);

/*
 * The month-to-date window for now (epoch seconds, UTC): start = first
 * of the month; end = today (tomorrow on the 1st, since Start < End);
 * forecast from today to the first of next month.  Buffers of 11 bytes.
 */
void ce_month_window(int64_t now, char *start, char *end, char *fc_start,
    char *fc_end, int *days_so_far);

/* Cache file contents (JSON) for d fetched at fetched_ms.  Caller frees. */
char *cost_cache_encode(const struct cost_data *d, int64_t fetched_ms);
/*
 * Read a cache file's text.  NULL (with *cause) when malformed or from
 * another month than now; strings are sanitized again (files can be
 * edited).  Caller frees with cost_data_free.
 */
struct cost_data *cost_cache_decode(const char *text, int64_t now,
    int64_t *fetched_ms, char **cause);

#endif
