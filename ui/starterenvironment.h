#pragma once

#include <QCoreApplication>
#include <QString>

namespace hopscope {

// The commented starter file File ▸ New Environment writes: one environment with a hop of
// each kind and one check on each (resources/templates/new-environment.yaml, compiled in).
class StarterEnvironment final {
    Q_DECLARE_TR_FUNCTIONS(hopscope::StarterEnvironment)
public:
    enum class Overwrite { Refuse, Allow };

    // The file's text, its environment named after the file ("payments.yaml": payments) when
    // that is a valid environment name.
    static QByteArray text(const QString& path);
    // Writes it atomically. An existing file is left alone unless `overwrite` allows it (the
    // user said yes to replacing it). Empty on success, else why it was not written.
    static QString write(const QString& path, Overwrite overwrite);
};

} // namespace hopscope
