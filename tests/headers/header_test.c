/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Compiled once per public header (VT_TEST_HEADER), in C99, C11 and C++:
 * every header must compile on its own.
 */
#include VT_TEST_HEADER
#include VT_TEST_HEADER /* and twice: include guards */

int main(void) {
    return 0;
}
