/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/tools/simtool.c: a test client of smis-sim over the public API:
 * concurrent creates, counts, paged pulls of instances and paths. */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanprov/sanprov.h>

#include "cim/cimclient.h" /* not exported: linked from the static archive */

static const char usage[] =
    "usage: simtool create URL [--threads T] [--count N] [--pool POOL]\n"
    "                      [--size BYTES] [--prefix NAME]\n"
    "       simtool count URL CLASS\n"
    "       simtool pull URL CLASS [--max M] [--pid PID]\n"
    "       simtool open-enum URL CLASS\n"
    "       simtool query URL QUERY [--max M] [--lang LANG]\n"
    "       simtool paths URL CLASS [--max M]\n"
    "       simtool walk URL OP OBJECT [--max M] [--assoc CLASS]\n"
    "\n"
    "create     T threads, each with its own client, each creating N\n"
    "           volumes with CreateOrModifyElementFromStoragePool; prints\n"
    "           the DeviceID of each volume created\n"
    "count      EnumerateInstanceNames of CLASS; prints the count\n"
    "pull       OpenEnumerateInstances and PullInstancesWithPath of CLASS,\n"
    "           M objects a page; one line per page: page=P objects=K\n"
    "           total=T [rss_kib=R, the VmRSS of process PID]; then\n"
    "           total=T pages=P over_max=K (pages larger than M)\n"
    "open-enum  one OpenEnumerateInstances of CLASS; prints ok, or the\n"
    "           CIM status (cim_status=N NAME) and exits 1\n"
    "query      OpenQueryInstances of QUERY in LANG (default DMTF:CQL) and\n"
    "           PullInstances, M objects a page; one line per instance:\n"
    "           CLASS PROP=VALUE... (strings; other types as ?), then\n"
    "           total=T pages=P; or the CIM status and exit 1\n"
    "paths      OpenEnumerateInstancePaths and PullInstancePaths of CLASS,\n"
    "           M a page; one line per path, then total=T pages=P\n"
    "walk       OP (associators, associator-paths, references,\n"
    "           reference-paths) of OBJECT (\"system\", or a volume's\n"
    "           DeviceID) by OpenAssociatorInstances, ...Paths,\n"
    "           OpenReferenceInstances, ...Paths and their pulls, M a page,\n"
    "           through associations of CLASS; one line per object:\n"
    "           instance|path PATH, then total=T pages=P\n"
    "\n"
    "Options:\n"
    "  -n, --namespace NS   namespace of CLASS and the array (root/sim)\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 ok, 1 an operation failed, 2 usage.\n";

struct opts {
    const char *url, *classname, *ns, *pool, *prefix, *lang, *assoc, *object;
    unsigned long threads, count, max, pid;
    unsigned long long size;
};

static int die_usage(const char *what)
{
    fprintf(stderr, "simtool: %s\n%s", what, usage);
    return 2;
}

static int fail(const char *what, const sp_cim_client *c)
{
    fprintf(stderr, "simtool: %s: %s\n", what, sp_cim_client_error(c)->message);
    return 1;
}

static sp_cim_client *connect_to(const struct opts *o)
{
    sp_cim_client *c = NULL;
    sp_error err;
    if (sp_cim_client_new(o->url, 0, &c, &err)) {
        fprintf(stderr, "simtool: bad URL '%s': %s\n", o->url, err.message);
        return NULL;
    }
    sp_cim_client_set_namespace(c, o->ns);
    return c;
}

/* ---- create ---- */

struct worker {
    const struct opts *o;
    unsigned long index;
    int rc;
    pthread_t thread;
};

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static sp_cim_path *array_path(const struct opts *o, const char *cls)
{
    sp_cim_path *p = sp_cim_path_new(NULL, o->ns, cls);
    sp_cim_path_set_key(p, "CreationClassName",
                        sp_cim_value_new_string(SP_CIM_STRING, cls));
    sp_cim_path_set_key(
        p, "Name",
        sp_cim_value_new_string(SP_CIM_STRING, cls + strlen("SIM_")));
    sp_cim_path_set_key(
        p, "SystemCreationClassName",
        sp_cim_value_new_string(SP_CIM_STRING, "SIM_StorageSystem"));
    sp_cim_path_set_key(p, "SystemName",
                        sp_cim_value_new_string(SP_CIM_STRING, "SIM0001"));
    return p;
}

