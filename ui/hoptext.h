#pragma once

#include "environment.h"
#include "diagnosis.h"

#include <QCoreApplication>
#include <QString>

namespace hopscope {

// How hops and checks read to a person: names, one-line probe summaries, status words.
// Core only, so the command line can share it later. Secrets are masked in everything here.
class HopText final {
    Q_DECLARE_TR_FUNCTIONS(hopscope::HopText)
public:
    static QString kindName(HopKind kind);
    static QString title(const Hop& hop);
    static QString checkName(const Check& check);
    static QString checkCount(int count);
    static QString statusName(HopStatus status);
    // "likely cause", "symptom"…; empty where the role adds nothing to the colour.
    static QString roleName(HopRole role);
    static QString checkStatusName(CheckStatus status);

    // "http GET http://127.0.0.1:18080/health · Host: app.example.test", "tcp 127.0.0.1:18081",
    // "postgres required tables: users, application_logs", "command labctl service status --json".
    // The environment's variables are filled in (secrets never are: they are not variables).
    static QString probeSummary(const Check& check, const KeyValues& variables = {});
    // Where a check connects when the summary does not say: a database's DSN, masked.
    static QString probeTarget(const Check& check, const KeyValues& variables = {});
    static QString expand(const std::string& text, const KeyValues& variables);

    // The diagnosis as plain text for an incident channel: the verdict, the likely cause
    // with its evidence, the symptoms, the runbooks to try, then every hop in a line.
    static QString diagnosisSummary(const Environment& env, const Diagnosis& diagnosis, const QString& fileName);

    static QString maskDsn(const QString& dsn);
    static QString commandLine(const std::vector<std::string>& argv, const KeyValues& variables = {});
};

} // namespace hopscope
