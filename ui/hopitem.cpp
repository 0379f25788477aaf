#include "hopitem.h"

#include "edgeitem.h"
#include "glyphs.h"
#include "hoptext.h"
#include "statusbadge.h"

#include <QFontMetricsF>
#include <QGraphicsScene>
#include <QPainter>
#include <QPalette>
#include <QStyleOptionGraphicsItem>

namespace hopscope {

namespace {
constexpr qreal Padding = 12;
constexpr qreal TileSize = 30;
constexpr qreal BadgeSize = 20;
constexpr qreal Radius = 8;
constexpr qreal StripWidth = 5;
constexpr qreal PillHeight = 18;
constexpr qreal StaleOpacity = 0.5;
constexpr qreal DimmedOpacity = 0.25;
} // namespace

HopItem::HopItem(const Hop& hop)
    : m_id(QString::fromStdString(hop.id))
    , m_title(HopText::title(hop))
    , m_kindName(HopText::kindName(hop.kind))
    , m_kind(hop.kind)
    , m_checkCount(static_cast<int>(hop.checks.size()))
{
    setFlags(ItemIsSelectable | ItemIsFocusable | ItemSendsGeometryChanges);
    setCacheMode(DeviceCoordinateCache);
    setAcceptHoverEvents(true);
    updateToolTip();
}

QSizeF HopItem::cardSize()
{
    return {212, 118};
}

QRectF HopItem::cardRect() const
{
    const QSizeF size = cardSize();
    return {-size.width() / 2, -size.height() / 2, size.width(), size.height()};
}

QRectF HopItem::boundingRect() const
{
    // Room for the selection outline and for the role pill that sits on the top edge.
    return cardRect().adjusted(-4, -PillHeight / 2 - 2, 4, 4);
}

QString HopItem::keyFigure() const
{
    if (m_state.status == HopStatus::Grey)
        return m_checkCount == 0 ? HopText::tr("no checks") : HopText::statusName(HopStatus::Grey);
    return m_state.figure.isEmpty() ? HopText::statusName(m_state.status) : m_state.figure;
}

void HopItem::setState(const HopState& state)
{
    if (state == m_state)
        return;
    m_state = state;
    setDimmed(m_dimmed);
    updateToolTip();
    update();
}

void HopItem::setDimmed(bool dimmed)
{
    m_dimmed = dimmed;
    // Faded, not hidden: an old answer is still the best one there is.
    setOpacity((m_state.stale ? StaleOpacity : 1.0) * (m_dimmed ? DimmedOpacity : 1.0));
}

void HopItem::setPulsePhase(qreal phase)
{
    m_pulsePhase = phase;
    if (m_state.probing)
        update();
}

void HopItem::updateToolTip()
{
    QString tip = QStringLiteral("<b>%1</b><br>%2 · %3").arg(m_title.toHtmlEscaped(), m_kindName, m_id.toHtmlEscaped());
    QString status = HopText::statusName(m_state.status);
    if (const QString role = HopText::roleName(m_state.role); !role.isEmpty() && m_state.role != HopRole::Degraded)
        status += QStringLiteral(" · ") + role;
    if (m_state.stale)
        status += QStringLiteral(" · ") + HopText::tr("stale");
    tip += QStringLiteral("<br>") + status.toHtmlEscaped();
    if (m_state.status != HopStatus::Grey && !m_state.figure.isEmpty())
        tip += QStringLiteral("<br>") + m_state.figure.toHtmlEscaped();
    setToolTip(tip);
}

void HopItem::addEdge(EdgeItem* edge)
{
    m_edges << edge;
}

QPointF HopItem::inPort() const
{
    return mapToScene(QPointF(cardRect().left(), 0));
}

QPointF HopItem::outPort() const
{
    return mapToScene(QPointF(cardRect().right(), 0));
}

QVariant HopItem::itemChange(GraphicsItemChange change, const QVariant& value)
{
    if (change == ItemPositionHasChanged) {
        for (EdgeItem* edge : std::as_const(m_edges))
            edge->adjust();
    }
    return QGraphicsItem::itemChange(change, value);
}

void HopItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    // The scene follows the application palette, so cards follow light and dark themes.
    const QPalette palette = scene() ? scene()->palette() : QPalette();
    painter->setRenderHint(QPainter::Antialiasing);
    paintCard(*painter, palette);
    const QRectF card = cardRect();
    paintGlyph(*painter, palette, QRectF(card.left() + StripWidth + Padding, card.top() + Padding, TileSize, TileSize));
    paintText(*painter, palette);
    const QRectF badge(card.right() - Padding - BadgeSize, card.top() + Padding + (TileSize - BadgeSize) / 2, BadgeSize,
                       BadgeSize);
    statusbadge::paint(*painter, badge, m_state.status, m_state.stale);
    if (m_state.probing)
        paintPulse(*painter, badge);
    paintRolePill(*painter, palette);
}

