#include "translations.h"

#include <QCoreApplication>
#include <QLocale>
#include <QLoggingCategory>
#include <QTranslator>

Q_LOGGING_CATEGORY(lcTranslations, "hopscope.translations")

namespace hopscope {

void installTranslations(QCoreApplication* app)
{
    const QString directory = QStringLiteral(":/i18n");
    auto* english = new QTranslator(app);
    if (english->load(QStringLiteral("hopscope_en"), directory))
        QCoreApplication::installTranslator(english);
    else
        qCWarning(lcTranslations) << "the English plural forms are missing from the resources";

    // Installed later, so it is asked first; English answers whatever it lacks.
    auto* local = new QTranslator(app);
    if (QLocale().language() != QLocale::English
        && local->load(QLocale(), QStringLiteral("hopscope"), QStringLiteral("_"), directory)) {
        QCoreApplication::installTranslator(local);
    } else {
        delete local;
    }
}

} // namespace hopscope
