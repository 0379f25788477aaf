#pragma once

#include <QCoreApplication>
#include <QString>

namespace hopscope {

class Workspace;

// The one-line accounts of what is open that the window shows: its title, the status
// bar, the Problems heading. Words only, so they are easy to test and to reuse.
class WorkspaceSummary final {
    Q_DECLARE_TR_FUNCTIONS(hopscope::WorkspaceSummary)
public:
    // "lab.yaml", "lab.yaml and 2 more", or empty; the platform appends the application name.
    static QString windowTitle(const Workspace& workspace);
    // "3 environments from 2 files · 1 error"
    static QString statusLine(const Workspace& workspace);
    // "Problems (3)"
    static QString problemsTitle(const Workspace& workspace);
};

} // namespace hopscope
