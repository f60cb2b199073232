// Edits as text: applying them, placing them by line and column, formatting the lines they
// change with the project's .clang-format, and showing them as a unified diff.
#pragma once

#include "core/Finding.h"

#include <string>
#include <vector>

namespace mamori {

// Applies edits to `text`. Insertions at one offset keep their order; overlapping
// replacements throw std::runtime_error, since they cannot both be meant.
std::string applyEdits(const std::string &text, std::vector<TextEdit> edits);

// Fills each edit's begin and end (1-based line and byte column) from its offsets.
void locateEdits(const std::string &text, std::vector<TextEdit> &edits);

// When the file (or a folder above it) has a .clang-format, reformats the lines the edits
// change, and only those, and returns the edits that produce the formatted text. Without
// a .clang-format the edits come back as they are: the strategies already follow the
// file's own indentation.
std::vector<TextEdit> formatEdits(const std::string &file, const std::string &original, std::vector<TextEdit> edits);

// A unified diff of `before` and `after` with three lines of context, headed
// `--- a/<label>` and `+++ b/<label>`. Empty when they are equal.
std::string unifiedDiff(const std::string &label, const std::string &before, const std::string &after);

}  // namespace mamori
