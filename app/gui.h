#pragma once

#include <QStringList>

namespace hopscope::gui {

// Opens the main window on the given environment files (or the bundled example when none)
// and runs the event loop. Needs a QApplication to exist.
int run(const QStringList& files);

} // namespace hopscope::gui
