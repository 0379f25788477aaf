#pragma once
// The lab (lab/labctl) for end-to-end tests: each test brings up its own lab on its own
// directory and ports, and runs labctl and the hopscope executable against it.

#include <QByteArray>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <optional>

namespace hopscope::test {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QString describe(const QString& what) const;
};

// Runs a program to completion from the source tree, without standard input; a hung one is
// killed and reported as exit code -1.
Run run(const QString& program, const QStringList& args,
        const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(), int timeoutMs = 180000);

QString labctl();
QString hopscopeBinary();  // $HOPSCOPE_BINARY, set by ctest

// This process's environment plus what `labctl env --json` (or `aws env --json`) printed.
QProcessEnvironment withVariables(const nlohmann::json& vars);

// A lab on its own directory and ports, stopped by down().
struct Lab {
    QString dir;
    int base = 0;
    QProcessEnvironment env;
    bool up = false;

    Run ctl(const QStringList& args, int timeoutMs = 180000) const;
    // `hopscope check lab/lab.yaml --env NAME --format json`.
    Run check(const QString& envName = QStringLiteral("qa")) const;
    // `labctl aws up` (the QA incident's shapes in moto_server), then this process's
    // environment with `labctl aws env --json`; nullopt, with what failed in `error`.
    // `labctl aws down` undoes it.
    std::optional<QProcessEnvironment> awsUp(QString& error) const;
    void down();
};

// The first environment of `hopscope check --format json` output; null when it does not parse.
nlohmann::json firstEnvironment(const Run& check);
// "hop/check: message" for every check that did not pass.
QStringList notPassing(const nlohmann::json& environment);
// A check run that found the path healthy: green, or amber only because something was slow
// (a loaded test machine, not a fault). Otherwise false, with what was wrong in `why`.
bool healthy(const Run& check, QString* why);

// Below the kernel's ephemeral range (32768 and up): a port there can be taken at any moment
// by some test's outgoing connection, and an app that cannot bind crash-loops. `slot` keeps
// two test programs apart that run at once.
int labBasePort(int slot = 0);

// Tries a few port ranges from firstBase: another lab or program may hold one.
std::optional<Lab> startLab(const QString& dir, int firstBase, QString& error);
// A test's lab in `tmp`/lab: `tmp` is opened for traversal first, since as root the lab runs
// PostgreSQL as postgres, who must be let through to its data.
std::optional<Lab> startLabIn(const QTemporaryDir& tmp, int firstBase, QString& error);

} // namespace hopscope::test
