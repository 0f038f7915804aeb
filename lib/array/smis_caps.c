/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/smis_caps.c: what an SMI-S array can do (its services'
 * capabilities, its masking) and what it is (Physical Package and Software
 * subprofiles). */
#include "smis.h"

/* ---- capabilities ---- */

static bool has_value(const sp_cim_value *arr, uint64_t want)
{
    for (size_t i = 0; arr && i < sp_cim_value_count(arr); i++) {
        uint64_t v;
        if (sp_cim_value_get_uint(sp_cim_value_at(arr, i), &v) && v == want)
            return true;
    }
    return false;
}

/* The capabilities instance of @service (first one), or NULL. */
static sp_code capabilities_of(sp_array *a, const sp_cim_path *service,
                               const char *cls, sp_cim_instance **out)
{
    struct smis *s = smis_of(a);
    struct smis_list l = {0};
    *out = NULL;
    if (!service)
        return SP_OK;
    if (sp_cim_associators(s->c, service, "CIM_ElementCapabilities", cls, NULL,
                           NULL, NULL, 0, smis_keep_instance, &l))
        return smis_fail_freeing(a, &l, smis_list_free_instances);
    if (l.n) {
        *out = l.v[0];
        l.v[0] = NULL;
    }
    smis_list_free_instances(&l);
    return SP_OK;
}

/* What the array can do: its services and their capabilities. */
static sp_code find_caps(sp_array *a)
{
    struct smis *s = smis_of(a);
    const sp_cim_path *scs, *rs, *gmms, *ccs;
    sp_code rc = smis_service(a, SMIS_SCS, &scs);
    if (!rc)
        rc = smis_service(a, SMIS_RS, &rs);
    if (!rc)
        rc = smis_service(a, SMIS_GMMS, &gmms);
    if (!rc)
        rc = smis_service(a, SMIS_CCS, &ccs);
    sp_cim_instance *rcaps = NULL, *ccaps = NULL;
    if (!rc)
        rc = capabilities_of(a, rs, "CIM_ReplicationServiceCapabilities",
                             &rcaps);
    if (!rc)
        rc = capabilities_of(a, scs, "CIM_StorageConfigurationCapabilities",
                             &ccaps);
    if (rc) {
        sp_cim_instance_free(rcaps);
        sp_cim_instance_free(ccaps);
        return rc;
    }
    const sp_cim_value *types =
        rcaps ? sp_cim_instance_get(rcaps, "SupportedReplicationTypes") : NULL;
    /* 6/7 synchronous/asynchronous local snapshot, 10/11 local clone. */
    s->caps.snapshot = has_value(types, 6) || has_value(types, 7);
    s->caps.clone = has_value(types, 10) || has_value(types, 11);
    /* Storage Element Creation (5) listed as asynchronous. */
    s->caps.async =
        ccaps &&
        has_value(sp_cim_instance_get(ccaps, "SupportedAsynchronousActions"),
                  5);
    /* EMC VNX/CLARiiON registers Group Masking and Mapping but refuses
     * it, and masks through ExposePaths (vendor-quirks.md): known by its
     * system's class, as libstoragemgmt's SMI-S plugin knows it. */
    if (ccs && strcasecmp(s->system_class, "Clar_StorageSystem") == 0)
        gmms = NULL;
    s->caps.masking = gmms && s->group_profile ? SP_MASKING_GROUP
                      : ccs                    ? SP_MASKING_LEGACY
                      : gmms                   ? SP_MASKING_GROUP
                                               : SP_MASKING_NONE;
    sp_cim_instance_free(rcaps);
    sp_cim_instance_free(ccaps);
    return SP_OK;
}

sp_code smis_capabilities(sp_array *a, sp_array_caps *out)
{
    struct smis *s = smis_of(a);
    if (!s->have_caps) {
        sp_code rc = smis_discover(a);
        if (rc)
            return rc;
        smis_shared_lock(a);
        if (!smis_shared_take(a, SMIS_FACT_CAPS) && !(rc = find_caps(a)))
            smis_shared_give(a, SMIS_FACT_CAPS);
        smis_shared_unlock(a);
        if (rc)
            return rc;
        for (size_t i = 0; i < s->nprofiles; i++)
            if (strncmp(s->profiles[i], "Array ", 6) == 0 && s->profiles[i][6])
                s->caps.version = s->profiles[i] + 6; /* NULL if not given */
        s->caps.nprofiles = s->nprofiles;
        s->caps.profiles = (const char *const *)s->profiles;
        s->have_caps = true;
    }
    *out = s->caps;
    return SP_OK;
}

/* ---- what the array is: Physical Package and Software subprofiles ---- */

/* String property @name of @i without surrounding blanks (arrays pad
 * them), or NULL when it is absent, null or blank.  The caller frees. */
