#include "runreport.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace hopscope {

namespace {

QString utc(qint64 ms, const QString& format = QStringLiteral("yyyy-MM-dd HH:mm:ss"))
{
    return ms == 0 ? QStringLiteral("—") : QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(format);
}

QString duration(qint64 ms)
{
    if (ms < 0)
        return QStringLiteral("—");
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 120'000)
        return QStringLiteral("%1 s").arg(double(ms) / 1000, 0, 'f', 1);
    return QStringLiteral("%1 min %2 s").arg(ms / 60'000).arg((ms / 1000) % 60);
}

QString badge(const QString& state)
{
    if (state == QLatin1String("passed"))
        return QStringLiteral("✅ passed");
    if (state == QLatin1String("failed"))
        return QStringLiteral("❌ failed");
    if (state == QLatin1String("skipped"))
        return QStringLiteral("⏭️ skipped");
    if (state == QLatin1String("aborted"))
        return QStringLiteral("⛔ aborted");
    if (state == QLatin1String("running") || state == QLatin1String("unknown"))
        return QStringLiteral("⚠️ outcome unknown");
    return state;
}

// A code block that the text cannot close early, however many backticks it holds.
QString fenced(const QString& text, const QString& info = QString())
{
    qsizetype longest = 0;
    const QRegularExpression ticks(QStringLiteral("`+"));
    for (auto it = ticks.globalMatch(text); it.hasNext();)
        longest = std::max(longest, it.next().capturedLength());
    const QString fence(std::max<qsizetype>(3, longest + 1), QLatin1Char('`'));
    QString body = text;
    if (!body.endsWith(QLatin1Char('\n')))
        body += QLatin1Char('\n');
    return fence + info + QLatin1Char('\n') + body + fence + QLatin1Char('\n');
}

QString oneLine(QString text)
{
    return text.replace(QLatin1Char('\n'), QLatin1Char(' ')).replace(QLatin1Char('|'), QStringLiteral("\\|"));
}

QString runOutcome(const AuditRun& run)
{
    if (!run.finished())
        return QStringLiteral("⚠️ unfinished (resume with `hopscope run --resume %1`)").arg(run.id);
    return badge(run.outcome);
}

} // namespace

QString formatRunLine(const AuditRun& run)
{
    return QStringLiteral("%1  %2  %3 on %4  %5%6")
        .arg(run.id, utc(run.startedMs), run.runbookId, run.environment,
             run.finished() ? run.outcome : QStringLiteral("UNFINISHED"), run.dryRun ? QStringLiteral(" (dry run)") : QString());
}

QString formatRunReport(const AuditRun& run, const std::vector<AuditStep>& steps)
{
    QString md;
    md += QStringLiteral("# %1: %2 — %3\n\n").arg(run.environment, run.runbookTitle, utc(run.startedMs, QStringLiteral("MMMM d, yyyy")));
    md += QStringLiteral("**Run**: `%1`%2  \n").arg(run.id, run.dryRun ? QStringLiteral(" (dry run: nothing was run)") : QString());
    md += QStringLiteral("**Outcome**: %1  \n").arg(runOutcome(run));
    md += QStringLiteral("**Runbook**: `%1`%2 (%3)  \n")
              .arg(run.runbookId, run.runbookVersion.isEmpty() ? QString() : QStringLiteral(" version ") + run.runbookVersion,
                   run.runbookFile);
    md += QStringLiteral("**Environment**: %1%2 (%3)  \n")
              .arg(run.environment, run.protectedEnvironment ? QStringLiteral(", protected") : QString(), run.environmentFile);
    md += QStringLiteral("**Who**: %1 on %2  \n").arg(run.osUser, run.host);
    md += QStringLiteral("**Started**: %1 UTC · **Finished**: %2%3  \n")
              .arg(utc(run.startedMs), run.finished() ? utc(run.finishedMs) + QStringLiteral(" UTC") : QStringLiteral("not yet"),
                   run.finished() ? QStringLiteral(" (%1)").arg(duration(run.finishedMs - run.startedMs)) : QString());
    if (run.resumes > 0)
        md += QStringLiteral("**Resumed**: %1 time(s) after the process stopped  \n").arg(run.resumes);
    const QJsonObject params = QJsonDocument::fromJson(run.paramsJson.toUtf8()).object();
    if (!params.isEmpty()) {
        QStringList shown;
        for (auto it = params.begin(); it != params.end(); ++it)
            shown << QStringLiteral("`%1` = `%2`").arg(it.key(), it.value().toString());
        md += QStringLiteral("**Parameters**: %1  \n").arg(shown.join(QStringLiteral(", ")));
    }

    md += QStringLiteral("\n## Diagnosis at the start\n\n");
    md += run.diagnosis.isEmpty() ? QStringLiteral("Not probed.\n") : run.diagnosis + QLatin1Char('\n');

    md += QStringLiteral("\n## Timeline\n\n| Time (UTC) | Step | Outcome | Duration | Result |\n|---|---|---|---|---|\n");
    for (const AuditStep& s : steps) {
        md += QStringLiteral("| %1 | %2. %3 | %4 | %5 | %6 |\n")
                  .arg(utc(s.startedMs, QStringLiteral("HH:mm:ss")), s.number, oneLine(s.title), badge(s.state),
                       duration(s.durationMs), oneLine(s.message));
    }

    md += QStringLiteral("\n## Steps\n");
    for (const AuditStep& s : steps) {
        md += QStringLiteral("\n### %1. %2%3 — %4\n\n")
                  .arg(s.number, s.title, s.attempt > 1 ? QStringLiteral(" (attempt %1)").arg(s.attempt) : QString(), badge(s.state));
        md += QStringLiteral("- **Kind**: %1%2\n").arg(s.kind, s.changes ? QStringLiteral(" (changes something)") : QString());
        md += QStringLiteral("- **Started**: %1 UTC · **finished**: %2 · **took**: %3\n")
                  .arg(utc(s.startedMs), s.finishedMs ? utc(s.finishedMs, QStringLiteral("HH:mm:ss")) : QStringLiteral("—"),
                       duration(s.durationMs));
        if (!s.confirmText.isEmpty())
            md += QStringLiteral("- **Asked**: %1\n").arg(s.confirmText);
        md += QStringLiteral("- **Confirmation**: %1%2\n")
                  .arg(s.confirmation, s.confirmedMs ? QStringLiteral(" at %1 UTC").arg(utc(s.confirmedMs, QStringLiteral("HH:mm:ss"))) : QString());
        if (s.exitStatus)
            md += QStringLiteral("- **Exit status**: %1\n").arg(*s.exitStatus);
        if (!s.message.isEmpty())
            md += QStringLiteral("- **Result**: %1\n").arg(s.message);
        md += QStringLiteral("\n") + fenced(s.rendered, s.kind == QLatin1String("sql") ? QStringLiteral("sql") : QString());
        if (!s.preview.isEmpty())
            md += QStringLiteral("\nPreview, before confirmation:\n\n") + fenced(s.preview);
        if (!s.output.trimmed().isEmpty())
            md += QStringLiteral("\nOutput:\n\n") + fenced(s.output);
    }

    md += QStringLiteral("\n## State at the end\n\n");
    md += run.finalState.isEmpty() ? QStringLiteral("Not probed.\n") : run.finalState + QLatin1Char('\n');
    return md;
}

} // namespace hopscope
