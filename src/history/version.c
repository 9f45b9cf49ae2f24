/*
 * version.c - the order of migration versions as the tools order them:
 * numbers as numbers, whatever their width (V2 before V10, 1.2 before 1.10,
 * a 14-digit timestamp after an 8-digit one).
 */
#include <string.h>

#include "tool.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* '_' separates version parts as '.' does (Flyway's V1_2 is 1.2). */
static char part_separator(char c)
{
	return c == '_' ? '.' : c;
}

int ml_version_compare(const char *a, const char *b)
{
	if (!a || !b)
		return (a == NULL) - (b == NULL);
	while (*a && *b) {
		if (is_digit(*a) && is_digit(*b)) {
			while (*a == '0' && is_digit(a[1]))
				a++;
			while (*b == '0' && is_digit(b[1]))
				b++;
			size_t na = 0, nb = 0;
			while (is_digit(a[na]))
				na++;
			while (is_digit(b[nb]))
				nb++;
			if (na != nb)
				return na < nb ? -1 : 1;
			int c = memcmp(a, b, na);
			if (c)
				return c;
			a += na;
			b += nb;
			continue;
		}
		char ca = part_separator(*a), cb = part_separator(*b);
		if (ca != cb)
			return (unsigned char)ca < (unsigned char)cb ? -1 : 1;
		a++;
		b++;
	}
	return (*a != '\0') - (*b != '\0');
}
