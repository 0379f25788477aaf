#pragma once

#include <QListView>

namespace hopscope {

// A list that says what will appear in it while it is empty, instead of a blank pane
// (the pattern of QLineEdit::placeholderText, for a view).
class PlaceholderListView final : public QListView {
    Q_OBJECT
public:
    explicit PlaceholderListView(QWidget* parent = nullptr);

    QString placeholderText() const { return m_placeholder; }
    void setPlaceholderText(const QString& text);
    // True while the model has no rows and there is a placeholder to show.
    bool isShowingPlaceholder() const;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString m_placeholder;
};

} // namespace hopscope
