#pragma once

#include <QWidget>

class QCommandLinkButton;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QVBoxLayout;

namespace hopscope {

class Settings;

// What the window shows while no file is open: the ways to begin (open a file, write a new
// one, start the bundled lab, take the walkthrough) and the recent files. It only asks; the
// window does the work and tells it how starting the lab goes.
class WelcomePage final : public QWidget {
    Q_OBJECT
public:
    explicit WelcomePage(Settings* settings, QWidget* parent = nullptr);

    // Starting the lab: its output as it comes, then either the map (the page goes away) or why not.
    void showLabStarting();
    void appendLabOutput(const QString& line);
    void showLabFailed(const QString& message);
    void showLabReady();

    QCommandLinkButton* openButton() const { return m_open; }
    QCommandLinkButton* newButton() const { return m_new; }
    QCommandLinkButton* labButton() const { return m_lab; }
    QCommandLinkButton* walkthroughButton() const { return m_walkthrough; }
    QLabel* labStatus() const { return m_labStatus; }
    QLabel* referenceLink() const { return m_reference; }
    QPlainTextEdit* labOutput() const { return m_labOutput; }
    // One link a recent file, newest first.
    QList<QLabel*> recentLinks() const;

protected:
    void changeEvent(QEvent* event) override;

signals:
    void openRequested();
    void newEnvironmentRequested();
    void labRequested();
    void walkthroughRequested();
    void referenceRequested();
    void recentFileChosen(const QString& path);

private:
    QWidget* createHeader();
    QWidget* createStartColumn();
    QWidget* createSideColumn();
    QWidget* createLabPanel();
    QCommandLinkButton* createCommand(const QString& title, const QString& description, const QIcon& icon);
    // A link and, under it, what it leads to in muted text.
    QWidget* createLink(const QString& href, const QString& text, const QString& detail, QWidget* parent);
    void rebuildRecent(const QStringList& files);

    QCommandLinkButton* m_open = nullptr;
    QCommandLinkButton* m_new = nullptr;
    QCommandLinkButton* m_lab = nullptr;
    QCommandLinkButton* m_walkthrough = nullptr;
    QVBoxLayout* m_recentLayout = nullptr;
    QWidget* m_recentList = nullptr;
    QLabel* m_reference = nullptr;
    QWidget* m_labPanel = nullptr;
    QLabel* m_labStatus = nullptr;
    QLabel* m_labWarning = nullptr;  // the status is a failure
    QProgressBar* m_labBusy = nullptr;
    QPlainTextEdit* m_labOutput = nullptr;
};

} // namespace hopscope