void HopItem::paintCard(QPainter& painter, const QPalette& palette) const
{
    const QRectF card = cardRect();
    QPainterPath outline;
    outline.addRoundedRect(card, Radius, Radius);
    painter.fillPath(outline, palette.base());

    // The status colour runs down the left edge, to be seen from across the room.
    const QColor statusColor = statusbadge::color(m_state.status);
    painter.save();
    painter.setClipPath(outline);
    painter.fillRect(QRectF(card.left(), card.top(), StripWidth, card.height()), statusColor);
    painter.restore();

    painter.setBrush(Qt::NoBrush);
    if (m_state.role == HopRole::LikelyCause) {
        // The cause is the card to look at first: a heavy outline in its colour.
        painter.setPen(QPen(statusColor, 3.5));
        painter.drawPath(outline);
        if (isSelected()) {
            QPainterPath inner;
            inner.addRoundedRect(card.adjusted(3.5, 3.5, -3.5, -3.5), Radius - 2, Radius - 2);
            painter.setPen(QPen(palette.highlight(), 2));
            painter.drawPath(inner);
        }
        return;
    }
    if (isSelected())
        painter.setPen(QPen(palette.highlight(), 3));
    else if (m_state.role == HopRole::Symptom)
        painter.setPen(QPen(statusColor, 1.2, Qt::DashLine));  // red, but plainly secondary
    else
        painter.setPen(QPen(palette.color(QPalette::Mid), 1));
    painter.drawPath(outline);
}

