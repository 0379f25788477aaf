// The command prober against real programs: exit codes, output, argv passed literally, the
// working directory and environment, and the kill paths (timeout, leftovers, flood, shutdown).
#include "commandprober.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <optional>

#include <cerrno>
#include <csignal>
#include <sys/stat.h>

using namespace std::chrono_literals;
using hopscope::Check;
using hopscope::CheckKind;
using hopscope::CommandProbe;
using hopscope::CommandProber;
using hopscope::KeyValues;
using hopscope::Observation;

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

std::vector<std::string> toArgv(const QStringList& list)
{
    std::vector<std::string> argv;
    for (const auto& a : list)
        argv.push_back(a.toStdString());
    return argv;
}

Check commandCheck(std::vector<std::string> argv, std::chrono::milliseconds timeout = 10s,
                   std::string workDir = {}, KeyValues env = {})
{
    Check check;
    check.name = "command";
    check.kind = CheckKind::Command;
    check.probe = CommandProbe{std::move(argv), std::move(workDir), std::move(env)};
    check.timeout = timeout;
    return check;
}

struct Outcome {
    Observation obs;
    qint64 elapsedMs = 0;
};

// Starts the check with a deadline of its timeout and waits, bounded, for the one answer.
std::optional<Outcome> run(CommandProber& prober, const Check& check)
{
    auto promise = std::make_shared<std::promise<Observation>>();
    auto calls = std::make_shared<std::atomic<int>>(0);
    auto future = promise->get_future();
    QElapsedTimer timer;
    timer.start();
    prober.start(check, std::chrono::steady_clock::now() + *check.timeout, [promise, calls](Observation o) {
        if (calls->fetch_add(1) == 0)
            promise->set_value(std::move(o));
    });
    if (future.wait_for(*check.timeout + 5s) != std::future_status::ready)
        return std::nullopt;
    Outcome out{future.get(), timer.elapsed()};
    return out;
}

// Dead: no such process, or a zombie nobody has reaped yet (a container's pid 1 may never).
bool processGone(qint64 pid)
{
    if (::kill(static_cast<pid_t>(pid), 0) != 0)
        return errno == ESRCH;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray text = stat.readAll();
    const auto paren = text.lastIndexOf(')');
    return paren >= 0 && paren + 2 < text.size() && text.at(paren + 2) == 'Z';
}

bool writeScript(const QString& path, const QByteArray& text, mode_t mode)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        return false;
    file.close();
    return ::chmod(QFile::encodeName(path).constData(), mode) == 0;
}

} // namespace

class TestCommandProber final : public QObject {
    Q_OBJECT

private slots:
    void init() { m_prober = std::make_unique<CommandProber>(); }
    void cleanup() { m_prober.reset(); }

    void exitCodes_data();
    void exitCodes();
    void signalEndsProgram();
    void stdoutJson();
    void stdoutNotJson();
    void stderrCaptured();
    void invalidUtf8Replaced();
    void stdinIsEmpty();
    void argumentStaysLiteral_data();
    void argumentStaysLiteral();
    void workingDirectoryHonoured();
    void relativeProgramInWorkingDirectory();
    void environmentAdded();
    void programNotFound_data();
    void programNotFound();
    void permissionDenied();
    void missingInterpreter();
    void missingWorkingDirectory();
    void timeoutKillsGroup();
    void timeoutWhenSigtermIgnored();
    void grandchildHoldingStdout();
    void largeOutputCapped();
    void manyConcurrent();
    void queueBeyondMaxRunning();
    void shutdownKillsAndAnswers();

private:
    std::unique_ptr<CommandProber> m_prober;
};

void TestCommandProber::exitCodes_data()
{
    QTest::addColumn<QStringList>("argv");
    QTest::addColumn<int>("code");
    QTest::newRow("true") << QStringList{QStringLiteral("/bin/true")} << 0;
    QTest::newRow("false on PATH") << QStringList{QStringLiteral("false")} << 1;
    QTest::newRow("exit 3") << QStringList{QStringLiteral("/bin/sh"), QStringLiteral("-c"), QStringLiteral("exit 3")} << 3;
}

