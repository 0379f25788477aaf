#include "environmentlistmodel.h"

#include "glyphs.h"
#include "hoptext.h"
#include "liveprobing.h"
#include "statusbadge.h"

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

} // namespace

EnvironmentListModel::EnvironmentListModel(Workspace* workspace, QObject* parent)
    : FileRowsModel(workspace, parent)
    , m_protectedIcon(lockIcon(QColor(0xe0, 0x31, 0x31),  // the colour of caution on any palette
                               QGuiApplication::palette().color(QPalette::HighlightedText)))
{
    for (const HopStatus st : {HopStatus::Grey, HopStatus::Green, HopStatus::Amber, HopStatus::Red}) {
        m_statusIcons[int(st)] = statusbadge::icon(st);
        m_staleIcons[int(st)] = statusbadge::icon(st, true);
    }
    populate();
}

void EnvironmentListModel::setLiveProbing(LiveProbing* live)
{
    if (m_live)
        disconnect(m_live, nullptr, this, nullptr);
    m_live = live;
    if (m_live)
        connect(m_live, &LiveProbing::environmentUpdated, this, &EnvironmentListModel::onEnvironmentUpdated);
    if (rowCount() > 0)
        emit dataChanged(index(0), index(rowCount() - 1));
}

void EnvironmentListModel::onEnvironmentUpdated(const QString& file, const QString& name)
{
    const QModelIndex row = find(file, name);
    if (row.isValid())
        emit dataChanged(row, row, {Qt::DecorationRole, Qt::ToolTipRole, Qt::AccessibleTextRole, StatusRole, CauseRole, StaleRole});
}

QString EnvironmentListModel::causeLine(const Environment& env, const QString& file) const
{
    const LiveProbing::EnvironmentState* state = m_live ? m_live->environment(file, QString::fromStdString(env.name)) : nullptr;
    if (!state || state->diagnosis.overall == HopStatus::Grey)
        return env.hops.empty() ? tr("no hops") : HopText::statusName(HopStatus::Grey);
    const Diagnosis& d = state->diagnosis;
    if (d.overall == HopStatus::Green)
        return tr("all %n hop(s) healthy", nullptr, int(env.hops.size()));
    // The likely cause, else (amber beside nothing red) the first degraded hop.
    std::vector<std::string> named = d.likelyCauses;
    if (named.empty()) {
        for (const HopVerdict& v : d.hops) {
            if (v.status == d.overall) {
                named.push_back(v.hop);
                break;
            }
        }
    }
    QStringList parts;
    for (const std::string& id : named) {
        const Hop* hop = env.hop(id);
        const HopVerdict* v = d.verdict(id);
        if (hop && v)
            parts << QStringLiteral("%1: %2").arg(QString::fromStdString(id), QString::fromStdString(hopFigure(*v)));
    }
    return parts.join(QStringLiteral("; "));
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
    const std::string wanted = name.toStdString();
    const auto search = [&](const std::string& file) -> QModelIndex {
        for (int row = 0; row < rowCount(); ++row) {
            const RowRef ref = rowRef(row);
            if (ref.file->path == file && ref.file->environments[std::size_t(ref.index)].name == wanted)
                return index(row);
        }
        return {};
    };
    // Probing reports in the workspace's own spelling; anything else is normalized first.
    const QModelIndex found = search(filePath.toStdString());
    return found.isValid() ? found : search(Workspace::normalizedPath(filePath).toStdString());
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
    case Qt::DecorationRole: {
        const auto* state = m_live ? m_live->environment(file, name) : nullptr;
        const HopStatus status = state ? state->diagnosis.overall : HopStatus::Grey;
        return state && state->stale ? m_staleIcons[int(status)] : m_statusIcons[int(status)];
    }
    case Qt::AccessibleTextRole: {
        const auto* state = m_live ? m_live->environment(file, name) : nullptr;
        const QString status = HopText::statusName(state ? state->diagnosis.overall : HopStatus::Grey);
        const QString head = env->isProtected ? tr("%1, protected, %2").arg(name, status) : tr("%1, %2").arg(name, status);
        return QString(head + QStringLiteral(": ") + causeLine(*env, file));
    }
    case StatusRole: {
        const auto* state = m_live ? m_live->environment(file, name) : nullptr;
        return int(state ? state->diagnosis.overall : HopStatus::Grey);
    }
    case StaleRole: {
        const auto* state = m_live ? m_live->environment(file, name) : nullptr;
        return state && state->stale;
    }
    case CauseRole:
        return causeLine(*env, file);
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
        % tr("From %1").arg(QDir::toNativeSeparators(file).toHtmlEscaped()) % QStringLiteral("</p>")
        % QStringLiteral("<p>") % causeLine(env, file).toHtmlEscaped() % QStringLiteral("</p>");
    return html;
}

QHash<int, QByteArray> EnvironmentListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(FilePathRole, QByteArrayLiteral("filePath"));
    names.insert(NameRole, QByteArrayLiteral("name"));
    names.insert(ProtectedRole, QByteArrayLiteral("protected"));
    names.insert(HopCountRole, QByteArrayLiteral("hopCount"));
    names.insert(StatusRole, QByteArrayLiteral("status"));
    names.insert(CauseRole, QByteArrayLiteral("cause"));
    names.insert(StaleRole, QByteArrayLiteral("stale"));
    return names;
}

} // namespace hopscope
