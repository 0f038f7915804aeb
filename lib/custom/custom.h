/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/custom/custom.h: what the library's own callers use of the guest
 * customization module. */
#ifndef SANPROV_CUSTOM_INTERNAL_H
#define SANPROV_CUSTOM_INTERNAL_H

#include "../util/internal.h"
#include <sanprov/custom.h>

/* Whether an ISO 9660 tool sp_seed_write() can use is installed. */
bool spi_seed_tool(void);

#endif
