/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/tag.c: tags as names carry them (see tag.h), and the UUIDs of
 * journal entries, which say when they were made. */
#include "tag.h"

#include <time.h>
#include <uuid/uuid.h>

/* 2020-01-01: no entry is older than sanprov. */
#define ENTRY_EPOCH_MIN 1577836800

static void lower_hex(char *out, const char *uuid, size_t n)
{
    size_t k = 0;
    for (const char *p = uuid; *p && k < n; p++)
        if (spi_hex_digit((unsigned char)*p) >= 0)
            out[k++] = (char)((*p >= 'A' && *p <= 'F') ? *p - 'A' + 'a' : *p);
    while (k < n)
        out[k++] = '0';
    out[k] = '\0';
}

void spi_tag_suffix(const char *library, const char *entry,
                    char out[SP_TAG_LEN + 1])
{
    char lib[SPI_TAG_LIB_HEX + 1], ent[SPI_TAG_ENTRY_HEX + 1];
    lower_hex(lib, library, SPI_TAG_LIB_HEX);
    lower_hex(ent, entry, SPI_TAG_ENTRY_HEX);
    snprintf(out, SP_TAG_LEN + 1, "_%s_%s", lib, ent);
}

static bool all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (spi_hex_digit((unsigned char)s[i]) < 0)
            return false;
    return true;
}

bool spi_tag_split(const char *element, char **name,
                   char library[SPI_TAG_LIB_HEX + 1],
                   char entry[SPI_TAG_ENTRY_HEX + 1])
{
    size_t len = element ? strlen(element) : 0;
    if (len <= SP_TAG_LEN)
        return false;
    const char *t = element + len - SP_TAG_LEN;
    if (t[0] != '_' || !all_hex(t + 1, SPI_TAG_LIB_HEX) ||
        t[1 + SPI_TAG_LIB_HEX] != '_' ||
        !all_hex(t + 2 + SPI_TAG_LIB_HEX, SPI_TAG_ENTRY_HEX))
        return false;
    lower_hex(library, t + 1, SPI_TAG_LIB_HEX);
    lower_hex(entry, t + 2 + SPI_TAG_LIB_HEX, SPI_TAG_ENTRY_HEX);
    *name = spi_xstrndup(element, len - SP_TAG_LEN);
    return true;
}

bool spi_tag_names(const char *part, const char *uuid, size_t min)
{
    if (!part || !uuid)
        return false;
    size_t n = strlen(part);
    if (n < min || n > strlen(uuid))
        return false;
    return strncasecmp(part, uuid, n) == 0;
}

bool spi_uuid_valid(const char *s)
{
    uuid_t u;
    return s && strlen(s) == 36 && uuid_parse(s, u) == 0;
}

void spi_entry_uuid(char out[37])
{
    uuid_t u;
    uuid_generate_random(u);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
    for (int i = 0; i < 6; i++)
        u[i] = (unsigned char)(ms >> (40 - 8 * i));
    u[6] = (unsigned char)(0x70 | (u[6] & 0x0f)); /* version 7 */
    u[8] = (unsigned char)(0x80 | (u[8] & 0x3f)); /* RFC 9562 variant */
    uuid_unparse_lower(u, out);
}

int64_t spi_entry_time(const char *prefix)
{
    if (!prefix || strlen(prefix) < 8 || !all_hex(prefix, 8))
        return -1;
    /* A whole UUID says its version: only version 7 keeps the time. */
    if (strlen(prefix) >= 15 && prefix[14] != '7')
        return -1;
    uint64_t hi = 0;
    for (int i = 0; i < 8; i++)
        hi = hi << 4 | (uint64_t)spi_hex_digit((unsigned char)prefix[i]);
    /* The first 32 of the 48 bits of milliseconds; of a random UUID they
     * are a time too, which would rarely fall between sanprov's
     * beginning and tomorrow: the window tells most apart. */
    int64_t s = (int64_t)((hi << 16) / 1000);
    int64_t now = (int64_t)time(NULL);
    if (s < ENTRY_EPOCH_MIN || s > now + 86400)
        return -1;
    return s;
}
