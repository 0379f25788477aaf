#include "starterenvironment.h"

#include "environment.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace hopscope {

namespace {

// The template's own name for its environment, and the variable its password comes from.
constexpr QLatin1String kTemplateName("my-service");
constexpr QLatin1String kTemplateSecret("MY_SERVICE_DB_PASSWORD");

} // namespace

QByteArray StarterEnvironment::text(const QString& path)
{
    QFile resource(QStringLiteral(":/templates/new-environment.yaml"));
    if (!resource.open(QIODevice::ReadOnly))
        return {};  // not compiled in: a build error, which the tests catch
    QString yaml = QString::fromUtf8(resource.readAll());
    const QString name = QFileInfo(path).completeBaseName();
    if (!name.isEmpty() && name != kTemplateName && isEnvironmentName(name.toStdString())) {
        QString secret = name.toUpper();
        secret.replace(u'-', u'_').replace(u'.', u'_');
        yaml.replace(kTemplateSecret, secret + QLatin1String("_DB_PASSWORD"));
        yaml.replace(kTemplateName, name);
    }
    return yaml.toUtf8();
}

QString StarterEnvironment::write(const QString& path, Overwrite overwrite)
{
    const QString shown = QDir::toNativeSeparators(path);
    if (overwrite == Overwrite::Refuse && QFileInfo::exists(path))
        return tr("%1 already exists; choose another name, or remove it first").arg(shown);
    const QByteArray content = text(path);
    if (content.isEmpty())
        return tr("the starter file is missing from this build of Hopscope");
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size() || !file.commit())
        return tr("could not write %1: %2").arg(shown, file.errorString());
    return {};
}

} // namespace hopscope
