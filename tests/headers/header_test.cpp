/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * C++ variant of header_test.c: the headers' extern "C" blocks must work.
 */
#include VT_TEST_HEADER

int main() {
    return 0;
}
