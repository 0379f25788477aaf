#include "referencedialog.h"

#include <QAbstractTextDocumentLayout>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QRegularExpression>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

namespace hopscope {

namespace {

// The anchor GitHub gives a heading, which the document's own links use: lower case,
// punctuation dropped, spaces as hyphens ("Durations, sizes, templates" → durations-sizes-templates).
QString anchorOf(const QString& heading)
{
    static const QRegularExpression dropped(QStringLiteral("[^\\w\\- ]"));
    return heading.toLower().remove(dropped).replace(u' ', u'-');
}

} // namespace

ReferenceDialog::ReferenceDialog(QWidget* parent)
    : QDialog(parent), m_browser(new QTextBrowser(this)), m_source(new QLabel(this))
{
    setObjectName(QStringLiteral("referenceDialog"));
    m_browser->setOpenLinks(false);
    m_browser->setAccessibleName(tr("Document"));
    connect(m_browser, &QTextBrowser::anchorClicked, this, &ReferenceDialog::followLink);
    m_source->setForegroundRole(QPalette::PlaceholderText);
    m_source->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_browser, 1);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_source, 1);
    bottom->addWidget(buttons);
    layout->addLayout(bottom);
    resize(900, 760);
}

bool ReferenceDialog::showDocument(const QString& path)
{
    m_path = path;
    QFile file(path);
    if (path.isEmpty() || !file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        m_browser->setPlainText(path.isEmpty() ? tr("The document is not installed with this copy of Hopscope.")
                                               : tr("%1 could not be read: %2")
                                                     .arg(QDir::toNativeSeparators(path), file.errorString()));
        m_source->clear();
        return false;
    }
    m_browser->document()->setBaseUrl(QUrl::fromLocalFile(QFileInfo(path).absolutePath() + u'/'));
    m_browser->setMarkdown(QString::fromUtf8(file.readAll()));
    m_source->setText(QDir::toNativeSeparators(path));
    return true;
}

void ReferenceDialog::followLink(const QUrl& url)
{
    if (url.isRelative() && url.path().isEmpty()) {  // "#checks": within this document
        scrollToHeading(url.fragment());
        return;
    }
    // Another document or a web page: the desktop's own application shows it.
    const QUrl resolved = m_browser->document()->baseUrl().resolved(url);
    if (!resolved.isLocalFile() || QFileInfo::exists(resolved.toLocalFile()))
        QDesktopServices::openUrl(resolved);
}

bool ReferenceDialog::scrollToHeading(const QString& anchor)
{
    QTextDocument* document = m_browser->document();
    for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
        if (block.blockFormat().headingLevel() > 0 && anchorOf(block.text()) == anchor) {
            const QRectF where = document->documentLayout()->blockBoundingRect(block);
            m_browser->verticalScrollBar()->setValue(int(where.top()));
            return true;
        }
    }
    return false;
}

} // namespace hopscope
