// Edits as text: applying them, placing them by line and column, and showing them as a
// unified diff. No Clang here; the edits come from FixSite.
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

// A unified diff of `before` and `after` with three lines of context, headed
// `--- a/<label>` and `+++ b/<label>`. Empty when they are equal.
std::string unifiedDiff(const std::string &label, const std::string &before, const std::string &after);

}  // namespace mamori
