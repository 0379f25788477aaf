#include "placeholderlistview.h"

#include <QPainter>

namespace hopscope {

PlaceholderListView::PlaceholderListView(QWidget* parent)
    : QListView(parent)
{
}

void PlaceholderListView::setPlaceholderText(const QString& text)
{
    if (text == m_placeholder)
        return;
    m_placeholder = text;
    viewport()->update();
}

bool PlaceholderListView::isShowingPlaceholder() const
{
    return !m_placeholder.isEmpty() && (!model() || model()->rowCount(rootIndex()) == 0);
}

void PlaceholderListView::paintEvent(QPaintEvent* event)
{
    QListView::paintEvent(event);
    if (!isShowingPlaceholder())
        return;
    QPainter painter(viewport());
    painter.setPen(palette().color(QPalette::PlaceholderText));
    const int margin = fontMetrics().height();
    painter.drawText(viewport()->rect().adjusted(margin, margin, -margin, -margin),
                     Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, m_placeholder);
}

} // namespace hopscope
