#include "welcomepage.h"

#include "glyphs.h"
#include "settings.h"

#include <QApplication>
#include <QCommandLinkButton>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QPainterPath>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QScrollArea>
#include <QScrollBar>
#include <QStyle>
#include <QUrl>
#include <QVBoxLayout>

namespace hopscope {

namespace {

QIcon themed(const QString& name, QStyle::StandardPixmap fallback)
{
    return QIcon::fromTheme(name, QApplication::style()->standardIcon(fallback));
}

// "Start": drawn in the palette's text colour where the desktop's icon theme has none, since
// the style's own play icon is black whatever the palette.
QIcon startIcon(const QPalette& palette)
{
    QPainterPath triangle;
    triangle.moveTo(8, 5);
    triangle.lineTo(19, 12);
    triangle.lineTo(8, 19);
    triangle.closeSubpath();
    return QIcon::fromTheme(QStringLiteral("system-run"), glyphs::icon(triangle, palette.color(QPalette::ButtonText)));
}

QLabel* heading(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 1.15);
    label->setFont(font);
    return label;
}

QLabel* muted(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setForegroundRole(QPalette::PlaceholderText);
    label->setWordWrap(true);
    return label;
}

} // namespace

WelcomePage::WelcomePage(Settings* settings, QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("welcomePage"));
    setAccessibleName(tr("Welcome"));

    auto* content = new QWidget;
    content->setMaximumWidth(960);
    auto* columns = new QHBoxLayout;
    columns->setSpacing(48);
    columns->addWidget(createStartColumn(), 3);
    columns->addWidget(createSideColumn(), 2);
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(28);
    layout->addStretch(1);
    layout->addWidget(createHeader());
    layout->addLayout(columns);
    layout->addWidget(createLabPanel());
    layout->addStretch(3);  // a little above the middle, as the eye expects

    // The content keeps a readable width in the middle of a wide window, and scrolls in a small one.
    auto* page = new QWidget;
    auto* centred = new QHBoxLayout(page);
    centred->setContentsMargins(40, 48, 40, 32);
    centred->addStretch(1);
    centred->addWidget(content, 100);
    centred->addStretch(1);
    auto* scroll = new QScrollArea(this);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    scroll->setWidget(page);
    scroll->viewport()->setBackgroundRole(QPalette::Base);
    page->setBackgroundRole(QPalette::Base);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    connect(settings, &Settings::recentFilesChanged, this, &WelcomePage::rebuildRecent);
    rebuildRecent(settings->recentFiles());
    setFocusProxy(m_open);
}

QWidget* WelcomePage::createHeader()
{
    auto* header = new QWidget;
    auto* icon = new QLabel(header);
    icon->setPixmap(QIcon(QStringLiteral(":/icons/hopscope.svg")).pixmap(QSize(64, 64), devicePixelRatioF()));
    icon->setAccessibleName(tr("Hopscope logo"));
    auto* title = new QLabel(tr("Welcome to Hopscope"), header);
    QFont font = title->font();
    font.setPointSizeF(font.pointSizeF() * 1.9);
    font.setBold(true);
    title->setFont(font);
    auto* summary = muted(tr("See which hop of an environment's request path is broken, and fix it safely. "
                             "Begin with an environment file, or with the lab that runs on this machine."),
                          header);
    auto* words = new QVBoxLayout;
    words->setSpacing(4);
    words->addStretch(1);
    words->addWidget(title);
    words->addWidget(summary);
    words->addStretch(1);
    auto* layout = new QHBoxLayout(header);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(18);
    layout->addWidget(icon, 0, Qt::AlignTop);
    layout->addLayout(words, 1);
    return header;
}

QCommandLinkButton* WelcomePage::createCommand(const QString& title, const QString& description, const QIcon& icon)
{
    auto* button = new QCommandLinkButton(title, description);
    button->setIcon(icon);
    button->setIconSize(QSize(32, 32));
    // The title without its mnemonic marker, as a screen reader should say it.
    button->setAccessibleName(QString(title).remove(u'&'));
    button->setAccessibleDescription(description);
    button->setAutoDefault(false);
    return button;
}