void TestCommandProber::exitCodes()
{
    QFETCH(QStringList, argv);
    QFETCH(int, code);
    const auto out = run(*m_prober, commandCheck(toArgv(argv)));
    QVERIFY(out);
    QVERIFY2(out->obs.completed, out->obs.error.c_str());
    QCOMPARE(out->obs.observed.at("exit_code").get<int>(), code);
    QVERIFY(out->obs.observed.at("pid").get<qint64>() > 0);
    QVERIFY(out->obs.observed.at("latency_ms").get<double>() >= 0);
    QVERIFY2(out->obs.figure.starts_with("exit " + std::to_string(code) + " · "), out->obs.figure.c_str());
}

void TestCommandProber::signalEndsProgram()
{
    const auto out = run(*m_prober, commandCheck({"/bin/sh", "-c", "kill -USR1 $$"}));
    QVERIFY(out);
    QVERIFY(out->obs.completed);
    QVERIFY(out->obs.observed.at("exit_code").is_null());
    QCOMPARE(qs(out->obs.observed.at("signal").get<std::string>()), QStringLiteral("SIGUSR1"));
    QVERIFY(out->obs.figure.starts_with("SIGUSR1 · "));
}

void TestCommandProber::stdoutJson()
{
    const auto out = run(*m_prober, commandCheck({"/usr/bin/printf", "%s", R"({"service":{"running":[1,2,3]}})"}));
    QVERIFY(out);
    QVERIFY(out->obs.completed);
    const auto& json = out->obs.observed.at("json");
    QCOMPARE(json.at(nlohmann::json::json_pointer("/service/running/2")).get<int>(), 3);
}

void TestCommandProber::stdoutNotJson()
{
    const auto out = run(*m_prober, commandCheck({"/bin/echo", "hello"}));
    QVERIFY(out);
    QCOMPARE(qs(out->obs.observed.at("stdout").get<std::string>()), QStringLiteral("hello\n"));
    QVERIFY(!out->obs.observed.contains("json"));
    QCOMPARE(out->obs.observed.at("stdout_truncated").get<bool>(), false);
}

void TestCommandProber::stderrCaptured()
{
    const auto out = run(*m_prober, commandCheck({"/bin/sh", "-c", "echo oops >&2; exit 2"}));
    QVERIFY(out);
    QVERIFY(out->obs.completed);
    QCOMPARE(qs(out->obs.observed.at("stderr").get<std::string>()), QStringLiteral("oops\n"));
    QCOMPARE(qs(out->obs.observed.at("stdout").get<std::string>()), QString());
    QCOMPARE(out->obs.observed.at("exit_code").get<int>(), 2);
}

void TestCommandProber::invalidUtf8Replaced()
{
    const auto out = run(*m_prober, commandCheck({"/usr/bin/printf", "a\\377b"}));
    QVERIFY(out);
    QCOMPARE(out->obs.observed.at("stdout").get<std::string>(), std::string("a\xEF\xBF\xBD" "b"));
    QVERIFY(!out->obs.observed.dump().empty());  // would throw on invalid UTF-8
}

void TestCommandProber::stdinIsEmpty()
{
    // cat reading a terminal or an inherited pipe would wait; /dev/null ends it at once.
    const auto out = run(*m_prober, commandCheck({"/bin/cat"}, 5s));
    QVERIFY(out);
    QVERIFY2(out->obs.completed, out->obs.error.c_str());
    QCOMPARE(out->obs.observed.at("exit_code").get<int>(), 0);
    QVERIFY(out->elapsedMs < 3000);
}

void TestCommandProber::argumentStaysLiteral_data()
{
    QTest::addColumn<QString>("value");
    QTest::newRow("semicolon rm") << QStringLiteral("x; rm -rf /");
    QTest::newRow("rm the canary") << QStringLiteral("x; rm -f canary");
    QTest::newRow("substitution") << QStringLiteral("$(touch pwned)");
    QTest::newRow("backticks") << QStringLiteral("`touch pwned`");
    QTest::newRow("quotes and spaces") << QStringLiteral("'a'  \"b\" \\c && touch pwned");
    QTest::newRow("glob") << QStringLiteral("*");
}

