/*
 * option_text.c - the text forms of option values, read from the command
 * line and the configuration file and written in messages and reports:
 * severity names ("error", "warning", "info") and byte sizes ("64M",
 * "1536KiB"). Every layer may need them; they need nothing.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "migralint/migralint.h"

int ml_size_parse(const char *text, size_t *out)
{
	static const struct {
		const char *name;
		unsigned shift;
	} UNITS[] = { { "", 0 }, { "k", 10 }, { "kib", 10 }, { "m", 20 }, { "mib", 20 }, { "g", 30 }, { "gib", 30 } };
	if (!text || *text < '0' || *text > '9')
		return -1; /* no sign, no blank: strtoull would take both */
	char *end;
	errno = 0;
	unsigned long long n = strtoull(text, &end, 10);
	if (errno || n == 0)
		return -1;
	for (size_t i = 0; i < sizeof(UNITS) / sizeof(*UNITS); i++) {
		if (strcasecmp(end, UNITS[i].name))
			continue;
		if (n > (unsigned long long)SIZE_MAX >> UNITS[i].shift)
			return -1;
		*out = (size_t)n << UNITS[i].shift;
		return 0;
	}
	return -1;
}

char *ml_size_format(size_t size, char *buf, size_t len)
{
	static const char *const UNITS[] = { "", "KiB", "MiB", "GiB" };
	int unit = 0;
	while (unit < 3 && size && size % 1024 == 0) {
		size /= 1024;
		unit++;
	}
	snprintf(buf, len, "%zu%s", size, UNITS[unit]);
	return buf;
}

int ml_severity_parse(const char *text, ml_severity *out)
{
	static const char *const NAMES[] = { "info", "warning", "error" };
	for (int i = 0; i < 3; i++) {
		if (!strcmp(text, NAMES[i])) {
			*out = (ml_severity)i;
			return 0;
		}
	}
	return -1;
}

const char *ml_severity_name(ml_severity severity)
{
	switch (severity) {
	case ML_SEVERITY_ERROR:
		return "error";
	case ML_SEVERITY_WARNING:
		return "warning";
	default:
		return "info";
	}
}
