/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/order.h: the order in which a batch deletes LUNs (or what
 * stands on them): SAN copies before their sources. */
#ifndef SANPROV_CMD_ORDER_H
#define SANPROV_CMD_ORDER_H

#include "common/cmd.h"

/*
 * Order a batch of @n items, item i standing on LUN @luns[i] (NULL: none),
 * so that an item whose LUN is a SAN copy (snapshot or clone) of another
 * item's LUN comes before that item: an array refuses to delete a LUN
 * while snapshots depend on it, and "lun-list -a | lun-delete" should
 * delete them all in one run.  Fills @order (n entries) with the indexes
 * 0..n-1 in that order: each item with the copies standing on it first
 * (in their order), everything else as given.
 *
 * What a LUN is a copy of is asked of its array (sp_lun_source()) only for
 * the arrays with two items or more: one lookup a LUN
 * (sp_array_get_lun()), or one listing of the array's LUNs
 * (sp_array_list_luns()) when the batch has many of them.  An array that
 * cannot be asked leaves its items in the order given, unreported (their
 * deletes will say what is wrong).
 */
void cmd_luns_copies_first(const sp_id *const *luns, size_t n, size_t *order);

#endif