void TestCommandProber::argumentStaysLiteral()
{
    QFETCH(QString, value);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeScript(dir.filePath(QStringLiteral("canary")), "alive", 0644));
    const auto out = run(*m_prober, commandCheck({"/usr/bin/printf", "%s", value.toStdString()}, 10s,
                                                 dir.path().toStdString()));
    QVERIFY(out);
    QVERIFY(out->obs.completed);
    QCOMPARE(qs(out->obs.observed.at("stdout").get<std::string>()), value);
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("canary"))));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("pwned"))));
}

void TestCommandProber::workingDirectoryHonoured()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto out = run(*m_prober, commandCheck({"/bin/pwd", "-P"}, 10s, dir.path().toStdString()));
    QVERIFY(out);
    QVERIFY(out->obs.completed);
    QCOMPARE(qs(out->obs.observed.at("stdout").get<std::string>()),
             QFileInfo(dir.path()).canonicalFilePath() + QLatin1Char('\n'));
}

void TestCommandProber::relativeProgramInWorkingDirectory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeScript(dir.filePath(QStringLiteral("status.sh")), "#!/bin/sh\necho ran \"$1\"\n", 0755));
    const auto out = run(*m_prober, commandCheck({"./status.sh", "arg"}, 10s, dir.path().toStdString()));
    QVERIFY(out);
    QVERIFY2(out->obs.completed, out->obs.error.c_str());
    QCOMPARE(qs(out->obs.observed.at("stdout").get<std::string>()), QStringLiteral("ran arg\n"));
}

void TestCommandProber::environmentAdded()
{
    qputenv("HOPSCOPE_TEST_INHERITED", "yes");
    qputenv("HOPSCOPE_TEST_REPLACED", "old");
    const auto out = run(*m_prober, commandCheck({"/usr/bin/env"}, 10s, {},
                                                 {{"HOPSCOPE_TEST_ADDED", "one two"}, {"HOPSCOPE_TEST_REPLACED", "new"}}));
    QVERIFY(out);
    QVERIFY(out->obs.completed);
    const QString env = qs(out->obs.observed.at("stdout").get<std::string>());
    const QStringList lines = env.split(QLatin1Char('\n'));
    QVERIFY(lines.contains(QStringLiteral("HOPSCOPE_TEST_INHERITED=yes")));
    QVERIFY(lines.contains(QStringLiteral("HOPSCOPE_TEST_ADDED=one two")));
    QVERIFY(lines.contains(QStringLiteral("HOPSCOPE_TEST_REPLACED=new")));
    QVERIFY(!lines.contains(QStringLiteral("HOPSCOPE_TEST_REPLACED=old")));
}

void TestCommandProber::programNotFound_data()
{
    QTest::addColumn<QStringList>("argv");
    QTest::addColumn<QString>("error");
    QTest::newRow("on PATH") << QStringList{QStringLiteral("hopscope-no-such-labctl"), QStringLiteral("s3cr3t-token")}
                             << QStringLiteral("program not found: hopscope-no-such-labctl");
    QTest::newRow("absolute") << QStringList{QStringLiteral("/nonexistent/labctl"), QStringLiteral("s3cr3t-token")}
                              << QStringLiteral("program not found: /nonexistent/labctl");
    QTest::newRow("empty") << QStringList{} << QStringLiteral("the command is empty");
}

void TestCommandProber::programNotFound()
{
    QFETCH(QStringList, argv);
    QFETCH(QString, error);
    const auto out = run(*m_prober, commandCheck(toArgv(argv)));
    QVERIFY(out);
    QVERIFY(!out->obs.completed);
    QCOMPARE(qs(out->obs.error), error);  // and so never the secret argument
}

