#include "workspacesummary.h"

#include "workspace.h"

#include <QFileInfo>
#include <QStringList>

namespace hopscope {

QString WorkspaceSummary::windowTitle(const Workspace& workspace)
{
    const QStringList paths = workspace.paths();
    if (paths.isEmpty())
        return {};
    const QString first = QFileInfo(paths.first()).fileName();
    if (paths.size() == 1)
        return first;
    return tr("%1 and %n more", nullptr, static_cast<int>(paths.size() - 1)).arg(first);
}

QString WorkspaceSummary::statusLine(const Workspace& workspace)
{
    const int files = static_cast<int>(workspace.files().size());
    if (files == 0)
        return tr("No files open");
    const int errors = workspace.problemCount(Severity::Error);
    const int warnings = workspace.problemCount(Severity::Warning);
    QStringList problems;
    if (errors > 0)
        problems << tr("%n error(s)", nullptr, errors);
    if (warnings > 0)
        problems << tr("%n warning(s)", nullptr, warnings);
    if (problems.isEmpty())
        problems << tr("no problems");
    const QString loaded = tr("%1 from %2").arg(tr("%n environment(s)", nullptr, workspace.environmentCount()),
                                                tr("%n file(s)", nullptr, files));
    return loaded % QStringLiteral(" · ") % problems.join(QStringLiteral(", "));
}

QString WorkspaceSummary::problemsTitle(const Workspace& workspace)
{
    const int count = workspace.problemCount(Severity::Error) + workspace.problemCount(Severity::Warning);
    return count > 0 ? tr("Problems (%1)").arg(count) : tr("Problems");
}

} // namespace hopscope
