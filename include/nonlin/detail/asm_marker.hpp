// nonlin/detail/asm_marker.hpp: comments that nonlin's kernels leave in the generated assembly, so that
// a listing of a user's program can be cut to the loop that matters (tools/inspect/listing.py does;
// Eigen's EIGEN_ASM_COMMENT marks its product kernel the same way). A marker is an empty inline-asm
// statement: it emits no instruction, only a line such as
//     # nonlin dense loop begin rows=3 packs=4 length=40
// Define NONLIN_NO_ASM_MARKERS to leave them out.
#pragma once

#if defined(__GNUC__) && !defined(NONLIN_NO_ASM_MARKERS) && (defined(__x86_64__) || defined(__aarch64__))
// The assembler's comment introducer: '#' on x86-64, "//" on AArch64 (where '#' marks immediates).
#if defined(__aarch64__)
#define NONLIN_ASM_COMMENT_START "// "
#else
#define NONLIN_ASM_COMMENT_START "# "
#endif
/// A marker line: NONLIN_ASM_MARKER("register tile begin").
#define NONLIN_ASM_MARKER(text) __asm__ volatile(NONLIN_ASM_COMMENT_START "nonlin " text)
/// A marker line with three compile-time numbers, printed bare by "%c":
/// NONLIN_ASM_MARKER_3("dense loop begin rows=%c0 packs=%c1 length=%c2", 3, 4, 40).
#define NONLIN_ASM_MARKER_3(text, a, b, c) \
  __asm__ volatile(NONLIN_ASM_COMMENT_START "nonlin " text ::"i"(a), "i"(b), "i"(c))
#else
#define NONLIN_ASM_MARKER(text) ((void)0)
#define NONLIN_ASM_MARKER_3(text, a, b, c) ((void)0)
#endif
