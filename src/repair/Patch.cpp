#include "repair/Patch.h"

#include "clang/Format/Format.h"
#include "clang/Tooling/Core/Replacement.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace mamori {

std::string applyEdits(const std::string &text, std::vector<TextEdit> edits) {
  std::stable_sort(edits.begin(), edits.end(), [](const TextEdit &a, const TextEdit &b) { return a.offset < b.offset; });
  std::string out;
  out.reserve(text.size() + 256);
  size_t pos = 0;
  for (const TextEdit &e : edits) {
    if (e.offset < pos || e.offset + e.length > text.size())
      throw std::runtime_error("overlapping or out-of-range edits at byte " + std::to_string(e.offset));
    out.append(text, pos, e.offset - pos);
    out += e.replacement;
    pos = e.offset + e.length;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

static Location positionOf(const std::string &text, unsigned offset, const std::string &file) {
  Location l;
  l.file = file;
  l.line = 1 + static_cast<unsigned>(std::count(text.begin(), text.begin() + std::min<size_t>(offset, text.size()), '\n'));
  size_t lineStart = offset == 0 ? std::string::npos : text.rfind('\n', offset - 1);
  l.column = static_cast<unsigned>(offset - (lineStart == std::string::npos ? 0 : lineStart + 1)) + 1;
  return l;
}

void locateEdits(const std::string &text, std::vector<TextEdit> &edits) {
  for (TextEdit &e : edits) {
    e.begin = positionOf(text, e.offset, e.file);
    e.end = positionOf(text, e.offset + e.length, e.file);
  }
}

std::vector<TextEdit> formatEdits(const std::string &file, const std::string &original, std::vector<TextEdit> edits) {
  if (edits.empty()) return edits;
  std::string patched = applyEdits(original, edits);
  llvm::Expected<clang::format::FormatStyle> style = clang::format::getStyle("file", file, "none", patched);
  if (!style) {
    llvm::consumeError(style.takeError());
    return edits;
  }
  if (style->DisableFormat) return edits;
  // Where each edit's new text lies in the patched file.
  std::vector<TextEdit> sorted = edits;
  std::stable_sort(sorted.begin(), sorted.end(), [](const TextEdit &a, const TextEdit &b) { return a.offset < b.offset; });
  std::vector<clang::tooling::Range> ranges;
  long shift = 0;
  for (const TextEdit &e : sorted) {
    unsigned at = static_cast<unsigned>(static_cast<long>(e.offset) + shift);
    ranges.emplace_back(at, static_cast<unsigned>(std::max<size_t>(e.replacement.size(), 1)));
    shift += static_cast<long>(e.replacement.size()) - static_cast<long>(e.length);
  }
  clang::tooling::Replacements fixes = clang::format::reformat(*style, patched, ranges, file);
  llvm::Expected<std::string> formatted = clang::tooling::applyAllReplacements(patched, fixes);
  if (!formatted) {
    llvm::consumeError(formatted.takeError());
    return edits;
  }
  if (*formatted == patched) return edits;
  // One edit from the original to the formatted text: the span between their common
  // head and tail.
  size_t head = 0;
  while (head < original.size() && head < formatted->size() && original[head] == (*formatted)[head]) ++head;
  size_t tail = 0;
  while (tail < original.size() - head && tail < formatted->size() - head &&
         original[original.size() - 1 - tail] == (*formatted)[formatted->size() - 1 - tail])
    ++tail;
  TextEdit one;
  one.file = edits.front().file;
  one.offset = static_cast<unsigned>(head);
  one.length = static_cast<unsigned>(original.size() - head - tail);
  one.replacement = formatted->substr(head, formatted->size() - head - tail);
  std::vector<TextEdit> out{one};
  locateEdits(original, out);
  return out;
}

static std::vector<std::string> splitLines(const std::string &text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) {
      lines.push_back(text.substr(pos));
      break;
    }
    lines.push_back(text.substr(pos, nl - pos + 1));
    pos = nl + 1;
  }
  return lines;
}

std::string unifiedDiff(const std::string &label, const std::string &before, const std::string &after) {
  if (before == after) return "";
  std::vector<std::string> a = splitLines(before), b = splitLines(after);
  // The common head and tail are context; only the middle needs a real diff.
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
  size_t n = a.size() - head - tail, m = b.size() - head - tail;
  // Edit script over the middle: ' ' keep, '-' delete, '+' insert (LCS when small enough).
  std::vector<std::pair<char, size_t>> script;  // (op, index into a or b)
  for (size_t i = 0; i < head; ++i) script.push_back({' ', i});
  if (n * m <= 20'000'000) {
    std::vector<std::vector<unsigned>> lcs(n + 1, std::vector<unsigned>(m + 1, 0));
    for (size_t i = n; i-- > 0;)
      for (size_t j = m; j-- > 0;)
        lcs[i][j] = a[head + i] == b[head + j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[head + i] == b[head + j]) {
        script.push_back({' ', head + i});
        ++i, ++j;
      } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        script.push_back({'-', head + i++});  // deletions first, as diff(1) prints them
      } else {
        script.push_back({'+', head + j++});
      }
    }
  } else {
    for (size_t i = 0; i < n; ++i) script.push_back({'-', head + i});
    for (size_t j = 0; j < m; ++j) script.push_back({'+', head + j});
  }
  for (size_t i = 0; i < tail; ++i) script.push_back({' ', a.size() - tail + i});

  std::ostringstream out;
  out << "--- a/" << label << "\n+++ b/" << label << "\n";
  const size_t context = 3;
  size_t k = 0;
  // Positions (1-based) of each script entry in a and b.
  std::vector<size_t> posA(script.size() + 1), posB(script.size() + 1);
  size_t la = 1, lb = 1;
  for (size_t s = 0; s < script.size(); ++s) {
    posA[s] = la, posB[s] = lb;
    if (script[s].first != '+') ++la;
    if (script[s].first != '-') ++lb;
  }
  posA[script.size()] = la, posB[script.size()] = lb;
  while (k < script.size()) {
    while (k < script.size() && script[k].first == ' ') ++k;
    if (k == script.size()) break;
    size_t start = k >= context ? k - context : 0;
    size_t end = k;
    // Extend the hunk while changes are within 2*context lines of each other.
    while (end < script.size()) {
      if (script[end].first != ' ') {
        ++end;
        continue;
      }
      size_t run = end;
      while (run < script.size() && script[run].first == ' ') ++run;
      if (run == script.size() || run - end > 2 * context) {
        end = std::min(script.size(), end + context);
        break;
      }
      end = run;
    }
    size_t countA = 0, countB = 0;
    for (size_t s = start; s < end; ++s) {
      if (script[s].first != '+') ++countA;
      if (script[s].first != '-') ++countB;
    }
    out << "@@ -" << (countA ? posA[start] : posA[start] - 1) << "," << countA << " +"
        << (countB ? posB[start] : posB[start] - 1) << "," << countB << " @@\n";
    for (size_t s = start; s < end; ++s) {
      const std::string &line = script[s].first == '+' ? b[script[s].second] : a[script[s].second];
      out << script[s].first << line;
      if (line.empty() || line.back() != '\n') out << "\n\\ No newline at end of file\n";
    }
    k = end;
  }
  return out.str();
}

}  // namespace mamori
