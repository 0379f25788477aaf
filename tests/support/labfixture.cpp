#include "labfixture.h"

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QStringList>

#include <algorithm>

namespace hopscope::test {

namespace {

const QString kSource = QStringLiteral(HOPSCOPE_SOURCE_DIR);

} // namespace

QString Run::describe(const QString& what) const
{
    // Qt Test cuts a failure message at about 1,000 characters: keep the ends of the output,
    // where the cause is (labctl's error and the log lines after it).
    return QStringLiteral("%1 exited %2\nstdout: …%3\nstderr: …%4")
        .arg(what)
        .arg(exitCode)
        .arg(QString::fromUtf8(out.right(200)), QString::fromUtf8(err.right(650)));
}

Run run(const QString& program, const QStringList& args, const QProcessEnvironment& env, int timeoutMs)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(kSource);
    p.setStandardInputFile(QProcess::nullDevice());
    p.start(program, args);
    Run r;
    if (!p.waitForStarted(10000)) {
        r.err = p.errorString().toUtf8();
        return r;
    }
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        r.err = "timed out after " + QByteArray::number(timeoutMs / 1000) + " s; " + p.readAllStandardError();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QString labctl()
{
    return kSource + QStringLiteral("/lab/labctl");
}

QString hopscopeBinary()
{
    return QString::fromLocal8Bit(qgetenv("HOPSCOPE_BINARY"));
}

QProcessEnvironment withVariables(const nlohmann::json& vars)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const auto& [key, value] : vars.items())
        env.insert(QString::fromStdString(key), QString::fromStdString(value.get<std::string>()));
    return env;
}

Run Lab::ctl(const QStringList& args, int timeoutMs) const
{
    return run(labctl(), args + QStringList{QStringLiteral("--dir"), dir}, QProcessEnvironment::systemEnvironment(), timeoutMs);
}

std::optional<QProcessEnvironment> Lab::awsUp(QString& error) const
{
    const Run started = ctl({QStringLiteral("aws"), QStringLiteral("up")});
    if (started.exitCode != 0) {
        error = started.describe(QStringLiteral("labctl aws up"));
        return std::nullopt;
    }
    const Run printed = ctl({QStringLiteral("aws"), QStringLiteral("env"), QStringLiteral("--json")});
    const nlohmann::json vars = nlohmann::json::parse(printed.out.toStdString(), nullptr, false);
    if (printed.exitCode != 0 || !vars.is_object()) {
        error = printed.describe(QStringLiteral("labctl aws env"));
        return std::nullopt;
    }
    return withVariables(vars);
}

nlohmann::json firstEnvironment(const Run& check)
{
    const nlohmann::json doc = nlohmann::json::parse(check.out.toStdString(), nullptr, false);
    if (doc.is_discarded() || !doc.contains("environments") || doc["environments"].empty())
        return nlohmann::json();
    return doc["environments"][0];
}

QStringList notPassing(const nlohmann::json& environment)
{
    QStringList out;
    for (const auto& hop : environment.value("hops", nlohmann::json::array())) {
        for (const auto& check : hop.value("checks", nlohmann::json::array())) {
            if (check.value("status", "") != "pass")
                out << QString::fromStdString(hop.value("id", "") + "/" + check.value("name", "") + ": " + check.value("message", ""));
        }
    }
    return out;
}

bool healthy(const Run& check, QString* why)
{
    if (check.exitCode == 0)
        return true;
    const QStringList problems = notPassing(firstEnvironment(check));
    const bool slowOnly = check.exitCode == 1 && !problems.isEmpty()
        && std::all_of(problems.begin(), problems.end(), [](const QString& p) { return p.contains(QStringLiteral("latency_ms")); });
    if (!slowOnly && why)
        *why = check.describe(QStringLiteral("hopscope check")) + QStringLiteral("\nnot passing: ") + problems.join(QStringLiteral("; "));
    return slowOnly;
}

Run Lab::check(const QString& envName) const
{
    return run(hopscopeBinary(),
               {QStringLiteral("check"), QStringLiteral("lab/lab.yaml"), QStringLiteral("--env"), envName, QStringLiteral("--format"),
                QStringLiteral("json")},
               env, 60000);
}

void Lab::down()
{
    if (up)
        ctl({QStringLiteral("down")});
    up = false;
}

int labBasePort(int slot)
{
    return 20000 + int((QCoreApplication::applicationPid() + slot * 150) % 300) * 30;
}

std::optional<Lab> startLab(const QString& dir, int firstBase, QString& error)
{
    for (int attempt = 0; attempt < 4; ++attempt) {
        Lab lab;
        lab.dir = dir;
        lab.base = firstBase + attempt * 37;
        const Run up = lab.ctl({QStringLiteral("up"), QStringLiteral("--ports"), QString::number(lab.base)});
        if (up.exitCode != 0) {
            error = up.describe(QStringLiteral("labctl up"));
            if (up.err.contains("port in use"))
                continue;
            return std::nullopt;
        }
        lab.up = true;
        const Run env = lab.ctl({QStringLiteral("env"), QStringLiteral("--json")});
        const nlohmann::json vars = nlohmann::json::parse(env.out.toStdString(), nullptr, false);
        if (env.exitCode != 0 || !vars.is_object()) {
            error = env.describe(QStringLiteral("labctl env"));
            lab.down();
            return std::nullopt;
        }
        lab.env = withVariables(vars);
        return lab;
    }
    return std::nullopt;
}

std::optional<Lab> startLabIn(const QTemporaryDir& tmp, int firstBase, QString& error)
{
    if (!QFile::setPermissions(tmp.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ExeGroup
                                               | QFile::ExeOther)) {
        error = QStringLiteral("cannot open %1 for the lab's PostgreSQL user").arg(tmp.path());
        return std::nullopt;
    }
    return startLab(tmp.filePath(QStringLiteral("lab")), firstBase, error);
}

} // namespace hopscope::test