static int create_one(sp_cim_client *c, const struct worker *w,
                      const sp_cim_path *svc, unsigned long i)
{
    const struct opts *o = w->o;
    char name[256], pool_id[256];
    snprintf(name, sizeof(name), "%s-%lu-%lu", o->prefix, w->index, i);
    snprintf(pool_id, sizeof(pool_id), "SIM+POOL+%s", o->pool);
    sp_cim_path *pool = sp_cim_path_new(NULL, o->ns, "SIM_StoragePool");
    sp_cim_path_set_key(pool, "InstanceID",
                        sp_cim_value_new_string(SP_CIM_STRING, pool_id));
    sp_cim_args *in = sp_cim_args_new();
    sp_cim_args_set(in, "ElementName",
                    sp_cim_value_new_string(SP_CIM_STRING, name));
    sp_cim_args_set(in, "ElementType", sp_cim_value_new_uint(SP_CIM_UINT16, 2));
    sp_cim_args_set(in, "Size", sp_cim_value_new_uint(SP_CIM_UINT64, o->size));
    sp_cim_args_set(in, "InPool", sp_cim_value_take_ref(pool));
    sp_cim_value *ret = NULL;
    sp_cim_args *out = NULL;
    sp_code rc = sp_cim_invoke_method(
        c, svc, "CreateOrModifyElementFromStoragePool", in, 0, &ret, &out);
    sp_cim_args_free(in);
    if (rc) {
        fprintf(stderr, "simtool: cannot create volume '%s': %s\n", name,
                sp_cim_client_error(c)->message);
        return 1;
    }
    uint64_t status = 1;
    const sp_cim_path *vol =
        sp_cim_value_get_ref(sp_cim_args_get(out, "TheElement"));
    const char *id =
        vol ? sp_cim_value_get_string(sp_cim_path_get_key(vol, "DeviceID"))
            : NULL;
    int result = 0;
    if (!sp_cim_value_get_uint(ret, &status) || status != 0 || !id) {
        fprintf(stderr,
                "simtool: cannot create volume '%s': the method returned %llu "
                "%s\n",
                name, (unsigned long long)status,
                id ? "" : "and no TheElement");
        result = 1;
    } else {
        pthread_mutex_lock(&out_lock);
        printf("%s\n", id);
        fflush(stdout);
        pthread_mutex_unlock(&out_lock);
    }
    sp_cim_value_free(ret);
    sp_cim_args_free(out);
    return result;
}

static void *create_worker(void *arg)
{
    struct worker *w = arg;
    sp_cim_client *c = connect_to(w->o);
    w->rc = 1;
    if (!c)
        return NULL;
    sp_cim_path *svc = array_path(w->o, "SIM_StorageConfigurationService");
    w->rc = 0;
    for (unsigned long i = 0; i < w->o->count && !w->rc; i++)
        w->rc = create_one(c, w, svc, i);
    sp_cim_path_free(svc);
    sp_cim_client_free(c);
    return NULL;
}

static int cmd_create(const struct opts *o)
{
    struct worker *w = calloc(o->threads, sizeof(*w));
    int rc = 0;
    if (!w)
        return 1;
    for (unsigned long t = 0; t < o->threads; t++) {
        w[t] = (struct worker){.o = o, .index = t};
        if (pthread_create(&w[t].thread, NULL, create_worker, &w[t]) != 0) {
            fprintf(stderr, "simtool: cannot start thread %lu\n", t);
            w[t].rc = 1;
            w[t].o = NULL;
        }
    }
    for (unsigned long t = 0; t < o->threads; t++) {
        if (w[t].o)
            pthread_join(w[t].thread, NULL);
        rc |= w[t].rc;
    }
    free(w);
    return rc;
}

/* ---- count, pull, open-enum ---- */