void TestCommandProber::permissionDenied()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeScript(dir.filePath(QStringLiteral("x")), "#!/bin/sh\necho ran\n", 0644));
    auto out = run(*m_prober, commandCheck({"./x"}, 10s, dir.path().toStdString()));
    QVERIFY(out);
    QVERIFY(!out->obs.completed);
    QCOMPARE(qs(out->obs.error), QStringLiteral("permission denied: ./x"));

    const std::string absolute = dir.filePath(QStringLiteral("x")).toStdString();
    out = run(*m_prober, commandCheck({absolute}));
    QVERIFY(out);
    QCOMPARE(out->obs.error, "permission denied: " + absolute);
}

void TestCommandProber::missingInterpreter()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeScript(dir.filePath(QStringLiteral("y")), "#!/nonexistent/interpreter\n", 0755));
    const auto out = run(*m_prober, commandCheck({"./y"}, 10s, dir.path().toStdString()));
    QVERIFY(out);
    QVERIFY(!out->obs.completed);
    QVERIFY2(out->obs.error.find("interpreter") != std::string::npos, out->obs.error.c_str());
}

void TestCommandProber::missingWorkingDirectory()
{
    const auto out = run(*m_prober, commandCheck({"/bin/true"}, 10s, "/nonexistent/hopscope-dir"));
    QVERIFY(out);
    QVERIFY(!out->obs.completed);
    QCOMPARE(qs(out->obs.error), QStringLiteral("working directory does not exist: /nonexistent/hopscope-dir"));
}

void TestCommandProber::timeoutKillsGroup()
{
    const auto out = run(*m_prober, commandCheck({"/bin/sleep", "30"}, 1s));
    QVERIFY(out);
    qInfo("sleep 30 with a 1 s timeout answered after %lld ms", out->elapsedMs);
    QVERIFY(!out->obs.completed);
    QVERIFY(out->elapsedMs >= 900);
    QVERIFY(out->elapsedMs < 2000);
    const auto pid = out->obs.observed.at("pid").get<qint64>();
    QCOMPARE(qs(out->obs.error), QStringLiteral("timed out after 1 s; killed process group %1").arg(pid));
    QCOMPARE(out->obs.observed.at("timed_out").get<bool>(), true);
    QTRY_VERIFY_WITH_TIMEOUT(processGone(pid), 3000);
}

void TestCommandProber::timeoutWhenSigtermIgnored()
{
    // The ignored disposition is inherited by sleep, so only SIGKILL ends the group.
    const auto out = run(*m_prober, commandCheck({"/bin/sh", "-c", "trap '' TERM; sleep 30; echo after"}, 1s));
    QVERIFY(out);
    qInfo("a SIGTERM-ignoring command with a 1 s timeout answered after %lld ms", out->elapsedMs);
    QVERIFY(!out->obs.completed);
    QVERIFY(out->elapsedMs < 2500);
    QVERIFY2(out->obs.error.find("ignored SIGTERM") != std::string::npos, out->obs.error.c_str());
    QCOMPARE(qs(out->obs.observed.at("signal").get<std::string>()), QStringLiteral("SIGKILL"));
    QTRY_VERIFY_WITH_TIMEOUT(processGone(out->obs.observed.at("pid").get<qint64>()), 3000);
}

void TestCommandProber::grandchildHoldingStdout()
{
    const auto out = run(*m_prober, commandCheck({"/bin/sh", "-c", "sleep 30 & echo $!"}, 10s));
    QVERIFY(out);
    qInfo("a command leaving a grandchild on its stdout answered after %lld ms", out->elapsedMs);
    QVERIFY2(out->obs.completed, out->obs.error.c_str());
    QCOMPARE(out->obs.observed.at("exit_code").get<int>(), 0);
    QVERIFY(out->elapsedMs < 3000);
    bool ok = false;
    const qint64 grandchild = qs(out->obs.observed.at("stdout").get<std::string>()).trimmed().toLongLong(&ok);
    QVERIFY(ok && grandchild > 0);
    QTRY_VERIFY_WITH_TIMEOUT(processGone(grandchild), 3000);
}