void HopItem::paintGlyph(QPainter& painter, const QPalette& palette, const QRectF& tile) const
{
    QColor tint = palette.color(QPalette::Highlight);
    tint.setAlphaF(0.16f);
    painter.setPen(Qt::NoPen);
    painter.setBrush(tint);
    painter.drawRoundedRect(tile, 7, 7);

    painter.save();
    const qreal inset = 6;
    painter.translate(tile.topLeft() + QPointF(inset, inset));
    painter.scale((tile.width() - 2 * inset) / 24.0, (tile.height() - 2 * inset) / 24.0);
    painter.setPen(QPen(palette.color(QPalette::Text), 1.7, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter.setBrush(Qt::NoBrush);
    painter.drawPath(glyphs::hopKind(m_kind));
    painter.restore();
}

// Top row: glyph, kind and number of checks, status badge. Then the title across the whole
// card, then the figure an engineer scans for on up to two lines: latency, rows, the cause.
void HopItem::paintText(QPainter& painter, const QPalette& palette) const
{
    const QRectF card = cardRect();
    const qreal left = card.left() + StripWidth + Padding;
    const qreal width = card.right() - Padding - left;
    const QFont base = scene() ? scene()->font() : QFont();
    const QFontMetricsF metrics(base);

    const qreal kindLeft = left + TileSize + 8;
    const qreal kindWidth = card.right() - Padding - BadgeSize - 6 - kindLeft;
    const QString kind = m_checkCount > 0 ? QStringLiteral("%1 · %2").arg(m_kindName, HopText::checkCount(m_checkCount))
                                          : m_kindName;
    painter.setFont(base);
    painter.setPen(palette.color(QPalette::PlaceholderText));
    painter.drawText(QRectF(kindLeft, card.top() + Padding, kindWidth, TileSize), Qt::AlignLeft | Qt::AlignVCenter,
                     metrics.elidedText(kind, Qt::ElideRight, kindWidth));

    QFont titleFont = base;
    titleFont.setBold(true);
    titleFont.setPointSizeF(base.pointSizeF() * 1.1);
    const QFontMetricsF titleMetrics(titleFont);
    painter.setFont(titleFont);
    painter.setPen(palette.color(QPalette::Text));
    const QRectF titleRect(left, card.top() + Padding + TileSize + 6, width, titleMetrics.height());
    painter.drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter, titleMetrics.elidedText(m_title, Qt::ElideRight, width));

    QFont figureFont = base;
    figureFont.setItalic(m_state.status == HopStatus::Grey);
    const QFontMetricsF figureMetrics(figureFont);
    painter.setFont(figureFont);
    painter.setPen(m_state.status == HopStatus::Grey ? palette.color(QPalette::PlaceholderText)
                                                     : palette.color(QPalette::Text));
    const qreal lineHeight = figureMetrics.lineSpacing();
    const QRectF figureRect(left, titleRect.bottom() + 4, width, 2 * lineHeight);
    // Two lines, the second elided: a message is worth more than a tidy card.
    const QString text = keyFigure();
    int breakAt = int(text.size());
    while (breakAt > 0 && figureMetrics.horizontalAdvance(text.left(breakAt)) > width)
        breakAt = int(text.lastIndexOf(u' ', breakAt - 1));
    if (breakAt <= 0 || breakAt == text.size()) {
        painter.drawText(QRectF(figureRect.topLeft(), QSizeF(width, lineHeight)), Qt::AlignLeft | Qt::AlignVCenter,
                         figureMetrics.elidedText(text, Qt::ElideRight, width));
    } else {
        painter.drawText(QRectF(figureRect.topLeft(), QSizeF(width, lineHeight)), Qt::AlignLeft | Qt::AlignVCenter,
                         text.left(breakAt));
        painter.drawText(QRectF(figureRect.left(), figureRect.top() + lineHeight, width, lineHeight),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         figureMetrics.elidedText(text.mid(breakAt + 1), Qt::ElideRight, width));
    }
}

void HopItem::paintRolePill(QPainter& painter, const QPalette& palette) const
{
    if (m_state.role != HopRole::LikelyCause && m_state.role != HopRole::Symptom)
        return;
    const bool cause = m_state.role == HopRole::LikelyCause;
    QFont font = scene() ? scene()->font() : QFont();
    font.setBold(cause);
    font.setPointSizeF(font.pointSizeF() * 0.85);
    const QString text = cause ? HopText::roleName(m_state.role).toUpper() : HopText::roleName(m_state.role);
    const QFontMetricsF metrics(font);
    const QRectF card = cardRect();
    const QRectF pill(card.left() + StripWidth + Padding, card.top() - PillHeight / 2,
                      metrics.horizontalAdvance(text) + 16, PillHeight);
    const QColor colour = statusbadge::color(m_state.status);
    painter.setPen(cause ? QPen(colour, 1) : QPen(colour, 1, Qt::DashLine));
    painter.setBrush(cause ? QBrush(colour) : palette.base());
    painter.drawRoundedRect(pill, PillHeight / 2, PillHeight / 2);
    painter.setFont(font);
    painter.setPen(cause ? QColor(Qt::white) : palette.color(QPalette::Text));
    painter.drawText(pill, Qt::AlignCenter, text);
}

void HopItem::paintPulse(QPainter& painter, const QRectF& badge) const
{
    // A quarter ring turning round the badge while a probe is out.
    const QColor ring = scene() ? scene()->palette().color(QPalette::Highlight) : QColor(Qt::blue);
    painter.setPen(QPen(ring, 2, Qt::SolidLine, Qt::RoundCap));
    painter.setBrush(Qt::NoBrush);
    const int start = int(-m_pulsePhase * 360 * 16);
    painter.drawArc(badge.adjusted(-4, -4, 4, 4), start, 100 * 16);
}

} // namespace hopscope