static int count_path(sp_cim_path *p, void *ctx)
{
    sp_cim_path_free(p);
    ++*(unsigned long *)ctx;
    return 0;
}

static int count_instance(sp_cim_instance *i, void *ctx)
{
    sp_cim_instance_free(i);
    ++*(unsigned long *)ctx;
    return 0;
}

static int cmd_count(sp_cim_client *c, const struct opts *o)
{
    unsigned long n = 0;
    if (sp_cim_enumerate_instance_names(c, NULL, o->classname, 0, count_path,
                                        &n))
        return fail("EnumerateInstanceNames failed", c);
    printf("%lu\n", n);
    return 0;
}

/* VmRSS of @pid in KiB, or -1. */
static long rss_kib(unsigned long pid)
{
    char path[64], line[256];
    long kib = -1;
    snprintf(path, sizeof(path), "/proc/%lu/status", pid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
            break;
    if (f)
        fclose(f);
    return kib;
}

static void page_line(const struct opts *o, unsigned long page, unsigned long n,
                      unsigned long total)
{
    printf("page=%lu objects=%lu total=%lu", page, n, total);
    if (o->pid)
        printf(" rss_kib=%ld", rss_kib(o->pid));
    printf("\n");
    fflush(stdout);
}

static int cmd_pull(sp_cim_client *c, const struct opts *o)
{
    sp_cim_enum *e = NULL;
    unsigned long n = 0, total = 0, page = 1, over = 0;
    if (sp_cim_open_enumerate_instances(c, NULL, o->classname, NULL,
                                        (uint32_t)o->max, 0, count_instance, &n,
                                        &e))
        return fail("OpenEnumerateInstances failed", c);
    for (;;) {
        total += n;
        over += n > o->max;
        page_line(o, page, n, total);
        if (!e || sp_cim_enum_done(e))
            break;
        n = 0;
        page++;
        if (sp_cim_pull_instances_with_path(c, e, (uint32_t)o->max,
                                            count_instance, &n)) {
            sp_cim_close_enumeration(c, e);
            return fail("PullInstancesWithPath failed", c);
        }
    }
    sp_cim_close_enumeration(c, e);
    printf("total=%lu pages=%lu over_max=%lu\n", total, page, over);
    return 0;
}

static int cmd_open_enum(sp_cim_client *c, const struct opts *o)
{
    sp_cim_enum *e = NULL;
    unsigned long n = 0;
    if (sp_cim_open_enumerate_instances(c, NULL, o->classname, NULL, 1, 0,
                                        count_instance, &n, &e)) {
        const sp_error *err = sp_cim_client_error(c);
        const char *name = sp_cim_status_name(err->cim_status);
        printf("cim_status=%d %s\n", err->cim_status, name ? name : "-");
        fprintf(stderr, "simtool: OpenEnumerateInstances failed: %s\n",
                err->message);
        return 1;
    }
    sp_cim_close_enumeration(c, e);
    printf("ok\n");
    return 0;
}

static int print_instance(sp_cim_instance *i, void *ctx)
{
    ++*(unsigned long *)ctx;
    printf("%s", sp_cim_instance_class(i));
    for (size_t k = 0; k < sp_cim_instance_prop_count(i); k++) {
        const char *v =
            sp_cim_value_get_string(sp_cim_instance_prop_value(i, k));
        printf(" %s=%s", sp_cim_instance_prop_name(i, k), v ? v : "?");
    }
    printf(" path=%s\n", sp_cim_instance_path(i) ? "yes" : "no");
    sp_cim_instance_free(i);
    return 0;
}

static int cim_status(const char *what, const sp_cim_client *c)
{
    const sp_error *err = sp_cim_client_error(c);
    const char *name = sp_cim_status_name(err->cim_status);
    printf("cim_status=%d %s\n", err->cim_status, name ? name : "-");
    return fail(what, c);
}

static int cmd_query(sp_cim_client *c, const struct opts *o)
{
    sp_cim_enum *e = NULL;
    unsigned long n = 0, pages = 1;
    if (sp_cim_open_query_instances(c, NULL, o->lang, o->classname,
                                    (uint32_t)o->max, 0, print_instance, &n,
                                    &e))
        return cim_status("OpenQueryInstances failed", c);
    while (e && !sp_cim_enum_done(e)) {
        pages++;
        if (sp_cim_pull_instances(c, e, (uint32_t)o->max, print_instance, &n)) {
            sp_cim_close_enumeration(c, e);
            return cim_status("PullInstances failed", c);
        }
    }
    sp_cim_close_enumeration(c, e);
    printf("total=%lu pages=%lu\n", n, pages);
    return 0;
}

/* ---- paths, walk ---- */

static int print_path(sp_cim_path *p, void *ctx)
{
    ++*(unsigned long *)ctx;
    char *txt = sp_cim_path_to_string(p);
    printf("path %s\n", txt);
    free(txt);
    sp_cim_path_free(p);
    return 0;
}

static int print_with_path(sp_cim_instance *i, void *ctx)
{
    ++*(unsigned long *)ctx;
    const sp_cim_path *p = sp_cim_instance_path(i);
    char *txt = p ? sp_cim_path_to_string(p) : NULL;
    printf("instance %s\n", txt ? txt : "(no path)");
    free(txt);
    sp_cim_instance_free(i);
    return 0;
}

/* Pull the rest of @e (by paths or instances), close it, print totals. */
static int drain(sp_cim_client *c, const struct opts *o, sp_cim_enum *e,
                 bool paths, unsigned long n)
{
    unsigned long pages = 1;
    while (e && !sp_cim_enum_done(e)) {
        pages++;
        sp_code rc = paths ? sp_cim_pull_instance_paths(c, e, (uint32_t)o->max,
                                                        print_path, &n)
                           : sp_cim_pull_instances_with_path(
                                 c, e, (uint32_t)o->max, print_with_path, &n);
        if (rc) {
            sp_cim_close_enumeration(c, e);
            return cim_status("pull failed", c);
        }
    }
    sp_cim_close_enumeration(c, e);
    printf("total=%lu pages=%lu\n", n, pages);
    return 0;
}

static int cmd_paths(sp_cim_client *c, const struct opts *o)
{
    sp_cim_enum *e = NULL;
    unsigned long n = 0;
    if (sp_cim_open_enumerate_instance_paths(
            c, NULL, o->classname, (uint32_t)o->max, 0, print_path, &n, &e))
        return cim_status("OpenEnumerateInstancePaths failed", c);
    return drain(c, o, e, true, n);
}

static sp_cim_path *object_path(const struct opts *o)
{
    bool system = strcmp(o->object, "system") == 0;
    const char *cls = system ? "SIM_StorageSystem" : "SIM_StorageVolume";
    sp_cim_path *p = sp_cim_path_new(NULL, o->ns, cls);
    sp_cim_path_set_key(p, "CreationClassName",
                        sp_cim_value_new_string(SP_CIM_STRING, cls));
    sp_cim_path_set_key(p, system ? "Name" : "SystemName",
                        sp_cim_value_new_string(SP_CIM_STRING, "SIM0001"));
    if (!system) {
        sp_cim_path_set_key(p, "DeviceID",
                            sp_cim_value_new_string(SP_CIM_STRING, o->object));
        sp_cim_path_set_key(
            p, "SystemCreationClassName",
            sp_cim_value_new_string(SP_CIM_STRING, "SIM_StorageSystem"));
    }
    return p;
}

static int cmd_walk(sp_cim_client *c, const struct opts *o)
{
    sp_cim_enum *e = NULL;
    unsigned long n = 0;
    uint32_t max = (uint32_t)o->max;
    const char *op = o->classname;
    sp_cim_path *obj = object_path(o);
    sp_code rc;
    bool paths = strstr(op, "-paths") != NULL;
    if (strcmp(op, "associators") == 0)
        rc = sp_cim_open_associator_instances(c, obj, o->assoc, NULL, NULL,
                                              NULL, NULL, max, 0,
                                              print_with_path, &n, &e);
    else if (strcmp(op, "associator-paths") == 0)
        rc = sp_cim_open_associator_instance_paths(
            c, obj, o->assoc, NULL, NULL, NULL, max, 0, print_path, &n, &e);
    else if (strcmp(op, "references") == 0)
        rc = sp_cim_open_reference_instances(c, obj, o->assoc, NULL, NULL, max,
                                             0, print_with_path, &n, &e);
    else if (strcmp(op, "reference-paths") == 0)
        rc = sp_cim_open_reference_instance_paths(c, obj, o->assoc, NULL, max,
                                                  0, print_path, &n, &e);
    else {
        sp_cim_path_free(obj);
        return die_usage("walk: OP is associators, associator-paths, "
                         "references or reference-paths");
    }
    sp_cim_path_free(obj);
    if (rc)
        return cim_status("the open failed", c);
    return drain(c, o, e, paths, n);
}

/* ---- main ---- */

static bool number(const char *s, unsigned long long *out)
{
    char *end = NULL;
    if (!s || *s < '0' || *s > '9')
        return false;
    *out = strtoull(s, &end, 10);
    return *end == '\0';
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"threads", required_argument, NULL, 't'},
        {"count", required_argument, NULL, 'c'},
        {"pool", required_argument, NULL, 'P'},
        {"size", required_argument, NULL, 's'},
        {"prefix", required_argument, NULL, 'x'},
        {"max", required_argument, NULL, 'm'},
        {"pid", required_argument, NULL, 'p'},
        {"namespace", required_argument, NULL, 'n'},
        {"lang", required_argument, NULL, 'l'},
        {"assoc", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct opts o = {.ns = "root/sim",
                     .lang = "DMTF:CQL",
                     .pool = "gold",
                     .prefix = "simtool",
                     .threads = 1,
                     .count = 1,
                     .max = 1000,
                     .size = 1ull << 30};
    int ch;
    while ((ch = getopt_long(argc, argv, "n:h", longopts, NULL)) != -1) {
        unsigned long long v = 0;
        if (strchr("tcsmp", ch) && !number(optarg, &v))
            return die_usage("a number was expected");
        switch (ch) {
        case 't':
            o.threads = (unsigned long)v;
            break;
        case 'c':
            o.count = (unsigned long)v;
            break;
        case 's':
            o.size = v;
            break;
        case 'm':
            o.max = (unsigned long)v;
            break;
        case 'p':
            o.pid = (unsigned long)v;
            break;
        case 'P':
            o.pool = optarg;
            break;
        case 'x':
            o.prefix = optarg;
            break;
        case 'n':
            o.ns = optarg;
            break;
        case 'l':
            o.lang = optarg;
            break;
        case 'a':
            o.assoc = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            return die_usage("bad option");
        }
    }
    if (argc - optind < 2)
        return die_usage("a command and a URL are needed");
    const char *cmd = argv[optind];
    o.url = argv[optind + 1];
    bool create = strcmp(cmd, "create") == 0;
    bool walk = strcmp(cmd, "walk") == 0;
    if (argc - optind != (create ? 2 : walk ? 4 : 3))
        return die_usage("wrong number of arguments");
    if (!create)
        o.classname = argv[optind + 2]; /* walk: the operation */
    if (walk)
        o.object = argv[optind + 3];
    if (!o.threads || !o.max || !o.size)
        return die_usage("--threads, --max and --size must not be 0");
    if (create)
        return cmd_create(&o);

    sp_cim_client *c = connect_to(&o);
    if (!c)
        return 1;
    int rc;
    if (strcmp(cmd, "count") == 0)
        rc = cmd_count(c, &o);
    else if (strcmp(cmd, "pull") == 0)
        rc = cmd_pull(c, &o);
    else if (strcmp(cmd, "open-enum") == 0)
        rc = cmd_open_enum(c, &o);
    else if (strcmp(cmd, "query") == 0)
        rc = cmd_query(c, &o);
    else if (strcmp(cmd, "paths") == 0)
        rc = cmd_paths(c, &o);
    else if (walk)
        rc = cmd_walk(c, &o);
    else
        rc = die_usage("unknown command");
    sp_cim_client_free(c);
    return rc;
}
