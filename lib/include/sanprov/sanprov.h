/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sanprov/sanprov.h: the whole public API of libsanprov in one include. */
#ifndef SANPROV_SANPROV_H
#define SANPROV_SANPROV_H

#include <sanprov/common.h>
#include <sanprov/error.h>
#include <sanprov/text.h>
#include <sanprov/log.h>
#include <sanprov/id.h>
#include <sanprov/config.h>
#include <sanprov/array.h>
#include <sanprov/template.h>
#include <sanprov/claims.h>
#include <sanprov/journal.h>
#include <sanprov/reconcile.h>
#include <sanprov/custom.h>
#include <sanprov/host.h>
#include <sanprov/deploy.h>

#endif