QWidget* WelcomePage::createStartColumn()
{
    auto* column = new QWidget;
    m_open = createCommand(tr("&Open an Environment File…"),
                           tr("A YAML or JSON file that describes your environments and their hops."),
                           themed(QStringLiteral("document-open"), QStyle::SP_DialogOpenButton));
    m_new = createCommand(tr("&New Environment…"),
                          tr("Writes a commented starter file with one hop of each kind, ready to fill in."),
                          themed(QStringLiteral("document-new"), QStyle::SP_FileIcon));
    m_lab = createCommand(tr("Start the Bundled &Lab and Open It"),
                          tr("A real request path on this machine (labctl up): DNS, load balancer, app, "
                             "migrations and PostgreSQL, to break and fix."),
                          startIcon(palette()));
    m_walkthrough = createCommand(tr("Start the &Walkthrough"),
                                  tr("A guided tour of the lab's request path, one hop at a time."),
                                  themed(QStringLiteral("help-contents"), QStyle::SP_DialogHelpButton));
    auto* layout = new QVBoxLayout(column);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addWidget(heading(tr("Start"), column));
    for (QCommandLinkButton* button : {m_open, m_new, m_lab, m_walkthrough}) {
        button->setParent(column);
        layout->addWidget(button);
    }
    layout->addStretch(1);
    connect(m_open, &QAbstractButton::clicked, this, &WelcomePage::openRequested);
    connect(m_new, &QAbstractButton::clicked, this, &WelcomePage::newEnvironmentRequested);
    connect(m_lab, &QAbstractButton::clicked, this, &WelcomePage::labRequested);
    connect(m_walkthrough, &QAbstractButton::clicked, this, &WelcomePage::walkthroughRequested);
    return column;
}

QWidget* WelcomePage::createSideColumn()
{
    auto* column = new QWidget;
    m_recentList = new QWidget(column);
    m_recentLayout = new QVBoxLayout(m_recentList);
    m_recentLayout->setContentsMargins(0, 0, 0, 0);
    m_recentLayout->setSpacing(10);
    QWidget* reference = createLink(QStringLiteral("reference"), tr("File Format Reference"),
                                    tr("Every key of environment and runbook files, with examples."), column);
    m_reference = reference->findChild<QLabel*>(QStringLiteral("link"));
    connect(m_reference, &QLabel::linkActivated, this, &WelcomePage::referenceRequested);
    auto* layout = new QVBoxLayout(column);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(12);
    layout->addWidget(heading(tr("Recent Files"), column));
    layout->addWidget(m_recentList);
    layout->addSpacing(16);
    layout->addWidget(heading(tr("Learn"), column));
    layout->addWidget(reference);
    layout->addStretch(1);
    return column;
}

QWidget* WelcomePage::createLink(const QString& href, const QString& text, const QString& detail, QWidget* parent)
{
    auto* entry = new QWidget(parent);
    auto* link = new QLabel(QStringLiteral("<a href=\"%1\">%2</a>").arg(href.toHtmlEscaped(), text.toHtmlEscaped()), entry);
    link->setObjectName(QStringLiteral("link"));
    link->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    link->setAccessibleName(text);
    link->setAccessibleDescription(detail);
    auto* layout = new QVBoxLayout(entry);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(link);
    layout->addWidget(muted(detail, entry));
    return entry;
}

