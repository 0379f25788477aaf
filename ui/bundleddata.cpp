#include "bundleddata.h"

#include "preset.h"

#include <QDir>
#include <QFileInfo>

namespace hopscope {

namespace {

// SUBDIR/NAME of the installed data when it exists, else SOURCE (relative to the source tree).
QString installedOrSource(const std::string& subdir, const QString& name, const QString& source)
{
    const QString installed = QString::fromStdString(installedDataDirectory(subdir));
    if (!installed.isEmpty() && QFileInfo::exists(QDir(installed).filePath(name)))
        return QDir(installed).filePath(name);
    return QDir(QStringLiteral(HOPSCOPE_SOURCE_DIR)).filePath(source);
}

QString existing(const QString& path)
{
    return QFileInfo::exists(path) ? path : QString();
}

} // namespace

QString bundledLabDirectory()
{
    const QString installed = QString::fromStdString(installedDataDirectory("lab"));
    if (!installed.isEmpty() && QFileInfo(installed).isDir())
        return installed;
    return QDir(QStringLiteral(HOPSCOPE_SOURCE_DIR)).filePath(QStringLiteral("lab"));
}

QString fileFormatReferencePath()
{
    return existing(installedOrSource("doc", QStringLiteral("file-formats.md"), QStringLiteral("docs/file-formats.md")));
}

QString readmePath()
{
    return existing(installedOrSource("doc", QStringLiteral("README.md"), QStringLiteral("README.md")));
}

QString licensingPath()
{
    return existing(installedOrSource("doc", QStringLiteral("licensing.md"), QStringLiteral("docs/licensing.md")));
}

} // namespace hopscope
