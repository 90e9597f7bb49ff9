/* The request log: one JSON object per line, for tests and demos to read. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "sim/server.h"

/* f: written by any request thread, under lock. */
struct sim_reqlog {
	pthread_mutex_t lock;
	FILE *f;
};

struct sim_reqlog *
sim_reqlog_open(const char *path, char **cause)
{
	struct sim_reqlog *l;
	FILE *f;

	if ((f = fopen(path, "a")) == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	l = xcalloc(1, sizeof *l);
	pthread_mutex_init(&l->lock, NULL);
	l->f = f;
	return l;
}

void
sim_reqlog_close(struct sim_reqlog *l)
{
	if (l == NULL)
		return;
	fclose(l->f);
	pthread_mutex_destroy(&l->lock);
	free(l);
}

void
sim_reqlog_write(struct sim_reqlog *l, double wall, const char *service,
    const char *operation, const char *access_key, int status,
    const char *error, const char *fault)
{
	cJSON *o;
	char *line, ts[80];
	time_t secs = (time_t)wall;
	struct tm tm;

	if (l == NULL)
		return;
	gmtime_r(&secs, &tm);
	snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)((wall - (double)secs) * 1000) % 1000);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "time", ts);
	if (service != NULL)
		cJSON_AddStringToObject(o, "service", service);
	else
		cJSON_AddNullToObject(o, "service");
	if (operation != NULL)
		cJSON_AddStringToObject(o, "operation", operation);
	else
		cJSON_AddNullToObject(o, "operation");
	if (access_key != NULL)
		cJSON_AddStringToObject(o, "access_key", access_key);
	else
		cJSON_AddNullToObject(o, "access_key");
	cJSON_AddNumberToObject(o, "status", status);
	if (error != NULL)
		cJSON_AddStringToObject(o, "error", error);
	if (fault != NULL)
		cJSON_AddStringToObject(o, "fault", fault);
	line = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	pthread_mutex_lock(&l->lock);
	fprintf(l->f, "%s\n", line);
	fflush(l->f);
	pthread_mutex_unlock(&l->lock);
	cJSON_free(line);
}
