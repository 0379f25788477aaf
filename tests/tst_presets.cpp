#include "loader.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace hopscope;

namespace {

LoadedFile load(const QString& text)
{
    const QByteArray utf8 = text.toUtf8();
    return loadText(std::string_view(utf8.constData(), std::size_t(utf8.size())), "t.yaml", DocFormat::Yaml);
}

QString hopUsing(const QString& presetUse)
{
    return QStringLiteral("environments:\n  - name: qa\n    hops:\n      - id: app\n        kind: containers\n        presets:\n          - %1\n")
        .arg(presetUse);
}

QStringList messages(const LoadedFile& f)
{
    QStringList out;
    for (const auto& d : f.diagnostics)
        out << QString::fromStdString(d.format());
    return out;
}

} // namespace

class TestPresets final : public QObject {
    Q_OBJECT
private slots:
    void bundledPresetsLoad()
    {
        const QDir dir(QStringLiteral(HOPSCOPE_SOURCE_DIR "/resources/providers"));
        const QStringList files = dir.entryList({QStringLiteral("*.yaml")});
        QVERIFY(files.size() >= 4);
        for (const QString& name : files) {
            const LoadedFile f = loadFile(dir.filePath(name).toStdString());
            QVERIFY2(f.diagnostics.empty(), qPrintable(messages(f).join(QLatin1Char('\n'))));
            QCOMPARE(int(f.type), int(LoadedFile::Type::Preset));
            QCOMPARE(f.preset->id + ".yaml", name.toStdString());
        }
    }

    void expandsWithParametersAndDefaults()
    {
        const LoadedFile f = load(hopUsing(QStringLiteral("{use: aws-ecs-service, cluster: qa-cluster, service: backend, region: eu-west-1}")));
        QVERIFY2(f.diagnostics.empty(), qPrintable(messages(f).join(QLatin1Char('\n'))));
        const Hop& hop = f.environments.front().hops.front();
        QCOMPARE(hop.checks.size(), std::size_t(2));
        const Check& running = hop.checks.front();
        QCOMPARE(running.name, std::string("backend: tasks running at the desired count"));
        QCOMPARE(running.remedy, std::string("aws-redeploy-service"));
        const auto& argv = std::get<CommandProbe>(running.probe).argv;
        QCOMPARE(argv, (std::vector<std::string>{"aws", "ecs", "describe-services", "--cluster", "qa-cluster", "--services", "backend",
                                                 "--region", "eu-west-1", "--endpoint-url", "https://ecs.eu-west-1.amazonaws.com",
                                                 "--output", "json"}));
    }

    void environmentVariablesPassThrough()
    {
        // A parameter may name an environment variable; it is rendered when probed, not here.
        const LoadedFile f = load(QStringLiteral("environments:\n  - name: qa\n    variables: {ns: qa}\n    hops:\n      - id: app\n        kind: containers\n"
                                                 "        presets: [{use: kubernetes-deployment, deployment: web, namespace: \"${ns}\"}]\n"));
        QVERIFY2(f.diagnostics.empty(), qPrintable(messages(f).join(QLatin1Char('\n'))));
        const auto& argv = std::get<CommandProbe>(f.environments.front().hops.front().checks.back().probe).argv;
        QCOMPARE(argv.at(4), std::string("app=web"));
        QCOMPARE(argv.at(6), std::string("${ns}"));
    }

    void errors_data()
    {
        QTest::addColumn<QString>("use");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown preset") << QStringLiteral("{use: aws-ecs-servce, cluster: c, service: s}")
                                        << QStringLiteral("t.yaml:7:19: error: no preset \"aws-ecs-servce\" (looked in HOPSCOPE_PRESET_PATH and resources/providers); did you mean \"aws-ecs-service\"?");
        QTest::newRow("missing parameter") << QStringLiteral("{use: aws-ecs-service, cluster: c}")
                                           << QStringLiteral("t.yaml:7:13: error: preset \"aws-ecs-service\" needs \"service\" (the service name or ARN)");
        QTest::newRow("unknown parameter") << QStringLiteral("{use: aws-ecs-service, cluster: c, service: s, regoin: x}")
                                           << QStringLiteral("t.yaml:7:60: error: preset \"aws-ecs-service\" has no parameter \"regoin\"; did you mean \"region\"?");
        QTest::newRow("no use") << QStringLiteral("{cluster: c}") << QStringLiteral("t.yaml:7:13: error: a preset use needs \"use\"");
    }
    void errors()
    {
        QFETCH(QString, use);
        QFETCH(QString, message);
        const LoadedFile f = load(hopUsing(use));
        QVERIFY2(!messages(f).isEmpty() && messages(f).front().startsWith(message), qPrintable(messages(f).join(QLatin1Char('\n'))));
    }

    void presetPathRunsForReal()
    {
        // A preset of one's own, found through HOPSCOPE_PRESET_PATH, probed by the real binary.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile preset(dir.filePath(QStringLiteral("replica-count.yaml")));
        QVERIFY(preset.open(QIODevice::WriteOnly));
        preset.write("preset:\n  id: replica-count\n  title: Replicas\n  params: [{name: running}, {name: desired, default: \"2\"}]\n"
                     "  checks:\n    - name: replicas\n      command: [printf, '{\"running\": ${running}, \"desired\": ${desired}}']\n"
                     "      expect: [\"json(/running) == json(/desired)\"]\n");
        preset.close();
        QFile env(dir.filePath(QStringLiteral("env.yaml")));
        QVERIFY(env.open(QIODevice::WriteOnly));
        env.write("environments:\n  - name: up\n    hops: [{id: app, kind: containers, presets: [{use: replica-count, running: \"2\"}]}]\n"
                  "  - name: down\n    hops: [{id: app, kind: containers, presets: [{use: replica-count, running: \"0\"}]}]\n");
        env.close();
        for (const auto& [name, expected] : {std::pair{QStringLiteral("up"), 0}, std::pair{QStringLiteral("down"), 2}}) {
            QProcess p;
            QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
            environment.insert(QStringLiteral("HOPSCOPE_PRESET_PATH"), dir.path());
            p.setProcessEnvironment(environment);
            p.start(qEnvironmentVariable("HOPSCOPE_BINARY"), {QStringLiteral("check"), env.fileName(), QStringLiteral("--env"), name});
            QVERIFY(p.waitForFinished(30000));
            const QByteArray output = p.readAllStandardOutput() + p.readAllStandardError();
            QVERIFY2(p.exitCode() == expected, output.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestPresets)
#include "tst_presets.moc"
