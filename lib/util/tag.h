/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/tag.h: tags, whose work an array object is (a library's UUID and
 * a journal entry's), as names carry them; journal entries' UUIDs. */
#ifndef SANPROV_UTIL_TAG_H
#define SANPROV_UTIL_TAG_H

#include "internal.h"

#include <stdint.h>

/*
 * Where an array keeps nothing better than a name (an SMI-S volume's
 * ElementName), the tag is a suffix of it:
 *
 *     NAME_LLLLLL_EEEEEEEE
 *
 * LLLLLL the first 6 hex digits of the library's UUID, EEEEEEEE the first
 * 8 of the entry's, lower case: SP_TAG_LEN (16) characters, of letters,
 * digits and '_' only, which every array in the anchors takes in a name.
 * Why so short: arrays limit names, and sanprov's user still names the
 * LUN.  HPE 3PAR takes 31 characters (openstack/cinder,
 * cinder/volume/drivers/hpe/hpe_3par_common.py, _get_3par_vol_name: "the
 * maximum allowed 31 character name limit on 3Par"); Fujitsu ETERNUS DX
 * names Cinder's volumes with 30 ("FJosv_" and 24 of base64,
 * fujitsu/eternus_dx/eternus_dx_common.py, _get_volume_name), cut to 16 on
 * the DX S2; NetApp E-Series labels hold a UUID as 26 base32 characters
 * (netapp/eseries/utils.py, convert_uuid_to_es_fmt); PowerMax host names
 * 16 (dell_emc/powermax/utils.py, UPPER_HOST_CHARS); libstoragemgmt's
 * MegaRAID plugin 15 (plugin/megaraid_plugin/megaraid.py).  SMI-S says
 * an array's limit in CIM_StorageConfigurationCapabilities.
 * GetElementNameCapabilities (MaxElementNameLen).  So a name of up to 14
 * characters fits everywhere but the DX S2.
 *
 * 24 bits of the library tell two libraries that share an array apart
 * (a false match: 1 in 16.7 million pairs of libraries); 32 bits of the
 * entry tell a run's objects from another's among the entries the library
 * knows.  An entry's UUID is time-ordered (RFC 9562 version 7, its first
 * 48 bits the time in milliseconds), so its first 8 hex digits also say
 * when the run began, to 65.5 seconds: the age of an object that only a
 * name tags.
 */
#define SPI_TAG_LIB_HEX   6
#define SPI_TAG_ENTRY_HEX 8

/* "_LLLLLL_EEEEEEEE" of @library and @entry (UUIDs, or their first hex
 * digits, at least as many as a tag keeps) into @out. */
void spi_tag_suffix(const char *library, const char *entry,
                    char out[SP_TAG_LEN + 1]);

/*
 * Split @element (an ElementName) into the name before a tag and the tag:
 * true when it ends in one, with *@name (a new string), @library and
 * @entry (the hex digits, lower case) set; false (nothing set) when it
 * does not.  A name that is only a tag is no tag: a name is never empty.
 */
bool spi_tag_split(const char *element, char **name,
                   char library[SPI_TAG_LIB_HEX + 1],
                   char entry[SPI_TAG_ENTRY_HEX + 1]);

/* Whether tag part @part (hex digits, or a whole UUID) names @uuid: the
 * same UUID, or its first hex digits (at least @min of them). */
bool spi_tag_names(const char *part, const char *uuid, size_t min);

/* A new journal entry's UUID: version 7, time-ordered. */
void spi_entry_uuid(char out[37]);

/* When the entry whose UUID begins with @prefix (at least 8 hex digits)
 * was made, in Unix seconds (to 65.5 s), or -1 when it is not a version 7
 * UUID (a VM's random one) or @prefix is too short to tell. */
int64_t spi_entry_time(const char *prefix);

/* Whether @s is a UUID in its 36-character text form. */
bool spi_uuid_valid(const char *s);

#endif
