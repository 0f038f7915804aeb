/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/smis.c: the SMI-S driver: connection, Interop discovery, services,
 * values, keys (capabilities and identity: smis_caps.c). */
#include "smis.h"

static const char *const interops[] = {"interop", "root/interop",
                                       "root/PG_InterOp"};

static const char *const service_classes[SMIS_NSERVICES] = {
    [SMIS_SCS] = "CIM_StorageConfigurationService",
    [SMIS_RS] = "CIM_ReplicationService",
    [SMIS_GMMS] = "CIM_GroupMaskingMappingService",
    [SMIS_CCS] = "CIM_ControllerConfigurationService",
    [SMIS_HWMS] = "CIM_StorageHardwareIDManagementService",
};

sp_code smis_fail(sp_array *a)
{
    return spi_array_fail_with(a, sp_cim_client_error(smis_of(a)->c));
}

/* ---- collecting ---- */

static void keep(struct smis_list *l, void *p)
{
    spi_xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
    l->v[l->n++] = p;
}

int smis_keep_instance(sp_cim_instance *i, void *ud)
{
    keep(ud, i);
    return 0;
}

int smis_keep_path(sp_cim_path *p, void *ud)
{
    keep(ud, p);
    return 0;
}

void smis_list_free_instances(struct smis_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        sp_cim_instance_free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

sp_code smis_fail_freeing(sp_array *a, struct smis_list *l,
                          void (*release)(struct smis_list *))
{
    release(l);
    return smis_fail(a);
}

void smis_list_free_paths(struct smis_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        sp_cim_path_free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* ---- open: the URI and the credentials, no I/O yet ---- */

/* smis+https://HOST[:PORT][/INTEROP-NAMESPACE] */
static sp_code parse_uri(sp_array *a, char **url, char **hint)
{
    const char *u = a->uri;
    bool tls = strncasecmp(u, "smis+https://", 13) == 0;
    if (!tls && strncasecmp(u, "smis+http://", 12) != 0)
        return spi_array_config_fail(a, "uri",
                                     "'%s' is not a smis+https:// or "
                                     "smis+http:// URI",
                                     u);
    const char *host = u + (tls ? 13 : 12);
    const char *slash = strchr(host, '/');
    size_t hl = slash ? (size_t)(slash - host) : strlen(host);
    if (!hl)
        return spi_array_config_fail(a, "uri", "the URI '%s' has no host", u);
    SPI_AUTOFREE char *hostport = spi_xstrndup(host, hl);
    const char *close = strrchr(hostport, ']');
    const char *colon = strrchr(hostport, ':');
    bool has_port = colon && (!close || colon > close);
    *url = spi_xasprintf("%s://%s%s", tls ? "https" : "http", hostport,
                         has_port ? ""
                         : tls    ? ":5989"
                                  : ":5988");
    *hint = slash && slash[1] ? spi_xstrdup(slash + 1) : NULL;
    return SP_OK;
}

/* auth (checked when the configuration was read; Basic when unset), user
 * and password: no password is asked for Negotiate, which has none. */
static sp_code smis_login(sp_array *a, struct smis *s)
{
    const char *word = sp_config_get(a->cfg, "array", a->name, "auth");
    enum spi_http_auth auth = SPI_HTTP_AUTH_BASIC;
    if (word && !spi_http_auth_parse(word, &auth))
        abort();
    const char *user = sp_config_get(a->cfg, "array", a->name, "user");
    if (auth != SPI_HTTP_AUTH_NEGOTIATE && !user)
        return SP_OK;
    char *pw = NULL;
    if (auth != SPI_HTTP_AUTH_NEGOTIATE &&
        sp_config_password(a->cfg, a->name, &pw, &a->err))
        return a->err.code;
    sp_error e;
    sp_error_clear(&e);
    sp_code rc = sp_cim_client_set_auth(s->c, auth, user, pw, &e);
    sp_free_secret(pw);
    if (rc)
        return spi_array_config_fail(a, "auth", "%s", e.message);
    return SP_OK;
}

static sp_code smis_open(sp_array *a)
{
    struct smis *s = spi_xcalloc(1, sizeof(*s));
    a->priv = s;
    SPI_AUTOFREE char *url = NULL;
    sp_code rc = parse_uri(a, &url, &s->interop_hint);
    if (rc)
        return rc;
    if (sp_cim_client_new(url, 0, &s->c, &a->err))
        return a->err.code;
    const char *ca = sp_config_get(a->cfg, "array", a->name, "ca-file");
    if (ca)
        sp_cim_client_set_ca_file(s->c, ca);
    if (sp_config_get_bool(a->cfg, "array", a->name, "insecure", false))
        sp_cim_client_set_insecure(s->c, true);
    rc = smis_login(a, s);
    if (rc)
        return rc;
    smis_shared_open(a);
    return SP_OK;
}

static void smis_close(sp_array *a)
{
    struct smis *s = smis_of(a);
    if (!s)
        return;
    smis_shared_close(a);
    smis_prepared_free(s->prepared);
    sp_cim_client_free(s->c);
    free(s->interop_hint);
    free(s->interop);
    free(s->ns);
    sp_cim_path_free(s->system);
    free(s->system_class);
    free(s->system_name);
    free(s->prefix);
    for (int i = 0; i < SMIS_NSERVICES; i++)
        sp_cim_path_free(s->service[i]);
    for (size_t i = 0; i < s->nprofiles; i++)
        free(s->profiles[i]);
    free(s->profiles);
    free(s->vendor);
    free(s->model);
    free(s->firmware);
    free(s->iscsi_iqn);
    smis_pools_free(s->pools, s->npools);
    free(s);
}

static uint64_t smis_requests(const sp_array *a)
{
    const struct smis *s = a->priv;
    sp_cim_client_stats st;
    sp_cim_client_get_stats(s->c, &st);
    return st.requests;
}

/* ---- discovery: Interop profiles, then the system ---- */

static const char *const profile_props[] = {
    "RegisteredName", "RegisteredVersion", "RegisteredOrganization", NULL};

/* Read the registered profiles from the first interop namespace that
 * answers; keep the Array profile's path. */
static sp_code find_profiles(sp_array *a, sp_cim_path **array_profile)
{
    struct smis *s = smis_of(a);
    const char *tries[SPI_ARRAY_SIZE(interops) + 1];
    size_t n = 0;
    if (s->interop_hint)
        tries[n++] = s->interop_hint;
    for (size_t i = 0; i < SPI_ARRAY_SIZE(interops); i++)
        if (!s->interop_hint || strcmp(s->interop_hint, interops[i]) != 0)
            tries[n++] = interops[i];
    struct smis_list l = {0};
    sp_code rc = SP_ERR_NOT_FOUND;
    for (size_t i = 0; i < n; i++) {
        rc = sp_cim_enumerate_instances(s->c, tries[i], "CIM_RegisteredProfile",
                                        profile_props, 0, smis_keep_instance,
                                        &l);
        if (!rc) {
            s->interop = spi_xstrdup(tries[i]);
            break;
        }
        int st = sp_cim_client_error(s->c)->cim_status;
        /* Another namespace may be the right one; anything else is a real
         * failure (no connection, no access). */
        smis_list_free_instances(&l);
        if (st != SP_CIM_ERR_INVALID_NAMESPACE && st != SP_CIM_ERR_NOT_FOUND &&
            st != SP_CIM_ERR_INVALID_CLASS)
            return smis_fail(a);
    }
    if (rc)
        return spi_array_fail(a, SP_ERR_NOT_SUPPORTED,
                              "array '%s' has no Interop namespace with "
                              "registered profiles (tried interop, "
                              "root/interop, root/PG_InterOp)",
                              a->name);
    *array_profile = NULL;
    for (size_t i = 0; i < l.n; i++) {
        sp_cim_instance *p = l.v[i];
        const char *name = sp_cim_instance_get_string(p, "RegisteredName");
        const char *ver = sp_cim_instance_get_string(p, "RegisteredVersion");
        uint64_t org = 0;
        sp_cim_instance_get_uint(p, "RegisteredOrganization", &org);
        if (!name)
            continue;
        s->profiles = spi_xrealloc(s->profiles,
                                   (s->nprofiles + 1) * sizeof(*s->profiles));
        s->profiles[s->nprofiles++] =
            spi_xasprintf("%s %s", name, ver ? ver : "");
        if (org != 11) /* SNIA */
            continue;
        if (SPI_STREQ(name, "Array") && !*array_profile)
            *array_profile = sp_cim_path_copy(sp_cim_instance_path(p));
        else if (SPI_STREQ(name, "Group Masking and Mapping"))
            s->group_profile = true;
        else if (SPI_STREQ(name, "Masking and Mapping"))
            s->legacy_profile = true;
    }
    smis_list_free_instances(&l);
    if (!*array_profile)
        return spi_array_fail(a, SP_ERR_NOT_SUPPORTED,
                              "array '%s' does not register the SMI-S Array "
                              "profile: it is not a storage array provider",
                              a->name);
    return SP_OK;
}

/* The Array profile's system, from the Interop namespace. */
static sp_code find_system(sp_array *a)
{
    struct smis *s = smis_of(a);
    sp_cim_path *profile = NULL;
    sp_code rc = find_profiles(a, &profile);
    if (rc)
        return rc;
    struct smis_list systems = {0};
    rc = sp_cim_associator_names(s->c, profile, "CIM_ElementConformsToProfile",
                                 "CIM_ComputerSystem", NULL, NULL, 0,
                                 smis_keep_path, &systems);
    sp_cim_path_free(profile);
    if (rc)
        return smis_fail_freeing(a, &systems, smis_list_free_paths);
    if (!systems.n) {
        smis_list_free_paths(&systems);
        return spi_array_fail(a, SP_ERR_NOT_FOUND,
                              "array '%s': the Array profile names no system",
                              a->name);
    }
    /* A provider may manage several systems; the first is this array. */
    s->system = systems.v[0];
    systems.v[0] = NULL;
    smis_list_free_paths(&systems);
    const char *ns = sp_cim_path_namespace(s->system);
    s->ns = spi_xstrdup(ns ? ns : s->interop);
    sp_cim_path_set_namespace(s->system, s->ns);
    return SP_OK;
}

sp_code smis_discover(sp_array *a)
{
    struct smis *s = smis_of(a);
    if (s->discovered)
        return SP_OK;
    smis_shared_lock(a);
    sp_code rc = SP_OK;
    if (!smis_shared_take(a, SMIS_FACT_SYSTEM) && !(rc = find_system(a)))
        smis_shared_give(a, SMIS_FACT_SYSTEM);
    smis_shared_unlock(a);
    if (rc)
        return rc;
    /* Key values are the provider's own spelling, which its class names
     * in paths need not keep (they compare without regard to case): the
     * classes sanprov names in keys it builds follow the system's
     * CreationClassName key. */
    const char *ccn = sp_cim_value_get_string(
        sp_cim_path_get_key(s->system, "CreationClassName"));
    s->system_class =
        spi_xstrdup(ccn && *ccn ? ccn : sp_cim_path_class(s->system));
    const char *name =
        sp_cim_value_get_string(sp_cim_path_get_key(s->system, "Name"));
    s->system_name = spi_xstrdup(name ? name : "");
    const char *us = strchr(s->system_class, '_');
    s->prefix = spi_xstrndup(s->system_class,
                             us ? (size_t)(us - s->system_class) + 1 : 0);
    sp_cim_client_set_namespace(s->c, s->ns);
    s->discovered = true;
    sp_log(SP_LOG_DEBUG, "array %s: system %s in %s (interop %s)", a->name,
           s->system_name, s->ns, s->interop);
    return SP_OK;
}

static sp_code find_service(sp_array *a, enum smis_service which)
{
    struct smis *s = smis_of(a);
    struct smis_list l = {0};
    if (sp_cim_associator_names(s->c, s->system, "CIM_HostedService",
                                service_classes[which], NULL, NULL, 0,
                                smis_keep_path, &l))
        return smis_fail_freeing(a, &l, smis_list_free_paths);
    /* CIM_GroupMaskingMappingService is a CIM_ControllerConfigurationService
     * too: an array with both (EMC VNX registers the first and masks
     * through the second) answers both to the question for the second. */
    const sp_cim_path *gmms = NULL;
    sp_code rc = SP_OK;
    if (which == SMIS_CCS && l.n > 1)
        rc = smis_service(a, SMIS_GMMS, &gmms);
    if (rc) {
        smis_list_free_paths(&l);
        return rc;
    }
    for (size_t i = 0; i < l.n && !s->service[which]; i++)
        if (!gmms || !sp_cim_path_equal(l.v[i], gmms, 0)) {
            s->service[which] = l.v[i];
            l.v[i] = NULL;
        }
    smis_list_free_paths(&l);
    s->looked[which] = true;
    return SP_OK;
}

sp_code smis_service(sp_array *a, enum smis_service which,
                     const sp_cim_path **out)
{
    struct smis *s = smis_of(a);
    *out = NULL;
    sp_code rc = smis_discover(a);
    if (rc)
        return rc;
    if (!s->looked[which]) {
        smis_shared_lock(a);
        if (!smis_shared_take(a, SMIS_FACT_SERVICE + (int)which) &&
            !(rc = find_service(a, which)))
            smis_shared_give(a, SMIS_FACT_SERVICE + (int)which);
        smis_shared_unlock(a);
        if (rc)
            return rc;
    }
    *out = s->service[which];
    return SP_OK;
}

/* ---- values ---- */

/*
 * CIM_ProtocolControllerForUnit.DeviceNumber is a string, and SMI-S
 * (Masking and Mapping profile, ExposePaths' DeviceNumbers) makes it the
 * host LUN number in hexadecimal; arrays zero-pad it: VNX, VMAX and
 * ETERNUS answer "0011" for LUN 17.  Cinder's EMC and Fujitsu drivers and
 * libstoragemgmt's SMI-S plugin read it with int(text, 16).  Anything but
 * 1 to 16 hex digits (and a value beyond 32 bits) is not a number here:
 * guessing a base once put VMs on the wrong LUNs.
 */
bool smis_device_number(const char *text, uint32_t *out)
{
    size_t len = text ? strlen(text) : 0;
    if (len == 0 || len > 16)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        int d = spi_hex_digit((unsigned char)text[i]);
        if (d < 0)
            return false;
        v = v << 4 | (uint64_t)d;
        if (v > SP_LUN_NUMBER_MAX)
            return false;
    }
    *out = (uint32_t)v;
    return true;
}

/* ---- keys ---- */

/*
 * A volume's key is its DeviceID, which is the array's and opaque: it may
 * hold '/', '%', spaces, quotes, anything ("IBM.2107-75AB/00000005").  When
 * the volume's class is not the vendor's usual PREFIX_StorageVolume, or the
 * DeviceID is empty or starts with '/', the key is "/CLASS/DEVICEID"
 * instead: a class name never holds '/', so the first '/' after the
 * leading one ends it and every byte after it is the DeviceID.
 */
char *smis_volume_key_of(sp_array *a, const char *cls, const char *dev)
{
    struct smis *s = smis_of(a);
    if (!dev)
        dev = "";
    /* The usual class, prefix + "StorageVolume", compared in place: this
     * runs for every volume of a listing. */
    size_t n = strlen(s->prefix);
    if (*dev && *dev != '/' && strncasecmp(cls, s->prefix, n) == 0 &&
        strcasecmp(cls + n, "StorageVolume") == 0)
        return spi_xstrdup(dev);
    return spi_xasprintf("/%s/%s", cls, dev);
}

char *smis_volume_key(sp_array *a, const sp_cim_path *p)
{
    const char *ccn =
        sp_cim_value_get_string(sp_cim_path_get_key(p, "CreationClassName"));
    return smis_volume_key_of(
        a, ccn && *ccn ? ccn : sp_cim_path_class(p),
        sp_cim_value_get_string(sp_cim_path_get_key(p, "DeviceID")));
}

sp_cim_path *smis_volume_path(sp_array *a, const char *key)
{
    struct smis *s = smis_of(a);
    const char *slash = key[0] == '/' ? strchr(key + 1, '/') : NULL;
    SPI_AUTOFREE char *cls =
        slash ? spi_xstrndup(key + 1, (size_t)(slash - key - 1))
              : spi_xasprintf("%sStorageVolume", s->prefix);
    sp_cim_path *p = sp_cim_path_new(NULL, s->ns, cls);
    sp_cim_path_set_key(p, "CreationClassName",
                        sp_cim_value_new_string(SP_CIM_STRING, cls));
    sp_cim_path_set_key(
        p, "DeviceID",
        sp_cim_value_new_string(SP_CIM_STRING, slash ? slash + 1 : key));
    sp_cim_path_set_key(
        p, "SystemCreationClassName",
        sp_cim_value_new_string(SP_CIM_STRING, s->system_class));
    sp_cim_path_set_key(p, "SystemName",
                        sp_cim_value_new_string(SP_CIM_STRING, s->system_name));
    return p;
}

/* ---- the table ---- */

static const char *const schemes[] = {"smis+https", "smis+http", NULL};

const struct sp_array_driver spi_smis_driver = {
    .name = "smis",
    .schemes = schemes,
    .hierarchical = true,
    .open = smis_open,
    .close = smis_close,
    .capabilities = smis_capabilities,
    .identify = smis_identify,
    .list_pools = smis_list_pools,
    .get_pool = smis_get_pool,
    .list_luns = smis_list_luns,
    .get_lun = smis_get_lun,
    .get_luns = smis_get_luns,
    .create_lun = smis_create_lun,
    .copy_lun = smis_copy_lun,
    .delete_lun = smis_delete_lun,
    .delete_prepare = smis_delete_prepare,
    .mask = smis_mask,
    .requests = smis_requests,
    .connectivity = smis_connectivity,
    .iscsi_target = smis_iscsi_target,
};

/* The first path associated with @obj, or NULL. */
sp_code smis_first_assoc(sp_array *a, const sp_cim_path *obj, const char *assoc,
                         const char *result, sp_cim_path **out)
{
    struct smis_list l = {0};
    *out = NULL;
    if (sp_cim_associator_names(smis_of(a)->c, obj, assoc, result, NULL, NULL,
                                0, smis_keep_path, &l))
        return smis_fail_freeing(a, &l, smis_list_free_paths);
    if (l.n) {
        *out = l.v[0];
        l.v[0] = NULL;
    }
    smis_list_free_paths(&l);
    return SP_OK;
}
