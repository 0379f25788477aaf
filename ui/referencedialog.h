#pragma once

#include <QDialog>

class QLabel;
class QTextBrowser;
class QUrl;

namespace hopscope {

// A Markdown document of Hopscope's own (Help ▸ File Format Reference), shown in the app
// rather than a browser, with its table of contents' links working.
class ReferenceDialog final : public QDialog {
    Q_OBJECT
public:
    explicit ReferenceDialog(QWidget* parent = nullptr);

    // False, with the reason shown in place of the document, when it cannot be read.
    bool showDocument(const QString& path);
    QString documentPath() const { return m_path; }
    QTextBrowser* browser() const { return m_browser; }

private:
    void followLink(const QUrl& url);
    bool scrollToHeading(const QString& anchor);

    QTextBrowser* m_browser;
    QLabel* m_source;
    QString m_path;
};

} // namespace hopscope
