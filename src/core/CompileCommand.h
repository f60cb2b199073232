// One entry of a compilation database: how one translation unit is compiled.
#pragma once

#include <string>
#include <vector>

namespace mamori {

struct CompileCommand {
  std::string directory;               // absolute working directory of the compiler
  std::string file;                    // absolute path of the source file
  std::vector<std::string> arguments;  // argv of the compiler, argv[0] included
};

}  // namespace mamori
