#pragma once

#include <QString>

namespace hopscope {

// What ships beside the executable: the installed copy under <prefix>/share/hopscope (see
// installer/) when there is one, else the source tree's, as a build tree runs.

// The lab: labctl and lab.yaml.
QString bundledLabDirectory();
// docs/file-formats.md, or README.md; empty when neither copy exists.
QString fileFormatReferencePath();
QString readmePath();
// docs/licensing.md: whose licences the program carries; empty when it is missing.
QString licensingPath();

} // namespace hopscope
