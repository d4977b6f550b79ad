/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal interface of the multi-pass helpers (VTMultiPassStorage.h,
 * VTFrameSilo.h) for the compression session, the encoder backends and the
 * tests.
 *
 * VTMultiPassStorage holds the encoder's analysis statistics as FILES: the
 * backend is handed one path (vt_multipass_storage_get_stats_path) and may
 * write that file plus companions named path + one of
 * VT_MULTIPASS_COMPANION_SUFFIXES (x264 writes "<path>.temp" and renames it
 * to "<path>" when the encoder closes, and "<path>.mbtree" for macroblock-tree
 * data). With a NULL fileURL the path lies in a private directory created
 * with mkdtemp; with a fileURL it is that file. On VTMultiPassStorageClose and
 * again on finalize the files are deleted, unless
 * kVTMultiPassStorageCreationOption_DoNotDelete was true or the file existed
 * before VTMultiPassStorageCreate.
 *
 * Session workflow (one storage may serve one session at a time):
 *
 *   vt_multipass_storage_begin_pass(storage, identity, &completed)
 *       -> completed == 0: analysis pass, the backend WRITES the statistics;
 *          completed >= 1: the backend READS them (final pass) -- and may
 *          also write refined ones for a further pass.
 *   ... encode ...   (backend closed / flushed, files renamed into place)
 *   vt_multipass_storage_end_pass(storage, wrote_statistics)
 *
 * All functions are thread-safe (one mutex per storage) and NULL-safe where
 * documented.
 */
#ifndef VTCORE_VT_MULTIPASS_INTERNAL_H
#define VTCORE_VT_MULTIPASS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <CoreMedia/CMTimeRange.h>
#include <VideoToolbox/VTFrameSilo.h>
#include <VideoToolbox/VTMultiPassStorage.h>

/* Files a backend may create next to the statistics path (deleted with it).
 * The empty suffix is the statistics file itself. NULL-terminated. */
#define VT_MULTIPASS_COMPANION_SUFFIXES \
    { "", ".temp", ".mbtree", ".mbtree.temp", NULL }

/* ---- VTMultiPassStorage ---- */

/* True when obj is a VTMultiPassStorage (NULL-safe). */
Boolean vt_multipass_storage_is(CFTypeRef obj);

/* The statistics file path (NUL-terminated, owned by the storage, valid while
 * the caller holds a reference, even after Close). NULL for a non-storage. */
const char *vt_multipass_storage_get_stats_path(VTMultiPassStorageRef storage);

/* Starts a pass for the session configuration named `identity` (any string
 * that changes when the statistics become meaningless: codec, size, backend;
 * NULL = do not check). The first begin binds the identity; a later begin with
 * a different one returns kVTMultiPassStorageIdentifierMismatchErr. Stores the
 * number of completed passes in *completed_passes_out (may be NULL).
 * Returns noErr, kVTParameterErr (not a storage, or a pass already active),
 * kVTMultiPassStorageInvalidErr (closed), kVTAllocationFailedErr,
 * kVTMultiPassStorageIdentifierMismatchErr. */
OSStatus vt_multipass_storage_begin_pass(VTMultiPassStorageRef storage, const char *identity,
                                         int *completed_passes_out);

/* Ends the active pass. wrote_statistics: the backend completed (and closed)
 * the statistics files, so the next pass may read them; the completed-pass
 * count increases. FALSE (aborted pass) leaves the count unchanged. Returns
 * noErr or kVTParameterErr (not a storage, no active pass). */
OSStatus vt_multipass_storage_end_pass(VTMultiPassStorageRef storage, Boolean wrote_statistics);

/* Passes whose statistics were completed (0 for a non-storage). */
int vt_multipass_storage_get_completed_passes(VTMultiPassStorageRef storage);
/* A pass is between begin_pass and end_pass. */
Boolean vt_multipass_storage_pass_active(VTMultiPassStorageRef storage);
/* VTMultiPassStorageClose was called (TRUE for a non-storage). */
Boolean vt_multipass_storage_is_closed(VTMultiPassStorageRef storage);
/* The statistics file exists and is not empty (e.g. a file given by URL that
 * holds a previous run's analysis, or the result of a completed pass). */
Boolean vt_multipass_storage_has_statistics(VTMultiPassStorageRef storage);

/* The time range hint (creation argument, or the last one recorded by the
 * session: the frames it encoded in the analysis pass). */
void vt_multipass_storage_set_time_range(VTMultiPassStorageRef storage, CMTimeRange range);
CMTimeRange vt_multipass_storage_get_time_range(VTMultiPassStorageRef storage);

/* ---- VTFrameSilo ---- */

/* True when obj is a VTFrameSilo (NULL-safe). */
Boolean vt_frame_silo_is(CFTypeRef obj);

/* Default bytes of sample data kept in memory before later samples spill to
 * the backing file (a silo created with a fileURL spills everything). */
#define VT_FRAME_SILO_DEFAULT_SPILL_THRESHOLD ((size_t)64 << 20)

/* Test/tuning knob: samples added while the in-memory data exceeds
 * `threshold` bytes go to the backing file (0 = every spillable sample).
 * Samples already stored stay where they are. Returns noErr or
 * kVTParameterErr. */
OSStatus vt_frame_silo_set_spill_threshold(VTFrameSiloRef silo, size_t threshold);

/* Counters for tests: samples stored (all passes, current view), of which
 * spilled to the file, and bytes of in-memory sample data. Any out pointer
 * may be NULL. Returns noErr or kVTParameterErr. */
OSStatus vt_frame_silo_get_stats(VTFrameSiloRef silo, size_t *sample_count, size_t *spilled_count,
                                 size_t *memory_bytes);

#endif /* VTCORE_VT_MULTIPASS_INTERNAL_H */
