/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/smis_views.c: reading every masking view of an SMI-S array at
 * once, for LUN listings. */
#include "smis.h"

static const char *devid(const sp_cim_path *p)
{
    return sp_cim_value_get_string(sp_cim_path_get_key(p, "DeviceID"));
}

struct view_info {
    sp_cim_path *spc;
    char **initiators;
    size_t ninit;
};

struct smis_unit {
    char *dev;
    size_t view;
    uint32_t number;
};

struct smis_masking {
    struct view_info *views;
    size_t nviews, capviews;
    struct smis_unit *units;
    size_t nunits, capunits;
};

/* Units by volume, then view, then number: a stable order for a LUN's
 * masking whatever order the array answers in. */
static int unit_cmp(const void *pa, const void *pb)
{
    const struct smis_unit *a = pa, *b = pb;
    int c = strcmp(a->dev, b->dev);
    if (c)
        return c;
    if (a->view != b->view)
        return a->view < b->view ? -1 : 1;
    return a->number < b->number ? -1 : a->number > b->number;
}

static size_t view_index(struct smis_masking *m, const sp_cim_path *spc)
{
    for (size_t i = 0; i < m->nviews; i++)
        if (sp_cim_path_equal(m->views[i].spc, spc, 0))
            return i;
    spi_xgrow((void **)&m->views, &m->capviews, m->nviews + 1,
              sizeof(*m->views));
    m->views[m->nviews] = (struct view_info){.spc = sp_cim_path_copy(spc)};
    return m->nviews++;
}

static int load_unit(sp_cim_instance *i, void *ud)
{
    struct smis_masking *m = ud;
    const sp_cim_path *spc =
        sp_cim_value_get_ref(sp_cim_instance_get(i, "Antecedent"));
    const sp_cim_path *vol =
        sp_cim_value_get_ref(sp_cim_instance_get(i, "Dependent"));
    const char *num = sp_cim_instance_get_string(i, "DeviceNumber");
    if (spc && vol && devid(vol)) {
        size_t v = view_index(m, spc);
        spi_xgrow((void **)&m->units, &m->capunits, m->nunits + 1,
                  sizeof(*m->units));
        m->units[m->nunits].dev = spi_xstrdup(devid(vol));
        m->units[m->nunits].view = v;
        if (!smis_device_number(num, &m->units[m->nunits].number))
            m->units[m->nunits].number = SP_LUN_NUMBER_UNKNOWN;
        m->nunits++;
    }
    sp_cim_instance_free(i);
    return 0;
}

static sp_code view_initiators(sp_array *a, struct view_info *v)
{
    static const char *const props[] = {"StorageID", NULL};
    struct smis *s = smis_of(a);
    bool group = s->caps.masking == SP_MASKING_GROUP;
    sp_cim_path *mid = NULL;
    sp_code rc = group ? smis_first_assoc(a, v->spc,
                                          "CIM_AssociatedInitiatorMaskingGroup",
                                          "CIM_InitiatorMaskingGroup", &mid)
                       : smis_first_assoc(a, v->spc, "CIM_AuthorizedTarget",
                                          "CIM_AuthorizedPrivilege", &mid);
    struct smis_list l = {0};
    if (!rc && mid &&
        sp_cim_associators(s->c, mid,
                           group ? "CIM_MemberOfCollection"
                                 : "CIM_AuthorizedSubject",
                           "CIM_StorageHardwareID", NULL, NULL, props, 0,
                           smis_keep_instance, &l))
        rc = smis_fail(a);
    v->initiators = spi_xcalloc(l.n + 1, sizeof(*v->initiators));
    for (size_t i = 0; i < l.n; i++) {
        const char *sid = sp_cim_instance_get_string(l.v[i], "StorageID");
        if (sid)
            v->initiators[v->ninit++] = spi_xstrdup(sid);
    }
    smis_list_free_instances(&l);
    sp_cim_path_free(mid);
    return rc;
}

sp_code smis_masking_load(sp_array *a, struct smis_masking **out)
{
    static const char *const props[] = {"Antecedent", "Dependent",
                                        "DeviceNumber", NULL};
    struct smis *s = smis_of(a);
    sp_array_caps caps;
    *out = spi_xcalloc(1, sizeof(**out));
    sp_code rc = spi_smis_driver.capabilities(a, &caps);
    if (!rc && caps.masking != SP_MASKING_NONE &&
        sp_cim_enumerate_instances(s->c, s->ns, "CIM_ProtocolControllerForUnit",
                                   props, 0, load_unit, *out))
        rc = smis_fail(a);
    for (size_t i = 0; !rc && i < (*out)->nviews; i++)
        rc = view_initiators(a, &(*out)->views[i]);
    /* Sorted by volume, so that a listing of N LUNs costs N log(units). */
    if (!rc && (*out)->nunits)
        qsort((*out)->units, (*out)->nunits, sizeof(*(*out)->units), unit_cmp);
    return rc;
}

void smis_masking_apply(struct smis_masking *m, const char *device_id,
                        sp_lun *l)
{
    if (!m || !device_id)
        return;
    /* The first unit of @device_id. */
    size_t lo = 0, hi = m->nunits;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(m->units[mid].dev, device_id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < m->nunits; i++) {
        if (!SPI_STREQ(m->units[i].dev, device_id))
            break;
        const struct view_info *v = &m->views[m->units[i].view];
        for (size_t k = 0; k < v->ninit; k++)
            spi_lun_add_mask(l, v->initiators[k], m->units[i].number);
    }
}

void smis_masking_free(struct smis_masking *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nviews; i++) {
        sp_cim_path_free(m->views[i].spc);
        for (size_t k = 0; k < m->views[i].ninit; k++)
            free(m->views[i].initiators[k]);
        free(m->views[i].initiators);
    }
    free(m->views);
    for (size_t i = 0; i < m->nunits; i++)
        free(m->units[i].dev);
    free(m->units);
    free(m);
}
