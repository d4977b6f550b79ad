/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The table-driven property engine behind VTSessionSetProperty & co.
 *
 * A session's properties are DATA: one VTPropertySpec row per key, pointing
 * (offsetof) into the session's config struct. The engine validates and
 * converts client values, stores them, restores defaults, copies values back
 * as CF objects and describes the table (VTSessionCopySupportedProperty-
 * Dictionary). Adding a property = adding a row (and a config field).
 *
 * Example (a compression session table, in its own file):
 *
 *   typedef struct VTCompressionConfig {
 *       int32_t average_bit_rate;     // VT_PROP_INT32
 *       VTOptBool real_time;          // VT_PROP_BOOL + VT_PROP_NULLABLE
 *       double quality;               // VT_PROP_DOUBLE
 *       int32_t entropy;              // VT_PROP_ENUM: the entry's `internal`
 *       CFTypeRef data_rate_limits;   // VT_PROP_CFTYPE (retained/copied)
 *   } VTCompressionConfig;
 *
 *   static const VTPropEnum entropy_modes[] = {
 *       {&kVTH264EntropyMode_CAVLC, 0}, {&kVTH264EntropyMode_CABAC, 1}, {NULL, 0}};
 *
 *   #define CFG(f) offsetof(VTCompressionConfig, f)
 *   static const VTPropertySpec compression_rows[] = {
 *       {.key = &kVTCompressionPropertyKey_AverageBitRate, .kind = VT_PROP_INT32,
 *        .offset = CFG(average_bit_rate), .min = 0, .max = INT32_MAX,
 *        .flags = VT_PROP_LIVE | VT_PROP_SERIALIZABLE},
 *       {.key = &kVTCompressionPropertyKey_RealTime, .kind = VT_PROP_BOOL,
 *        .offset = CFG(real_time), .flags = VT_PROP_NULLABLE | VT_PROP_SERIALIZABLE},
 *       {.key = &kVTCompressionPropertyKey_H264EntropyMode, .kind = VT_PROP_ENUM,
 *        .offset = CFG(entropy), .enums = entropy_modes, .def = 1},
 *       {.key = &kVTCompressionPropertyKey_DataRateLimits, .kind = VT_PROP_CFTYPE,
 *        .offset = CFG(data_rate_limits), .type_id = VT_TYPE_ID_ARRAY,
 *        .validate = vt_prop_validate_even_number_array, .flags = VT_PROP_LIVE},
 *       {.key = &kVTCompressionPropertyKey_NumberOfPendingFrames, .kind = VT_PROP_INT32,
 *        .offset = VT_PROP_NO_STORAGE, .flags = VT_PROP_READONLY, .get = copy_pending},
 *   };
 *   VT_PROP_TABLE_DEFINE(compression_table, compression_rows);
 *
 * and the session class (session.h) points at &compression_table.
 *
 * Value kinds and their storage in the config struct:
 *   kind            client value                     storage        (NULLABLE storage)
 *   VT_PROP_BOOL    CFBoolean, or CFNumber 0 / 1     Boolean        VTOptBool
 *   VT_PROP_INT32   CFNumber of any type             int32_t        VTOptInt32
 *   VT_PROP_INT64   CFNumber of any type             int64_t        VTOptInt64
 *   VT_PROP_DOUBLE  CFNumber of any type (not NaN)   double         VTOptDouble
 *   VT_PROP_ENUM    CFString equal to one of .enums  int32_t        VTOptInt32
 *                   (stored: the entry's .internal)
 *   VT_PROP_CFTYPE  CF object of .type_id (0 = any)  CFTypeRef      (always nullable:
 *                   CFArray/CFDictionary/CFData/CFString values are  NULL = unset)
 *                   stored as immutable copies, others retained
 * Floating-point numbers given to integer rows are truncated toward zero
 * after the range check. The range (.min/.max, inclusive) applies to numeric
 * kinds; for VT_PROP_CFTYPE rows it bounds the CFArray count or CFData
 * length. min == max == 0 means "no range beyond the storage type's".
 *
 * A row with .offset = VT_PROP_NO_STORAGE has no config field: its value
 * comes from .get (or the class's copy_dynamic hook) and it should be
 * VT_PROP_READONLY.
 *
 * Defaults: .def is the default of BOOL (0/1), INT32, INT64, DOUBLE and ENUM
 * (the internal value) rows. A NULLABLE row starts unset (CopyProperty gives
 * noErr and NULL) with .value = .def, so code reading the config can use
 * .value as the effective setting and .set to know whether the client chose
 * it. CFTYPE rows default to NULL. Setting NULL restores the default.
 */
#ifndef VTCORE_VT_PROPERTY_H
#define VTCORE_VT_PROPERTY_H

#include <stddef.h>
#include <stdint.h>

#include <CoreFoundation/CoreFoundation.h>

#include "runtime.h"

typedef struct VTSessionBase VTSessionBase;
typedef struct VTPropertySpec VTPropertySpec;

typedef enum VTPropKind {
    VT_PROP_BOOL = 1,
    VT_PROP_INT32,
    VT_PROP_INT64,
    VT_PROP_DOUBLE,
    VT_PROP_ENUM,
    VT_PROP_CFTYPE,
} VTPropKind;

/* Row flags. */
enum {
    /* Setting it returns kVTPropertyReadOnlyErr (also for NULL). */
    VT_PROP_READONLY = 1u << 0,
    /* May change while the session is running (after the first frame); the
     * session's will_set hook decides what happens to the others. */
    VT_PROP_LIVE = 1u << 1,
    /* Listed by VTSessionCopySerializableProperties and described with
     * kVTPropertyShouldBeSerializedKey = true. */
    VT_PROP_SERIALIZABLE = 1u << 2,
    /* May be unset (default NULL): storage is the VTOpt* variant. Implied for
     * VT_PROP_CFTYPE rows. */
    VT_PROP_NULLABLE = 1u << 3,
};

/* Storage for VT_PROP_NULLABLE rows: .set is TRUE once the client gave a
 * value; .value always holds the effective value (the row's .def if unset). */
typedef struct VTOptBool {
    Boolean set;
    Boolean value;
} VTOptBool;
typedef struct VTOptInt32 {
    Boolean set;
    int32_t value;
} VTOptInt32;
typedef struct VTOptInt64 {
    Boolean set;
    int64_t value;
} VTOptInt64;
typedef struct VTOptDouble {
    Boolean set;
    double value;
} VTOptDouble;

/* Room for the storage of any row (vt_prop_storage_size() <= sizeof). */
typedef union VTPropStorage {
    Boolean b;
    int32_t i32;
    int64_t i64;
    double d;
    CFTypeRef cf;
    VTOptBool ob;
    VTOptInt32 oi32;
    VTOptInt64 oi64;
    VTOptDouble od;
} VTPropStorage;

/* One allowed value of a VT_PROP_ENUM row. Lists end with {NULL, 0}. The
 * value pointer is the address of an exported constant; `internal` is what
 * the config struct stores (several strings may share one internal value:
 * CopyProperty returns the first string listed for it). */
typedef struct VTPropEnum {
    const CFStringRef *value;
    int32_t internal;
} VTPropEnum;

#define VT_PROP_NO_STORAGE ((size_t)-1)

/* Value checker for VT_PROP_CFTYPE rows, called after the type and range
 * checks: noErr to accept, kVTParameterErr (or another status) to refuse. */
typedef OSStatus (*VTPropValidateFn)(const VTPropertySpec *row, CFTypeRef value);

/* Computed value: store a +1 value (or NULL: no value) in *value_out. Called
 * with the session lock held. Returns noErr or an error for CopyProperty. */
typedef OSStatus (*VTPropGetFn)(VTSessionBase *session, const VTPropertySpec *row,
                                CFTypeRef *value_out);

struct VTPropertySpec {
    const CFStringRef *key; /* &kVTCompressionPropertyKey_AverageBitRate */
    VTPropKind kind;
    size_t offset;             /* offsetof(config struct, field), or VT_PROP_NO_STORAGE */
    unsigned flags;            /* VT_PROP_READONLY | VT_PROP_LIVE | ... */
    double min, max;           /* inclusive range; both 0 = unbounded (see above) */
    double def;                /* default (BOOL/INT32/INT64/DOUBLE/ENUM) */
    const VTPropEnum *enums;   /* VT_PROP_ENUM: allowed values */
    CFTypeID type_id;          /* VT_PROP_CFTYPE: VT_TYPE_ID_* required, 0 = any */
    VTPropValidateFn validate; /* VT_PROP_CFTYPE: optional extra check */
    VTPropGetFn get;           /* optional computed value (overrides storage) */
    uint32_t caps;             /* capability bits the session must have (else hidden) */
    const char *doc;           /* optional kVTPropertyDocumentationKey text */
};

/* A table: rows + count. Define with VT_PROP_TABLE_DEFINE so the row count is
 * checked at compile time against VT_PROP_MAX_ROWS. */
typedef struct VTPropertyTable {
    const VTPropertySpec *rows;
    size_t count;
} VTPropertyTable;

/* Most rows one session class may have (over all its tables): the session
 * keeps a fixed bitmap of explicitly set rows. */
#define VT_PROP_MAX_ROWS 256

#define VT_PROP_TABLE_INIT_(rows_array) \
    { (rows_array), sizeof(rows_array) / sizeof((rows_array)[0]) }
#define VT_PROP_TABLE_CHECK_(rows_array)                                             \
    _Static_assert(sizeof(rows_array) / sizeof((rows_array)[0]) <= VT_PROP_MAX_ROWS, \
                   "property table too large")
/* An exported table (declare it `extern const VTPropertyTable name;`). */
#define VT_PROP_TABLE_DEFINE(name, rows_array) \
    VT_PROP_TABLE_CHECK_(rows_array);          \
    const VTPropertyTable name = VT_PROP_TABLE_INIT_(rows_array)
/* A file-local table. */
#define VT_PROP_TABLE_DEFINE_STATIC(name, rows_array) \
    VT_PROP_TABLE_CHECK_(rows_array);                 \
    static const VTPropertyTable name = VT_PROP_TABLE_INIT_(rows_array)

/* A validated client value, ready to be stored. For VT_PROP_CFTYPE, `cf` is
 * +1 (a copy or a retained reference) and must be stored or released with
 * vt_prop_value_clear(). */
typedef struct VTPropValue {
    Boolean b;
    int64_t i;
    double d;
    CFTypeRef cf;
} VTPropValue;

/* ---- Row-level operations (no locking; the caller holds the session lock) ---- */

/* Key of a row ("AverageBitRate"), for logs. */
const char *vt_prop_name(const VTPropertySpec *row);

/* True when the row's storage (or getter) currently provides a value. */
Boolean vt_prop_has_value(const VTPropertySpec *row, const void *config);

/* Converts and validates `value` (non-NULL) for `row` into *out. Returns noErr
 * or kVTParameterErr (wrong CF type, NaN, out of range, not in the list,
 * refused by .validate) or kVTAllocationFailedErr (copying a CF value). */
OSStatus vt_prop_convert(const VTPropertySpec *row, CFTypeRef value, VTPropValue *out);

/* Releases what vt_prop_convert retained in *v (NULL-safe). */
void vt_prop_value_clear(VTPropValue *v);

/* Stores a converted value (consumes v->cf) or, with v == NULL, the default
 * (unset for NULLABLE/CFTYPE rows). The previous CF value of a CFTYPE row is
 * handed to *old_cf_out if that is non-NULL (the caller releases it), else
 * released. Rows without storage are ignored. */
void vt_prop_store(const VTPropertySpec *row, void *config, VTPropValue *v, CFTypeRef *old_cf_out);

/* Copies the stored value as a +1 CF object of the row's natural type
 * (CFBoolean singleton, CFNumber SInt32/SInt64/Float64, the enum's CFString
 * constant, the stored CF object) into *out; *out = NULL when unset. Returns
 * noErr or kVTAllocationFailedErr. Does not call .get. */
OSStatus vt_prop_copy_stored(const VTPropertySpec *row, const void *config, CFTypeRef *out);

/* Copies (+1) the description dictionary of one row (kVTPropertyTypeKey,
 * ReadWriteStatus, ShouldBeSerialized, min/max, value list, documentation).
 * NULL on allocation failure. */
CFDictionaryRef vt_prop_copy_description(const VTPropertySpec *row);

/* Bytes of config storage a row uses (0 for VT_PROP_NO_STORAGE). */
size_t vt_prop_storage_size(const VTPropertySpec *row);

/* ---- Table-level operations ---- */

/* Writes every row's default into config (config must be zeroed or hold no
 * CF references). */
void vt_prop_table_init(const VTPropertyTable *table, void *config);
/* Releases every CF value stored in config (rows reset to their defaults). */
void vt_prop_table_clear(const VTPropertyTable *table, void *config);

/* ---- Ready-made validators for VT_PROP_CFTYPE rows ---- */

/* CFArray whose elements are all CFNumbers. */
OSStatus vt_prop_validate_number_array(const VTPropertySpec *row, CFTypeRef value);
/* Same, with an even count, every number >= 0 and finite (DataRateLimits:
 * [bytes, seconds, ...]). */
OSStatus vt_prop_validate_even_number_array(const VTPropertySpec *row, CFTypeRef value);
/* CFDictionary whose keys are all CFStrings. */
OSStatus vt_prop_validate_string_keyed_dict(const VTPropertySpec *row, CFTypeRef value);

#endif /* VTCORE_VT_PROPERTY_H */