QWidget* WelcomePage::createLabPanel()
{
    m_labPanel = new QWidget;
    m_labStatus = new QLabel(m_labPanel);
    m_labStatus->setObjectName(QStringLiteral("labStatus"));
    m_labStatus->setWordWrap(true);
    m_labStatus->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_labStatus->setAccessibleName(tr("Lab status"));
    m_labWarning = new QLabel(m_labPanel);
    m_labWarning->setPixmap(themed(QStringLiteral("dialog-warning"), QStyle::SP_MessageBoxWarning)
                                .pixmap(QSize(24, 24), devicePixelRatioF()));
    m_labWarning->setAccessibleName(tr("Error"));
    m_labWarning->hide();
    m_labBusy = new QProgressBar(m_labPanel);
    m_labBusy->setRange(0, 0);  // labctl says what it does, not how far it is
    m_labBusy->setTextVisible(false);
    m_labBusy->setMaximumHeight(6);
    m_labBusy->setAccessibleName(tr("Starting the lab"));
    m_labOutput = new QPlainTextEdit(m_labPanel);
    m_labOutput->setReadOnly(true);
    m_labOutput->setAccessibleName(tr("Output of labctl"));
    m_labOutput->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_labOutput->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_labOutput->setMaximumBlockCount(2000);
    m_labOutput->setFixedHeight(m_labOutput->fontMetrics().lineSpacing() * 9);
    auto* layout = new QVBoxLayout(m_labPanel);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* status = new QHBoxLayout;
    status->addWidget(m_labWarning, 0, Qt::AlignTop);
    status->addWidget(m_labStatus, 1);
    layout->addWidget(heading(tr("The Lab"), m_labPanel));
    layout->addLayout(status);
    layout->addWidget(m_labBusy);
    layout->addWidget(m_labOutput);
    m_labPanel->hide();  // until the lab is asked for
    return m_labPanel;
}

void WelcomePage::rebuildRecent(const QStringList& files)
{
    while (QLayoutItem* item = m_recentLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    if (files.isEmpty()) {
        m_recentLayout->addWidget(muted(tr("Files you open are listed here."), m_recentList));
        return;
    }
    for (const QString& file : files) {
        const QFileInfo info(file);
        QWidget* entry = createLink(QUrl::fromLocalFile(file).toString(QUrl::FullyEncoded), info.fileName(),
                                    QDir::toNativeSeparators(info.absolutePath()), m_recentList);
        auto* link = entry->findChild<QLabel*>(QStringLiteral("link"));
        link->setObjectName(QStringLiteral("recentFileLink"));
        link->setAccessibleName(tr("Open %1").arg(QDir::toNativeSeparators(file)));
        link->setToolTip(QDir::toNativeSeparators(file));
        connect(link, &QLabel::linkActivated, this,
                [this](const QString& url) { emit recentFileChosen(QUrl(url).toLocalFile()); });
        m_recentLayout->addWidget(entry);
    }
}

QList<QLabel*> WelcomePage::recentLinks() const
{
    return m_recentList->findChildren<QLabel*>(QStringLiteral("recentFileLink"));
}

void WelcomePage::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange)
        m_lab->setIcon(startIcon(palette()));
    QWidget::changeEvent(event);
}

void WelcomePage::showLabStarting()
{
    m_labPanel->show();
    m_labOutput->clear();
    m_labOutput->show();
    m_labBusy->show();
    m_labWarning->hide();
    m_labStatus->setText(tr("Starting the lab. The first start creates its database and takes a minute or so; "
                            "the map opens when it is up."));
    m_lab->setEnabled(false);
}

void WelcomePage::appendLabOutput(const QString& line)
{
    m_labOutput->appendPlainText(line);
    m_labOutput->verticalScrollBar()->setValue(m_labOutput->verticalScrollBar()->maximum());
}

void WelcomePage::showLabFailed(const QString& message)
{
    m_labPanel->show();
    m_labBusy->hide();
    m_labWarning->show();
    m_labOutput->setVisible(!m_labOutput->document()->isEmpty());
    m_labStatus->setText(tr("The lab did not start. %1").arg(message));
    m_lab->setEnabled(true);
}

void WelcomePage::showLabReady()
{
    m_labBusy->hide();
    m_labPanel->hide();  // the map is up; next time the page shows, it starts clean
    m_lab->setEnabled(true);
}

} // namespace hopscope
