/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CoreVideo base types and export macro, plus the few CoreGraphics geometry
 * types (CGFloat, CGPoint, CGSize, CGRect) that CoreVideo and CoreMedia
 * signatures use. There is no CoreGraphics on Linux; the geometry types are
 * declared here once, guarded by VTCORE_CGGEOMETRY_DEFINED so any other
 * vtcore header (or a client shim) that needs them can reuse the guard.
 */
#ifndef VTCORE_CV_BASE_H
#define VTCORE_CV_BASE_H

#include <CoreFoundation/CFBase.h>

#define CV_EXPORT CF_EXPORT
#define CV_INLINE CF_INLINE

CF_EXTERN_C_BEGIN

/* Option flags of the CV API (lock flags, pool flush flags). */
typedef uint64_t CVOptionFlags;

#ifndef VTCORE_CGGEOMETRY_DEFINED
#define VTCORE_CGGEOMETRY_DEFINED 1
/* CoreGraphics geometry as on 64-bit Apple platforms: CGFloat is a double. */
typedef double CGFloat;

typedef struct CGPoint {
    CGFloat x;
    CGFloat y;
} CGPoint;

typedef struct CGSize {
    CGFloat width;
    CGFloat height;
} CGSize;

typedef struct CGRect {
    CGPoint origin;
    CGSize size;
} CGRect;

CF_INLINE CGPoint CGPointMake(CGFloat x, CGFloat y) {
    CGPoint p;
    p.x = x;
    p.y = y;
    return p;
}

CF_INLINE CGSize CGSizeMake(CGFloat width, CGFloat height) {
    CGSize s;
    s.width = width;
    s.height = height;
    return s;
}

CF_INLINE CGRect CGRectMake(CGFloat x, CGFloat y, CGFloat width, CGFloat height) {
    CGRect r;
    r.origin.x = x;
    r.origin.y = y;
    r.size.width = width;
    r.size.height = height;
    return r;
}
#endif /* VTCORE_CGGEOMETRY_DEFINED */

CF_EXTERN_C_END

#endif /* VTCORE_CV_BASE_H */