static char *trimmed(const sp_cim_instance *i, const char *name)
{
    const char *v = sp_cim_instance_get_string(i, name);
    if (!v)
        return NULL;
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    return n ? spi_xstrndup(v, n) : NULL;
}

/*
 * The instances associated with the system by @assoc_class, of
 * @result_class, into @l.  The subprofiles read this way are optional:
 * a provider without one may not know its classes (CIM_ERR_INVALID_CLASS)
 * or not serve the association (CIM_ERR_NOT_SUPPORTED, or
 * CIM_ERR_NOT_FOUND from some), and then @l is empty and that is no error.
 */
static sp_code optional_associators(sp_array *a, const char *assoc_class,
                                    const char *result_class,
                                    const char *const *props,
                                    struct smis_list *l)
{
    struct smis *s = smis_of(a);
    if (!sp_cim_associators(s->c, s->system, assoc_class, result_class, NULL,
                            NULL, props, 0, smis_keep_instance, l))
        return SP_OK;
    const sp_error *e = sp_cim_client_error(s->c);
    if (e->cim_status != SP_CIM_ERR_INVALID_CLASS &&
        e->cim_status != SP_CIM_ERR_NOT_SUPPORTED &&
        e->cim_status != SP_CIM_ERR_NOT_FOUND)
        return smis_fail_freeing(a, l, smis_list_free_instances);
    sp_log(SP_LOG_DEBUG, "array %s: no %s: %s", a->name, result_class,
           e->message);
    smis_list_free_instances(l);
    return SP_OK;
}

/* Manufacturer and Model of the system's package: the first package
 * that names either. */
static sp_code read_package(sp_array *a)
{
    static const char *const props[] = {"Manufacturer", "Model", NULL};
    struct smis *s = smis_of(a);
    struct smis_list l = {0};
    sp_code rc = optional_associators(a, "CIM_SystemPackaging",
                                      "CIM_PhysicalPackage", props, &l);
    for (size_t i = 0; !rc && i < l.n && !s->vendor && !s->model; i++) {
        s->vendor = trimmed(l.v[i], "Manufacturer");
        s->model = trimmed(l.v[i], "Model");
    }
    smis_list_free_instances(&l);
    return rc;
}

/* VersionString, else MajorVersion[.MinorVersion[.RevisionNumber
 * [.BuildNumber]]] as far as they are given, or NULL. */
static char *version_of(const sp_cim_instance *i)
{
    static const char *const parts[] = {"MajorVersion", "MinorVersion",
                                        "RevisionNumber", "BuildNumber"};
    char *v = trimmed(i, "VersionString");
    if (v)
        return v;
    char buf[4 * 21];
    size_t len = 0;
    for (size_t k = 0; k < SPI_ARRAY_SIZE(parts); k++) {
        uint64_t n;
        if (!sp_cim_instance_get_uint(i, parts[k], &n))
            break;
        len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%llu",
                                k ? "." : "", (unsigned long long)n);
    }
    return len ? spi_xstrndup(buf, len) : NULL;
}

/* The version of the system's firmware: of the software identity
 * classified as firmware (10), else of the first that has a version. */
static sp_code read_firmware(sp_array *a)
{
    static const char *const props[] = {"VersionString",
                                        "MajorVersion",
                                        "MinorVersion",
                                        "RevisionNumber",
                                        "BuildNumber",
                                        "Classifications",
                                        NULL};
    struct smis *s = smis_of(a);
    struct smis_list l = {0};
    sp_code rc = optional_associators(a, "CIM_InstalledSoftwareIdentity",
                                      "CIM_SoftwareIdentity", props, &l);
    for (size_t i = 0; !rc && i < l.n; i++) {
        bool firmware =
            has_value(sp_cim_instance_get(l.v[i], "Classifications"), 10);
        if (s->firmware && !firmware)
            continue;
        char *v = version_of(l.v[i]);
        if (!v)
            continue;
        free(s->firmware);
        s->firmware = v;
        if (firmware)
            break;
    }
    smis_list_free_instances(&l);
    return rc;
}

/* Two requests, the first time only: spi_array_capabilities() is the one
 * caller, so that creating and masking LUNs never pays for them. */
sp_code smis_identify(sp_array *a, sp_array_caps *out)
{
    struct smis *s = smis_of(a);
    if (!s->identified) {
        sp_code rc = smis_discover(a);
        if (!rc)
            rc = read_package(a);
        if (!rc)
            rc = read_firmware(a);
        if (rc) {
            free(s->vendor);
            free(s->model);
            free(s->firmware);
            s->vendor = s->model = s->firmware = NULL;
            return rc;
        }
        s->identified = true;
        s->caps.vendor = s->vendor;
        s->caps.model = s->model;
        s->caps.firmware = s->firmware;
    }
    out->vendor = s->vendor;
    out->model = s->model;
    out->firmware = s->firmware;
    return SP_OK;
}