void TestCommandProber::largeOutputCapped()
{
    const auto out = run(*m_prober, commandCheck({"/usr/bin/head", "-c", "100000000", "/dev/zero"}, 30s));
    QVERIFY(out);
    qInfo("100 MB of stdout answered after %lld ms", out->elapsedMs);
    QVERIFY2(out->obs.completed, out->obs.error.c_str());
    QCOMPARE(out->obs.observed.at("exit_code").get<int>(), 0);
    QCOMPARE(out->obs.observed.at("stdout").get<std::string>().size(), std::size_t(1024 * 1024));
    QCOMPARE(out->obs.observed.at("stdout_truncated").get<bool>(), true);
    QCOMPARE(out->obs.observed.at("stdout_bytes").get<std::uint64_t>(), std::uint64_t(100'000'000));
    QVERIFY(!out->obs.observed.contains("json"));
    QVERIFY(out->elapsedMs < 15'000);
}

void TestCommandProber::manyConcurrent()
{
    constexpr int count = 200;
    std::mutex mutex;
    std::condition_variable cv;
    int answered = 0, completedOk = 0;
    QElapsedTimer timer;
    timer.start();
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    for (int i = 0; i < count; ++i) {
        m_prober->start(commandCheck({"true"}, 30s), deadline, [&](Observation o) {
            std::lock_guard lock(mutex);
            ++answered;
            if (o.completed && o.observed.value("exit_code", -1) == 0)
                ++completedOk;
            cv.notify_all();
        });
    }
    {
        std::unique_lock lock(mutex);
        QVERIFY(cv.wait_for(lock, 35s, [&] { return answered >= count; }));
    }
    const qint64 elapsed = timer.elapsed();
    qInfo("%d concurrent true commands answered after %lld ms", count, elapsed);
    m_prober.reset();  // every callback has run; none may run again
    QCOMPARE(answered, count);
    QCOMPARE(completedOk, count);
    QVERIFY(elapsed < 20'000);
}

void TestCommandProber::queueBeyondMaxRunning()
{
    CommandProber::Options options;
    options.maxRunning = 1;
    CommandProber prober(options);
    auto busy = std::make_shared<std::promise<Observation>>();
    auto busyFuture = busy->get_future();
    prober.start(commandCheck({"/bin/sleep", "30"}, 2s), std::chrono::steady_clock::now() + 2s,
                 [busy](Observation o) { busy->set_value(std::move(o)); });
    // Waits behind the sleep and so never starts before its own, earlier deadline.
    auto out = run(prober, commandCheck({"/bin/true"}, 500ms));
    QVERIFY(out);
    QVERIFY(!out->obs.completed);
    QCOMPARE(qs(out->obs.error), QStringLiteral("timed out after 500 ms before it could start (1 commands already running)"));
    QVERIFY(out->elapsedMs < 1500);
    // Once the slot is free again, queued commands run.
    out = run(prober, commandCheck({"/bin/true"}, 5s));
    QVERIFY(out);
    QVERIFY2(out->obs.completed, out->obs.error.c_str());
    QCOMPARE(busyFuture.wait_for(0s), std::future_status::ready);
}

void TestCommandProber::shutdownKillsAndAnswers()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString pidFile = dir.filePath(QStringLiteral("pid"));
    auto promise = std::make_shared<std::promise<Observation>>();
    auto future = promise->get_future();
    auto calls = std::make_shared<std::atomic<int>>(0);
    m_prober->start(commandCheck({"/bin/sh", "-c", "echo $$ > pid.tmp && mv pid.tmp pid && exec sleep 30"}, 60s,
                                 dir.path().toStdString()),
                    std::chrono::steady_clock::now() + 60s, [promise, calls](Observation o) {
                        if (calls->fetch_add(1) == 0)
                            promise->set_value(std::move(o));
                    });
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(pidFile), 5000);
    QFile file(pidFile);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const qint64 pid = file.readAll().trimmed().toLongLong();
    QVERIFY(pid > 0);
    m_prober.reset();
    QCOMPARE(future.wait_for(0s), std::future_status::ready);
    const Observation obs = future.get();
    QVERIFY(!obs.completed);
    QVERIFY2(obs.error.starts_with("cancelled"), obs.error.c_str());
    QCOMPARE(calls->load(), 1);
    QVERIFY(processGone(pid));
}

QTEST_GUILESS_MAIN(TestCommandProber)
#include "tst_commandprober.moc"
