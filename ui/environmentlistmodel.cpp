#include "environmentlistmodel.h"

#include "glyphs.h"

#include <QDir>
#include <QGuiApplication>
#include <QPalette>
#include <QPixmap>

namespace hopscope {

namespace {

// Red on the list, the highlight's text colour on a selected row, where red would not read.
QIcon lockIcon(const QColor& color, const QColor& selected)
{
    QIcon icon;
    glyphs::addToIcon(icon, glyphs::lock(), color, QIcon::Normal, 2.2);
    glyphs::addToIcon(icon, glyphs::lock(), selected, QIcon::Selected, 2.2);
    return icon;
}

QIcon blankIcon()
{
    QPixmap pixmap(16, 16);
    pixmap.fill(Qt::transparent);
    return QIcon(pixmap);
}

} // namespace

EnvironmentListModel::EnvironmentListModel(Workspace* workspace, QObject* parent)
    : FileRowsModel(workspace, parent)
    , m_protectedIcon(lockIcon(QColor(0xe0, 0x31, 0x31),  // the colour of caution on any palette
                               QGuiApplication::palette().color(QPalette::HighlightedText)))
    , m_plainIcon(blankIcon())
{
    populate();
}

int EnvironmentListModel::rowsIn(const LoadedFile& file) const
{
    return static_cast<int>(file.environments.size());
}

const Environment* EnvironmentListModel::environment(const QModelIndex& index) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::ParentIsInvalid))
        return nullptr;
    const RowRef ref = rowRef(index.row());
    return ref.file ? &ref.file->environments[static_cast<std::size_t>(ref.index)] : nullptr;
}

QModelIndex EnvironmentListModel::find(const QString& filePath, const QString& name) const
{
    const std::string file = Workspace::normalizedPath(filePath).toStdString();
    const std::string wanted = name.toStdString();
    for (int row = 0; row < rowCount(); ++row) {
        const Environment* env = environment(index(row));
        if (env && env->name == wanted && rowRef(row).file->path == file)
            return index(row);
    }
    return {};
}

QVariant EnvironmentListModel::data(const QModelIndex& index, int role) const
{
    const Environment* env = environment(index);
    if (!env)
        return {};
    const QString name = QString::fromStdString(env->name);
    const QString file = QString::fromStdString(rowRef(index.row()).file->path);
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return name;
    case Qt::ToolTipRole:
        return toolTip(*env, file);
    case Qt::DecorationRole:
        return env->isProtected ? m_protectedIcon : m_plainIcon;
    case Qt::AccessibleTextRole:
        return env->isProtected ? tr("%1, protected").arg(name) : name;
    case FilePathRole:
        return file;
    case ProtectedRole:
        return env->isProtected;
    case HopCountRole:
        return static_cast<int>(env->hops.size());
    default:
        return {};
    }
}

QString EnvironmentListModel::toolTip(const Environment& env, const QString& file) const
{
    QString html = QStringLiteral("<b>%1</b>").arg(QString::fromStdString(env.name).toHtmlEscaped());
    if (env.isProtected)
        html += QStringLiteral(" — ") % tr("protected: changes ask you to type its name");
    if (!env.description.empty())
        html += QStringLiteral("<p>%1</p>").arg(QString::fromStdString(env.description).toHtmlEscaped());
    html += QStringLiteral("<p>") % tr("%n hop(s)", nullptr, static_cast<int>(env.hops.size())) % QStringLiteral("<br>")
        % tr("From %1").arg(QDir::toNativeSeparators(file).toHtmlEscaped()) % QStringLiteral("</p>");
    return html;
}

QHash<int, QByteArray> EnvironmentListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(FilePathRole, QByteArrayLiteral("filePath"));
    names.insert(NameRole, QByteArrayLiteral("name"));
    names.insert(ProtectedRole, QByteArrayLiteral("protected"));
    names.insert(HopCountRole, QByteArrayLiteral("hopCount"));
    return names;
}

} // namespace hopscope
